// Guest virtual memory for the Linux user-mode runner: a frame allocator over the shared
// PhysicalMemory pool (reference counted, for copy-on-write fork) and one AddressSpace per
// process. The page table is ours; the CPU only sees it through its fast map. Pages are
// allocated on first touch, forked copy-on-write, and every host-side access goes through
// helpers that return failure values (never throw) on bad guest pointers.

import type { Cpu } from '../cpu/cpu.js';
import type { PhysicalMemory } from '../memory/physical-memory.js';
import { FT_FRAME_SHIFT, FT_VALID, FT_WRITABLE } from '../mmu/fast-map.js';

export const PAGE = 4096;
/** Page table entry = frame * PTE_FRAME + flags; frame 0 means "not allocated yet" (zero page). */
export const PTE_R = 1;
export const PTE_W = 2;
export const PTE_X = 4;
/** The frame may be shared with another process: copy it before the first write. */
export const PTE_COW = 8;
/** MAP_SHARED: fork shares the frame instead of copying it. */
export const PTE_SHARED = 16;
const PTE_FRAME = 32;
const PROT_BITS = PTE_R | PTE_W | PTE_X;
/** Largest single host-side copy of guest memory (guards allocations against guest lengths). */
const MAX_COPY = 64 * 1024 * 1024;

/** Result of a page fault: resolved, or the SIGSEGV si_code, or out of memory. */
export const FAULT_OK = 0;
export const FAULT_MAPERR = 1;
export const FAULT_ACCERR = 2;
export const FAULT_OOM = -1;

export class FrameAllocator {
  private readonly refs: Uint32Array;
  private readonly free: number[] = [];
  /** Frames at or above `next` have never been handed out (still zero from the OS). */
  private next = 1;
  readonly total: number;
  inUse = 0;

  constructor(readonly mem: PhysicalMemory) {
    this.total = mem.size / PAGE;
    this.refs = new Uint32Array(this.total);
  }

  /** A fresh frame with reference count 1 (zeroed unless `zero` is false), or -1 when full. */
  alloc(zero = true): number {
    let f: number;
    if (this.free.length > 0) {
      f = this.free.pop()!;
      if (zero) this.mem.u8.fill(0, f * PAGE, f * PAGE + PAGE);
    } else if (this.next < this.total) f = this.next++;
    else return -1;
    this.refs[f] = 1;
    this.inUse++;
    return f;
  }

  ref(f: number): void {
    this.refs[f]++;
  }

  refCount(f: number): number {
    return this.refs[f];
  }

  unref(f: number): void {
    if (f === 0 || this.refs[f] === 0) return;
    if (--this.refs[f] === 0) {
      this.free.push(f);
      this.inUse--;
    }
  }
}

export class AddressSpace {
  /** vpn -> pte. */
  readonly pages = new Map<number, number>();
  /** The stack grows down on demand from stackLowVpn to stackLimitVpn (Linux's VM_GROWSDOWN). */
  stackLowVpn = 0;
  stackLimitVpn = 0;

  constructor(
    readonly frames: FrameAllocator,
    readonly cpu: Cpu,
  ) {}

  private get u8(): Uint8Array {
    return this.frames.mem.u8;
  }

  /** The CPU fast-map entry for a pte (0: the access must fault to us first). */
  private install(vpn: number, pte: number): void {
    const frame = Math.floor(pte / PTE_FRAME);
    let e = 0;
    if (frame !== 0 && (pte & PROT_BITS) !== 0) {
      e = (frame << FT_FRAME_SHIFT) | FT_VALID;
      if ((pte & PTE_W) !== 0 && (pte & PTE_COW) === 0) e |= FT_WRITABLE;
    }
    if (e !== 0) this.cpu.fast.set(vpn, e);
    else this.cpu.fast.entries[vpn] = 0;
    this.cpu.fetchTag = -1;
  }

