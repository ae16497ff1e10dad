// Monitor entry from a physical exception (Cpu.exceptionHandler) and the way back: time
// accounting, dispatch by exception code, physical TLB refills (L2TLB, virtual TLB, the sseg
// direct map and the special page), reflection of exceptions and interrupts to the guest's
// vectors, and the emulated eret that resumes the vCPU on the physical CPU.

import type { Cpu } from '../../../machine/src/cpu/cpu.js';
import { CAUSE, CONTEXT, CP0, ENTRYHI, ENTRYLO, EXC, STATUS } from '../../../machine/src/cp0/regs.js';
import { writeCp0 } from '../../../machine/src/cp0/cp0.js';
import { GUEST_VSEG, SPECIAL } from '../abi/monitor-abi.js';
import { physInsert, physInvalidate } from '../memory/phys-tlb.js';
import { PAGE_CLASS } from '../memory/footprint.js';
import { PAGE_FLAG } from '../memory/pmap.js';
import { C, MON } from '../metrics.js';
import type { Monitor } from '../monitor.js';
import { emulateCop0, emulateRdhwr, isRdhwr } from './emulate.js';
import { monitorCall } from '../io/mcall.js';
import type { VCpu } from './vcpu.js';

const SPECIAL_VPN2 = GUEST_VSEG.SPECIAL_PAGE & ~0x1fff;
/** PageMask of 64 KiB pages. */
const PAGEMASK_64K = 0x0001e000;
const CACHEABLE = 3 << ENTRYLO.C_SHIFT;
const PROT_BITS = ENTRYLO.C_MASK | ENTRYLO.D | ENTRYLO.V;
/** Exceptions reflected in a row at virtual EXL = 1 before the VM is declared broken. */
export const EXL_FAULT_LIMIT = 100;

/** Charge `cycles` of monitor work to the physical CPU and the VM. */
export function charge(cpu: Cpu, v: VCpu, cycles: number): void {
  cpu.cycles += cycles;
  v.vm.counters.c[C.CY_MONITOR] += cycles;
}

/** Attribute the guest time since the last monitor exit to the mode the guest ran in. */
export function account(cpu: Cpu, v: VCpu): void {
  const c = v.vm.counters.c;
  const dc = cpu.cycles - v.mark;
  const di = cpu.instret - v.markInstret;
  if (v.guestUser) {
    c[C.CY_USER] += dc;
    c[C.IN_USER] += di;
  } else {
    c[C.CY_KERNEL] += dc;
    c[C.IN_KERNEL] += di;
  }
  v.mark = cpu.cycles;
  v.markInstret = cpu.instret;
}

/**
 * Put the physical CPU into the state the vCPU runs in: supervisor mode for virtual kernel mode,
 * user mode for virtual user mode, EXL = ERL = IE = 0, CU1/FR from the virtual Status; physical
 * ASID and UserLocal from the special page; the page's read-only words refreshed.
 */
export function setPhysical(cpu: Cpu, v: VCpu): void {
  const st = v.status();
  const user = v.inUserMode();
  const phys = (user ? 2 : 1) << STATUS.KSU_SHIFT | (st & (STATUS.CU1 | STATUS.FR));
  const c0 = cpu.cp0;
  if (c0[CP0.Status] !== phys) writeCp0(cpu, CP0.Status, phys);
  const asid = v.get(SPECIAL.ENTRYHI) & ENTRYHI.ASID_MASK;
  if ((c0[CP0.EntryHi] & ENTRYHI.ASID_MASK) !== asid) writeCp0(cpu, CP0.EntryHi, asid);
  c0[CP0.UserLocal] = v.get(SPECIAL.USERLOCAL);
  c0[CP0.HWREna] = v.hwrena & (1 << 29);
  v.guestUser = user;
  v.refreshPage(cpu.cycles);
  if (cpu.timing !== null) charge(cpu, v, cpu.timing.access(cpu.id, v.spPage << 12, true));
  v.mark = cpu.cycles;
  v.markInstret = cpu.instret;
}

