// One MIPS32r2 little-endian CPU: registers, the fetch/decode/execute loop with delay slots,
// loads and stores through the fast translation table, and the integer ISA. CP0 (privileged
// registers, exceptions, TLB instructions) lives in ../cp0/cp0.ts, the FPU in ../fpu/.
// The hot loop allocates nothing; faults are values (a flag plus the exception entry), never throws.

import { CAUSE, CP0, CP0_REGISTER_COUNT, EXC, HWR, STATUS } from '../cp0/regs.js';
import {
  cp0Reset,
  eret,
  readCp0,
  readCount,
  recomputeTimer,
  takeException,
  tlbProbe,
  tlbRead,
  tlbWriteIndexed,
  tlbWriteRandom,
  updateInterrupts,
  writeCp0,
} from '../cp0/cp0.js';
import { Fpu } from '../fpu/fpu.js';
import * as fastMap from '../mmu/fast-map.js';
import { Tlb } from '../mmu/tlb.js';
import * as translation from '../mmu/translate.js';
import type { PhysicalMemory } from '../memory/physical-memory.js';
import { LinkMonitor } from './link-monitor.js';

/** Why `run` returned before its cycle budget. */
export const STOP = {
  None: 0,
  /** hostExceptions mode: an exception was taken; see `exception`. */
  Exception: 1,
  /** The CPU executed WAIT and idles until an interrupt. */
  Wait: 2,
  /** Someone asked the CPU to stop (`requestStop`). */
  Requested: 3,
} as const;

/** Optional timed-mode memory model: returns the stall cycles of one access. */
export interface MemoryTiming {
  /** A cached access: hit, or a miss served locally, remotely or by another cache. */
  access(cpu: number, pa: number, isWrite: boolean): number;
  /** An uncached access (kseg1, C=2): the home node's memory latency, caches untouched. */
  uncached(cpu: number, pa: number, isWrite: boolean): number;
}

/** Emulated cycles by privilege mode (busy cycles only) and idle cycles (WAIT, or held before start); see `cycleSplit`. */
export interface CycleSplit {
  user: number;
  supervisor: number;
  kernel: number;
  idle: number;
}

/** The last exception taken in hostExceptions mode (the Linux user-mode runner reads it). */
export interface HostException {
  code: number;
  pc: number;
  inDelaySlot: boolean;
  badVAddr: number;
  /** Coprocessor number for CpU. */
  ce: number;
}

// Hot-path constants copied into module-level consts: V8 re-reads imported bindings on every use.
const { FastMap, FT_FRAME_SHIFT, FT_UNCACHED, FT_VALID, FT_WRITABLE, MODE_READ_MASK, MODE_WRITE_MASK } = fastMap;
const { ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE, translateSlow } = translation;
const MODE_KERNEL = 0;
const MODE_SUPERVISOR = 1;
const MODE_USER = 2;

export class Cpu {
  readonly gpr = new Int32Array(32);
  hi = 0;
  lo = 0;
  /** Address of the instruction about to execute. */
  pc = 0;
  /** Address of the instruction after it (the branch target once a branch has executed). */
  npc = 4;
  /** The instruction at `pc` sits in a branch delay slot. */
  inSlot = false;

  readonly cp0 = new Int32Array(CP0_REGISTER_COUNT);
  readonly tlb: Tlb;
  readonly fpu = new Fpu();
  readonly fast: fastMap.FastMap = new FastMap();

  /** 0 kernel, 1 supervisor, 2 user: derived from Status on every change. */
  mode = MODE_KERNEL;
  readMask = MODE_READ_MASK[0];
  writeMask = MODE_WRITE_MASK[0];

  /** Emulated time: instructions plus stall cycles. */
  cycles = 0;
  /** Instructions retired. */
  instret = 0;
  /** Idle cycles: spent in WAIT, or held before the board started this CPU. */
  idleCycles = 0;
  /** Busy cycles charged to each mode (index = mode) up to the last mode change. */
  private readonly modeCycles = new Float64Array(3);
  /** Busy cycles (cycles - idleCycles) at the last mode change. */
  private modeMark = 0;
  /** Cycle at which Count reaches Compare next. */
  timerDeadline = Infinity;
  countBase = 0;
  countEpoch = 0;

  /** Hardware interrupt lines IP2..IP7 as a 6-bit level mask. */
  hwLines = 0;
  /** An enabled interrupt is pending: checked before each instruction. */
  irqPending = false;
  /** Idle in WAIT until an interrupt. */
  waiting = false;

  llBit = false;
  /** Machine address of the word the last LL read. */
  llAddr = -1;

  /** Set by a load/store that faulted; the instruction then does not complete. */
  fault = false;
  stopReason: number = STOP.None;
  /** Leave the inner loop at the next instruction boundary (a CP0 write changed the limits). */
  breakLoop = false;

  /** When true, exceptions stop `run` instead of vectoring (the Linux user-mode runner). */
  hostExceptions = false;
  readonly exception: HostException = { code: 0, pc: 0, inDelaySlot: false, badVAddr: 0, ce: 0 };

  /** Timed mode: the memory model charged on every access. */
  timing: MemoryTiming | null = null;
  private lastFetchLine = -1;
  /** Fetch page cache: (pc & 0xfffff003) equal to this tag means the page is mapped at fetchWordBase. */
  fetchTag = -1;
  fetchWordBase = 0;

  private readonly ramBytes: number;
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  private readonly i32: Int32Array;

  constructor(
    readonly id: number,
    readonly memory: PhysicalMemory,
    readonly links: LinkMonitor = new LinkMonitor(1),
    tlbEntries?: number,
  ) {
    this.tlb = new Tlb(tlbEntries);
    this.ramBytes = memory.size;
    this.u8 = memory.u8;
    this.u16 = memory.u16;
    this.i32 = memory.i32;
    this.reset();
  }

  /** Power-on state (reference §6.7): PC at the reset vector, BEV=ERL=1, kernel mode. */
  reset(): void {
    this.gpr.fill(0);
    this.hi = this.lo = 0;
    this.tlb.reset();
    this.fpu.reset();
    this.cycles = this.instret = this.idleCycles = 0;
    this.clearCycleSplit();
    this.hwLines = 0;
    this.waiting = false;
    this.llBit = false;
    this.llAddr = -1;
    this.links.clear(this.id);
    this.fault = false;
    this.stopReason = STOP.None;
    cp0Reset(this);
    this.setPc(this.cp0[CP0.ErrorEPC]);
  }

