// Coprocessor 0 behaviour: register reads and writes with their side effects, exception entry
// and ERET, the Count/Compare timer, interrupt evaluation and the TLB instructions.
// Functions take the CPU whose state they change; they never throw.

import type { Cpu } from '../cpu/cpu.js';
import {
  CACHE_ATTR,
  CAUSE,
  CAUSE_WRITABLE,
  CONFIG,
  CONFIG1,
  CONFIG3,
  CONTEXT,
  COUNT_RATE_CYCLES,
  CP0,
  EBASE,
  ENTRYHI,
  ENTRYLO,
  EXC,
  INDEX,
  PAGEMASK_MASK,
  PRID_VALUE,
  STATUS,
  STATUS_WRITABLE,
  TIMER_IP,
  VECTOR,
} from './regs.js';

const HWRENA_WRITABLE = 0x2000000f; // bits 0..3 and 29 (ULR)
const INTCTL_IPTI_SHIFT = 29;
const TWO_POW_32 = 4294967296;

/** Which (reg*8+sel) registers exist; the rest read 0 and ignore writes. */
const IMPLEMENTED = new Uint8Array(256);
for (const idx of Object.values(CP0)) IMPLEMENTED[idx] = 1;

export function modeOf(status: number): number {
  if ((status & (STATUS.EXL | STATUS.ERL)) !== 0) return 0;
  const ksu = (status & STATUS.KSU_MASK) >>> STATUS.KSU_SHIFT;
  return ksu === 0 ? 0 : ksu === 1 ? 1 : 2;
}

export function cp0Reset(cpu: Cpu): void {
  const c = cpu.cp0;
  c.fill(0);
  c[CP0.Status] = STATUS.BEV | STATUS.ERL;
  c[CP0.PRId] = PRID_VALUE;
  c[CP0.EBase] = EBASE.FIXED | (cpu.id & EBASE.CPUNUM_MASK);
  c[CP0.Config] = CONFIG.M | (1 << CONFIG.AR_SHIFT) | (1 << CONFIG.MT_SHIFT) | CACHE_ATTR.Uncached;
  c[CP0.Config1] = CONFIG1.M | ((cpu.tlb.entries - 1) << CONFIG1.MMU_SIZE_SHIFT) | CONFIG1.FP;
  c[CP0.Config2] = CONFIG.M;
  c[CP0.Config3] = CONFIG3.ULRI;
  c[CP0.IntCtl] = TIMER_IP << INTCTL_IPTI_SHIFT;
  c[CP0.ErrorEPC] = VECTOR.Reset;
  cpu.countBase = 0;
  cpu.countEpoch = cpu.cycles;
  cpu.fpu.setFR(false);
  cpu.setMode(0);
  cpu.flushTranslations();
  recomputeTimer(cpu, false);
  updateInterrupts(cpu);
}

export function readCount(cpu: Cpu): number {
  return (cpu.countBase + Math.floor((cpu.cycles - cpu.countEpoch) / COUNT_RATE_CYCLES)) | 0;
}

/** Recompute when Count next equals Compare; with `fire`, the match happened now: set Cause.TI. */
export function recomputeTimer(cpu: Cpu, fire: boolean): void {
  if (fire) {
    cpu.cp0[CP0.Cause] |= CAUSE.TI;
    updateInterrupts(cpu);
  }
  const ticksNow = Math.floor((cpu.cycles - cpu.countEpoch) / COUNT_RATE_CYCLES);
  const count = (cpu.countBase + ticksNow) | 0;
  let diff = (cpu.cp0[CP0.Compare] - count) >>> 0;
  if (diff === 0) diff = TWO_POW_32;
  cpu.timerDeadline = cpu.countEpoch + COUNT_RATE_CYCLES * (ticksNow + diff);
}

