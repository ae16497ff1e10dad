// Trap-and-emulate of the privileged instructions a guest kernel executes in (physical)
// supervisor mode: mfc0/mtc0 against the virtual CP0 (special page + vCPU record), di/ei,
// tlbr/tlbwi/tlbwr/tlbp against the virtual TLB (every write translated through the pmap into
// the L2TLB and the physical TLB), eret, wait (deschedules the vCPU), cache (a no-op), and
// rdhwr (CPUNum is the vCPU number). Anything else is reflected to the guest as RI.

import type { Cpu } from '../../../machine/src/cpu/cpu.js';
import {
  CAUSE, CONFIG1, CONTEXT, COUNT_RATE_CYCLES, CP0, ENTRYHI, ENTRYLO, EXC, INDEX, PRID_VALUE, STATUS,
} from '../../../machine/src/cp0/regs.js';
import { SPECIAL } from '../abi/monitor-abi.js';
import { physInvalidate, physInvalidateAsid } from '../memory/phys-tlb.js';
import { EMU } from '../metrics.js';
import type { Monitor } from '../monitor.js';
import { charge, installVtlbEntry, nextPc, reflect, resume, vtlbFind } from './trap.js';
import { STATUS_MTC0_MASK, VCPU_STATE, type VCpu } from './vcpu.js';

const TWO_POW_32 = 4294967296;
const HWRENA_WRITABLE = 0x2000000f;

export function virtualCount(v: VCpu, cycles: number): number {
  return (v.countBase + Math.floor((cycles - v.countEpoch) / COUNT_RATE_CYCLES)) | 0;
}

function recomputeCompare(v: VCpu, cycles: number): void {
  const ticksNow = Math.floor((cycles - v.countEpoch) / COUNT_RATE_CYCLES);
  const count = (v.countBase + ticksNow) | 0;
  let diff = (v.compare - count) >>> 0;
  if (diff === 0) diff = TWO_POW_32;
  v.compareDeadline = v.countEpoch + COUNT_RATE_CYCLES * (ticksNow + diff);
}

/** Count reached Compare: post the virtual CP0 timer interrupt (IP7) and arm the next match. */
export function compareFired(v: VCpu, cycles: number): void {
  v.compareTi = true;
  recomputeCompare(v, cycles);
}

function randomIndex(v: VCpu): number {
  const n = v.tlbEntries;
  const wired = (v.get(SPECIAL.WIRED) >>> 0) % n;
  return n - 1 - (v.randomCounter % (n - wired));
}

export function readVirtualCp0(cpu: Cpu, v: VCpu, idx: number): number {
  switch (idx) {
    case CP0.Index: return v.get(SPECIAL.INDEX);
    case CP0.Random: return randomIndex(v);
    case CP0.EntryLo0: return v.get(SPECIAL.ENTRYLO0);
    case CP0.EntryLo1: return v.get(SPECIAL.ENTRYLO1);
    case CP0.Context: return v.get(SPECIAL.CONTEXT);
    case CP0.UserLocal: return v.get(SPECIAL.USERLOCAL);
    case CP0.PageMask: return v.get(SPECIAL.PAGEMASK);
    case CP0.Wired: return v.get(SPECIAL.WIRED);
    case CP0.HWREna: return v.hwrena;
    case CP0.BadVAddr: return v.badVAddr;
    case CP0.Count: return virtualCount(v, cpu.cycles);
    case CP0.EntryHi: return v.get(SPECIAL.ENTRYHI);
    case CP0.Compare: return v.compare;
    case CP0.Status: return v.status();
    case CP0.IntCtl: return cpu.cp0[CP0.IntCtl];
    case CP0.Cause: return v.causeValue();
    case CP0.EPC: return v.get(SPECIAL.EPC);
    case CP0.PRId: return PRID_VALUE;
    case CP0.EBase: return ((v.get(SPECIAL.EBASE) & ~0x3ff) | (v.id & 0x3ff)) | 0;
    case CP0.Config: return cpu.cp0[CP0.Config];
    case CP0.Config1:
      return (cpu.cp0[CP0.Config1] & ~(0x3f << CONFIG1.MMU_SIZE_SHIFT)) | ((v.tlbEntries - 1) << CONFIG1.MMU_SIZE_SHIFT);
    case CP0.Config2: return cpu.cp0[CP0.Config2];
    case CP0.Config3: return cpu.cp0[CP0.Config3];
    case CP0.ErrorEPC: return v.errorEpc;
    default: return 0;
  }
}