  /** Jump to `pc` outside any delay slot (boot, loaders, host-handled exceptions). */
  setPc(pc: number): void {
    this.pc = pc | 0;
    this.npc = (pc + 4) | 0;
    this.inSlot = false;
  }

  /** Raise or lower hardware interrupt line `line` (0..5 = IP2..IP7). */
  setIrqLine(line: number, asserted: boolean): void {
    const bit = 1 << line;
    const lines = asserted ? this.hwLines | bit : this.hwLines & ~bit;
    if (lines !== this.hwLines) {
      this.hwLines = lines;
      updateInterrupts(this);
    }
  }

  requestStop(): void {
    this.stopReason = STOP.Requested;
    this.breakLoop = true;
  }

  /** Forget cached translations (after TLB writes, ASID or ERL changes). */
  flushTranslations(): void {
    this.fast.clear();
    this.fetchTag = -1;
  }

  /** Mode-dependent masks; called by CP0 whenever Status or the exception level changes. */
  setMode(mode: number): void {
    const busy = this.cycles - this.idleCycles;
    this.modeCycles[this.mode] += busy - this.modeMark;
    this.modeMark = busy;
    this.mode = mode;
    this.readMask = MODE_READ_MASK[mode];
    this.writeMask = MODE_WRITE_MASK[mode];
    this.fetchTag = -1;
  }

  /**
   * Cycles since reset by what the CPU was doing: running in user, supervisor or kernel mode
   * (instructions and their stalls), or idle (in WAIT, or held before it was started). The
   * four add up to `cycles`. Charged on mode changes only, so the loop pays nothing for it.
   */
  cycleSplit(): CycleSplit {
    const current = this.cycles - this.idleCycles - this.modeMark;
    const m = this.modeCycles;
    return {
      user: m[MODE_USER] + (this.mode === MODE_USER ? current : 0),
      supervisor: m[MODE_SUPERVISOR] + (this.mode === MODE_SUPERVISOR ? current : 0),
      kernel: m[MODE_KERNEL] + (this.mode === MODE_KERNEL ? current : 0),
      idle: this.idleCycles,
    };
  }

  /** Restart the per-mode accounting (after an owner reset `cycles` and `idleCycles`). */
  clearCycleSplit(): void {
    this.modeCycles.fill(0);
    this.modeMark = this.cycles - this.idleCycles;
  }

  // ---------------------------------------------------------------------------------------
  // Memory access. Each returns the value (loads) and sets `fault` after taking an exception.

  /** Translate for a data access; returns the machine address or -1 after raising an exception. */
  private translate(va: number, access: number): number {
    const e = this.fast.entries[va >>> 12];
    if (access === ACCESS_STORE) {
      if ((e & this.writeMask) === (FT_VALID | FT_WRITABLE)) {
        const pa = ((e >>> FT_FRAME_SHIFT) << 12) | (va & 0xfff);
        if (this.timing !== null) this.chargeAccess(pa, e, true);
        return pa;
      }
    } else if ((e & this.readMask) === FT_VALID) {
      const pa = ((e >>> FT_FRAME_SHIFT) << 12) | (va & 0xfff);
      if (this.timing !== null) this.chargeAccess(pa, e, false);
      return pa;
    }
    const pa = translateSlow(this, va, access);
    if (pa === -1) this.fault = true;
    else if (this.timing !== null && pa < this.ramBytes) {
      this.chargeAccess(pa, this.fast.entries[va >>> 12], access === ACCESS_STORE);
    }
    return pa;
  }

  private chargeAccess(pa: number, entry: number, isWrite: boolean): void {
    this.cycles +=
      (entry & FT_UNCACHED) !== 0 ? this.timing!.uncached(this.id, pa, isWrite) : this.timing!.access(this.id, pa, isWrite);
  }

  /** No RAM or device at the machine address: a data bus error (the same code for loads and stores). */
  private busError(va: number, _store: boolean): void {
    this.fault = true;
    this.raise(EXC.DBE, va);
  }

  load8(va: number): number {
    const pa = this.translate(va, ACCESS_LOAD);
    if (pa === -1) return 0;
    if (pa < this.ramBytes) return this.u8[pa];
    const v = this.memory.readIo(pa, 1);
    if (v === -1) this.busError(va, false);
    return v & 0xff;
  }

  load16(va: number): number {
    if ((va & 1) !== 0) return this.addressError(va, EXC.AdEL);
    const pa = this.translate(va, ACCESS_LOAD);
    if (pa === -1) return 0;
    if (pa < this.ramBytes) return this.u16[pa >>> 1];
    const v = this.memory.readIo(pa, 2);
    if (v === -1) this.busError(va, false);
    return v & 0xffff;
  }

  load32(va: number): number {
    if ((va & 3) !== 0) return this.addressError(va, EXC.AdEL);
    const pa = this.translate(va, ACCESS_LOAD);
    if (pa === -1) return 0;
    if (pa < this.ramBytes) return this.i32[pa >>> 2];
    const v = this.memory.readIo(pa, 4);
    if (v === -1) this.busError(va, false);
    return v | 0;
  }

  store8(va: number, v: number): void {
    const pa = this.translate(va, ACCESS_STORE);
    if (pa === -1) return;
    if (pa < this.ramBytes) {
      this.u8[pa] = v;
      if (this.links.active !== 0) this.links.stored(pa, this.id);
    } else if (!this.memory.writeIo(pa, 1, v)) this.busError(va, true);
  }

  store16(va: number, v: number): void {
    if ((va & 1) !== 0) {
      this.addressError(va, EXC.AdES);
      return;
    }
    const pa = this.translate(va, ACCESS_STORE);
    if (pa === -1) return;
    if (pa < this.ramBytes) {
      this.u16[pa >>> 1] = v;
      if (this.links.active !== 0) this.links.stored(pa, this.id);
    } else if (!this.memory.writeIo(pa, 2, v)) this.busError(va, true);
  }

