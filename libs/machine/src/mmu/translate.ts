// The slow path of address translation: segment rules per privilege mode (reference §4), TLB
// lookup with refill / invalid / modified exceptions (§5.4), and the fill of the fast table.
// Returns the machine address, or -1 after the exception has been raised on the CPU.

import type { Cpu } from '../cpu/cpu.js';
import { CACHE_ATTR, CONTEXT, CP0, ENTRYHI, ENTRYLO, EXC, STATUS } from '../cp0/regs.js';
import { FT_FRAME_SHIFT, FT_KERNEL_ONLY, FT_SUPERVISOR, FT_UNCACHED, FT_VALID, FT_WRITABLE } from './fast-map.js';
import { TLB_MISS } from './tlb.js';

export const ACCESS_LOAD = 0;
export const ACCESS_STORE = 1;
export const ACCESS_FETCH = 2;

const MODE_KERNEL = 0;
const MODE_USER = 2;
const KSEG_OFFSET_MASK = 0x1fffffff;

export function translateSlow(cpu: Cpu, va: number, access: number): number {
  const seg = va >>> 29;
  const mode = cpu.mode;
  let pa: number;
  let flags: number;
  if (va >= 0) {
    // kuseg / suseg / useg
    if ((cpu.cp0[CP0.Status] & STATUS.ERL) !== 0) {
      pa = va;
      flags = FT_VALID | FT_WRITABLE | FT_UNCACHED;
    } else return mapped(cpu, va, access, 0);
  } else if (seg === 4 || seg === 5) {
    // kseg0 (cached) / kseg1 (uncached)
    if (mode !== MODE_KERNEL) return addressError(cpu, va, access);
    pa = va & KSEG_OFFSET_MASK;
    flags = FT_VALID | FT_WRITABLE | FT_KERNEL_ONLY | (seg === 5 ? FT_UNCACHED : 0);
  } else if (seg === 6) {
    // sseg
    if (mode === MODE_USER) return addressError(cpu, va, access);
    return mapped(cpu, va, access, FT_SUPERVISOR);
  } else {
    // kseg3
    if (mode !== MODE_KERNEL) return addressError(cpu, va, access);
    return mapped(cpu, va, access, FT_KERNEL_ONLY);
  }
  if (pa < cpu.memory.size) cpu.fast.set(va >>> 12, ((pa >>> 12) << FT_FRAME_SHIFT) | flags);
  return pa;
}

function addressError(cpu: Cpu, va: number, access: number): number {
  cpu.raise(access === ACCESS_STORE ? EXC.AdES : EXC.AdEL, va);
  return -1;
}

function mapped(cpu: Cpu, va: number, access: number, segFlags: number): number {
  const tlb = cpu.tlb;
  const asid = cpu.cp0[CP0.EntryHi] & ENTRYHI.ASID_MASK;
  const i = tlb.find(va, asid);
  const store = access === ACCESS_STORE;
  if (i === TLB_MISS) return tlbException(cpu, va, store ? EXC.TLBS : EXC.TLBL, true);
  const lo = tlb.half(i, va);
  if ((lo & ENTRYLO.V) === 0) return tlbException(cpu, va, store ? EXC.TLBS : EXC.TLBL, false);
  const dirty = (lo & ENTRYLO.D) !== 0;
  if (store && !dirty) return tlbException(cpu, va, EXC.Mod, false);
  const pageBytes = tlb.pageBytes(i);
  const frameBase = ((lo & ENTRYLO.PFN_MASK) >>> ENTRYLO.PFN_SHIFT) * 4096;
  const pa = frameBase - (frameBase % pageBytes) + (va & (pageBytes - 1));
  if (pa < cpu.memory.size) {
    const uncached = ((lo & ENTRYLO.C_MASK) >>> ENTRYLO.C_SHIFT) === CACHE_ATTR.Uncached;
    const flags = FT_VALID | (dirty ? FT_WRITABLE : 0) | segFlags | (uncached ? FT_UNCACHED : 0);
    cpu.fast.set(va >>> 12, ((pa >>> 12) << FT_FRAME_SHIFT) | flags);
  }
  return pa;
}

/** TLB refill / invalid / modified: BadVAddr, Context.BadVPN2 and EntryHi.VPN2 (ASID kept). */
function tlbException(cpu: Cpu, va: number, code: number, refill: boolean): number {
  if (!cpu.hostExceptions) {
    const cp0 = cpu.cp0;
    cp0[CP0.Context] = (cp0[CP0.Context] & CONTEXT.PTEBASE_MASK) | ((va >>> 13) << CONTEXT.BADVPN2_SHIFT);
    cp0[CP0.EntryHi] = (va & ENTRYHI.VPN2_MASK) | (cp0[CP0.EntryHi] & ENTRYHI.ASID_MASK);
  }
  cpu.raiseTlb(code, va, refill);
  return -1;
}
