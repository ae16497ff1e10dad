// The record of one virtual CPU (paper §4.1, "like a process-table entry"): its registers while
// it is not loaded on a physical CPU, the virtual privileged registers that do not live in the
// special page, its virtual TLB and L2TLB, its posted virtual interrupts, and scheduling state.
// The writable virtual privileged registers (Status, EPC, EntryHi, Context, EntryLo0/1, PageMask,
// Index, UserLocal, EBase, Wired) live *in* the special page (a machine page of the monitor's),
// so the guest reads and writes them with ordinary loads and stores.

import { CAUSE, STATUS } from '../../../machine/src/cp0/regs.js';
import { GUEST_VSEG, SPECIAL, VIRQ } from '../abi/monitor-abi.js';
import { L2Tlb } from '../memory/l2tlb.js';
import type { Vm } from '../vm.js';

export const VCPU_STATE = {
  /** Not started yet (secondaries until VCPU_START). */
  Held: 0,
  Runnable: 1,
  /** Executed `wait`; descheduled until an interrupt is posted. */
  Waiting: 2,
  /** Its VM stopped. */
  Stopped: 3,
} as const;

/** Status bits a guest may change with an ordinary store to the special page. */
export const STATUS_STORE_MASK = STATUS.IE | STATUS.EXL | STATUS.KSU_MASK | STATUS.IM_MASK;
/** Status bits a guest may change with mtc0. */
export const STATUS_MTC0_MASK =
  STATUS_STORE_MASK | STATUS.ERL | STATUS.BEV | STATUS.FR | STATUS.CU0 | STATUS.CU1 | STATUS.NMI | STATUS.SR | STATUS.TS;

const DEVICE_VIRQS = VIRQ.CONSOLE_RX | VIRQ.DISK0 | VIRQ.DISK1 | VIRQ.DISK2 | VIRQ.DISK3 | VIRQ.NET | VIRQ.POWER | VIRQ.CONSOLE_WINSIZE;

export class VCpu {
  // ---- registers while not loaded ----
  readonly gpr = new Int32Array(32);
  hi = 0;
  lo = 0;
  pc = 0;
  npc = 4;
  inSlot = false;
  readonly fpr = new Int32Array(64);
  fcsr = 0;

  // ---- special page ----
  /** Machine page number of the special page, and its first word index in machine RAM. */
  readonly spPage: number;
  readonly sp: number;

  // ---- virtual privileged registers outside the page ----
  /** Status bits other than STATUS_STORE_MASK (CU1, FR, BEV, ERL ...). */
  statusHidden = 0;
  /** Cause without IP (ExcCode, BD, CE): the IP bits are computed from the posted sources. */
  cause = 0;
  /** Software interrupt bits IP0/IP1 (Cause bits 9:8). */
  causeSw = 0;
  badVAddr = 0;
  hwrena = 0;
  errorEpc = 0;
  compare = 0;
  countBase = 0;
  countEpoch = 0;
  /** Machine cycle at which virtual Count reaches Compare. */
  compareDeadline = Infinity;
  compareTi = false;

  // ---- virtual TLB ----
  readonly tlbEntries: number;
  readonly tHi: Int32Array;
  readonly tLo0: Int32Array;
  readonly tLo1: Int32Array;
  readonly tMask: Int32Array;
  /** Random register emulation: advances on every tlbwr. */
  randomCounter = 0;
  /** tlbwi of invalid entries over consecutive indices: a full sweep flushes L2TLB (see docs). */
  invalSweep = 0;
  readonly l2: L2Tlb | null;
  /** Machine address of the L2TLB's table (16 bytes per entry), for timed-mode charges. */
  l2Base = 0;

  // ---- virtual interrupts ----
  virq = 0;
  timerPeriod = 0;
  nextTick = Infinity;

  // ---- scheduling ----
  state: number = VCPU_STATE.Held;
  /** Physical CPU whose run queue holds this vCPU, and its node. */
  home = 0;
  homeNode = 0;
  /** Physical CPU this vCPU's registers are loaded on, or -1. */
  loadedOn = -1;
  /** Physical CPU it is assigned to for the current round, or -1. */
  assigned = -1;
  ranRound = -1;
  sliceEnd = 0;
  lastRun = 0;
  waitStart = 0;

  // ---- accounting marks (at the last exit from the monitor) ----
  mark = 0;
  markInstret = 0;
  guestUser = false;
  lastClock = 0;

  // ---- fault detection ----
  /** Cycles run in a row with virtual interrupts disabled. */
  irqOffRun = 0;
  /** Exceptions reflected at virtual EXL = 1 since the last eret. */
  excAtExl = 0;

  constructor(
    readonly id: number,
    readonly vm: Vm,
    spPage: number,
    tlbEntries: number,
    l2: boolean,
  ) {
    this.spPage = spPage;
    this.sp = (spPage << 12) >>> 2;
    this.tlbEntries = tlbEntries;
    this.tHi = new Int32Array(tlbEntries);
    this.tLo0 = new Int32Array(tlbEntries);
    this.tLo1 = new Int32Array(tlbEntries);
    this.tMask = new Int32Array(tlbEntries);
    this.l2 = l2 ? new L2Tlb() : null;
  }