  store32(va: number, v: number): void {
    if ((va & 3) !== 0) {
      this.addressError(va, EXC.AdES);
      return;
    }
    const pa = this.translate(va, ACCESS_STORE);
    if (pa === -1) return;
    if (pa < this.ramBytes) {
      this.i32[pa >>> 2] = v;
      if (this.links.active !== 0) this.links.stored(pa, this.id);
    } else if (!this.memory.writeIo(pa, 4, v)) this.busError(va, true);
  }

  /** Raise an address error for `va`; returns 0 so loads can `return this.addressError(...)`. */
  addressError(va: number, code: number): number {
    this.fault = true;
    this.raise(code, va);
    return 0;
  }

  /** Take exception `code` for the instruction at `pc` (badVAddr for address/TLB exceptions). */
  raise(code: number, badVAddr = 0, ce = 0, refill = false): void {
    if (this.hostExceptions) {
      const x = this.exception;
      x.code = code;
      x.pc = this.pc;
      x.inDelaySlot = this.inSlot;
      x.badVAddr = badVAddr;
      x.ce = ce;
      this.stopReason = STOP.Exception;
      this.breakLoop = true;
      return;
    }
    takeException(this, code, badVAddr, ce, refill);
  }

  /** A TLB exception from the translator: refill selects the refill vector when EXL=0. */
  raiseTlb(code: number, va: number, refill: boolean): void {
    this.raise(code, va, 0, refill);
  }

  /** While waiting, let emulated time pass up to `cycle` (the timer may fire and wake the CPU). */
  idleUntil(cycle: number): void {
    while (this.waiting && this.cycles < cycle) {
      const next = cycle < this.timerDeadline ? cycle : this.timerDeadline;
      this.idleCycles += next - this.cycles;
      this.cycles = next;
      if (this.cycles >= this.timerDeadline) recomputeTimer(this, true);
    }
  }

  // ---------------------------------------------------------------------------------------
  // The loop.

  /**
   * Run until `cycles` reaches `untilCycle`, the CPU waits, or it is stopped. Returns the
   * stop reason (STOP.None when the budget ran out).
   */
  run(untilCycle: number): number {
    this.stopReason = STOP.None;
    if (this.waiting) return STOP.Wait;
    while (this.cycles < untilCycle) {
      if (this.cycles >= this.timerDeadline) recomputeTimer(this, true);
      const limit = untilCycle < this.timerDeadline ? untilCycle : this.timerDeadline;
      this.breakLoop = false;
      this.runInner(limit);
      if (this.stopReason !== STOP.None) return this.stopReason;
      if (this.waiting) {
        this.stopReason = STOP.Wait;
        return STOP.Wait;
      }
    }
    return STOP.None;
  }

