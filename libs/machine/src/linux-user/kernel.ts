// The user-mode "kernel": process table, a deterministic round-robin scheduler over the
// emulated processes (each with its own Cpu), CPU exceptions turned into syscalls, page-fault
// resolution or signals, signal delivery at safe points, and process exit/reaping.

import { writeSync } from 'node:fs';
import { type Cpu, STOP, type MemoryTiming } from '../cpu/cpu.js';
import { PhysicalMemory } from '../memory/physical-memory.js';
import { CORE_SIGNALS, E, hostErrno, IGNORED_BY_DEFAULT, MAX_ERRNO, SA, SI, SIG, SIG_DFL, SIG_IGN, SIGNAL_TEXT } from './abi.js';
import { HostFile, hostSleep, WOULD_BLOCK } from './files.js';
import { FrameAllocator, PAGE } from './memory.js';
import { newUserCpu, Process, ProcState, resetUserCpu, sigIsMember } from './process.js';
import type { SharedText } from './loader.js';
import { hasActionable, isIgnored, queueSignal, setupFrame, takeDeliverable, TRAMPOLINE_CODE } from './signals.js';
import { syscallName } from './syscall-names.js';
import { handleException } from './traps.js';
import { SYSCALLS, NO_RESULT } from './syscalls/table.js';

export { NO_RESULT };

export interface KernelOptions {
  /** Host fds given to the first process as its fds 0, 1, 2. */
  stdio?: [number, number, number];
  /** Timed mode: the memory model every CPU charges its accesses to. */
  timing?: MemoryTiming | null;
  /** Size of the machine memory pool (default 512 MiB). */
  memoryBytes?: number;
  /** Print every syscall to stderr (DISCO_STRACE=1). */
  strace?: boolean;
}

/** Syscalls a handler with SA_RESTART does not restart (they return EINTR). */
const NO_RESTART = new Set([4029, 4072, 4142, 4166, 4188, 4197, 4199, 4265, 4301, 4302, 4407, 4413, 4414, 4421]);

const SLICE_CYCLES = 4_000_000;
const ORPHAN_GRACE_MS = 10_000;

/** The process still has one of the host's stdio descriptions open. */
function holdsHostStdio(p: Process): boolean {
  return p.fds.openFds().some((fd) => {
    const d = p.fds.get(fd);
    return d instanceof HostFile && d.inherited;
  });
}

export class Kernel {
  readonly mem: PhysicalMemory;
  readonly frames: FrameAllocator;
  readonly procs = new Map<number, Process>();
  private order: Process[] = [];
  private nextPid: number;
  readonly timing: MemoryTiming | null;
  readonly strace: boolean;
  readonly stdio: [number, number, number];
  readonly trampolineFrame: number;
  readonly uid: number;
  readonly gid: number;
  init: Process | null = null;
  finished = false;
  /** Exit status of the command once finished (128+N for a signal). */
  exitCode = 0;
  /** Instructions and cycles of processes that are gone. */
  retiredInstructions = 0;
  retiredCycles = 0;
  /** CPUs of reaped processes, reused (a CPU's fast map is 4 MiB). */
  private readonly cpuPool: Cpu[] = [];
  /** Shared read-only pages per ELF (see loader.ts), keyed by file identity. */
  readonly textCache = new Map<string, SharedText>();
  /** sched_yield: end the current slice. */
  yieldNow = false;

  constructor(opts: KernelOptions = {}) {
    this.mem = new PhysicalMemory(opts.memoryBytes ?? 512 * 1024 * 1024);
    this.frames = new FrameAllocator(this.mem);
    this.timing = opts.timing ?? null;
    this.strace = opts.strace ?? false;
    this.stdio = opts.stdio ?? [0, 1, 2];
    this.nextPid = process.pid;
    this.uid = typeof process.getuid === 'function' ? process.getuid() : 0;
    this.gid = typeof process.getgid === 'function' ? process.getgid() : 0;
    this.trampolineFrame = this.frames.alloc();
    TRAMPOLINE_CODE.forEach((w, i) => (this.mem.i32[(this.trampolineFrame * PAGE) / 4 + i] = w));
  }

  allocPid(): number {
    let pid = this.nextPid++;
    while (pid === process.ppid || this.procs.has(pid)) pid = this.nextPid++;
    return pid;
  }

  newProcess(parent: Process | null): Process {
    let cpu = this.cpuPool.pop();
    if (cpu !== undefined) resetUserCpu(cpu);
    else cpu = newUserCpu(this.mem, this.timing);
    const p = new Process(this.allocPid(), parent, cpu, this.frames);
    if (parent !== null) parent.children.add(p);
    else p.ppid = process.ppid;
    this.procs.set(p.pid, p);
    this.order.push(p);
    return p;
  }

  /** Total instructions and cycles over every process so far. */
  totals(): { instructions: number; cycles: number } {
    let instructions = this.retiredInstructions;
    let cycles = this.retiredCycles;
    for (const p of this.procs.values()) {
      if (p.state === ProcState.Zombie) continue;
      instructions += p.cpu.instret;
      cycles += p.cpu.cycles;
    }
    return { instructions, cycles };
  }