/** Continue the vCPU at `pc` (emulated eret), taking a deliverable virtual interrupt first. */
export function resume(m: Monitor, cpu: Cpu, v: VCpu, pc: number): void {
  if (v.deliverable()) {
    reflect(m, cpu, v, EXC.Int, pc, false, 0, false, 0);
    return;
  }
  setPhysical(cpu, v);
  cpu.setPc(pc);
  cpu.llBit = false;
  if (cpu.links.active !== 0) cpu.links.clear(cpu.id);
}

/** Where the vCPU continues after the instruction that trapped (the branch target if it sat in a delay slot). */
export function nextPc(cpu: Cpu): number {
  return cpu.cp0[CP0.Cause] < 0 ? cpu.excNpc : (cpu.cp0[CP0.EPC] + 4) | 0;
}

/**
 * Reflect exception `code` to the guest: virtual EPC/BD (unless virtual EXL is already set),
 * Cause.ExcCode/CE, BadVAddr (+ Context.BadVPN2 and EntryHi.VPN2 for TLB exceptions), EXL = 1;
 * continue at the guest's vector (EBase + 0 for a kuseg refill at EXL = 0, else + 0x180).
 */
export function reflect(
  m: Monitor, cpu: Cpu, v: VCpu, code: number, epc: number, bd: boolean, badVAddr: number, refill: boolean, ce: number,
): void {
  const counters = v.vm.counters;
  let st = v.status();
  let offset = 0x180;
  if ((st & STATUS.EXL) === 0) {
    v.set(SPECIAL.EPC, epc);
    v.cause = bd ? v.cause | CAUSE.BD : v.cause & ~CAUSE.BD;
    if (refill) offset = 0;
    v.excAtExl = 0;
  } else if (code !== EXC.Int && ++v.excAtExl > EXL_FAULT_LIMIT) {
    m.faultVm(v.vm, `vCPU ${v.id}: ${EXL_FAULT_LIMIT} exceptions in a row at EXL=1 (last ExcCode ${code} at pc 0x${(epc >>> 0).toString(16)}, BadVAddr 0x${(badVAddr >>> 0).toString(16)})`);
    cpu.requestStop();
    return;
  }
  v.cause = (v.cause & ~(CAUSE.EXCCODE_MASK | CAUSE.CE_MASK)) | (code << CAUSE.EXCCODE_SHIFT) | (ce << CAUSE.CE_SHIFT);
  if (code === EXC.AdEL || code === EXC.AdES || code === EXC.TLBL || code === EXC.TLBS || code === EXC.Mod) {
    v.badVAddr = badVAddr;
    if (code !== EXC.AdEL && code !== EXC.AdES) {
      v.set(SPECIAL.CONTEXT, (v.get(SPECIAL.CONTEXT) & CONTEXT.PTEBASE_MASK) | ((badVAddr >>> 13) << CONTEXT.BADVPN2_SHIFT));
      v.set(SPECIAL.ENTRYHI, (badVAddr & ENTRYHI.VPN2_MASK) | (v.get(SPECIAL.ENTRYHI) & ENTRYHI.ASID_MASK));
    }
  }
  st |= STATUS.EXL;
  v.setStatus(st);
  if (code === EXC.Int) {
    counters.c[C.INTERRUPTS]++;
    v.irqOffRun = 0; // it took an interrupt: not spinning with interrupts off
  }
  else counters.c[C.REFLECTED]++;
  charge(cpu, v, m.costs.reflect);
  const base = v.get(SPECIAL.EBASE) & ~0xfff;
  setPhysical(cpu, v);
  cpu.setPc((base + offset) | 0);
  cpu.llBit = false;
  if (cpu.links.active !== 0) cpu.links.clear(cpu.id);
}

/** Reflect the physical exception just taken, as it is. */
function reflectPhysical(m: Monitor, cpu: Cpu, v: VCpu, code: number, refill: boolean, ce = 0): void {
  const c0 = cpu.cp0;
  reflect(m, cpu, v, code, c0[CP0.EPC], c0[CP0.Cause] < 0, c0[CP0.BadVAddr], refill, ce);
}