  private release(vpn: number): void {
    const pte = this.pages.get(vpn);
    if (pte === undefined) return;
    this.frames.unref(Math.floor(pte / PTE_FRAME));
    this.pages.delete(vpn);
    this.cpu.fast.entries[vpn] = 0;
  }

  /** The frame behind page `vpn` (0 when not allocated yet or unmapped). */
  frameOf(vpn: number): number {
    const pte = this.pages.get(vpn);
    return pte === undefined ? 0 : Math.floor(pte / PTE_FRAME);
  }

  isMapped(vpn: number): boolean {
    return this.pages.has(vpn);
  }

  /** Map `count` demand-zero pages at `vpn` with protection `prot` (PTE_R/W/X), replacing what was there. */
  map(vpn: number, count: number, prot: number, shared = false): void {
    const flags = (prot & PROT_BITS) | (shared ? PTE_SHARED : 0);
    for (let i = 0; i < count; i++) {
      this.release(vpn + i);
      this.pages.set(vpn + i, flags);
    }
    this.cpu.fetchTag = -1;
  }

  /**
   * Map an existing frame at `vpn`: shared for good (the trampoline page), or copy-on-write
   * (program text shared between processes running the same ELF).
   */
  mapFrame(vpn: number, frame: number, prot: number, cow = false): void {
    this.release(vpn);
    this.frames.ref(frame);
    const pte = frame * PTE_FRAME + (prot & PROT_BITS) + (cow ? PTE_COW : PTE_SHARED);
    this.pages.set(vpn, pte);
    this.install(vpn, pte);
  }

  unmap(vpn: number, count: number): void {
    for (let i = 0; i < count; i++) this.release(vpn + i);
    this.cpu.fetchTag = -1;
  }

  /** Change protection; false when some page of the range is not mapped (ENOMEM). */
  protect(vpn: number, count: number, prot: number): boolean {
    for (let i = 0; i < count; i++) if (!this.pages.has(vpn + i)) return false;
    for (let i = 0; i < count; i++) {
      const pte = this.pages.get(vpn + i)!;
      const next = pte - (pte & PROT_BITS) + (prot & PROT_BITS);
      this.pages.set(vpn + i, next);
      this.install(vpn + i, next);
    }
    return true;
  }

  /** PTE_R/W/X of a mapped page, or -1. */
  protOf(vpn: number): number {
    const pte = this.pages.get(vpn);
    return pte === undefined ? -1 : pte & PROT_BITS;
  }

  /** MADV_DONTNEED: private pages go back to demand-zero (shared ones keep their frame). */
  discard(vpn: number, count: number): void {
    for (let i = 0; i < count; i++) {
      const pte = this.pages.get(vpn + i);
      if (pte === undefined || (pte & PTE_SHARED) !== 0) continue;
      this.frames.unref(Math.floor(pte / PTE_FRAME));
      const next = pte % PTE_FRAME & ~PTE_COW;
      this.pages.set(vpn + i, next);
      this.install(vpn + i, next);
    }
  }

  /** Move the mappings of [from, from+count) to [to, to+count) (mremap); the target must be free. */
  move(from: number, to: number, count: number): void {
    for (let i = 0; i < count; i++) {
      const pte = this.pages.get(from + i);
      if (pte === undefined) continue;
      this.pages.delete(from + i);
      this.cpu.fast.entries[from + i] = 0;
      this.pages.set(to + i, pte);
      this.install(to + i, pte);
    }
    this.cpu.fetchTag = -1;
  }

  /** Map the stack down to `vpn` when it lies in the stack's growth area; false otherwise. */
  private growStack(vpn: number): boolean {
    if (vpn < this.stackLimitVpn || vpn >= this.stackLowVpn) return false;
    for (let v = vpn; v < this.stackLowVpn; v++) if (this.pages.has(v)) return false;
    this.map(vpn, this.stackLowVpn - vpn, PROT_BITS);
    this.stackLowVpn = vpn;
    return true;
  }