export function writeVirtualCp0(cpu: Cpu, v: VCpu, idx: number, val: number): void {
  const n = v.tlbEntries;
  switch (idx) {
    case CP0.Index:
      v.set(SPECIAL.INDEX, (v.get(SPECIAL.INDEX) & INDEX.P) | ((val & 0x7fffffff) % n));
      return;
    case CP0.EntryLo0:
      v.set(SPECIAL.ENTRYLO0, val & ENTRYLO.WRITABLE_MASK);
      return;
    case CP0.EntryLo1:
      v.set(SPECIAL.ENTRYLO1, val & ENTRYLO.WRITABLE_MASK);
      return;
    case CP0.Context:
      v.set(SPECIAL.CONTEXT, (val & CONTEXT.PTEBASE_MASK) | (v.get(SPECIAL.CONTEXT) & CONTEXT.BADVPN2_MASK));
      return;
    case CP0.UserLocal:
      v.set(SPECIAL.USERLOCAL, val);
      return;
    case CP0.PageMask:
      v.set(SPECIAL.PAGEMASK, val & 0x1fffe000);
      return;
    case CP0.Wired:
      v.set(SPECIAL.WIRED, (val >>> 0) % n);
      return;
    case CP0.HWREna:
      v.hwrena = val & HWRENA_WRITABLE;
      return;
    case CP0.Count:
      v.countBase = val;
      v.countEpoch = cpu.cycles;
      recomputeCompare(v, cpu.cycles);
      return;
    case CP0.EntryHi:
      v.set(SPECIAL.ENTRYHI, val & (ENTRYHI.VPN2_MASK | ENTRYHI.ASID_MASK));
      return;
    case CP0.Compare:
      v.compare = val;
      v.compareTi = false;
      recomputeCompare(v, cpu.cycles);
      return;
    case CP0.Status:
      v.setStatus((v.status() & ~STATUS_MTC0_MASK) | (val & STATUS_MTC0_MASK));
      return;
    case CP0.Cause:
      v.causeSw = (val & CAUSE.IP_SW_MASK) >>> CAUSE.IP_SHIFT;
      v.cause = (v.cause & ~(CAUSE.IV | CAUSE.DC)) | (val & (CAUSE.IV | CAUSE.DC));
      return;
    case CP0.EPC:
      v.set(SPECIAL.EPC, val);
      return;
    case CP0.EBase:
      v.set(SPECIAL.EBASE, val & ~0xfff);
      return;
    case CP0.ErrorEPC:
      v.errorEpc = val;
      return;
    default:
      return; // read-only or unimplemented
  }
}