  warn(msg: string): void {
    const b = Buffer.from(msg);
    try {
      writeSync(this.stdio[2], b);
    } catch {
      /* nowhere to report */
    }
  }

  // ---- scheduler ----------------------------------------------------------------------------

  /**
   * Run until the first process ends; returns the command's exit status. Orphans that still
   * hold the host's stdio keep running afterwards (their output would reach a reader waiting for
   * the pipe to close), for at most ORPHAN_GRACE_MS.
   */
  run(): number {
    let orphanDeadline = Infinity;
    for (;;) {
      if (this.finished) {
        if (orphanDeadline === Infinity) orphanDeadline = Date.now() + ORPHAN_GRACE_MS;
        if (Date.now() > orphanDeadline || !this.order.some((p) => p.alive && holdsHostStdio(p))) break;
      }
      let progressed = false;
      let nextWake = Infinity;
      const now = Date.now();
      for (const p of this.order) {
        if (p.alarmAt <= now && p.alive) {
          p.alarmAt = Infinity;
          queueSignal(p, { signo: SIG.ALRM, code: SI.KERNEL, w: [] });
        }
        if (p.state === ProcState.Blocked) {
          this.retry(p);
          if (p.state === ProcState.Blocked) {
            nextWake = Math.min(nextWake, p.wakeAt, p.alarmAt);
            continue;
          }
        }
        progressed = true;
        if (p.state === ProcState.Running) this.runSlice(p);
      }
      if (this.order.some((p) => !p.alive)) this.order = this.order.filter((p) => p.alive);
      if (progressed) continue;
      if (nextWake === Infinity) {
        if (this.finished) break;
        const who = this.order
          .filter((q) => q.alive)
          .map((q) => `${q.pid} (${q.comm}) in ${syscallName(q.cpu.gpr[2])}, pending [${q.sig.pending.map((x) => x.signo)}]`);
        this.warn(`disco: deadlock: every emulated process is blocked: ${who.join('; ')}\n`);
        this.finished = true;
        this.exitCode = 1;
        break;
      }
      hostSleep(Math.max(0, Math.min(nextWake - Date.now(), 1000)));
    }
    return this.exitCode;
  }

  private runSlice(p: Process): void {
    const cpu = p.cpu;
    const limit = cpu.cycles + SLICE_CYCLES;
    this.yieldNow = false;
    while (p.state === ProcState.Running && cpu.cycles < limit && !this.yieldNow) {
      const stop = cpu.run(limit);
      if (stop === STOP.Exception) handleException(this, p);
      else if (stop === STOP.Wait) {
        cpu.waiting = false;
        cpu.setPc(cpu.pc + 4);
      } else if (stop !== STOP.None) break;
    }
    if (p.state === ProcState.Running && !cpu.inSlot && p.sig.pending.length > 0) this.deliverSignals(p);
  }

  /** A blocked process: interrupt it for a signal, or retry its syscall. True when it can run. */
  private retry(p: Process): boolean {
    // A vfork parent waits uninterruptibly (only SIGKILL, handled at send time, ends it).
    const vforkWait = (p.blockState as { vforkChild?: unknown } | undefined)?.vforkChild !== undefined;
    if (!vforkWait && hasActionable(p)) {
      const cpu = p.cpu;
      const nr = cpu.gpr[2];
      const info = p.sig.pending.find((s) => !sigIsMember(p.sig.blocked, s.signo) && !isIgnored(p, s.signo))!;
      const act = p.sig.actions[info.signo];
      const handler = act.handler !== SIG_DFL && act.handler !== SIG_IGN;
      const restart = !handler || ((act.flags & SA.RESTART) !== 0 && !NO_RESTART.has(nr));
      if (!restart) {
        cpu.gpr[2] = E.INTR;
        cpu.gpr[7] = 1;
        this.advancePc(p);
      }
      p.blockState = undefined;
      p.wakeAt = Infinity;
      p.state = ProcState.Running;
      this.deliverSignals(p);
      if (p.state === ProcState.Running && p.sig.suspendMask !== null) {
        p.sig.blocked.set(p.sig.suspendMask);
        p.sig.suspendMask = null;
      }
      return p.state === ProcState.Running;
    }
    this.syscall(p);
    return p.state === ProcState.Running;
  }

  private advancePc(p: Process): void {
    const cpu = p.cpu;
    const x = cpu.exception;
    if (x.inDelaySlot) cpu.setPc(cpu.npc);
    else cpu.setPc(x.pc + 4);
  }

  // ---- syscalls -----------------------------------------------------------------------------

