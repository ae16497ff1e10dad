// The monitor's writes to a physical CPU's TLB. Every entry written here holds machine frame
// numbers only (translated through a pmap); the CPU's fast translation table is kept coherent
// by dropping the pages an entry covers before and after each write. 4 KiB page pairs only.
// A TlbRefs, when a CPU is tracked, counts per machine frame the valid halves of that CPU's
// entries covering it (every write here goes through untrack/track), so a shootdown knows
// exactly which CPUs hold a translation of a page and interrupts only those.

import type { Cpu } from '../../../machine/src/cpu/cpu.js';
import { ENTRYLO } from '../../../machine/src/cp0/regs.js';

/** Per (machine frame, physical CPU): how many valid TLB halves of the CPU cover the frame. */
export class TlbRefs {
  private readonly refs: Uint8Array;

  constructor(
    readonly frames: number,
    readonly cpus: number,
  ) {
    this.refs = new Uint8Array(frames * cpus);
  }

  /** Does physical CPU `cpu`'s TLB hold an entry mapping `frame`? */
  holds(frame: number, cpu: number): boolean {
    return this.refs[frame * this.cpus + cpu] !== 0;
  }

  /** Add (delta 1) or remove (-1) the frames of entry i of `cpu`. */
  count(cpu: Cpu, i: number, delta: number): void {
    const tlb = cpu.tlb;
    const span = tlb.pageBytes(i) >>> 12;
    for (let h = 0; h < 2; h++) {
      const lo = h === 0 ? tlb.lo0[i] : tlb.lo1[i];
      if ((lo & ENTRYLO.V) === 0) continue;
      const f = lo >>> ENTRYLO.PFN_SHIFT;
      for (let k = 0; k < span && f + k < this.frames; k++) this.refs[(f + k) * this.cpus + cpu.id] += delta;
    }
  }
}

const tracked = new WeakMap<Cpu, TlbRefs>();

/** Count `cpu`'s TLB entries in `refs` from now on (its TLB must hold no valid entry yet, or be flushed first). */
export function physTrack(cpu: Cpu, refs: TlbRefs): void {
  physFlushUntracked(cpu);
  tracked.set(cpu, refs);
}

function untrack(cpu: Cpu, i: number): void {
  tracked.get(cpu)?.count(cpu, i, -1);
}

function track(cpu: Cpu, i: number): void {
  tracked.get(cpu)?.count(cpu, i, 1);
}

function forget(cpu: Cpu, i: number): void {
  const vpn = cpu.tlb.vpn2[i] >>> 12;
  cpu.fast.clearRange(vpn, cpu.tlb.pageBytes(i) >>> 11);
  cpu.fetchTag = -1;
}

/** Index of the entry matching VPN2 `vpn2` for `asid` (or a global one), or -1. */
export function physFind(cpu: Cpu, vpn2: number, asid: number): number {
  return cpu.tlb.find(vpn2, asid);
}

/**
 * Insert (or replace) the translation of VPN2 `vpn2` / `asid`: `lo0`/`lo1` are machine
 * EntryLo words (PFN = machine frame), `global` makes it match every ASID.
 */
export function physInsert(
  cpu: Cpu, victims: Int32Array, vpn2: number, asid: number, lo0: number, lo1: number, global: boolean, pageMask = 0,
): void {
  const tlb = cpu.tlb;
  let i = tlb.find(vpn2, asid);
  if (i < 0) {
    // Round-robin replacement (victims[cpu.id] is this CPU's pointer).
    i = victims[cpu.id] % tlb.entries;
    victims[cpu.id] = (i + 1) % tlb.entries;
  }
  forget(cpu, i);
  untrack(cpu, i);
  const g = global ? ENTRYLO.G : 0;
  tlb.write(i, (vpn2 & ~0x1fff) | (asid & 0xff), lo0 | g, lo1 | g, pageMask);
  forget(cpu, i);
  track(cpu, i);
}

/** Drop the entry for (vpn2, asid) if the physical TLB holds one. */
export function physInvalidate(cpu: Cpu, vpn2: number, asid: number): void {
  const i = cpu.tlb.find(vpn2 & ~0x1fff, asid);
  if (i < 0) return;
  forget(cpu, i);
  park(cpu, i);
}

