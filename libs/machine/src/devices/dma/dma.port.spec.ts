// Unit tests of the RAM DMA port: range validation and write notification.
import { describe, expect, it } from '@jest/globals';
import { PhysicalMemory } from '../../memory/physical-memory.js';
import { dmaRangeOk, ramDmaPort } from './dma.port.js';

describe('ramDmaPort', () => {
  const memory = new PhysicalMemory(0x10000, 2);

  it('returns live views of RAM ranges', () => {
    const port = ramDmaPort(memory);
    const v = port.view(0x100, 4);
    expect(v).not.toBeNull();
    v!.set([1, 2, 3, 4]);
    expect(Array.from(memory.u8.subarray(0x100, 0x104))).toEqual([1, 2, 3, 4]);
  });

  it('refuses ranges outside RAM, including wrap-around addresses', () => {
    const port = ramDmaPort(memory);
    expect(port.view(0xfffc, 8)).toBeNull();
    expect(port.view(0x10000, 1)).toBeNull();
    expect(port.view(0xfffffff0, 4)).toBeNull();
    expect(port.view(-4, 4)).toBeNull();
    expect(port.view(0xfffc, 4)).not.toBeNull();
    expect(port.view(0x10000, 0)).not.toBeNull();
  });

  it('reports writes to the callback', () => {
    const seen: number[][] = [];
    const port = ramDmaPort(memory, (pa, len) => seen.push([pa, len]));
    port.didWrite(0x200, 16);
    port.didWrite(0x200, 0);
    expect(seen).toEqual([[0x200, 16]]);
  });

  it('dmaRangeOk rejects non-integers', () => {
    expect(dmaRangeOk(1.5, 4, 100)).toBe(false);
    expect(dmaRangeOk(0, 100, 100)).toBe(true);
  });
});
