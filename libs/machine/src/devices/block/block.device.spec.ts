// Unit tests of the block controller (commands, DMA, errors, latency, interrupt) and of the
// memory and file backends.
import { afterAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PhysicalMemory } from '../../memory/physical-memory.js';
import { ramDmaPort } from '../dma/index.js';
import {
  BLOCK,
  BLOCK_COMMAND,
  BLOCK_ERROR,
  BLOCK_IRQ,
  BLOCK_REG,
  BLOCK_STATUS,
  BlockDevice,
  FileBlockBackend,
  MemoryBlockBackend,
  type BlockBackend,
  type BlockLatency,
} from './index.js';

const RAM = 0x100000;

function make(backend?: BlockBackend, latency?: BlockLatency) {
  const memory = new PhysicalMemory(RAM, 2);
  const writes: number[][] = [];
  const irq: boolean[] = [];
  const dev = new BlockDevice({
    unit: 1,
    dma: ramDmaPort(memory, (pa, len) => writes.push([pa, len])),
    backend,
    irq: { set: (a) => irq.push(a) },
    latency,
  });
  return { memory, dev, writes, irq };
}

function command(dev: BlockDevice, cmd: number, sector: number, count: number, addr: number): void {
  dev.write32(BLOCK_REG.SECTOR, sector);
  dev.write32(BLOCK_REG.COUNT, count);
  dev.write32(BLOCK_REG.DMA_ADDR, addr);
  dev.write32(BLOCK_REG.COMMAND, cmd);
}

function patterned(sectors: number): MemoryBlockBackend {
  const disk = new MemoryBlockBackend(sectors);
  for (let i = 0; i < disk.data.length; i++) disk.data[i] = (i * 7 + (i >> 9)) & 0xff;
  return disk;
}