/** Write virtual TLB entry i from EntryHi/EntryLo0/EntryLo1/PageMask (tlbwi: indexed; tlbwr: random). */
function writeVtlb(m: Monitor, cpu: Cpu, v: VCpu, i: number, indexed: boolean): void {
  const oldHi = v.tHi[i];
  const oldVpn2 = oldHi & ENTRYHI.VPN2_MASK;
  const l2 = v.l2;
  if (oldVpn2 >= 0) {
    const oldGlobal = (v.tLo0[i] & v.tLo1[i] & ENTRYLO.G) !== 0;
    const oldAsid = oldHi & ENTRYHI.ASID_MASK;
    // tlbwi replaces the entry on purpose: its translation goes. tlbwr only evicts it from
    // the virtual TLB: the L2TLB (and the physical TLB) may keep it, unless there is no L2TLB.
    if (indexed || l2 === null) {
      physInvalidate(cpu, oldVpn2, oldAsid);
      l2?.drop(oldVpn2, oldGlobal ? 256 : oldAsid);
    }
  }
  const hi = v.get(SPECIAL.ENTRYHI) & (ENTRYHI.VPN2_MASK | ENTRYHI.ASID_MASK);
  const lo0 = v.get(SPECIAL.ENTRYLO0) & ENTRYLO.WRITABLE_MASK;
  const lo1 = v.get(SPECIAL.ENTRYLO1) & ENTRYLO.WRITABLE_MASK;
  v.tHi[i] = hi;
  v.tLo0[i] = lo0;
  v.tLo1[i] = lo1;
  v.tMask[i] = v.get(SPECIAL.PAGEMASK);
  // A tlbwi sweep of invalid entries over every index is a full flush (the bare HAL's way).
  if (indexed && ((lo0 | lo1) & ENTRYLO.V) === 0) {
    if (i === v.invalSweep) v.invalSweep++;
    else v.invalSweep = i === 0 ? 1 : 0;
    if (v.invalSweep >= v.tlbEntries) {
      v.invalSweep = 0;
      l2?.dropAsid(-1);
      physInvalidateAsid(cpu, -1);
    }
  } else v.invalSweep = 0;
  if ((hi & ENTRYHI.VPN2_MASK) >= 0) {
    // Drop whatever else the L2TLB / physical TLB hold for the new VPN2 (a non-global entry
    // replacing a global one, or the reverse), then install the translated entry.
    const asid = hi & ENTRYHI.ASID_MASK;
    physInvalidate(cpu, hi & ENTRYHI.VPN2_MASK, asid);
    l2?.drop(hi & ENTRYHI.VPN2_MASK, asid);
    installVtlbEntry(m, cpu, v, i);
  }
}