/** The instruction that trapped (its page was just fetched, so fetchWordBase still maps it). */
export function trappedInstruction(m: Monitor, cpu: Cpu): number {
  const c0 = cpu.cp0;
  const pc = c0[CP0.Cause] < 0 ? (c0[CP0.EPC] + 4) | 0 : c0[CP0.EPC];
  return m.ram32[cpu.fetchWordBase + ((pc & 0xfff) >>> 2)];
}

/** Cpu.exceptionHandler body: a guest trap on physical CPU `cpu`, running vCPU `v`. */
export function handleTrap(m: Monitor, cpu: Cpu, v: VCpu): void {
  const c = v.vm.counters.c;
  const mon = v.vm.counters.monitor;
  const mon0 = c[C.CY_MONITOR];
  const zero0 = mon[MON.pageZero];
  const cat = dispatch(m, cpu, v);
  mon[cat] += c[C.CY_MONITOR] - mon0 - (mon[MON.pageZero] - zero0);
}

/** Handle the trap; returns the MON category its monitor time belongs to. */
function dispatch(m: Monitor, cpu: Cpu, v: VCpu): number {
  account(cpu, v);
  const c0 = cpu.cp0;
  const cause = c0[CP0.Cause];
  const code = (cause & CAUSE.EXCCODE_MASK) >>> CAUSE.EXCCODE_SHIFT;
  const fromUser = (c0[CP0.Status] & STATUS.KSU_MASK) === 2 << STATUS.KSU_SHIFT;
  v.vm.counters.traps[code]++;
  if ((code === EXC.TLBL || code === EXC.TLBS) && (cpu.pc & 0xfff) === 0) {
    // The refill vector: L2TLB hits and sseg fills stay on the fast path (their own cost).
    tlbRefill(m, cpu, v, code, fromUser);
    return c0[CP0.BadVAddr] < 0 ? MON.kernelTlb : MON.userTlb;
  }
  charge(cpu, v, m.costs.trapEntryExit);
  switch (code) {
    case EXC.TLBL:
    case EXC.TLBS:
    case EXC.Mod:
      tlbInvalid(m, cpu, v, code, fromUser);
      return MON.reflection;
    case EXC.Sys:
      if (fromUser) {
        reflectPhysical(m, cpu, v, code, false);
        return MON.reflection;
      }
      monitorCall(m, cpu, v);
      return MON.monitorCall;
    case EXC.CpU: {
      const ce = (cause & CAUSE.CE_MASK) >>> CAUSE.CE_SHIFT;
      if (!fromUser && ce === 0) {
        const instr = trappedInstruction(m, cpu);
        emulateCop0(m, cpu, v, instr);
        const f = instr & 63;
        return instr >>> 26 === 0x10 && ((instr >>> 21) & 31) >= 0x10 && (f === 1 || f === 2 || f === 6 || f === 8) ? MON.tlbWrite : MON.privileged;
      }
      reflectPhysical(m, cpu, v, code, false, ce);
      return MON.reflection;
    }
    case EXC.RI: {
      const instr = trappedInstruction(m, cpu);
      if (isRdhwr(instr) && emulateRdhwr(m, cpu, v, instr, fromUser)) return MON.privileged;
      reflectPhysical(m, cpu, v, code, false);
      return MON.reflection;
    }
    case EXC.Int:
      // The monitor keeps physical interrupts off; nothing to do but go back.
      resume(m, cpu, v, c0[CP0.EPC]);
      return MON.reflection;
    default:
      reflectPhysical(m, cpu, v, code, false);
      return MON.reflection;
  }
}

/** Virtual TLB index mapping (va, asid), or -1. */
export function vtlbFind(v: VCpu, va: number, asid: number): number {
  const hi = v.tHi;
  for (let i = 0; i < v.tlbEntries; i++) {
    const e = hi[i];
    if (((e ^ va) & ENTRYHI.VPN2_MASK) === 0 && ((v.tLo0[i] & v.tLo1[i] & ENTRYLO.G) !== 0 || (e & ENTRYHI.ASID_MASK) === asid)) return i;
  }
  return -1;
}

/**
 * Machine EntryLo for guest EntryLo `glo` of a kuseg page at `va`: the pmap's machine frame with
 * the guest's C/D/V bits. 0 (invalid) when the guest half is invalid or names a page beyond the
 * VM's memory (the access then faults and is reflected as a bus error).
 */