  /** Resolve a CPU fault on `va` (load/fetch or store). */
  fault(va: number, write: boolean): number {
    const vpn = va >>> 12;
    if (!this.pages.has(vpn)) this.growStack(vpn);
    const pte = this.pages.get(vpn);
    if (pte === undefined) return FAULT_MAPERR;
    if ((pte & PROT_BITS) === 0 || (write && (pte & PTE_W) === 0)) return FAULT_ACCERR;
    const base = write ? this.pageForWrite(vpn) : this.pageForRead(vpn);
    return base === -1 ? FAULT_OOM : FAULT_OK;
  }

  /** Machine address of page `vpn` for reading (allocating a zero page on first touch), or -1. */
  pageForRead(vpn: number): number {
    let pte = this.pages.get(vpn);
    if (pte === undefined && this.growStack(vpn)) pte = this.pages.get(vpn);
    if (pte === undefined || (pte & PROT_BITS) === 0) return -1;
    let frame = Math.floor(pte / PTE_FRAME);
    if (frame === 0) {
      frame = this.frames.alloc();
      if (frame === -1) return -1;
      const next = frame * PTE_FRAME + (pte % PTE_FRAME);
      this.pages.set(vpn, next);
      this.install(vpn, next);
    } else if (this.cpu.fast.entries[vpn] === 0) this.install(vpn, pte);
    return frame * PAGE;
  }

  /** Machine address of page `vpn` for writing (breaking copy-on-write), or -1. Ignores PROT_WRITE when `force`. */
  pageForWrite(vpn: number, force = false): number {
    let pte = this.pages.get(vpn);
    if (pte === undefined && this.growStack(vpn)) pte = this.pages.get(vpn);
    if (pte === undefined || (!force && (pte & PTE_W) === 0)) return -1;
    let frame = Math.floor(pte / PTE_FRAME);
    let flags = pte % PTE_FRAME;
    if (frame === 0) {
      frame = this.frames.alloc();
      if (frame === -1) return -1;
    } else if ((flags & PTE_COW) !== 0) {
      if (this.frames.refCount(frame) > 1) {
        const copy = this.frames.alloc(false);
        if (copy === -1) return -1;
        this.u8.copyWithin(copy * PAGE, frame * PAGE, frame * PAGE + PAGE);
        this.frames.unref(frame);
        frame = copy;
      }
      flags &= ~PTE_COW;
    } else return frame * PAGE;
    const next = frame * PTE_FRAME + flags;
    this.pages.set(vpn, next);
    this.install(vpn, next);
    return frame * PAGE;
  }

  /** Copy this address space into an empty `child` (fork): shared pages stay shared, the rest copy-on-write. */
  forkInto(child: AddressSpace): void {
    child.stackLowVpn = this.stackLowVpn;
    child.stackLimitVpn = this.stackLimitVpn;
    for (const [vpn, pte] of this.pages) {
      const frame = Math.floor(pte / PTE_FRAME);
      let next = pte;
      if (frame !== 0) {
        this.frames.ref(frame);
        if ((pte & PTE_SHARED) === 0 && (pte & PTE_COW) === 0) {
          next = pte | PTE_COW;
          this.pages.set(vpn, next);
          this.install(vpn, next);
        }
      }
      child.pages.set(vpn, next);
      child.install(vpn, next);
    }
  }

  /** Drop every mapping (exec, exit). */
  clear(): void {
    for (const [vpn, pte] of this.pages) {
      this.frames.unref(Math.floor(pte / PTE_FRAME));
      this.cpu.fast.entries[vpn] = 0;
    }
    this.pages.clear();
    this.cpu.fetchTag = -1;
  }

  /** Highest free range of `count` pages whose end is at or below page `topVpn` and above `floorVpn`; -1 if none. */
  findFree(count: number, topVpn: number, floorVpn: number): number {
    let end = topVpn;
    while (end - count >= floorVpn) {
      let ok = true;
      for (let v = end - 1; v >= end - count; v--) {
        if (this.pages.has(v)) {
          end = v;
          ok = false;
          break;
        }
      }
      if (ok) return end - count;
    }
    return -1;
  }