  /** Run (or retry) the syscall `p` stopped on. */
  syscall(p: Process): void {
    const cpu = p.cpu;
    const nr = cpu.gpr[2];
    const h = SYSCALLS[nr - 4000];
    const args = this.strace ? [0, 1, 2, 3].map((i) => '0x' + (cpu.gpr[4 + i] >>> 0).toString(16)).join(', ') : '';
    let r: number;
    try {
      r = h !== undefined ? h(this, p) : -E.NOSYS;
    } catch (e) {
      if (typeof (e as { code?: unknown })?.code !== 'string') throw e;
      r = -hostErrno(e);
    }
    if (this.strace) {
      const res = r === WOULD_BLOCK ? '(blocked)' : r === NO_RESULT ? '(no return)' : String(r);
      this.warn(`[${p.pid}] ${syscallName(nr)}(${args}) = ${res}\n`);
    }
    if (r === WOULD_BLOCK) {
      p.state = ProcState.Blocked;
      return;
    }
    p.blockState = undefined;
    p.wakeAt = Infinity;
    if (p.state === ProcState.Blocked) p.state = ProcState.Running;
    if (r !== NO_RESULT) {
      if (r < 0 && r >= -MAX_ERRNO) {
        cpu.gpr[2] = -r;
        cpu.gpr[7] = 1;
      } else {
        cpu.gpr[2] = r;
        cpu.gpr[7] = 0;
      }
      this.advancePc(p);
    }
    if (p.state === ProcState.Running && p.sig.pending.length > 0) this.deliverSignals(p);
  }

  // ---- signals ------------------------------------------------------------------------------

  /** Act on pending unblocked signals at a safe point (the CPU is between instructions). */
  deliverSignals(p: Process): void {
    while (p.alive && p.state === ProcState.Running) {
      const info = takeDeliverable(p);
      if (info === null) return;
      const act = p.sig.actions[info.signo];
      if (act.handler === SIG_IGN) continue;
      if (act.handler === SIG_DFL) {
        if (IGNORED_BY_DEFAULT.has(info.signo)) continue;
        this.killProcess(p, info.signo);
        return;
      }
      const oldMask = p.sig.suspendMask ?? p.sig.blocked.slice();
      p.sig.suspendMask = null;
      const cpu = p.cpu;
      if (!setupFrame(p, info, act, cpu.pc, oldMask)) this.killProcess(p, SIG.SEGV);
      return;
    }
  }

  /** Send `signo` to `p` from pid `from` (kill/tgkill). */
  sendSignal(p: Process, signo: number, from: Process | null, code: number = SI.USER): void {
    if (signo === 0 || !p.alive) return;
    if (signo === SIG.KILL) {
      this.killProcess(p, SIG.KILL);
      return;
    }
    queueSignal(p, { signo, code, w: [from?.pid ?? 0, this.uid] });
  }

  // ---- exit ---------------------------------------------------------------------------------

  killProcess(p: Process, signo: number): void {
    if (p === this.init && CORE_SIGNALS.has(signo)) {
      this.warn(`disco: uncaught target signal ${signo} (${SIGNAL_TEXT[signo] ?? 'Unknown signal'})\n`);
    }
    this.exitProcess(p, signo & 0x7f);
  }

  /** End `p` with wait status `status` (exit code << 8, or the signal number). */
  exitProcess(p: Process, status: number): void {
    if (!p.alive) return;
    p.fds.closeAll();
    p.mm.clear();
    p.state = ProcState.Zombie;
    p.waitStatus = status;
    p.vforkDone = true;
    this.retiredInstructions += p.cpu.instret;
    this.retiredCycles += p.cpu.cycles;
    p.exitCycles = p.cpu.cycles;
    for (const c of p.children) {
      c.ppid = 1;
      if (c.state === ProcState.Zombie) this.reap(c);
    }
    p.children.clear();
    const parent = this.procs.get(p.ppid);
    if (parent !== undefined && parent.alive && parent.children.has(p)) {
      parent.childCycles += p.exitCycles + p.childCycles;
      const act = parent.sig.actions[SIG.CHLD];
      const exited = (status & 0x7f) === 0;
      if (p.exitSignal !== 0) {
        queueSignal(parent, {
          signo: p.exitSignal,
          code: exited ? SI.CLD_EXITED : SI.CLD_KILLED,
          w: [p.pid, this.uid, exited ? (status >>> 8) & 0xff : status & 0x7f, 0, 0],
        });
      }
      if (act.handler === SIG_IGN || (act.flags & SA.NOCLDWAIT) !== 0) this.reap(p);
    } else this.reap(p);
    if (p === this.init) {
      this.finished = true;
      this.exitCode = (status & 0x7f) === 0 ? (status >>> 8) & 0xff : 128 + (status & 0x7f);
    }
  }

  reap(p: Process): void {
    if (p.state === ProcState.Dead) return;
    p.state = ProcState.Dead;
    this.procs.delete(p.pid);
    this.procs.get(p.ppid)?.children.delete(p);
    if (this.cpuPool.length < 8 && p.mm.pages.size === 0) this.cpuPool.push(p.cpu);
  }

  /** The shared-text record for a program file (see loader.ts). */
  sharedText(key: string): SharedText {
    let t = this.textCache.get(key);
    if (t === undefined) {
      if (this.textCache.size >= 8) {
        const [oldKey, old] = this.textCache.entries().next().value as [string, SharedText];
        for (const f of old.frames.values()) this.frames.unref(f);
        this.textCache.delete(oldKey);
      }
      t = { frames: new Map(), filled: false };
      this.textCache.set(key, t);
    }
    return t;
  }
}