  private runInner(limit: number): void {
    const gpr = this.gpr;
    const i32 = this.i32;
    while (this.cycles < limit && !this.breakLoop) {
      if (this.irqPending) {
        takeException(this, EXC.Int, 0, 0);
        if (this.breakLoop) break;
      }
      const pc = this.pc;
      if ((pc & 0xfffff003) !== this.fetchTag && !this.setupFetch(pc)) {
        this.cycles++; // a fetch fault still costs time, so a fault loop cannot stall the host
        continue;
      }
      if (this.timing !== null) this.chargeFetch(pc);
      const instr = i32[this.fetchWordBase + ((pc & 0xfff) >>> 2)];
      this.cycles++;
      this.instret++;

      // Execute. `target` is where control goes after the delay slot when `branch` is set.
      let branch = false;
      let target = 0;
      const rs = (instr >>> 21) & 31;
      const rt = (instr >>> 16) & 31;
      switch (instr >>> 26) {
        case 0x00: {
          // SPECIAL
          const rd = (instr >>> 11) & 31;
          const sa = (instr >>> 6) & 31;
          switch (instr & 63) {
            case 0x00: // SLL (NOP, SSNOP, EHB, PAUSE)
              if (rd !== 0) gpr[rd] = gpr[rt] << sa;
              break;
            case 0x01: // MOVF / MOVT
              if (!this.cop1Usable()) continue;
              if (this.fpu.condition((instr >>> 18) & 7) === ((instr & (1 << 16)) !== 0) && rd !== 0) gpr[rd] = gpr[rs];
              break;
            case 0x02: // SRL / ROTR
              if (rd !== 0) {
                const v = gpr[rt];
                gpr[rd] = (instr & (1 << 21)) !== 0 ? (v >>> sa) | (v << (32 - sa)) : v >>> sa;
              }
              break;
            case 0x03: // SRA
              if (rd !== 0) gpr[rd] = gpr[rt] >> sa;
              break;
            case 0x04: // SLLV
              if (rd !== 0) gpr[rd] = gpr[rt] << (gpr[rs] & 31);
              break;
            case 0x06: // SRLV / ROTRV
              if (rd !== 0) {
                const v = gpr[rt];
                const s = gpr[rs] & 31;
                gpr[rd] = (instr & (1 << 6)) !== 0 ? (v >>> s) | (v << (32 - s)) : v >>> s;
              }
              break;
            case 0x07: // SRAV
              if (rd !== 0) gpr[rd] = gpr[rt] >> (gpr[rs] & 31);
              break;
            case 0x08: // JR
              branch = true;
              target = gpr[rs];
              break;
            case 0x09: // JALR
              branch = true;
              target = gpr[rs];
              if (rd !== 0) gpr[rd] = pc + 8;
              break;
            case 0x0a: // MOVZ
              if (gpr[rt] === 0 && rd !== 0) gpr[rd] = gpr[rs];
              break;
            case 0x0b: // MOVN
              if (gpr[rt] !== 0 && rd !== 0) gpr[rd] = gpr[rs];
              break;
            case 0x0c: // SYSCALL
              this.raise(EXC.Sys);
              continue;
            case 0x0d: // BREAK
              this.raise(EXC.Bp);
              continue;
            case 0x0f: // SYNC
              break;
            case 0x10: // MFHI
              if (rd !== 0) gpr[rd] = this.hi;
              break;
            case 0x11: // MTHI
              this.hi = gpr[rs];
              break;
            case 0x12: // MFLO
              if (rd !== 0) gpr[rd] = this.lo;
              break;
            case 0x13: // MTLO
              this.lo = gpr[rs];
              break;
            case 0x18: // MULT
              this.multiply(gpr[rs], gpr[rt], true);
              break;
            case 0x19: // MULTU
              this.multiply(gpr[rs], gpr[rt], false);
              break;
            case 0x1a: {
              // DIV
              const a = gpr[rs];
              const b = gpr[rt];
              if (b === 0) {
                this.lo = a;
                this.hi = 0;
              } else if (a === -0x80000000 && b === -1) {
                this.lo = a;
                this.hi = 0;
              } else {
                this.lo = (a / b) | 0;
                this.hi = a % b | 0;
              }
              break;
            }
            case 0x1b: {
              // DIVU
              const a = gpr[rs] >>> 0;
              const b = gpr[rt] >>> 0;
              if (b === 0) {
                this.lo = a | 0;
                this.hi = 0;
              } else {
                this.lo = Math.floor(a / b) | 0;
                this.hi = a % b | 0;
              }
              break;
            }
            case 0x20: {
              // ADD
              const r = gpr[rs] + gpr[rt];
              if (r > 0x7fffffff || r < -0x80000000) {
                this.raise(EXC.Ov);
                continue;
              }
              if (rd !== 0) gpr[rd] = r;
              break;
            }
            case 0x21: // ADDU
              if (rd !== 0) gpr[rd] = (gpr[rs] + gpr[rt]) | 0;
              break;
            case 0x22: {
              // SUB
              const r = gpr[rs] - gpr[rt];
              if (r > 0x7fffffff || r < -0x80000000) {
                this.raise(EXC.Ov);
                continue;
              }
              if (rd !== 0) gpr[rd] = r;
              break;
            }
            case 0x23: // SUBU
              if (rd !== 0) gpr[rd] = (gpr[rs] - gpr[rt]) | 0;
              break;
            case 0x24: // AND
              if (rd !== 0) gpr[rd] = gpr[rs] & gpr[rt];
              break;
            case 0x25: // OR
              if (rd !== 0) gpr[rd] = gpr[rs] | gpr[rt];
              break;
            case 0x26: // XOR
              if (rd !== 0) gpr[rd] = gpr[rs] ^ gpr[rt];
              break;
            case 0x27: // NOR
              if (rd !== 0) gpr[rd] = ~(gpr[rs] | gpr[rt]);
              break;
            case 0x2a: // SLT
              if (rd !== 0) gpr[rd] = gpr[rs] < gpr[rt] ? 1 : 0;
              break;
            case 0x2b: // SLTU
              if (rd !== 0) gpr[rd] = gpr[rs] >>> 0 < gpr[rt] >>> 0 ? 1 : 0;
              break;
            case 0x30: // TGE
              if (gpr[rs] >= gpr[rt]) {
                this.raise(EXC.Tr);
                continue;
              }
              break;
            case 0x31: // TGEU
              if (gpr[rs] >>> 0 >= gpr[rt] >>> 0) {
                this.raise(EXC.Tr);
                continue;
              }
              break;
            case 0x32: // TLT
              if (gpr[rs] < gpr[rt]) {
                this.raise(EXC.Tr);
                continue;
              }
              break;
            case 0x33: // TLTU
              if (gpr[rs] >>> 0 < gpr[rt] >>> 0) {
                this.raise(EXC.Tr);
                continue;
              }
              break;
            case 0x34: // TEQ
              if (gpr[rs] === gpr[rt]) {
                this.raise(EXC.Tr);
                continue;
              }
              break;
            case 0x36: // TNE
              if (gpr[rs] !== gpr[rt]) {
                this.raise(EXC.Tr);
                continue;
              }
              break;
            default:
              this.raise(EXC.RI);
              continue;
          }
          break;
        }
        case 0x01: {
          // REGIMM
          const v = gpr[rs];
          switch (rt) {
            case 0x00: // BLTZ
              branch = true;
              target = v < 0 ? pc + 4 + ((instr << 16) >> 14) : pc + 8;
              break;
            case 0x01: // BGEZ
              branch = true;
              target = v >= 0 ? pc + 4 + ((instr << 16) >> 14) : pc + 8;
              break;
            case 0x02: // BLTZL
              if (v < 0) {
                branch = true;
                target = pc + 4 + ((instr << 16) >> 14);
              } else {
                this.skipSlot(pc);
                continue;
              }
              break;
            case 0x03: // BGEZL
              if (v >= 0) {
                branch = true;
                target = pc + 4 + ((instr << 16) >> 14);
              } else {
                this.skipSlot(pc);
                continue;
              }
              break;
            case 0x08: // TGEI
            case 0x09: // TGEIU
            case 0x0a: // TLTI
            case 0x0b: // TLTIU
            case 0x0c: // TEQI
            case 0x0e: {
              // TNEI
              const imm = (instr << 16) >> 16;
              let take: boolean;
              if (rt === 0x08) take = v >= imm;
              else if (rt === 0x09) take = v >>> 0 >= imm >>> 0;
              else if (rt === 0x0a) take = v < imm;
              else if (rt === 0x0b) take = v >>> 0 < imm >>> 0;
              else if (rt === 0x0c) take = v === imm;
              else take = v !== imm;
              if (take) {
                this.raise(EXC.Tr);
                continue;
              }
              break;
            }
            case 0x10: // BLTZAL
              gpr[31] = pc + 8;
              branch = true;
              target = v < 0 ? pc + 4 + ((instr << 16) >> 14) : pc + 8;
              break;
            case 0x11: // BGEZAL
              gpr[31] = pc + 8;
              branch = true;
              target = v >= 0 ? pc + 4 + ((instr << 16) >> 14) : pc + 8;
              break;
            case 0x12: // BLTZALL
              gpr[31] = pc + 8;
              if (v < 0) {
                branch = true;
                target = pc + 4 + ((instr << 16) >> 14);
              } else {
                this.skipSlot(pc);
                continue;
              }
              break;
            case 0x13: // BGEZALL
              gpr[31] = pc + 8;
              if (v >= 0) {
                branch = true;
                target = pc + 4 + ((instr << 16) >> 14);
              } else {
                this.skipSlot(pc);
                continue;
              }
              break;
            case 0x1f: // SYNCI: translate like a load; no caches to maintain in fast mode
              this.translate((v + ((instr << 16) >> 16)) | 0, ACCESS_LOAD);
              if (this.fault) {
                this.fault = false;
                continue;
              }
              break;
            default:
              this.raise(EXC.RI);
              continue;
          }
          break;
        }
        case 0x02: // J
          branch = true;
          target = ((pc + 4) & 0xf0000000) | ((instr & 0x3ffffff) << 2);
          break;
        case 0x03: // JAL
          branch = true;
          target = ((pc + 4) & 0xf0000000) | ((instr & 0x3ffffff) << 2);
          gpr[31] = pc + 8;
          break;
        case 0x04: // BEQ
          branch = true;
          target = gpr[rs] === gpr[rt] ? pc + 4 + ((instr << 16) >> 14) : pc + 8;
          break;
        case 0x05: // BNE
          branch = true;
          target = gpr[rs] !== gpr[rt] ? pc + 4 + ((instr << 16) >> 14) : pc + 8;
          break;
        case 0x06: // BLEZ
          branch = true;
          target = gpr[rs] <= 0 ? pc + 4 + ((instr << 16) >> 14) : pc + 8;
          break;
        case 0x07: // BGTZ
          branch = true;
          target = gpr[rs] > 0 ? pc + 4 + ((instr << 16) >> 14) : pc + 8;
          break;
        case 0x08: {
          // ADDI
          const r = gpr[rs] + ((instr << 16) >> 16);
          if (r > 0x7fffffff || r < -0x80000000) {
            this.raise(EXC.Ov);
            continue;
          }
          if (rt !== 0) gpr[rt] = r;
          break;
        }
        case 0x09: // ADDIU
          if (rt !== 0) gpr[rt] = (gpr[rs] + ((instr << 16) >> 16)) | 0;
          break;
        case 0x0a: // SLTI
          if (rt !== 0) gpr[rt] = gpr[rs] < (instr << 16) >> 16 ? 1 : 0;
          break;
        case 0x0b: // SLTIU
          if (rt !== 0) gpr[rt] = gpr[rs] >>> 0 < ((instr << 16) >> 16) >>> 0 ? 1 : 0;
          break;
        case 0x0c: // ANDI
          if (rt !== 0) gpr[rt] = gpr[rs] & (instr & 0xffff);
          break;
        case 0x0d: // ORI
          if (rt !== 0) gpr[rt] = gpr[rs] | (instr & 0xffff);
          break;
        case 0x0e: // XORI
          if (rt !== 0) gpr[rt] = gpr[rs] ^ (instr & 0xffff);
          break;
        case 0x0f: // LUI
          if (rt !== 0) gpr[rt] = instr << 16;
          break;
        case 0x10: // COP0
          if (!this.executeCop0(instr)) continue;
          break;
        case 0x11: {
          // COP1
          if (!this.cop1Usable()) continue;
          if (rs === 0x08) {
            // BC1F / BC1T / BC1FL / BC1TL
            const cond = this.fpu.condition((instr >>> 18) & 7) === ((instr & (1 << 16)) !== 0);
            if (cond) {
              branch = true;
              target = pc + 4 + ((instr << 16) >> 14);
            } else if ((instr & (1 << 17)) !== 0) {
              this.skipSlot(pc);
              continue;
            } else {
              branch = true;
              target = pc + 8;
            }
            break;
          }
          const exc = this.fpu.executeCop1(instr, gpr);
          if (exc !== 0) {
            this.raise(exc);
            continue;
          }
          break;
        }
        case 0x12: // COP2: no coprocessor 2
          this.raise(EXC.CpU, 0, 2);
          continue;
        case 0x13: // COP1X
          if (!this.cop1Usable()) continue;
          if (!this.executeCop1x(instr)) continue;
          break;
        case 0x14: // BEQL
          if (gpr[rs] === gpr[rt]) {
            branch = true;
            target = pc + 4 + ((instr << 16) >> 14);
          } else {
            this.skipSlot(pc);
            continue;
          }
          break;
        case 0x15: // BNEL
          if (gpr[rs] !== gpr[rt]) {
            branch = true;
            target = pc + 4 + ((instr << 16) >> 14);
          } else {
            this.skipSlot(pc);
            continue;
          }
          break;
        case 0x16: // BLEZL
          if (gpr[rs] <= 0) {
            branch = true;
            target = pc + 4 + ((instr << 16) >> 14);
          } else {
            this.skipSlot(pc);
            continue;
          }
          break;
        case 0x17: // BGTZL
          if (gpr[rs] > 0) {
            branch = true;
            target = pc + 4 + ((instr << 16) >> 14);
          } else {
            this.skipSlot(pc);
            continue;
          }
          break;
        case 0x1c:
          if (!this.executeSpecial2(instr)) continue;
          break;
        case 0x1f:
          if (!this.executeSpecial3(instr)) continue;
          break;
        case 0x20: {
          // LB
          const v = this.load8((gpr[rs] + ((instr << 16) >> 16)) | 0);
          if (this.fault) {
            this.fault = false;
            continue;
          }
          if (rt !== 0) gpr[rt] = (v << 24) >> 24;
          break;
        }
        case 0x21: {
          // LH
          const v = this.load16((gpr[rs] + ((instr << 16) >> 16)) | 0);
          if (this.fault) {
            this.fault = false;
            continue;
          }
          if (rt !== 0) gpr[rt] = (v << 16) >> 16;
          break;
        }
        case 0x22: {
          // LWL
          const ea = (gpr[rs] + ((instr << 16) >> 16)) | 0;
          const w = this.load32(ea & ~3);
          if (this.fault) {
            this.fault = false;
            continue;
          }
          const k = ea & 3;
          const shift = (3 - k) * 8;
          const keep = k === 3 ? 0 : 0xffffffff >>> ((k + 1) * 8);
          if (rt !== 0) gpr[rt] = (gpr[rt] & keep) | (w << shift);
          break;
        }
        case 0x23: {
          // LW
          const v = this.load32((gpr[rs] + ((instr << 16) >> 16)) | 0);
          if (this.fault) {
            this.fault = false;
            continue;
          }
          if (rt !== 0) gpr[rt] = v;
          break;
        }
        case 0x24: {
          // LBU
          const v = this.load8((gpr[rs] + ((instr << 16) >> 16)) | 0);
          if (this.fault) {
            this.fault = false;
            continue;
          }
          if (rt !== 0) gpr[rt] = v;
          break;
        }
        case 0x25: {
          // LHU
          const v = this.load16((gpr[rs] + ((instr << 16) >> 16)) | 0);
          if (this.fault) {
            this.fault = false;
            continue;
          }
          if (rt !== 0) gpr[rt] = v;
          break;
        }
        case 0x26: {
          // LWR
          const ea = (gpr[rs] + ((instr << 16) >> 16)) | 0;
          const w = this.load32(ea & ~3);
          if (this.fault) {
            this.fault = false;
            continue;
          }
          const k = ea & 3;
          const keep = k === 0 ? 0 : ~(0xffffffff >>> (k * 8));
          if (rt !== 0) gpr[rt] = (gpr[rt] & keep) | (w >>> (k * 8));
          break;
        }
        case 0x28: // SB
          this.store8((gpr[rs] + ((instr << 16) >> 16)) | 0, gpr[rt]);
          if (this.fault) {
            this.fault = false;
            continue;
          }
          break;
        case 0x29: // SH
          this.store16((gpr[rs] + ((instr << 16) >> 16)) | 0, gpr[rt]);
          if (this.fault) {
            this.fault = false;
            continue;
          }
          break;
        case 0x2a: // SWL
          if (!this.storePartial((gpr[rs] + ((instr << 16) >> 16)) | 0, gpr[rt], true)) continue;
          break;
        case 0x2b: // SW
          this.store32((gpr[rs] + ((instr << 16) >> 16)) | 0, gpr[rt]);
          if (this.fault) {
            this.fault = false;
            continue;
          }
          break;
        case 0x2e: // SWR
          if (!this.storePartial((gpr[rs] + ((instr << 16) >> 16)) | 0, gpr[rt], false)) continue;
          break;
        case 0x2f: // CACHE
          if (this.mode !== MODE_KERNEL && (this.cp0[CP0.Status] & STATUS.CU0) === 0) {
            this.raise(EXC.CpU, 0, 0);
            continue;
          }
          break;
        case 0x30: {
          // LL
          const ea = (gpr[rs] + ((instr << 16) >> 16)) | 0;
          if ((ea & 3) !== 0) {
            this.addressError(ea, EXC.AdEL);
            this.fault = false;
            continue;
          }
          const pa = this.translate(ea, ACCESS_LOAD);
          if (pa === -1 || pa >= this.ramBytes) {
            if (pa !== -1) this.busError(ea, false);
            this.fault = false;
            continue;
          }
          this.llBit = true;
          this.llAddr = pa;
          this.links.link(this.id, pa);
          if (rt !== 0) gpr[rt] = i32[pa >>> 2];
          break;
        }
        case 0x31: {
          // LWC1
          if (!this.cop1Usable()) continue;
          const v = this.load32((gpr[rs] + ((instr << 16) >> 16)) | 0);
          if (this.fault) {
            this.fault = false;
            continue;
          }
          this.fpu.setWord(rt, v);
          break;
        }
        case 0x33: // PREF
          break;
        case 0x35: // LDC1
          if (!this.cop1Usable()) continue;
          if (!this.loadDouble((gpr[rs] + ((instr << 16) >> 16)) | 0, rt)) continue;
          break;
        case 0x38: {
          // SC
          const ea = (gpr[rs] + ((instr << 16) >> 16)) | 0;
          if ((ea & 3) !== 0) {
            this.addressError(ea, EXC.AdES);
            this.fault = false;
            continue;
          }
          const pa = this.translate(ea, ACCESS_STORE);
          if (pa === -1) {
            this.fault = false;
            continue;
          }
          let ok = 0;
          if (this.llBit && this.links.isLinked(this.id) && this.llAddr === pa) {
            if (pa < this.ramBytes) {
              i32[pa >>> 2] = gpr[rt];
              this.links.stored(pa, this.id);
            } else if (!this.memory.writeIo(pa, 4, gpr[rt])) {
              this.busError(ea, true);
              this.fault = false;
              continue;
            }
            ok = 1;
          }
          this.llBit = false;
          this.links.clear(this.id);
          if (rt !== 0) gpr[rt] = ok;
          break;
        }
        case 0x39: {
          // SWC1
          if (!this.cop1Usable()) continue;
          this.store32((gpr[rs] + ((instr << 16) >> 16)) | 0, this.fpu.getWord(rt));
          if (this.fault) {
            this.fault = false;
            continue;
          }
          break;
        }
        case 0x3d: // SDC1
          if (!this.cop1Usable()) continue;
          if (!this.storeDouble((gpr[rs] + ((instr << 16) >> 16)) | 0, rt)) continue;
          break;
        case 0x32: // LWC2
        case 0x36: // LDC2
        case 0x3a: // SWC2
        case 0x3e: // SDC2
          this.raise(EXC.CpU, 0, 2);
          continue;
        default:
          this.raise(EXC.RI);
          continue;
      }

      // Advance: the delay slot (if a branch executed) runs next, then `target`.
      if (branch) {
        this.pc = this.npc;
        this.npc = target | 0;
        this.inSlot = true;
      } else {
        this.pc = this.npc;
        this.npc = (this.npc + 4) | 0;
        this.inSlot = false;
      }
    }
  }