/** Merge the hardware lines and the timer into Cause.IP and decide whether an interrupt is due. */
export function updateInterrupts(cpu: Cpu): void {
  const c = cpu.cp0;
  let cause = c[CP0.Cause] & ~(CAUSE.IP_MASK & ~CAUSE.IP_SW_MASK);
  cause |= cpu.hwLines << CAUSE.IP_HW_SHIFT;
  if ((cause & CAUSE.TI) !== 0) cause |= 1 << (CAUSE.IP_SHIFT + TIMER_IP);
  c[CP0.Cause] = cause;
  const status = c[CP0.Status];
  const pending = (cause & status & STATUS.IM_MASK) !== 0;
  cpu.irqPending = pending && (status & STATUS.IE) !== 0 && (status & (STATUS.EXL | STATUS.ERL)) === 0;
  // WAIT wakes on any pending unmasked line, even with IE=0 (Config7.WII behaviour, as Linux expects).
  if (pending && cpu.waiting) cpu.waiting = false;
}

/** Exception entry (reference §6.4). `refill` selects offset 0 for a TLB refill with EXL=0. */
export function takeException(cpu: Cpu, code: number, badVAddr: number, ce: number, refill = false): void {
  const c = cpu.cp0;
  let status = c[CP0.Status];
  let cause = c[CP0.Cause];
  let offset: number = VECTOR.GeneralOffset;
  if ((status & STATUS.EXL) === 0) {
    c[CP0.EPC] = cpu.inSlot ? (cpu.pc - 4) | 0 : cpu.pc;
    cause = cpu.inSlot ? cause | CAUSE.BD : cause & ~CAUSE.BD;
    if (refill) offset = VECTOR.RefillOffset;
    else if (code === EXC.Int && (cause & CAUSE.IV) !== 0) offset = VECTOR.InterruptIVOffset;
  }
  cause = (cause & ~(CAUSE.EXCCODE_MASK | CAUSE.CE_MASK)) | (code << CAUSE.EXCCODE_SHIFT) | (ce << CAUSE.CE_SHIFT);
  c[CP0.Cause] = cause;
  if (code === EXC.AdEL || code === EXC.AdES || code === EXC.TLBL || code === EXC.TLBS || code === EXC.Mod) {
    c[CP0.BadVAddr] = badVAddr;
  }
  status |= STATUS.EXL;
  c[CP0.Status] = status;
  const base = (status & STATUS.BEV) !== 0 ? VECTOR.BootBase : c[CP0.EBase] & ~0xfff;
  cpu.excNpc = cpu.npc;
  cpu.setMode(0);
  cpu.setPc((base + offset) | 0);
  updateInterrupts(cpu);
  if (cpu.exceptionHandler !== null) cpu.exceptionHandler.exception(cpu);
}

export function eret(cpu: Cpu): void {
  const c = cpu.cp0;
  let status = c[CP0.Status];
  let pc: number;
  if ((status & STATUS.ERL) !== 0) {
    pc = c[CP0.ErrorEPC];
    status &= ~STATUS.ERL;
    cpu.flushTranslations(); // kuseg becomes mapped again
  } else {
    pc = c[CP0.EPC];
    status &= ~STATUS.EXL;
  }
  c[CP0.Status] = status;
  cpu.llBit = false;
  cpu.links.clear(cpu.id);
  cpu.setMode(modeOf(status));
  cpu.setPc(pc);
  updateInterrupts(cpu);
}

function randomIndex(cpu: Cpu): number {
  const n = cpu.tlb.entries;
  const wired = cpu.cp0[CP0.Wired] % n;
  return n - 1 - (cpu.instret % (n - wired));
}

export function readCp0(cpu: Cpu, idx: number): number {
  switch (idx) {
    case CP0.Random:
      return randomIndex(cpu);
    case CP0.Count:
      return readCount(cpu);
    default:
      return IMPLEMENTED[idx] !== 0 ? cpu.cp0[idx] : 0;
  }
}

