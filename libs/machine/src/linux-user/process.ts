// One emulated Linux process: its own CPU (registers, FPU, fast map), address space, descriptor
// table, signal state, cwd and ids. The kernel (kernel.ts) schedules these cooperatively.

import { CP0, KSU, STATUS } from '../cp0/regs.js';
import { writeCp0 } from '../cp0/cp0.js';
import { Cpu, type MemoryTiming } from '../cpu/cpu.js';
import type { PhysicalMemory } from '../memory/physical-memory.js';
import { NSIG } from './abi.js';
import { FdTable } from './files.js';
import { AddressSpace, type FrameAllocator } from './memory.js';

export const ProcState = {
  Running: 0,
  /** Sleeping inside a syscall that is retried when the scheduler comes back. */
  Blocked: 1,
  /** Exited, waiting for its parent's wait4. */
  Zombie: 2,
  /** Reaped. */
  Dead: 3,
} as const;
export type ProcState = (typeof ProcState)[keyof typeof ProcState];

export class SigAction {
  handler = 0;
  flags = 0;
  readonly mask = new Uint32Array(4);
  copyFrom(o: SigAction): void {
    this.handler = o.handler;
    this.flags = o.flags;
    this.mask.set(o.mask);
  }
}

/** siginfo contents: signo, code, and the union words at offsets 12, 16, 20, 24, 28. */
export interface SigInfo {
  signo: number;
  code: number;
  w: number[];
}

export class SignalState {
  /** Index = signal number (1..NSIG). */
  readonly actions: SigAction[] = Array.from({ length: NSIG + 1 }, () => new SigAction());
  readonly blocked = new Uint32Array(4);
  pending: SigInfo[] = [];
  /** rt_sigsuspend: the mask to restore once a handler has been set up. */
  suspendMask: Uint32Array | null = null;
  altSp = 0;
  altSize = 0;
  altDisabled = true;
}

export function sigIsMember(set: Uint32Array, sig: number): boolean {
  return ((set[(sig - 1) >>> 5] >>> ((sig - 1) & 31)) & 1) !== 0;
}

export function sigAdd(set: Uint32Array, sig: number): void {
  set[(sig - 1) >>> 5] |= 1 << ((sig - 1) & 31);
}

/** Create a CPU set up for user mode: Status user + CU1, rdhwr of CPUNum/SYNCI/CC/CCRes/UserLocal allowed. */
export function newUserCpu(mem: PhysicalMemory, timing: MemoryTiming | null): Cpu {
  const cpu = new Cpu(0, mem);
  cpu.hostExceptions = true;
  writeCp0(cpu, CP0.Status, STATUS.CU1 | (KSU.User << STATUS.KSU_SHIFT));
  writeCp0(cpu, CP0.HWREna, 0x2000000f);
  cpu.timing = timing;
  return cpu;
}

/** Make a pooled CPU (whose address space has been cleared) look freshly created. */
export function resetUserCpu(cpu: Cpu): void {
  cpu.gpr.fill(0);
  cpu.hi = cpu.lo = 0;
  cpu.fpu.reset();
  cpu.cycles = 0;
  cpu.idleCycles = 0;
  cpu.clearCycleSplit();
  cpu.instret = 0;
  cpu.llBit = false;
  cpu.waiting = false;
  cpu.fetchTag = -1;
  writeCp0(cpu, CP0.Count, 0);
  writeCp0(cpu, CP0.UserLocal, 0);
  writeCp0(cpu, CP0.Status, STATUS.CU1 | (KSU.User << STATUS.KSU_SHIFT));
  cpu.setPc(0);
}

export class Process {
  ppid: number;
  pgid: number;
  sid: number;
  readonly cpu: Cpu;
  readonly mm: AddressSpace;
  fds: FdTable;
  cwd: string;
  umask: number;
  /** Host path of the current ELF (what /proc/self/exe names). */
  exePath = '';
  /** prctl(PR_SET_NAME) / comm. */
  comm = '';
  sig = new SignalState();
  state: ProcState = ProcState.Running;
  /** Per-syscall data kept across retries of a blocked syscall. */
  blockState: unknown = undefined;
  /** Host time (ms) at which a timed sleep ends, for the idle scheduler. */
  wakeAt = Infinity;
  /** wait4 status word once a zombie. */
  waitStatus = 0;
  /** Signal sent to the parent at exit (clone flags & 0xff). */
  exitSignal = 18;
  readonly children = new Set<Process>();
  brkStart = 0;
  brk = 0;
  /** Top of the next mmap search (page number). */
  mmapTopVpn = 0x77000;
  clearChildTid = 0;
  /** vfork child: the parent sleeps until this process execs or exits. */
  vforkDone = true;
  /** Process-wide cycle/instruction counts of images this process replaced (exec keeps the Cpu). */
  readonly startMs = Date.now();
  alarmAt = Infinity;
  rlimits = new Map<number, [number, number]>();
  /** Cycles run, frozen at exit (the Cpu may then serve another process). */
  exitCycles = 0;
  /** Children's accumulated cycles (times/getrusage RUSAGE_CHILDREN). */
  childCycles = 0;

  constructor(
    readonly pid: number,
    parent: Process | null,
    cpu: Cpu,
    frames: FrameAllocator,
  ) {
    this.cpu = cpu;
    this.mm = new AddressSpace(frames, this.cpu);
    this.ppid = parent?.pid ?? 1;
    this.pgid = parent?.pgid ?? pid;
    this.sid = parent?.sid ?? pid;
    this.fds = parent !== null ? parent.fds.fork() : new FdTable();
    this.cwd = parent?.cwd ?? process.cwd();
    this.umask = parent?.umask ?? 0o022;
    if (parent !== null) {
      this.exePath = parent.exePath;
      this.comm = parent.comm;
      this.brkStart = parent.brkStart;
      this.brk = parent.brk;
      this.mmapTopVpn = parent.mmapTopVpn;
      for (let i = 1; i <= NSIG; i++) this.sig.actions[i].copyFrom(parent.sig.actions[i]);
      this.sig.blocked.set(parent.sig.blocked);
      this.sig.altSp = parent.sig.altSp;
      this.sig.altSize = parent.sig.altSize;
      this.sig.altDisabled = parent.sig.altDisabled;
      this.rlimits = new Map(parent.rlimits);
    }
  }

  get alive(): boolean {
    return this.state === ProcState.Running || this.state === ProcState.Blocked;
  }

  /** Syscall argument `i` (0-based): a0..a3, then the user stack at sp+16.. (0 when unreadable). */
  arg(i: number): number {
    if (i < 4) return this.cpu.gpr[4 + i] >>> 0;
    return this.mm.readU32(((this.cpu.gpr[29] >>> 0) + 16 + (i - 4) * 4) >>> 0) ?? 0;
  }

  /** Signed view of argument `i`. */
  sarg(i: number): number {
    return this.arg(i) | 0;
  }
}