  /** A branch-likely that is not taken annuls its delay slot. */
  private skipSlot(pc: number): void {
    this.pc = (pc + 8) | 0;
    this.npc = (pc + 12) | 0;
    this.inSlot = false;
  }

  /** Map the fetch page of `pc`; false after raising the fetch exception. */
  private setupFetch(pc: number): boolean {
    if ((pc & 3) !== 0) {
      this.raise(EXC.AdEL, pc);
      return false;
    }
    const e = this.fast.entries[pc >>> 12];
    let pa: number;
    if ((e & this.readMask) === FT_VALID) pa = (e >>> FT_FRAME_SHIFT) << 12;
    else {
      pa = translateSlow(this, pc, ACCESS_FETCH);
      if (pa === -1) return false;
      if (pa >= this.ramBytes) {
        this.raise(EXC.IBE, pc);
        return false;
      }
      pa &= ~0xfff;
    }
    this.fetchTag = pc & 0xfffff000;
    this.fetchWordBase = pa >>> 2;
    return true;
  }

  private chargeFetch(pc: number): void {
    const line = pc >>> 7;
    if (line === this.lastFetchLine) return;
    this.lastFetchLine = line;
    this.cycles += this.timing!.access(this.id, (this.fetchWordBase << 2) | (pc & 0xfff), false);
  }