export function translateLo(m: Monitor, cpu: Cpu, v: VCpu, glo: number, va: number): number {
  if ((glo & ENTRYLO.V) === 0) return 0;
  const gp = (glo & ENTRYLO.PFN_MASK) >>> ENTRYLO.PFN_SHIFT;
  const vm = v.vm;
  if (gp >= vm.pmap.guestPages) return 0;
  const mp = m.guestPage(cpu, v, gp);
  if (mp < 0) return 0;
  m.pages.addBackmap(mp, va);
  if (vm.pageClass[gp] === PAGE_CLASS.KERNEL_DATA) vm.pageClass[gp] = PAGE_CLASS.USER; // accounting (memory/footprint.ts)
  const lo = (mp << ENTRYLO.PFN_SHIFT) | (glo & PROT_BITS);
  // A write-protected page (shared or replicated) is mapped without D: its first write traps.
  return (vm.pmap.flags[gp] & PAGE_FLAG.WRITE_PROTECT) !== 0 ? lo & ~ENTRYLO.D : lo;
}

/** Translate virtual TLB entry i and put it into the L2TLB and the physical TLB. */
export function installVtlbEntry(m: Monitor, cpu: Cpu, v: VCpu, i: number): void {
  const hi = v.tHi[i];
  const vpn2 = hi & ENTRYHI.VPN2_MASK;
  if (vpn2 < 0) return; // kseg/sseg entries are never used for translation
  const glo0 = v.tLo0[i];
  const glo1 = v.tLo1[i];
  const global = (glo0 & glo1 & ENTRYLO.G) !== 0;
  const asid = hi & ENTRYHI.ASID_MASK;
  const mlo0 = translateLo(m, cpu, v, glo0, vpn2);
  const mlo1 = translateLo(m, cpu, v, glo1, vpn2 | 0x1000);
  if (v.vm.state !== 'running') return;
  v.l2?.insert(vpn2, global ? 256 : asid, mlo0, mlo1, glo0, glo1);
  physInsert(cpu, m.victims, vpn2, asid, mlo0, mlo1, global);
}

function tlbRefill(m: Monitor, cpu: Cpu, v: VCpu, code: number, fromUser: boolean): void {
  const c0 = cpu.cp0;
  const va = c0[CP0.BadVAddr];
  const counters = v.vm.counters.c;
  if (va >= 0) {
    const asid = v.get(SPECIAL.ENTRYHI) & ENTRYHI.ASID_MASK;
    const l2 = v.l2;
    if (l2 !== null) {
      const s = l2.lookup(va, asid);
      m.touch(cpu, v, v.l2Base + ((s >= 0 ? s : l2.setOf(va, asid)) << 4), false);
      if (s >= 0) {
        const global = l2.asid[s] === 256;
        physInsert(cpu, m.victims, va & ~0x1fff, asid, l2.mlo0[s], l2.mlo1[s], global);
        counters[C.L2_HITS]++;
        charge(cpu, v, m.costs.l2tlbRefill);
        resume(m, cpu, v, c0[CP0.EPC]);
        return;
      }
    }
    charge(cpu, v, m.costs.trapEntryExit + m.costs.vtlbSearch);
    const i = vtlbFind(v, va, asid);
    if (i >= 0) {
      installVtlbEntry(m, cpu, v, i);
      counters[C.VTLB_HITS]++;
      if (v.vm.state === 'running') resume(m, cpu, v, c0[CP0.EPC]);
      else cpu.requestStop();
      return;
    }
    counters[C.REFLECTED_REFILL]++;
    reflectPhysical(m, cpu, v, code, true);
    return;
  }
  if (!fromUser && va >>> 29 === 6 && ssegFill(m, cpu, v, va)) {
    if (v.vm.state === 'running') resume(m, cpu, v, c0[CP0.EPC]);
    else cpu.requestStop();
    return;
  }
  charge(cpu, v, m.costs.trapEntryExit);
  reflect(m, cpu, v, code === EXC.TLBS ? EXC.AdES : EXC.AdEL, c0[CP0.EPC], c0[CP0.Cause] < 0, va, false, 0);
}