export function writeCp0(cpu: Cpu, idx: number, v: number): void {
  const c = cpu.cp0;
  switch (idx) {
    case CP0.Index:
      c[idx] = (c[idx] & INDEX.P) | (v & (cpu.tlb.entries - 1));
      return;
    case CP0.EntryLo0:
    case CP0.EntryLo1:
      c[idx] = v & ENTRYLO.WRITABLE_MASK;
      return;
    case CP0.Context:
      c[idx] = (v & CONTEXT.PTEBASE_MASK) | (c[idx] & CONTEXT.BADVPN2_MASK);
      return;
    case CP0.UserLocal:
    case CP0.EPC:
    case CP0.ErrorEPC:
      c[idx] = v;
      return;
    case CP0.PageMask:
      c[idx] = v & PAGEMASK_MASK;
      return;
    case CP0.Wired:
      c[idx] = v & (cpu.tlb.entries - 1);
      return;
    case CP0.HWREna:
      c[idx] = v & HWRENA_WRITABLE;
      return;
    case CP0.Count:
      cpu.countBase = v;
      cpu.countEpoch = cpu.cycles;
      recomputeTimer(cpu, false);
      cpu.breakLoop = true;
      return;
    case CP0.EntryHi: {
      const old = c[idx];
      c[idx] = v & (ENTRYHI.VPN2_MASK | ENTRYHI.ASID_MASK);
      if (((old ^ v) & ENTRYHI.ASID_MASK) !== 0) cpu.flushTranslations();
      return;
    }
    case CP0.Compare:
      c[idx] = v;
      c[CP0.Cause] &= ~CAUSE.TI;
      recomputeTimer(cpu, false);
      updateInterrupts(cpu);
      cpu.breakLoop = true;
      return;
    case CP0.Status: {
      const old = c[idx];
      const next = (old & ~STATUS_WRITABLE) | (v & STATUS_WRITABLE);
      c[idx] = next;
      if (((old ^ next) & STATUS.FR) !== 0) cpu.fpu.setFR((next & STATUS.FR) !== 0);
      if (((old ^ next) & STATUS.ERL) !== 0) cpu.flushTranslations();
      cpu.setMode(modeOf(next));
      updateInterrupts(cpu);
      return;
    }
    case CP0.Cause:
      c[idx] = (c[idx] & ~CAUSE_WRITABLE) | (v & CAUSE_WRITABLE);
      updateInterrupts(cpu);
      return;
    case CP0.EBase:
      c[idx] = EBASE.FIXED | (v & EBASE.BASE_MASK) | (c[idx] & EBASE.CPUNUM_MASK);
      return;
    case CP0.Config:
      c[idx] = (c[idx] & ~CONFIG.K0_MASK) | (v & CONFIG.K0_MASK);
      return;
    default:
      return; // read-only or unimplemented: writes are ignored
  }
}

// ---- TLB instructions -----------------------------------------------------------------------

/** Drop the fast translations of the pages entry `i` covers (before and after a write). */
function forgetEntry(cpu: Cpu, i: number): void {
  const tlb = cpu.tlb;
  const bytes = tlb.pageBytes(i) * 2;
  if (bytes > 16 * 1024 * 1024) {
    cpu.flushTranslations();
    return;
  }
  cpu.fast.clearRange((tlb.vpn2[i] >>> 12) & ~((bytes >>> 12) - 1), bytes >>> 12);
  cpu.fetchTag = -1;
}

function tlbWrite(cpu: Cpu, i: number): void {
  const c = cpu.cp0;
  forgetEntry(cpu, i);
  cpu.tlb.write(i, c[CP0.EntryHi], c[CP0.EntryLo0], c[CP0.EntryLo1], c[CP0.PageMask]);
  forgetEntry(cpu, i);
}

export function tlbWriteIndexed(cpu: Cpu): void {
  tlbWrite(cpu, (cpu.cp0[CP0.Index] & ~INDEX.P) % cpu.tlb.entries);
}

export function tlbWriteRandom(cpu: Cpu): void {
  tlbWrite(cpu, randomIndex(cpu));
}

export function tlbRead(cpu: Cpu): void {
  const c = cpu.cp0;
  const i = (c[CP0.Index] & ~INDEX.P) % cpu.tlb.entries;
  const oldAsid = c[CP0.EntryHi] & ENTRYHI.ASID_MASK;
  c[CP0.EntryHi] = cpu.tlb.readEntryHi(i);
  c[CP0.EntryLo0] = cpu.tlb.readEntryLo0(i);
  c[CP0.EntryLo1] = cpu.tlb.readEntryLo1(i);
  c[CP0.PageMask] = cpu.tlb.mask[i];
  if ((c[CP0.EntryHi] & ENTRYHI.ASID_MASK) !== oldAsid) cpu.flushTranslations();
}

export function tlbProbe(cpu: Cpu): void {
  const c = cpu.cp0;
  const i = cpu.tlb.probe(c[CP0.EntryHi]);
  c[CP0.Index] = i >= 0 ? i : c[CP0.Index] | INDEX.P;
}