  /**
   * SWL (left) / SWR: merge part of `v` into the word containing `ea` (reference §2.7).
   * Translated as a store, so a missing page raises TLBS/Mod, never TLBL.
   */
  private storePartial(ea: number, v: number, left: boolean): boolean {
    const pa = this.translate(ea & ~3, ACCESS_STORE);
    if (pa === -1) {
      this.fault = false;
      return false;
    }
    const k = ea & 3;
    let w = pa < this.ramBytes ? this.i32[pa >>> 2] : this.memory.readIo(pa, 4);
    if (left) {
      const low = 0xffffffff >>> ((3 - k) * 8);
      w = (w & ~low) | (v >>> ((3 - k) * 8));
    } else {
      const keep = k === 0 ? 0 : 0xffffffff >>> ((4 - k) * 8);
      w = (w & keep) | (v << (k * 8));
    }
    if (pa < this.ramBytes) {
      this.i32[pa >>> 2] = w;
      if (this.links.active !== 0) this.links.stored(pa, this.id);
    } else if (!this.memory.writeIo(pa, 4, w)) {
      this.busError(ea, true);
      this.fault = false;
      return false;
    }
    return true;
  }

  private multiply(a: number, b: number, signed: boolean): void {
    // 64-bit product from 16-bit halves, exact in doubles.
    const au = a >>> 0;
    const bu = b >>> 0;
    const aLo = au & 0xffff;
    const aHi = au >>> 16;
    const bLo = bu & 0xffff;
    const bHi = bu >>> 16;
    const ll = aLo * bLo;
    const mid = aHi * bLo + aLo * bHi; // < 2^33
    const lowSum = ll + (mid % 65536) * 65536; // < 2^49
    const lo = lowSum % 4294967296;
    let hi = aHi * bHi + Math.floor(mid / 65536) + Math.floor(lowSum / 4294967296);
    if (signed) {
      if (a < 0) hi -= bu;
      if (b < 0) hi -= au;
    }
    this.lo = lo | 0;
    this.hi = hi | 0;
  }