describe('BlockDevice', () => {
  it('reports its geometry', () => {
    const { dev } = make(new MemoryBlockBackend(100, { readOnly: true }));
    expect(dev.name).toBe('block1');
    expect(dev.read32(BLOCK_REG.CAPACITY)).toBe(100);
    expect(dev.read32(BLOCK_REG.SECTOR_SIZE)).toBe(BLOCK.SECTOR_BYTES);
    expect(dev.read32(BLOCK_REG.MAX_SECTORS)).toBe(BLOCK.MAX_SECTORS);
    expect(dev.read32(BLOCK_REG.STATUS)).toBe(BLOCK_STATUS.MEDIA | BLOCK_STATUS.READ_ONLY);
  });

  it('reads sectors into RAM by DMA and reports the write', () => {
    const disk = patterned(16);
    const { dev, memory, writes } = make(disk);
    command(dev, BLOCK_COMMAND.READ, 3, 2, 0x2000);
    expect(dev.read32(BLOCK_REG.STATUS) & (BLOCK_STATUS.DONE | BLOCK_STATUS.ERROR | BLOCK_STATUS.BUSY)).toBe(
      BLOCK_STATUS.DONE,
    );
    expect(dev.read32(BLOCK_REG.ERROR)).toBe(BLOCK_ERROR.NONE);
    expect(memory.u8.subarray(0x2000, 0x2400)).toEqual(disk.data.subarray(3 * 512, 5 * 512));
    expect(writes).toEqual([[0x2000, 1024]]);
    expect(dev.stats.sectorsRead).toBe(2);
  });

  it('writes RAM to sectors', () => {
    const disk = new MemoryBlockBackend(8);
    const { dev, memory, writes } = make(disk);
    for (let i = 0; i < 512; i++) memory.u8[0x3001 + i] = i & 0xff;
    command(dev, BLOCK_COMMAND.WRITE, 7, 1, 0x3001);
    expect(dev.read32(BLOCK_REG.ERROR)).toBe(BLOCK_ERROR.NONE);
    expect(disk.data.subarray(7 * 512, 8 * 512)).toEqual(memory.u8.subarray(0x3001, 0x3201));
    expect(writes).toEqual([]);
    command(dev, BLOCK_COMMAND.FLUSH, 0, 0, 0);
    expect(dev.read32(BLOCK_REG.STATUS) & BLOCK_STATUS.DONE).toBe(BLOCK_STATUS.DONE);
  });

  it.each([
    ['sector past the end', BLOCK_COMMAND.READ, 15, 2, 0, BLOCK_ERROR.OUT_OF_RANGE],
    ['zero count', BLOCK_COMMAND.READ, 0, 0, 0, BLOCK_ERROR.OUT_OF_RANGE],
    ['count above the maximum', BLOCK_COMMAND.READ, 0, BLOCK.MAX_SECTORS + 1, 0, BLOCK_ERROR.OUT_OF_RANGE],
    ['huge sector', BLOCK_COMMAND.WRITE, 0xffffffff, 1, 0, BLOCK_ERROR.OUT_OF_RANGE],
    ['DMA past RAM', BLOCK_COMMAND.READ, 0, 2, RAM - 512, BLOCK_ERROR.BAD_DMA],
    ['DMA in device space', BLOCK_COMMAND.READ, 0, 1, 0x1f002000, BLOCK_ERROR.BAD_DMA],
    ['DMA wrapping', BLOCK_COMMAND.WRITE, 0, 1, 0xffffff00, BLOCK_ERROR.BAD_DMA],
    ['unknown command', 9, 0, 1, 0, BLOCK_ERROR.BAD_COMMAND],
  ])('fails with a named error: %s', (_what, cmd, sector, count, addr, error) => {
    const { dev, memory } = make(patterned(16));
    const before = memory.u8.slice(0, 4096);
    command(dev, cmd, sector, count, addr);
    expect(dev.read32(BLOCK_REG.STATUS) & (BLOCK_STATUS.DONE | BLOCK_STATUS.ERROR)).toBe(BLOCK_STATUS.ERROR);
    expect(dev.read32(BLOCK_REG.ERROR)).toBe(error);
    expect(memory.u8.slice(0, 4096)).toEqual(before);
    expect(dev.stats.errors).toBe(1);
  });

  it('fails without media and on read-only disks', () => {
    const empty = make();
    command(empty.dev, BLOCK_COMMAND.READ, 0, 1, 0);
    expect(empty.dev.read32(BLOCK_REG.ERROR)).toBe(BLOCK_ERROR.NO_MEDIA);
    expect(empty.dev.read32(BLOCK_REG.CAPACITY)).toBe(0);
    const ro = make(new MemoryBlockBackend(4, { readOnly: true }));
    command(ro.dev, BLOCK_COMMAND.WRITE, 0, 1, 0);
    expect(ro.dev.read32(BLOCK_REG.ERROR)).toBe(BLOCK_ERROR.READ_ONLY);
    command(ro.dev, BLOCK_COMMAND.READ, 0, 1, 0);
    expect(ro.dev.read32(BLOCK_REG.ERROR)).toBe(BLOCK_ERROR.NONE);
  });

  it('turns host failures into IO_ERROR', () => {
    const failing: BlockBackend = {
      sectorCount: 8,
      read: () => {
        throw new Error('EIO');
      },
      write: () => {
        throw new Error('EIO');
      },
      flush: () => {
        throw new Error('EIO');
      },
    };
    const { dev, writes } = make(failing);
    for (const cmd of [BLOCK_COMMAND.READ, BLOCK_COMMAND.WRITE, BLOCK_COMMAND.FLUSH]) {
      command(dev, cmd, 0, 1, 0x1000);
      expect(dev.read32(BLOCK_REG.ERROR)).toBe(BLOCK_ERROR.IO_ERROR);
    }
    expect(writes).toEqual([[0x1000, 512]]); // a failed read may have touched RAM
  });

  it('raises a completion interrupt until DONE/ERROR are cleared', () => {
    const { dev, irq } = make(patterned(4));
    dev.write32(BLOCK_REG.IRQ_ENABLE, BLOCK_IRQ.COMPLETE);
    command(dev, BLOCK_COMMAND.READ, 0, 1, 0);
    expect(irq).toEqual([true]);
    dev.write32(BLOCK_REG.STATUS, BLOCK_STATUS.DONE);
    expect(irq).toEqual([true, false]);
    expect(dev.read32(BLOCK_REG.STATUS) & BLOCK_STATUS.DONE).toBe(0);
    command(dev, BLOCK_COMMAND.READ, 99, 1, 0);
    expect(irq).toEqual([true, false, true]);
    dev.write32(BLOCK_REG.STATUS, BLOCK_STATUS.ERROR);
    expect(irq).toEqual([true, false, true, false]);
  });

  it('models latency: BUSY until tick reaches the due time, then the data moves', () => {
    const disk = patterned(8);
    const { dev, memory, irq } = make(disk, { fixedCycles: 1000, perSectorCycles: 100 });
    dev.write32(BLOCK_REG.IRQ_ENABLE, BLOCK_IRQ.COMPLETE);
    expect(dev.tick(5000)).toBe(Infinity);
    command(dev, BLOCK_COMMAND.READ, 1, 2, 0x800);
    expect(dev.read32(BLOCK_REG.STATUS) & BLOCK_STATUS.BUSY).toBe(BLOCK_STATUS.BUSY);
    expect(memory.u8[0x800]).toBe(0);
    // A second command while busy is ignored.
    command(dev, BLOCK_COMMAND.WRITE, 0, 1, 0);
    expect(dev.read32(BLOCK_REG.COMMAND)).toBe(BLOCK_COMMAND.READ);
    expect(dev.tick(5600)).toBe(600);
    expect(irq).toEqual([]);
    expect(dev.tick(6200)).toBe(Infinity);
    expect(dev.read32(BLOCK_REG.STATUS) & (BLOCK_STATUS.BUSY | BLOCK_STATUS.DONE)).toBe(BLOCK_STATUS.DONE);
    expect(memory.u8.subarray(0x800, 0xc00)).toEqual(disk.data.subarray(512, 1536));
    expect(irq).toEqual([true]);
  });

  it('uses the precise clock when given', () => {
    const memory = new PhysicalMemory(RAM, 1);
    let now = 100;
    const dev = new BlockDevice({
      unit: 0,
      dma: ramDmaPort(memory),
      backend: new MemoryBlockBackend(4),
      latency: { fixedCycles: 50, perSectorCycles: 0 },
      clock: () => now,
    });
    now = 1000;
    command(dev, BLOCK_COMMAND.FLUSH, 0, 0, 0);
    expect(dev.tick(1010)).toBe(40);
  });

  it('reset abandons the command in flight and lowers the line', () => {
    const { dev, irq } = make(patterned(4), { fixedCycles: 10, perSectorCycles: 0 });
    dev.write32(BLOCK_REG.IRQ_ENABLE, BLOCK_IRQ.COMPLETE);
    command(dev, BLOCK_COMMAND.READ, 0, 1, 0);
    dev.reset();
    expect(dev.tick(100)).toBe(Infinity);
    expect(dev.read32(BLOCK_REG.STATUS)).toBe(BLOCK_STATUS.MEDIA);
    expect(irq).toEqual([]);
  });

  it('never throws on guest access anywhere in its window', () => {
    const { dev } = make(patterned(4));
    for (let off = 0; off < dev.size; off += 4) {
      expect(() => dev.write32(off, 0xffffffff)).not.toThrow();
      expect(() => dev.read32(off)).not.toThrow();
    }
    expect(dev.read32(0x800)).toBe(0);
  });
});