  // ---- host-side access to guest memory ----------------------------------------------------

  /**
   * Walk [va, va+len) page by page, calling fn(machineAddress, offsetInRange, bytes). Returns
   * false (after possibly visiting a prefix) when a page is missing or not accessible.
   */
  walk(va: number, len: number, write: boolean, fn: (pa: number, off: number, n: number) => void, force = false): boolean {
    va >>>= 0;
    if (len <= 0) return true;
    if (va + len > 0x80000000) return false;
    let off = 0;
    while (off < len) {
      const a = va + off;
      const base = write ? this.pageForWrite(a >>> 12, force) : this.pageForRead(a >>> 12);
      if (base === -1) return false;
      const n = Math.min(len - off, PAGE - (a & 0xfff));
      fn(base + (a & 0xfff), off, n);
      off += n;
    }
    return true;
  }

  read(va: number, len: number): Uint8Array | null {
    if (len > MAX_COPY) return null;
    const out = new Uint8Array(len);
    const u8 = this.u8;
    return this.walk(va, len, false, (pa, off, n) => out.set(u8.subarray(pa, pa + n), off)) ? out : null;
  }

  write(va: number, data: Uint8Array, force = false): boolean {
    const u8 = this.u8;
    return this.walk(va, data.length, true, (pa, off, n) => u8.set(data.subarray(off, off + n), pa), force);
  }

  fill(va: number, len: number, value: number): boolean {
    const u8 = this.u8;
    return this.walk(va, len, true, (pa, _off, n) => u8.fill(value, pa, pa + n));
  }

  /** A 32-bit word (any alignment), or null on a fault. */
  readU32(va: number): number | null {
    va >>>= 0;
    if ((va & 3) === 0) {
      const base = this.pageForRead(va >>> 12);
      if (base === -1) return null;
      return this.frames.mem.i32[(base + (va & 0xfff)) >>> 2] >>> 0;
    }
    const b = this.read(va, 4);
    return b === null ? null : (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
  }

  writeU32(va: number, v: number): boolean {
    va >>>= 0;
    if ((va & 3) === 0) {
      const base = this.pageForWrite(va >>> 12);
      if (base === -1) return false;
      this.frames.mem.i32[(base + (va & 0xfff)) >>> 2] = v | 0;
      return true;
    }
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    return this.write(va, b);
  }

  /** A NUL-terminated string as raw bytes (without the NUL), or null on a fault or when longer than `max`. */
  readCString(va: number, max = 4096): Buffer | null {
    va >>>= 0;
    const u8 = this.u8;
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      const base = this.pageForRead(va >>> 12);
      if (base === -1) return null;
      const start = base + (va & 0xfff);
      const end = base + PAGE;
      let i = start;
      while (i < end && u8[i] !== 0) i++;
      const n = i - start;
      total += n;
      if (total > max) return null;
      parts.push(Buffer.from(u8.subarray(start, i)));
      if (i < end) return parts.length === 1 ? parts[0] : Buffer.concat(parts);
      va = (va + n) >>> 0;
      if (va >= 0x80000000) return null;
    }
  }

  /**
   * Read a NULL-terminated array of string pointers (argv/envp): the strings, null on a fault,
   * or 'too-big' past `maxBytes` in total (E2BIG).
   */
  readStringArray(va: number, maxBytes = 2 * 1024 * 1024): Buffer[] | null | 'too-big' {
    const out: Buffer[] = [];
    if (va === 0) return out;
    let total = 0;
    for (let i = 0; ; i++) {
      const p = this.readU32(va + i * 4);
      if (p === null) return null;
      if (p === 0) return out;
      const s = this.readCString(p, maxBytes - total);
      if (s === null) return this.readCString(p, 1 << 30) === null ? null : 'too-big';
      total += s.length + 1;
      out.push(s);
      if (total > maxBytes) return 'too-big';
    }
  }
}