  /** Add (sign = 1) or subtract (sign = -1) the 64-bit product to HI:LO (MADD/MSUB). */
  private accumulate(a: number, b: number, signed: boolean, subtract: boolean): void {
    const hi0 = this.hi;
    const lo0 = this.lo >>> 0;
    this.multiply(a, b, signed);
    let plo = this.lo >>> 0;
    let phi = this.hi | 0;
    if (subtract) {
      // negate the product (two's complement, 64-bit)
      plo = ~plo >>> 0;
      phi = ~phi;
      plo += 1;
      if (plo === 4294967296) {
        plo = 0;
        phi = (phi + 1) | 0;
      }
    }
    const sumLo = lo0 + plo;
    const carry = sumLo >= 4294967296 ? 1 : 0;
    this.lo = sumLo | 0;
    this.hi = (hi0 + phi + carry) | 0;
  }

  private executeSpecial2(instr: number): boolean {
    const gpr = this.gpr;
    const rs = (instr >>> 21) & 31;
    const rt = (instr >>> 16) & 31;
    const rd = (instr >>> 11) & 31;
    switch (instr & 63) {
      case 0x00: // MADD
        this.accumulate(gpr[rs], gpr[rt], true, false);
        return true;
      case 0x01: // MADDU
        this.accumulate(gpr[rs], gpr[rt], false, false);
        return true;
      case 0x02: // MUL
        if (rd !== 0) gpr[rd] = Math.imul(gpr[rs], gpr[rt]);
        return true;
      case 0x04: // MSUB
        this.accumulate(gpr[rs], gpr[rt], true, true);
        return true;
      case 0x05: // MSUBU
        this.accumulate(gpr[rs], gpr[rt], false, true);
        return true;
      case 0x20: // CLZ
        if (rd !== 0) gpr[rd] = Math.clz32(gpr[rs]);
        return true;
      case 0x21: // CLO
        if (rd !== 0) gpr[rd] = Math.clz32(~gpr[rs]);
        return true;
      default:
        this.raise(EXC.RI);
        return false;
    }
  }

  private executeSpecial3(instr: number): boolean {
    const gpr = this.gpr;
    const rs = (instr >>> 21) & 31;
    const rt = (instr >>> 16) & 31;
    const rd = (instr >>> 11) & 31;
    const sa = (instr >>> 6) & 31;
    switch (instr & 63) {
      case 0x00: {
        // EXT: size-1 in rd, pos in sa
        const size = rd + 1;
        const v = gpr[rs] >>> sa;
        if (rt !== 0) gpr[rt] = size >= 32 ? v : v & ((1 << size) - 1);
        return true;
      }
      case 0x04: {
        // INS: msb in rd, lsb in sa
        if (rd < sa) {
          return true; // UNPREDICTABLE: leave rt unchanged
        }
        const size = rd - sa + 1;
        const fieldMask = size >= 32 ? -1 : ((1 << size) - 1) << sa;
        if (rt !== 0) gpr[rt] = (gpr[rt] & ~fieldMask) | ((gpr[rs] << sa) & fieldMask);
        return true;
      }
      case 0x20: {
        // BSHFL
        const v = gpr[rt];
        let r: number;
        if (sa === 0x02) r = ((v & 0x00ff00ff) << 8) | ((v >>> 8) & 0x00ff00ff); // WSBH
        else if (sa === 0x10) r = (v << 24) >> 24; // SEB
        else if (sa === 0x18) r = (v << 16) >> 16; // SEH
        else {
          this.raise(EXC.RI);
          return false;
        }
        if (rd !== 0) gpr[rd] = r;
        return true;
      }
      case 0x3b: {
        // RDHWR rt, rd
        const allowed =
          this.mode === MODE_KERNEL || (this.cp0[CP0.Status] & STATUS.CU0) !== 0 || ((this.cp0[CP0.HWREna] >>> rd) & 1) !== 0;
        let v: number;
        if (!allowed) {
          this.raise(EXC.RI);
          return false;
        }
        switch (rd) {
          case HWR.CPUNum:
            v = this.id;
            break;
          case HWR.SYNCI_Step:
            v = 32;
            break;
          case HWR.CC:
            v = readCount(this);
            break;
          case HWR.CCRes:
            v = 2;
            break;
          case HWR.ULR:
            v = this.cp0[CP0.UserLocal];
            break;
          default:
            this.raise(EXC.RI);
            return false;
        }
        if (rt !== 0) gpr[rt] = v;
        return true;
      }
      default:
        this.raise(EXC.RI);
        return false;
    }
  }

