// Shared pieces of the syscall handlers: the handler type, the "no result" marker for calls
// that set registers themselves (exit, execve, sigreturn), and a little-endian struct builder.

import type { Kernel } from '../kernel.js';
import type { Process } from '../process.js';

/** The handler took care of the registers and pc (exit, execve, sigreturn). */
export const NO_RESULT = -0x100001;

/** A syscall handler: a result >= 0, a negative errno, WOULD_BLOCK or NO_RESULT. */
export type Handler = (k: Kernel, p: Process) => number;

export type HandlerTable = Record<number, Handler>;

/** A zeroed little-endian struct being filled in for the guest. */
export class Struct {
  readonly bytes: Uint8Array;
  private readonly dv: DataView;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.dv = new DataView(this.bytes.buffer);
  }
  u8(off: number, v: number): this {
    this.dv.setUint8(off, v & 0xff);
    return this;
  }
  u16(off: number, v: number): this {
    this.dv.setUint16(off, v & 0xffff, true);
    return this;
  }
  u32(off: number, v: number): this {
    this.dv.setUint32(off, Math.trunc(v) >>> 0, true);
    return this;
  }
  /** A 64-bit field from a number or bigint (two's complement for negatives). */
  u64(off: number, v: number | bigint): this {
    this.dv.setBigUint64(off, BigInt.asUintN(64, typeof v === 'bigint' ? v : BigInt(Math.trunc(v))), true);
    return this;
  }
  str(off: number, s: string, max: number): this {
    const b = Buffer.from(s, 'utf8').subarray(0, max - 1);
    this.bytes.set(b, off);
    return this;
  }
}

/** Read a little-endian struct from the guest: a DataView, or null on a fault. */
export function readStruct(p: Process, va: number, size: number): DataView | null {
  const b = p.mm.read(va, size);
  return b === null ? null : new DataView(b.buffer);
}

/** Signed 64-bit value from two 32-bit words. */
export function join64(lo: number, hi: number): number {
  return (hi | 0) * 4294967296 + (lo >>> 0);
}