/** Fill the physical TLB for sseg address `va`: the direct map of guest memory or the special page. */
function ssegFill(m: Monitor, cpu: Cpu, v: VCpu, va: number): boolean {
  const vpn2 = va & ~0x1fff;
  const counters = v.vm.counters.c;
  if (vpn2 === SPECIAL_VPN2) {
    const lo1 = (v.spPage << ENTRYLO.PFN_SHIFT) | CACHEABLE | ENTRYLO.D | ENTRYLO.V;
    physInsert(cpu, m.victims, vpn2, 0, 0, lo1, true);
    counters[C.SPECIAL_FILLS]++;
    charge(cpu, v, m.costs.ssegFill);
    return true;
  }
  const vm = v.vm;
  // 64 KiB pages when both 64 KiB chunks of the 128 KiB pair are intact (the usual case).
  const bigOff = ((va & ~0x1ffff) - GUEST_VSEG.KSEG_BASE) >>> 0;
  if (m.largeSsegPages && bigOff + 0x20000 <= vm.memoryBytes) {
    const g0 = bigOff >>> 12;
    if (m.guestPage(cpu, v, g0) < 0 || m.guestPage(cpu, v, g0 + 16) < 0) return true;
    const b0 = vm.pmap.intactChunk(g0);
    const b1 = vm.pmap.intactChunk(g0 + 16);
    if (b0 >= 0 && b1 >= 0) {
      const lo0 = (b0 << ENTRYLO.PFN_SHIFT) | CACHEABLE | ENTRYLO.D | ENTRYLO.V;
      const lo1 = (b1 << ENTRYLO.PFN_SHIFT) | CACHEABLE | ENTRYLO.D | ENTRYLO.V;
      physInsert(cpu, m.victims, va & ~0x1ffff, 0, lo0, lo1, true, PAGEMASK_64K);
      counters[C.SSEG_FILLS]++;
      charge(cpu, v, m.costs.ssegFill);
      return true;
    }
  }
  const off = (vpn2 - GUEST_VSEG.KSEG_BASE) >>> 0;
  if (off + 0x2000 > vm.memoryBytes) return false;
  const gp = off >>> 12;
  const m0 = m.guestPage(cpu, v, gp);
  const m1 = m.guestPage(cpu, v, gp + 1);
  if (m0 < 0 || m1 < 0) return true; // the VM was stopped (out of memory)
  const flags = vm.pmap.flags;
  const lo0 = (m0 << ENTRYLO.PFN_SHIFT) | CACHEABLE | ENTRYLO.V | ((flags[gp] & PAGE_FLAG.WRITE_PROTECT) !== 0 ? 0 : ENTRYLO.D);
  const lo1 = (m1 << ENTRYLO.PFN_SHIFT) | CACHEABLE | ENTRYLO.V | ((flags[gp + 1] & PAGE_FLAG.WRITE_PROTECT) !== 0 ? 0 : ENTRYLO.D);
  physInsert(cpu, m.victims, vpn2, 0, lo0, lo1, true);
  counters[C.SSEG_FILLS]++;
  charge(cpu, v, m.costs.ssegFill);
  return true;
}

