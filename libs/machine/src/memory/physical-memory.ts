// Machine (physical) memory of the cc-NUMA board: one contiguous RAM array split into equal
// per-node ranges, plus the memory-mapped device windows above RAM. Views are made once;
// the CPU's hot path indexes `u8`/`i32` directly and only calls into here for MMIO.

import type { MmioDevice } from '../devices/device.js';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;

export interface MmioMapping {
  readonly base: number;
  readonly device: MmioDevice;
}

export class PhysicalMemory {
  readonly buffer: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  /** Bytes of RAM per node; node n owns [n * nodeBytes, (n + 1) * nodeBytes). */
  readonly nodeBytes: number;
  readonly pages: number;
  private readonly mmio: MmioMapping[] = [];

  constructor(
    readonly size: number,
    readonly nodes: number = 1,
  ) {
    if (size <= 0 || size % (PAGE_SIZE * nodes) !== 0) {
      throw new RangeError(`memory size ${size} must be a positive multiple of ${PAGE_SIZE * nodes}`);
    }
    this.buffer = new ArrayBuffer(size);
    this.u8 = new Uint8Array(this.buffer);
    this.u16 = new Uint16Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.f64 = new Float64Array(this.buffer);
    this.nodeBytes = size / nodes;
    this.pages = size >>> PAGE_SHIFT;
  }

  /** The node owning machine address `pa` (RAM only). */
  nodeOf(pa: number): number {
    return Math.floor(pa / this.nodeBytes);
  }

  isRam(pa: number): boolean {
    return pa >= 0 && pa < this.size;
  }

  /** Map a device window; windows must not overlap RAM or each other. */
  map(base: number, device: MmioDevice): void {
    const end = base + device.size;
    if (base < this.size) throw new RangeError(`device ${device.name} at ${hex(base)} overlaps RAM`);
    for (const m of this.mmio) {
      if (base < m.base + m.device.size && end > m.base) {
        throw new RangeError(`device ${device.name} at ${hex(base)} overlaps ${m.device.name}`);
      }
    }
    this.mmio.push({ base, device });
  }

  get mappings(): readonly MmioMapping[] {
    return this.mmio;
  }

  /** Find the device covering `pa`, or undefined (a bus error). */
  deviceAt(pa: number): MmioMapping | undefined {
    for (let i = 0; i < this.mmio.length; i++) {
      const m = this.mmio[i];
      if (pa >= m.base && pa < m.base + m.device.size) return m;
    }
    return undefined;
  }

  /**
   * Read `bytes` (1, 2 or 4) at a non-RAM address. Returns the zero-extended value, or -1 on a
   * bus error (no device there). Sub-word reads take the containing register's bytes.
   */
  readIo(pa: number, bytes: number): number {
    const m = this.deviceAt(pa);
    if (m === undefined) return -1;
    const off = pa - m.base;
    const word = m.device.read32(off & ~3) >>> 0;
    if (bytes === 4) return word;
    const shift = (off & 3) * 8;
    return bytes === 2 ? (word >>> shift) & 0xffff : (word >>> shift) & 0xff;
  }

  /**
   * Write at a non-RAM address. Returns false on a bus error. A sub-word write reaches the
   * containing register as a 32-bit write of the value shifted into its byte lane (other lanes 0):
   * device registers are meant to be written whole, and a read-modify-write could pop a FIFO.
   */
  writeIo(pa: number, bytes: number, value: number): boolean {
    const m = this.deviceAt(pa);
    if (m === undefined) return false;
    const off = pa - m.base;
    if (bytes === 4) {
      m.device.write32(off, value | 0);
      return true;
    }
    const shift = (off & 3) * 8;
    const mask = bytes === 2 ? 0xffff : 0xff;
    m.device.write32(off & ~3, ((value & mask) << shift) | 0);
    return true;
  }

  /** Copy host bytes into RAM (DMA, loaders). Throws on a range outside RAM: callers validate first. */
  writeBytes(pa: number, data: Uint8Array): void {
    if (pa < 0 || pa + data.length > this.size) throw new RangeError(`DMA write ${hex(pa)}+${data.length} outside RAM`);
    this.u8.set(data, pa);
  }

  readBytes(pa: number, length: number): Uint8Array {
    if (pa < 0 || pa + length > this.size) throw new RangeError(`DMA read ${hex(pa)}+${length} outside RAM`);
    return this.u8.slice(pa, pa + length);
  }
}

export function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}
