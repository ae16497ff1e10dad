// DMA access to machine RAM for the DMA-capable devices (block, net). A device asks for a live
// view of a RAM range (null when any byte of it is not RAM: the device then reports an error to
// the guest, never throws) and reports the ranges it wrote so the machine can invalidate caches
// and break LL links.

import type { PhysicalMemory } from '../../memory/physical-memory.js';

export interface DmaPort {
  /** RAM bytes [pa, pa + length) as a live view, or null when the range is not entirely RAM. */
  view(pa: number, length: number): Uint8Array | null;
  /** Tell the machine a device wrote RAM [pa, pa + length). */
  didWrite(pa: number, length: number): void;
}

/** True when [pa, pa + length) is a valid (non-wrapping) range inside `ramBytes`. */
export function dmaRangeOk(pa: number, length: number, ramBytes: number): boolean {
  return (
    Number.isInteger(pa) && Number.isInteger(length) && pa >= 0 && length >= 0 && pa + length <= ramBytes
  );
}

/** A DmaPort over the machine's RAM; `onWrite` (optional) sees every device write. */
export function ramDmaPort(memory: PhysicalMemory, onWrite?: (pa: number, length: number) => void): DmaPort {
  return {
    view(pa: number, length: number): Uint8Array | null {
      const start = pa >>> 0;
      if (!dmaRangeOk(start, length, memory.size)) return null;
      return memory.u8.subarray(start, start + length);
    },
    didWrite(pa: number, length: number): void {
      if (onWrite !== undefined && length > 0) onWrite(pa >>> 0, length);
    },
  };
}