  /** Special-page word at byte offset `off`. */
  get(off: number): number {
    return this.vm.ram32[this.sp + (off >>> 2)];
  }

  set(off: number, v: number): void {
    this.vm.ram32[this.sp + (off >>> 2)] = v;
  }

  /** Virtual Status: the store-writable bits from the page, the rest from the monitor. */
  status(): number {
    return (this.vm.ram32[this.sp] & STATUS_STORE_MASK) | (this.statusHidden & ~STATUS_STORE_MASK);
  }

  setStatus(v: number): void {
    this.statusHidden = v & ~STATUS_STORE_MASK;
    this.vm.ram32[this.sp] = v;
  }

  /** Virtual Cause.IP7..IP0 (8 bits) from the posted sources. */
  ipBits(): number {
    const q = this.virq;
    let ip = this.causeSw;
    if ((q & DEVICE_VIRQS) !== 0) ip |= 1 << 2;
    if ((q & VIRQ.IPI) !== 0) ip |= 1 << 3;
    if ((q & VIRQ.TIMER) !== 0) ip |= 1 << 4;
    if (this.compareTi) ip |= 1 << 7;
    return ip;
  }

  /** Full virtual Cause as mfc0 reads it. */
  causeValue(): number {
    return (this.cause & ~CAUSE.IP_MASK) | (this.ipBits() << CAUSE.IP_SHIFT) | (this.compareTi ? CAUSE.TI : 0);
  }

  /** Posted and unmasked by IM (what wakes `wait`, and SPECIAL.PENDING). */
  unmaskedPending(): boolean {
    return (this.ipBits() & (this.status() >>> STATUS.IM_SHIFT) & 0xff) !== 0;
  }

  /** An interrupt would be taken now: posted, unmasked, IE = 1, EXL = ERL = 0. */
  deliverable(): boolean {
    const st = this.status();
    if ((st & STATUS.IE) === 0 || (st & (STATUS.EXL | STATUS.ERL)) !== 0) return false;
    return (this.ipBits() & (st >>> STATUS.IM_SHIFT) & 0xff) !== 0;
  }

  /** Virtual user mode (physical user mode) vs virtual kernel mode (physical supervisor mode). */
  inUserMode(): boolean {
    const st = this.status();
    return (st & (STATUS.EXL | STATUS.ERL)) === 0 && (st & STATUS.KSU_MASK) === 2 << STATUS.KSU_SHIFT;
  }

  /** Write the read-only words of the special page from the monitor's state. */
  refreshPage(cycles: number): void {
    const r = this.vm.ram32;
    const b = this.sp;
    r[b] = this.status();
    r[b + (SPECIAL.CAUSE >>> 2)] = this.causeValue();
    r[b + (SPECIAL.BADVADDR >>> 2)] = this.badVAddr;
    r[b + (SPECIAL.VCPU_ID >>> 2)] = this.id;
    r[b + (SPECIAL.VIRQ_PENDING >>> 2)] = this.virq;
    r[b + (SPECIAL.PENDING >>> 2)] = this.unmaskedPending() ? 1 : 0;
    r[b + (SPECIAL.NUM_VCPUS >>> 2)] = this.vm.vcpus.length;
    r[b + (SPECIAL.MEMORY_BYTES >>> 2)] = this.vm.memoryBytes;
    r[b + (SPECIAL.CYCLES_LO >>> 2)] = cycles % 4294967296 | 0;
    r[b + (SPECIAL.CYCLES_HI >>> 2)] = Math.floor(cycles / 4294967296) | 0;
    r[b + (SPECIAL.TLB_ENTRIES >>> 2)] = this.tlbEntries;
    r[b + (SPECIAL.USED_BYTES >>> 2)] = SPECIAL.USED_BYTES + 4;
  }

  /** Power-on state of the virtual CPU (registers, virtual CP0, TLBs, interrupts). */
  reset(): void {
    this.gpr.fill(0);
    this.hi = this.lo = 0;
    this.pc = 0;
    this.npc = 4;
    this.inSlot = false;
    this.fpr.fill(0);
    this.fcsr = 0;
    const r = this.vm.ram32;
    r.fill(0, this.sp, this.sp + 1024);
    this.statusHidden = 0;
    this.cause = 0;
    this.causeSw = 0;
    this.badVAddr = 0;
    this.hwrena = 0;
    this.errorEpc = 0;
    this.compare = 0;
    this.countBase = 0;
    this.countEpoch = 0;
    this.compareDeadline = Infinity;
    this.compareTi = false;
    for (let i = 0; i < this.tlbEntries; i++) {
      this.tHi[i] = (0x80000000 + i * 0x2000) | 0;
      this.tLo0[i] = this.tLo1[i] = this.tMask[i] = 0;
    }
    this.randomCounter = 0;
    this.invalSweep = 0;
    this.l2?.clear();
    this.virq = 0;
    this.timerPeriod = 0;
    this.nextTick = Infinity;
    this.state = VCPU_STATE.Held;
    this.irqOffRun = 0;
    this.excAtExl = 0;
    this.lastClock = 0;
    this.set(SPECIAL.EBASE, GUEST_VSEG.KSEG_BASE | 0);
    this.setStatus(STATUS.CU1);
  }
}