/** Drop every non-global entry of `asid` (all non-global entries when asid < 0). */
export function physInvalidateAsid(cpu: Cpu, asid: number): void {
  const tlb = cpu.tlb;
  for (let i = 0; i < tlb.entries; i++) {
    if (tlb.global[i] !== 0 || (tlb.vpn2[i] | 0) < 0) continue;
    if (asid >= 0 && tlb.asid[i] !== asid) continue;
    forget(cpu, i);
    park(cpu, i);
  }
}

/** Drop every entry whose either half maps machine page `frame`. */
export function physInvalidateFrame(cpu: Cpu, frame: number): number {
  const tlb = cpu.tlb;
  let n = 0;
  for (let i = 0; i < tlb.entries; i++) {
    const f0 = tlb.lo0[i] >>> ENTRYLO.PFN_SHIFT;
    const f1 = tlb.lo1[i] >>> ENTRYLO.PFN_SHIFT;
    const span = tlb.pageBytes(i) >>> 12;
    if (((tlb.lo0[i] & ENTRYLO.V) !== 0 && frame - f0 >= 0 && frame - f0 < span) || ((tlb.lo1[i] & ENTRYLO.V) !== 0 && frame - f1 >= 0 && frame - f1 < span)) {
      forget(cpu, i);
      park(cpu, i);
      n++;
    }
  }
  return n;
}

/**
 * Drop the entry translating `va` for `asid` (asid < 0: a global entry only) if either half
 * maps one of frames[0..n) (large pages included); returns 1 if one was dropped.
 */
export function physInvalidateVa(cpu: Cpu, va: number, asid: number, frames: Int32Array, n: number): number {
  const tlb = cpu.tlb;
  const i = tlb.find(va, asid);
  if (i < 0) return 0;
  const f0 = tlb.lo0[i] >>> ENTRYLO.PFN_SHIFT;
  const f1 = tlb.lo1[i] >>> ENTRYLO.PFN_SHIFT;
  const v0 = (tlb.lo0[i] & ENTRYLO.V) !== 0;
  const v1 = (tlb.lo1[i] & ENTRYLO.V) !== 0;
  const span = tlb.pageBytes(i) >>> 12;
  for (let k = 0; k < n; k++) {
    const frame = frames[k];
    if ((v0 && frame - f0 >= 0 && frame - f0 < span) || (v1 && frame - f1 >= 0 && frame - f1 < span)) {
      forget(cpu, i);
      park(cpu, i);
      return 1;
    }
  }
  return 0;
}

/** Flush the whole physical TLB (vCPU switch). */
export function physFlush(cpu: Cpu): void {
  const refs = tracked.get(cpu);
  if (refs !== undefined) for (let i = 0; i < cpu.tlb.entries; i++) refs.count(cpu, i, -1);
  physFlushUntracked(cpu);
}

function physFlushUntracked(cpu: Cpu): void {
  cpu.tlb.reset();
  cpu.flushTranslations();
}

/** Park entry i at a distinct kseg0 VPN2 that never matches (as Tlb.reset does). */
function park(cpu: Cpu, i: number): void {
  untrack(cpu, i);
  cpu.tlb.write(i, (0x80000000 + i * 0x2000) | 0, 0, 0, 0);
}

/** Test helper: every machine frame held by a valid half of the physical TLB. */
export function physFrames(cpu: Cpu): { vpn2: number; asid: number; frame: number; global: boolean }[] {
  const out: { vpn2: number; asid: number; frame: number; global: boolean }[] = [];
  const tlb = cpu.tlb;
  for (let i = 0; i < tlb.entries; i++) {
    const n = tlb.pageBytes(i) >>> 12;
    for (const lo of [tlb.lo0[i], tlb.lo1[i]]) {
      if ((lo & ENTRYLO.V) === 0) continue;
      for (let k = 0; k < n; k++) {
        out.push({ vpn2: tlb.vpn2[i] >>> 0, asid: tlb.asid[i], frame: (lo >>> ENTRYLO.PFN_SHIFT) + k, global: tlb.global[i] !== 0 });
      }
    }
  }
  return out;
}
