// The machine worker's core, free of worker_threads so tests can drive it directly: it takes
// WorkerRequests, keeps every VM's state, and runs the running VMs round-robin in slices of
// emulated time, paced so an idle guest does not race ahead of the wall clock. Between
// slices it yields to the event loop, so commands are taken while guests run; a VM that was
// just typed at runs next (its echo does not wait behind busy VMs). Nothing a guest
// does (and no failure of the emulator on it) escapes a slice: the VM ends as crashed.
import {
  actionAllowed, type RunCounters, type VmAction, type VmSpec, type VmState, type WorkerCommand,
  type WorkerError, type WorkerEvent, type WorkerRequest, type WorkerStatus,
} from '../../../../libs/protocol/src/index.js';
import type { VmBackend, VmInstance } from './vm-backend.js';

/** Emulated time per slice: 2 ms (a guest tick is 10 ms); a busy slice is ~10-25 ms of host time. */
export const SLICE_MS = 2;
/** Slices a VM runs first, out of turn, after console input. */
const INPUT_BOOST_SLICES = 3;
/** Console output is sent at least this often while a VM runs. */
const METRICS_INTERVAL_MS = 1000;
/** Longest sleep while VMs are running but ahead of the wall clock. */
const MAX_SLEEP_MS = 10;

export type Emit = (event: WorkerEvent) => void;

class CommandError extends Error {
  constructor(readonly code: WorkerError['code'], message: string) {
    super(message);
  }
}

interface Entry {
  spec: VmSpec;
  inst: VmInstance;
  state: VmState;
  /** Wall time (ms) the VM has been allowed to run: excludes pauses. */
  activeMsBase: number;
  /** Wall clock when it last became running, or null while paused. */
  runningSince: number | null;
  hostMs: number;
  output: number[];
  shutdownDeadline: number | null;
  /** Slices left to run out of turn (after console input). */
  boost: number;
  last: { at: number; instructions: number; cycles: number; hostMs: number };
}

export class VmScheduler {
  private readonly vms = new Map<string, Entry>();
  private order: string[] = [];
  private next = 0;
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private metricsTimer: NodeJS.Timeout | null = null;
  private readonly sliceCycles: number;

  constructor(private readonly backend: VmBackend, private readonly emit: Emit, private readonly now: () => number = Date.now) {
    this.sliceCycles = Math.round((backend.clockHz * SLICE_MS) / 1000);
  }

  /** Take one command; the reply is emitted before this returns. */
  handle(req: WorkerRequest): void {
    try {
      const status = this.apply(req);
      this.emit(status ? { kind: 'reply', seq: req.seq, ok: true, status } : { kind: 'reply', seq: req.seq, ok: true });
    } catch (e) {
      const error: WorkerError = e instanceof CommandError
        ? { code: e.code, message: e.message }
        : { code: 'internal', message: e instanceof Error ? e.message : String(e) };
      this.emit({ kind: 'reply', seq: req.seq, ok: false, error });
    }
    this.wake();
  }

  private apply(cmd: WorkerCommand): WorkerStatus | undefined {
    switch (cmd.kind) {
      case 'start': this.start(cmd.spec); return undefined;
      case 'stop': this.end(this.entry(cmd.vmId, 'stop'), 'stopped', null, null); return undefined;
      case 'shutdown': {
        const e = this.entry(cmd.vmId, 'shutdown');
        e.shutdownDeadline = this.now() + cmd.timeoutMs;
        e.inst.requestShutdown();
        this.setState(e, 'shutting-down');
        return undefined;
      }
      case 'pause': {
        const e = this.entry(cmd.vmId, 'pause');
        e.activeMsBase = this.activeMs(e);
        e.runningSince = null;
        this.setState(e, 'paused');
        return undefined;
      }
      case 'resume': {
        const e = this.entry(cmd.vmId, 'resume');
        e.runningSince = this.now();
        this.setState(e, 'running');
        return undefined;
      }
      case 'reset': {
        const e = this.entry(cmd.vmId, 'reset');
        this.guarded(e, () => e.inst.reset());
        return undefined;
      }
      case 'consoleInput': {
        const e = this.vms.get(cmd.vmId);
        if (e === undefined) throw new CommandError('conflict', `VM ${cmd.vmId} is not running`);
        e.inst.input(cmd.data);
        e.boost = INPUT_BOOST_SLICES;
        return undefined;
      }
      case 'status': return this.status();
      case 'exit':
        for (const e of [...this.vms.values()]) this.end(e, 'stopped', null, 'the machine worker exited');
        return undefined;
    }
  }

  private entry(vmId: string, action: VmAction): Entry {
    const e = this.vms.get(vmId);
    if (e === undefined) throw new CommandError('conflict', `VM ${vmId} is not running`);
    if (!actionAllowed(action, e.state)) throw new CommandError('conflict', `cannot ${action} VM ${vmId}: it is ${e.state}`);
    return e;
  }

  private start(spec: VmSpec): void {
    if (this.vms.has(spec.vmId)) throw new CommandError('conflict', `VM ${spec.vmId} is already running`);
    const output: number[] = [];
    let inst: VmInstance;
    try {
      inst = this.backend.create(spec, (b) => output.push(b));
    } catch (e) {
      throw new CommandError('start_failed', e instanceof Error ? e.message : String(e));
    }
    const now = this.now();
    const entry: Entry = {
      spec, inst, state: 'running', activeMsBase: 0, runningSince: now, hostMs: 0, output, shutdownDeadline: null, boost: 0,
      last: { at: now, instructions: 0, cycles: 0, hostMs: 0 },
    };
    this.vms.set(spec.vmId, entry);
    this.order = [...this.vms.keys()];
    this.emit({ kind: 'state', vmId: spec.vmId, runId: spec.runId, state: 'running' });
    this.metricsTimer ??= setInterval(() => this.sampleMetrics(), METRICS_INTERVAL_MS);
  }