describe('FileBlockBackend', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'disco-block-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates, writes, reads back and flushes an image', () => {
    const file = path.join(dir, 'a.img');
    const disk = new FileBlockBackend(file, { createBytes: 8 * 512 + 100 });
    expect(disk.sectorCount).toBe(8);
    const data = new Uint8Array(1024).map((_, i) => i % 251);
    disk.write(2, data);
    disk.flush();
    const back = new Uint8Array(1024);
    disk.read(2, 2, back);
    expect(back).toEqual(data);
    disk.close();
    expect(fs.readFileSync(file).subarray(1024, 2048)).toEqual(Buffer.from(data));
  });

  it('drives the controller; read-only images refuse writes', () => {
    const file = path.join(dir, 'b.img');
    fs.writeFileSync(file, Buffer.alloc(4 * 512, 0x5a));
    const disk = new FileBlockBackend(file, { readOnly: true });
    const { dev, memory } = make(disk);
    command(dev, BLOCK_COMMAND.READ, 1, 3, 0x100);
    expect(dev.read32(BLOCK_REG.ERROR)).toBe(BLOCK_ERROR.NONE);
    expect(memory.u8[0x100]).toBe(0x5a);
    expect(memory.u8[0x100 + 3 * 512 - 1]).toBe(0x5a);
    command(dev, BLOCK_COMMAND.WRITE, 0, 1, 0);
    expect(dev.read32(BLOCK_REG.ERROR)).toBe(BLOCK_ERROR.READ_ONLY);
    disk.close();
    command(dev, BLOCK_COMMAND.READ, 0, 1, 0);
    expect(dev.read32(BLOCK_REG.ERROR)).toBe(BLOCK_ERROR.IO_ERROR);
  });
});

describe('MemoryBlockBackend', () => {
  it('rejects images that are not whole sectors', () => {
    expect(() => new MemoryBlockBackend(new Uint8Array(100))).toThrow(RangeError);
  });
});