/** A physical TLB Invalid / Modified exception: decide from the virtual TLB what the guest sees. */
function tlbInvalid(m: Monitor, cpu: Cpu, v: VCpu, code: number, _fromUser: boolean): void {
  const c0 = cpu.cp0;
  const va = c0[CP0.BadVAddr];
  const epc = c0[CP0.EPC];
  const bd = c0[CP0.Cause] < 0;
  if (va < 0) {
    // sseg: a write to a write-protected page of the direct map (copy-on-write, replica) ...
    const off = (va - GUEST_VSEG.KSEG_BASE) >>> 0;
    if (code === EXC.Mod && off < v.vm.memoryBytes && (v.vm.pmap.flags[off >>> 12] & PAGE_FLAG.WRITE_PROTECT) !== 0) {
      // writeFault shoots down the old read-only translation; the retry refills the direct map.
      if (m.writeFault(cpu, v, off >>> 12) >= 0 && v.vm.state === 'running') resume(m, cpu, v, epc);
      else cpu.requestStop();
      return;
    }
    // ... else the special page's empty half, or nothing there.
    reflect(m, cpu, v, code === EXC.TLBL ? EXC.AdEL : EXC.AdES, epc, bd, va, false, 0);
    return;
  }
  const asid = v.get(SPECIAL.ENTRYHI) & ENTRYHI.ASID_MASK;
  const odd = (va & 0x1000) !== 0;
  let glo: number;
  const i = vtlbFind(v, va, asid);
  const l2 = v.l2;
  const s = l2 !== null ? l2.lookup(va, asid) : -1;
  if (i >= 0) glo = odd ? v.tLo1[i] : v.tLo0[i];
  else if (s >= 0) glo = odd ? l2!.glo1[s] : l2!.glo0[s];
  else {
    // No virtual entry any more: drop the stale physical one and let the access retry.
    physInvalidate(cpu, va & ~0x1fff, asid);
    resume(m, cpu, v, epc);
    return;
  }
  if ((glo & ENTRYLO.V) === 0) {
    v.vm.counters.c[C.PAGE_FAULTS]++;
    reflectPhysical(m, cpu, v, code === EXC.Mod ? EXC.TLBS : code, false);
    return;
  }
  if (code === EXC.Mod && (glo & ENTRYLO.D) === 0) {
    v.vm.counters.c[C.PAGE_FAULTS]++;
    reflectPhysical(m, cpu, v, EXC.Mod, false);
    return;
  }
  const gp = (glo & ENTRYLO.PFN_MASK) >>> ENTRYLO.PFN_SHIFT;
  if (gp >= v.vm.pmap.guestPages) {
    // A guest frame beyond the VM's memory: a bus error, never another VM's page.
    const faultPc = bd ? (epc + 4) | 0 : epc;
    reflect(m, cpu, v, va === faultPc ? EXC.IBE : EXC.DBE, epc, bd, va, false, 0);
    return;
  }
  if (code === EXC.Mod && (v.vm.pmap.flags[gp] & PAGE_FLAG.WRITE_PROTECT) !== 0) {
    // The guest may write, the monitor protects the page (copy-on-write, replica): make it
    // writable; the shootdown dropped the L2TLB entry, so put the translation back.
    const glo0 = i >= 0 ? v.tLo0[i] : l2!.glo0[s];
    const glo1 = i >= 0 ? v.tLo1[i] : l2!.glo1[s];
    if (m.writeFault(cpu, v, gp) < 0 || v.vm.state !== 'running') {
      cpu.requestStop();
      return;
    }
    if (i >= 0) installVtlbEntry(m, cpu, v, i);
    else {
      const vpn2 = va & ~0x1fff;
      const global = (glo0 & glo1 & ENTRYLO.G) !== 0;
      const mlo0 = translateLo(m, cpu, v, glo0, vpn2);
      const mlo1 = translateLo(m, cpu, v, glo1, vpn2 | 0x1000);
      if (v.vm.state !== 'running') return cpu.requestStop();
      l2!.insert(vpn2, global ? 256 : asid, mlo0, mlo1, glo0, glo1);
      physInsert(cpu, m.victims, vpn2, asid, mlo0, mlo1, global);
    }
    resume(m, cpu, v, epc);
    return;
  }
  // The physical entry is stale (e.g. the page was remapped): reinstall and retry.
  if (i >= 0) installVtlbEntry(m, cpu, v, i);
  else physInvalidate(cpu, va & ~0x1fff, asid);
  if (v.vm.state === 'running') resume(m, cpu, v, epc);
  else cpu.requestStop();
}

/** Deliver a deliverable virtual interrupt at an instruction boundary outside any trap (scheduler). */
export function deliverAtBoundary(m: Monitor, cpu: Cpu, v: VCpu): void {
  account(cpu, v);
  const mon0 = v.vm.counters.c[C.CY_MONITOR];
  charge(cpu, v, m.costs.trapEntryExit);
  const epc = cpu.inSlot ? (cpu.pc - 4) | 0 : cpu.pc;
  reflect(m, cpu, v, EXC.Int, epc, cpu.inSlot, 0, false, 0);
  v.vm.counters.monitor[MON.reflection] += v.vm.counters.c[C.CY_MONITOR] - mon0;
}