  private setState(e: Entry, state: VmState): void {
    e.state = state;
    this.emit({ kind: 'state', vmId: e.spec.vmId, runId: e.spec.runId, state });
  }

  private activeMs(e: Entry): number {
    return e.activeMsBase + (e.runningSince === null ? 0 : this.now() - e.runningSince);
  }

  private totals(e: Entry): RunCounters {
    return { instructions: e.inst.instructions, cycles: e.inst.cycles, hostMs: Math.round(e.hostMs), boots: e.inst.boots };
  }

  private end(e: Entry, reason: 'poweroff' | 'shutdown' | 'stopped' | 'crashed', exitCode: number | null, detail: string | null): void {
    this.flushOutput(e);
    const totals = this.totals(e);
    try {
      e.inst.close();
    } catch {
      // Closing host files cannot be allowed to keep the run open.
    }
    this.vms.delete(e.spec.vmId);
    this.order = [...this.vms.keys()];
    if (this.vms.size === 0 && this.metricsTimer !== null) {
      clearInterval(this.metricsTimer);
      this.metricsTimer = null;
    }
    this.emit({ kind: 'ended', vmId: e.spec.vmId, runId: e.spec.runId, reason, exitCode, detail, totals });
  }

  /** Run `f` on the VM; an exception ends the VM as crashed instead of escaping. */
  private guarded(e: Entry, f: () => void): void {
    try {
      f();
    } catch (err) {
      this.end(e, 'crashed', null, `emulator error: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private flushOutput(e: Entry): void {
    if (e.output.length === 0) return;
    const data = Uint8Array.from(e.output);
    e.output.length = 0;
    this.emit({ kind: 'console', vmId: e.spec.vmId, runId: e.spec.runId, data });
  }

  /** Make sure the run loop is scheduled (after a command changed something). */
  private wake(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
    }
    this.timer = setImmediate(() => this.step());
  }

  /** One slice of one VM that is due, then schedule the next step. */
  private step(): void {
    this.timer = null;
    const now = this.now();
    let soonest = Infinity;
    const order = this.order;
    for (const id of order) {
      const e = this.vms.get(id);
      if (e === undefined || e.boost === 0 || e.runningSince === null) continue;
      e.boost--;
      this.runSlice(e);
      this.timer = setImmediate(() => this.step());
      return;
    }
    for (let i = 0; i < order.length; i++) {
      const e = this.vms.get(order[(this.next + i) % order.length]!);
      if (e === undefined) continue;
      if (e.shutdownDeadline !== null && now >= e.shutdownDeadline) {
        this.end(e, 'stopped', null, 'shutdown timed out: the guest did not power off, so it was stopped');
        continue;
      }
      if (e.runningSince === null) continue;
      const ahead = (e.inst.cycles * 1000) / this.backend.clockHz - this.activeMs(e);
      if (ahead > 0) {
        soonest = Math.min(soonest, ahead);
        continue;
      }
      this.next = (this.next + i + 1) % order.length;
      this.runSlice(e);
      this.timer = setImmediate(() => this.step());
      return;
    }
    if (this.vms.size > 0) this.timer = setTimeout(() => this.step(), Math.max(1, Math.min(MAX_SLEEP_MS, Math.ceil(soonest))));
  }

  private runSlice(e: Entry): void {
    const t0 = performance.now();
    let outcome;
    try {
      outcome = e.inst.run(this.sliceCycles);
    } catch (err) {
      e.hostMs += performance.now() - t0;
      this.end(e, 'crashed', null, `emulator error: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    e.hostMs += performance.now() - t0;
    this.flushOutput(e);
    if (outcome.kind === 'poweroff') {
      this.end(e, e.state === 'shutting-down' ? 'shutdown' : 'poweroff', outcome.code, null);
    } else if (outcome.kind === 'panic') {
      this.end(e, 'crashed', null, `kernel panic: ${outcome.message}`);
    }
  }

  private sampleMetrics(): void {
    const at = this.now();
    const samples = [];
    for (const e of this.vms.values()) {
      const t = this.totals(e);
      const intervalMs = Math.max(1, at - e.last.at);
      const instructions = t.instructions - e.last.instructions;
      samples.push({
        vmId: e.spec.vmId, runId: e.spec.runId, at, intervalMs, instructions,
        cycles: t.cycles - e.last.cycles, hostMs: e.hostMs - e.last.hostMs,
        mips: instructions / intervalMs / 1000, totals: t,
      });
      e.last = { at, instructions: t.instructions, cycles: t.cycles, hostMs: e.hostMs };
    }
    if (samples.length > 0) this.emit({ kind: 'metrics', samples });
  }

  status(): WorkerStatus {
    return {
      backend: this.backend.name,
      vms: [...this.vms.values()].map((e) => ({
        vmId: e.spec.vmId, runId: e.spec.runId, state: e.state, vcpus: e.spec.vcpus, memoryMiB: e.spec.memoryMiB,
        homeNode: e.spec.homeNode, backend: this.backend.name, totals: this.totals(e),
      })),
    };
  }

  /** Stop timers (the VMs stay as they are). */
  dispose(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = null;
    }
    if (this.metricsTimer !== null) clearInterval(this.metricsTimer);
    this.metricsTimer = null;
  }
}