/** Emulate the COP0 (or CACHE) instruction `instr` that trapped with CpU(0) in virtual kernel mode. */
export function emulateCop0(m: Monitor, cpu: Cpu, v: VCpu, instr: number): void {
  const emu = v.vm.counters.emulated;
  const costs = m.costs;
  const gpr = cpu.gpr;
  charge(cpu, v, costs.emulateInstr);
  const op = instr >>> 26;
  if (op === 0x2f) {
    emu[EMU.cache]++;
    resume(m, cpu, v, nextPc(cpu));
    return;
  }
  if (op !== 0x10) {
    reflectRI(m, cpu, v);
    return;
  }
  const rs = (instr >>> 21) & 31;
  const rt = (instr >>> 16) & 31;
  const rd = (instr >>> 11) & 31;
  switch (rs) {
    case 0x00: { // MFC0
      emu[EMU.mfc0]++;
      const val = readVirtualCp0(cpu, v, rd * 8 + (instr & 7));
      if (rt !== 0) gpr[rt] = val;
      resume(m, cpu, v, nextPc(cpu));
      return;
    }
    case 0x04: // MTC0
      emu[EMU.mtc0]++;
      writeVirtualCp0(cpu, v, rd * 8 + (instr & 7), gpr[rt]);
      resume(m, cpu, v, nextPc(cpu));
      return;
    case 0x0b: { // DI / EI
      const enable = (instr & 0x20) !== 0;
      emu[enable ? EMU.ei : EMU.di]++;
      const st = v.status();
      if (rt !== 0) gpr[rt] = st;
      v.setStatus(enable ? st | STATUS.IE : st & ~STATUS.IE);
      resume(m, cpu, v, nextPc(cpu));
      return;
    }
    case 0x0a: // RDPGPR
    case 0x0e: // WRPGPR: one register set
      emu[EMU.other]++;
      if (rd !== 0) gpr[rd] = gpr[rt];
      resume(m, cpu, v, nextPc(cpu));
      return;
  }
  if (rs < 0x10) {
    reflectRI(m, cpu, v);
    return;
  }
  const n = v.tlbEntries;
  switch (instr & 63) {
    case 0x01: { // TLBR
      emu[EMU.tlbr]++;
      charge(cpu, v, costs.emulateTlbProbe);
      const i = (v.get(SPECIAL.INDEX) & 0x7fffffff) % n;
      v.set(SPECIAL.ENTRYHI, v.tHi[i]);
      v.set(SPECIAL.ENTRYLO0, v.tLo0[i]);
      v.set(SPECIAL.ENTRYLO1, v.tLo1[i]);
      v.set(SPECIAL.PAGEMASK, v.tMask[i]);
      resume(m, cpu, v, nextPc(cpu));
      return;
    }
    case 0x02: // TLBWI
      emu[EMU.tlbwi]++;
      charge(cpu, v, costs.emulateTlbWrite);
      writeVtlb(m, cpu, v, (v.get(SPECIAL.INDEX) & 0x7fffffff) % n, true);
      if (v.vm.state === 'running') resume(m, cpu, v, nextPc(cpu));
      else cpu.requestStop();
      return;
    case 0x06: { // TLBWR
      emu[EMU.tlbwr]++;
      charge(cpu, v, costs.emulateTlbWrite);
      const i = randomIndex(v);
      v.randomCounter++;
      writeVtlb(m, cpu, v, i, false);
      if (v.vm.state === 'running') resume(m, cpu, v, nextPc(cpu));
      else cpu.requestStop();
      return;
    }
    case 0x08: { // TLBP
      emu[EMU.tlbp]++;
      charge(cpu, v, costs.emulateTlbProbe);
      const hi = v.get(SPECIAL.ENTRYHI);
      const vpn2 = hi & ENTRYHI.VPN2_MASK;
      const asid = hi & ENTRYHI.ASID_MASK;
      const i = vtlbFind(v, vpn2, asid);
      v.set(SPECIAL.INDEX, i >= 0 ? i : v.get(SPECIAL.INDEX) | INDEX.P);
      if (vpn2 >= 0) {
        v.l2?.drop(vpn2, asid);
        physInvalidate(cpu, vpn2, asid);
      }
      resume(m, cpu, v, nextPc(cpu));
      return;
    }
    case 0x18: { // ERET
      emu[EMU.eret]++;
      let st = v.status();
      let pc: number;
      if ((st & STATUS.ERL) !== 0) {
        pc = v.errorEpc;
        st &= ~STATUS.ERL;
      } else {
        pc = v.get(SPECIAL.EPC);
        st &= ~STATUS.EXL;
      }
      v.setStatus(st);
      v.excAtExl = 0;
      resume(m, cpu, v, pc);
      return;
    }
    case 0x20: { // WAIT
      emu[EMU.wait]++;
      v.irqOffRun = 0; // waiting is not spinning
      const next = nextPc(cpu);
      if (v.unmaskedPending()) {
        resume(m, cpu, v, next);
        return;
      }
      resume(m, cpu, v, next);
      v.state = VCPU_STATE.Waiting;
      v.waitStart = cpu.cycles;
      cpu.requestStop();
      return;
    }
  }
  reflectRI(m, cpu, v);
}

function reflectRI(m: Monitor, cpu: Cpu, v: VCpu): void {
  const c0 = cpu.cp0;
  reflect(m, cpu, v, EXC.RI, c0[CP0.EPC], c0[CP0.Cause] < 0, 0, false, 0);
}

export function isRdhwr(instr: number): boolean {
  return instr >>> 26 === 0x1f && (instr & 63) === 0x3b;
}

/** Emulate rdhwr (it trapped with RI); false when the guest itself must see the RI. */
export function emulateRdhwr(m: Monitor, cpu: Cpu, v: VCpu, instr: number, fromUser: boolean): boolean {
  const rt = (instr >>> 16) & 31;
  const rd = (instr >>> 11) & 31;
  if (fromUser && ((v.hwrena >>> rd) & 1) === 0) return false;
  let val: number;
  switch (rd) {
    case 0: val = v.id; break;
    case 1: val = 32; break;
    case 2: val = virtualCount(v, cpu.cycles); break;
    case 3: val = COUNT_RATE_CYCLES; break;
    case 29: val = v.get(SPECIAL.USERLOCAL); break;
    default: return false;
  }
  v.vm.counters.emulated[EMU.rdhwr]++;
  charge(cpu, v, m.costs.emulateInstr);
  if (rt !== 0) cpu.gpr[rt] = val;
  resume(m, cpu, v, nextPc(cpu));
  return true;
}