  /** Kernel mode or CU0 set; otherwise CpU(0). */
  cop0Usable(): boolean {
    if (this.mode === MODE_KERNEL || (this.cp0[CP0.Status] & STATUS.CU0) !== 0) return true;
    this.raise(EXC.CpU, 0, 0);
    return false;
  }

  /** CU1 set; otherwise CpU(1). */
  cop1Usable(): boolean {
    if ((this.cp0[CP0.Status] & STATUS.CU1) !== 0) return true;
    this.raise(EXC.CpU, 0, 1);
    return false;
  }

  private executeCop0(instr: number): boolean {
    if (!this.cop0Usable()) return false;
    const rs = (instr >>> 21) & 31;
    const rt = (instr >>> 16) & 31;
    const rd = (instr >>> 11) & 31;
    const sel = instr & 7;
    if (rs === 0x00) {
      // MFC0
      const v = readCp0(this, rd * 8 + sel);
      if (rt !== 0) this.gpr[rt] = v;
      return true;
    }
    if (rs === 0x04) {
      // MTC0
      writeCp0(this, rd * 8 + sel, this.gpr[rt]);
      return true;
    }
    if (rs === 0x0b) {
      // DI / EI
      const status = this.cp0[CP0.Status];
      if (rt !== 0) this.gpr[rt] = status;
      const enable = (instr & 0x20) !== 0;
      writeCp0(this, CP0.Status, enable ? status | STATUS.IE : status & ~STATUS.IE);
      return true;
    }
    if (rs === 0x0a || rs === 0x0e) {
      // RDPGPR / WRPGPR: no shadow sets, so the previous set is the current one
      if (rs === 0x0a) {
        if (rd !== 0) this.gpr[rd] = this.gpr[rt];
      } else if (rd !== 0) this.gpr[rd] = this.gpr[rt];
      return true;
    }
    if (rs >= 0x10) {
      switch (instr & 63) {
        case 0x01:
          tlbRead(this);
          return true;
        case 0x02:
          tlbWriteIndexed(this);
          return true;
        case 0x06:
          tlbWriteRandom(this);
          return true;
        case 0x08:
          tlbProbe(this);
          return true;
        case 0x18: // ERET: no delay slot; the jump is done by eret()
          eret(this);
          return false;
        case 0x20: // WAIT
          this.waiting = true;
          this.breakLoop = true;
          updateInterrupts(this);
          return true;
      }
    }
    this.raise(EXC.RI);
    return false;
  }

  private executeCop1x(instr: number): boolean {
    const gpr = this.gpr;
    const base = gpr[(instr >>> 21) & 31];
    const index = gpr[(instr >>> 16) & 31];
    const ea = (base + index) | 0;
    switch (instr & 63) {
      case 0x00: {
        // LWXC1
        const v = this.load32(ea);
        if (this.fault) {
          this.fault = false;
          return false;
        }
        this.fpu.setWord((instr >>> 6) & 31, v);
        return true;
      }
      case 0x01: // LDXC1
        return this.loadDouble(ea, (instr >>> 6) & 31);
      case 0x05: // LUXC1
        return this.loadDouble(ea & ~7, (instr >>> 6) & 31);
      case 0x08: // SWXC1
        this.store32(ea, this.fpu.getWord((instr >>> 11) & 31));
        if (this.fault) {
          this.fault = false;
          return false;
        }
        return true;
      case 0x09: // SDXC1
        return this.storeDouble(ea, (instr >>> 11) & 31);
      case 0x0d: // SUXC1
        return this.storeDouble(ea & ~7, (instr >>> 11) & 31);
      case 0x0f: // PREFX
        return true;
      default: {
        const exc = this.fpu.executeCop1x(instr, gpr);
        if (exc !== 0) {
          this.raise(exc);
          return false;
        }
        return true;
      }
    }
  }

  private loadDouble(ea: number, ft: number): boolean {
    if ((ea & 7) !== 0) {
      this.addressError(ea, EXC.AdEL);
      this.fault = false;
      return false;
    }
    const lo = this.load32(ea);
    if (this.fault) {
      this.fault = false;
      return false;
    }
    const hi = this.load32((ea + 4) | 0);
    if (this.fault) {
      this.fault = false;
      return false;
    }
    const exc = this.fpu.setDouble(ft, lo, hi);
    if (exc !== 0) {
      this.raise(exc);
      return false;
    }
    return true;
  }

  private storeDouble(ea: number, ft: number): boolean {
    if ((ea & 7) !== 0) {
      this.addressError(ea, EXC.AdES);
      this.fault = false;
      return false;
    }
    if ((this.fpu.fr === false && (ft & 1) !== 0)) {
      this.raise(EXC.RI);
      return false;
    }
    const lo = this.fpu.getDoubleLo(ft);
    const hi = this.fpu.getDoubleHi(ft);
    // Translate both words before writing either, so a fault on the second leaves memory untouched.
    this.store32(ea, lo);
    if (this.fault) {
      this.fault = false;
      return false;
    }
    this.store32((ea + 4) | 0, hi);
    if (this.fault) {
      this.fault = false;
      return false;
    }
    return true;
  }
}

/** Cause register bit for the exception-in-delay-slot flag, re-exported for tests. */
export const CAUSE_BD = CAUSE.BD;
