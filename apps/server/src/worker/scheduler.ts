// The machine worker's core, free of worker_threads so tests can drive it directly: it takes
// WorkerRequests, keeps every VM's state, and runs the machine (every VM at once, through the
// MachineBackend) in slices of machine time, paced so idle guests do not race ahead of the wall
// clock. Between slices it yields to the event loop, so commands and console input are taken
// while guests run; after console input the next slices are short, so the echo comes out soon.
// Nothing a guest does (and no failure of the emulator) escapes a slice: the VM it concerns
// ends as crashed, the others run on.
import {
  actionAllowed, localMissRatio, MONITOR_COUNTERS, type MachineSnapshot, type MonitorCounters, type RunCounters, type VmAction, type VmSpec,
  type VmState, type WorkerCommand, type WorkerError, type WorkerEvent, type WorkerRequest, type WorkerStatus,
} from '../../../../libs/protocol/src/index.js';
import type { MachineBackend, VmHandle } from './vm-backend.js';

/** Machine time per slice at most: 1 ms (a guest tick is 10 ms). */
export const SLICE_MS = 1;
/** Host time a slice aims at: slices shrink (down to one monitor quantum) when the machine is
 * busy, so a command or a keystroke never waits long for the slice in flight. */
export const SLICE_HOST_MS = 4;
/** Machine time per slice right after console input, and how many such slices. */
export const INPUT_SLICE_MS = 0.25;
const INPUT_BOOST_SLICES = 4;
/** Samples and the machine snapshot are sent this often while VMs run. */
const METRICS_INTERVAL_MS = 1000;
/** Longest sleep while the machine is ahead of the wall clock or idle. */
const MAX_SLEEP_MS = 10;
/** When the machine falls further behind the wall clock than this (it cannot keep up, or it
 * was idle), the pacing forgets the difference instead of racing to catch up. */
const MAX_LAG_MS = 50;
/** Console bytes buffered per VM between slices before the buffer grows. */
const OUTPUT_BYTES = 16 * 1024;

export type Emit = (event: WorkerEvent) => void;

class CommandError extends Error {
  constructor(readonly code: WorkerError['code'], message: string) {
    super(message);
  }
}

interface Entry {
  spec: VmSpec;
  vm: VmHandle;
  state: VmState;
  hostMs: number;
  out: Uint8Array;
  outLen: number;
  shutdownDeadline: number | null;
  /** busyCycles at the start of the slice (host time is shared out by busy cycles). */
  busyMark: number;
  last: { at: number; instructions: number; cycles: number; hostMs: number; counters: MonitorCounters };
}

export class VmScheduler {
  private readonly vms = new Map<string, Entry>();
  private entries: Entry[] = [];
  private readonly ids = new Map<VmHandle, string>();
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private metricsTimer: NodeJS.Timeout | null = null;
  private readonly sliceCycles: number;
  private readonly inputSliceCycles: number;
  private boost = 0;
  /** Host ms per machine cycle, smoothed over recent slices (0: not measured yet). */
  private costPerCycle = 0;
  private readonly minSliceCycles: number;
  /** Pacing anchor: machine time `machine` corresponds to wall time `wall`. */
  private anchorWall = 0;
  private anchorMachine = 0;
  private readonly stepFn = (): void => this.step();
  private readonly emitOutput = (e: Entry): void => this.flushOutput(e);
  private latestMachine: MachineSnapshot | null = null;

  constructor(private readonly backend: MachineBackend, private readonly emit: Emit, private readonly now: () => number = Date.now) {
    this.sliceCycles = Math.round((backend.clockHz * SLICE_MS) / 1000);
    this.inputSliceCycles = Math.round((backend.clockHz * INPUT_SLICE_MS) / 1000);
    this.minSliceCycles = Math.min(this.inputSliceCycles, backend.minSliceCycles);
    this.anchorWall = now();
    this.anchorMachine = backend.now;
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
      case 'stop': {
        const e = this.entry(cmd.vmId, 'stop');
        e.vm.kill('stopped by the host');
        this.end(e, 'stopped', null, null);
        return undefined;
      }
      case 'shutdown': {
        const e = this.entry(cmd.vmId, 'shutdown');
        e.shutdownDeadline = this.now() + cmd.timeoutMs;
        e.vm.powerButton();
        this.setState(e, 'shutting-down');
        return undefined;
      }
      case 'pause': {
        const e = this.entry(cmd.vmId, 'pause');
        e.vm.pause();
        this.setState(e, 'paused');
        return undefined;
      }
      case 'resume': {
        const e = this.entry(cmd.vmId, 'resume');
        e.vm.resume();
        this.setState(e, 'running');
        return undefined;
      }
      case 'reset': {
        const e = this.entry(cmd.vmId, 'reset');
        e.vm.reset();
        return undefined;
      }
      case 'consoleInput': {
        const e = this.vms.get(cmd.vmId);
        if (e === undefined) throw new CommandError('conflict', `VM ${cmd.vmId} is not running`);
        e.vm.input(cmd.data);
        this.boost = INPUT_BOOST_SLICES;
        return undefined;
      }
      case 'consoleResize': {
        const e = this.vms.get(cmd.vmId);
        if (e === undefined) throw new CommandError('conflict', `VM ${cmd.vmId} is not running`);
        try {
          e.vm.resize(cmd.cols, cmd.rows);
        } catch (err) {
          if (err instanceof RangeError) throw new CommandError('validation_failed', err.message);
          throw err;
        }
        this.boost = INPUT_BOOST_SLICES;
        return undefined;
      }
      case 'status': return this.status();
      case 'exit':
        for (const e of [...this.entries]) {
          e.vm.kill('the machine worker exited');
          this.end(e, 'stopped', null, 'the machine worker exited');
        }
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
    let entry: Entry | null = null;
    const pending: number[] = [];
    const output = (b: number): void => {
      if (entry === null) {
        pending.push(b);
        return;
      }
      if (entry.outLen === entry.out.length) {
        const bigger = new Uint8Array(entry.out.length * 2);
        bigger.set(entry.out);
        entry.out = bigger;
      }
      entry.out[entry.outLen++] = b;
    };
    let vm: VmHandle;
    try {
      vm = this.backend.create(spec, output);
    } catch (e) {
      throw new CommandError('start_failed', e instanceof Error ? e.message : String(e));
    }
    const now = this.now();
    const zero = {} as MonitorCounters;
    for (const k of MONITOR_COUNTERS) zero[k] = 0;
    entry = {
      spec, vm, state: 'running', hostMs: 0, out: new Uint8Array(OUTPUT_BYTES), outLen: 0, shutdownDeadline: null, busyMark: vm.busyCycles,
      last: { at: now, instructions: 0, cycles: 0, hostMs: 0, counters: zero },
    };
    for (const b of pending) output(b);
    if (this.entries.length === 0) this.rebase(now);
    this.vms.set(spec.vmId, entry);
    this.ids.set(vm, spec.vmId);
    this.entries = [...this.vms.values()];
    this.emit({ kind: 'state', vmId: spec.vmId, runId: spec.runId, state: 'running', ...(vm.net !== null ? { net: vm.net } : {}) });
    this.metricsTimer ??= setInterval(() => this.sampleMetrics(), METRICS_INTERVAL_MS);
  }

  private setState(e: Entry, state: VmState): void {
    e.state = state;
    this.emit({ kind: 'state', vmId: e.spec.vmId, runId: e.spec.runId, state });
  }

  private totals(e: Entry): RunCounters {
    return { instructions: e.vm.instructions, cycles: e.vm.cycles, hostMs: Math.round(e.hostMs), boots: e.vm.boots };
  }

  private end(e: Entry, reason: 'poweroff' | 'shutdown' | 'stopped' | 'crashed', exitCode: number | null, detail: string | null): void {
    this.flushOutput(e);
    const totals = this.totals(e);
    try {
      e.vm.close();
    } catch {
      // Releasing the VM cannot be allowed to keep the run open.
    }
    this.vms.delete(e.spec.vmId);
    this.ids.delete(e.vm);
    this.entries = [...this.vms.values()];
    this.emit({ kind: 'ended', vmId: e.spec.vmId, runId: e.spec.runId, reason, exitCode, detail, totals });
    if (this.vms.size === 0 && this.metricsTimer !== null) {
      clearInterval(this.metricsTimer);
      this.metricsTimer = null;
      this.sendSnapshot();
    }
  }

  private flushOutput(e: Entry): void {
    if (e.outLen === 0) return;
    const data = e.out.slice(0, e.outLen);
    e.outLen = 0;
    this.emit({ kind: 'console', vmId: e.spec.vmId, runId: e.spec.runId, data });
  }

  /** Make sure the run loop is scheduled (after a command changed something). */
  private wake(): void {
    this.cancel();
    this.timer = setImmediate(this.stepFn);
  }

  private cancel(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = null;
    }
  }

  private rebase(wall: number): void {
    this.anchorWall = wall;
    this.anchorMachine = this.backend.now;
  }

  private sleep(ms: number): void {
    this.timer = setTimeout(this.stepFn, Math.max(1, Math.min(MAX_SLEEP_MS, Math.ceil(ms))));
  }

  /** One slice of machine time for every VM (when the machine is not ahead), then schedule the next step. */
  private step(): void {
    this.timer = null;
    const now = this.now();
    const entries = this.entries;
    let runnable = false;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (e.shutdownDeadline !== null && now >= e.shutdownDeadline && this.vms.has(e.spec.vmId)) {
        e.vm.kill('shutdown timed out');
        this.end(e, 'stopped', null, 'shutdown timed out: the guest did not power off, so it was stopped');
        continue;
      }
      if (e.state !== 'paused') runnable = true;
    }
    if (!runnable) {
      // Nothing to run (every VM paused, or none): the next command wakes the loop.
      this.rebase(now);
      return;
    }
    const machineMs = ((this.backend.now - this.anchorMachine) * 1000) / this.backend.clockHz;
    const lag = now - this.anchorWall - machineMs;
    if (lag > MAX_LAG_MS) this.anchorWall += lag - MAX_LAG_MS;
    if (lag < 0 && this.boost === 0) {
      this.sleep(-lag);
      return;
    }
    let budget = this.sliceCycles;
    if (this.boost > 0) {
      this.boost--;
      budget = this.inputSliceCycles;
    }
    if (this.costPerCycle > 0) budget = Math.max(this.minSliceCycles, Math.min(budget, Math.floor(SLICE_HOST_MS / this.costPerCycle)));
    this.runSlice(budget, now);
  }

  private runSlice(budget: number, wall: number): void {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) entries[i]!.busyMark = entries[i]!.vm.busyCycles;
    const t0 = performance.now();
    const m0 = this.backend.now;
    let result;
    try {
      result = this.backend.run(budget);
    } catch (err) {
      // The backend pins emulator failures on a VM itself; anything else ends every VM.
      const why = `emulator error: ${err instanceof Error ? err.message : String(err)}`;
      for (const e of [...entries]) {
        try { e.vm.kill(why); } catch { /* it ends below either way */ }
        this.end(e, 'crashed', null, why);
      }
      return;
    }
    const hostMs = performance.now() - t0;
    const advanced = this.backend.now - m0;
    if (advanced > 0) {
      const cost = hostMs / advanced;
      this.costPerCycle = this.costPerCycle === 0 ? cost : 0.7 * this.costPerCycle + 0.3 * cost;
    }
    let busy = 0;
    for (let i = 0; i < entries.length; i++) busy += entries[i]!.vm.busyCycles - entries[i]!.busyMark;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (busy > 0) e.hostMs += (hostMs * (e.vm.busyCycles - e.busyMark)) / busy;
      this.emitOutput(e);
    }
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const end = e.vm.end();
      if (end === null) continue;
      if (end.kind === 'poweroff') this.end(e, e.state === 'shutting-down' ? 'shutdown' : 'poweroff', end.code, null);
      else if (end.kind === 'panic') this.end(e, 'crashed', null, `kernel panic: ${end.message}`);
      else this.end(e, 'crashed', null, end.reason);
    }
    if (this.entries.length === 0) return;
    if (result === 'idle' && this.boost === 0) {
      // Every vCPU waits for input: nothing happens until a command wakes the loop.
      this.rebase(wall);
      this.sleep(MAX_SLEEP_MS);
      return;
    }
    this.timer = setImmediate(this.stepFn);
  }

  private sampleMetrics(): void {
    const at = this.now();
    const samples = [];
    for (const e of this.entries) {
      const t = this.totals(e);
      const counters = e.vm.counters();
      const delta = {} as MonitorCounters;
      for (const k of MONITOR_COUNTERS) delta[k] = counters[k] - e.last.counters[k];
      const intervalMs = Math.max(1, at - e.last.at);
      const instructions = t.instructions - e.last.instructions;
      samples.push({
        vmId: e.spec.vmId, runId: e.spec.runId, at, intervalMs, instructions,
        cycles: t.cycles - e.last.cycles, hostMs: e.hostMs - e.last.hostMs,
        mips: instructions / intervalMs / 1000, counters: delta, gauges: e.vm.gauges(), localMissRatio: localMissRatio(delta), totals: t,
      });
      e.last = { at, instructions: t.instructions, cycles: t.cycles, hostMs: e.hostMs, counters };
    }
    if (samples.length > 0) this.emit({ kind: 'metrics', samples });
    this.sendSnapshot();
  }

  private sendSnapshot(): void {
    this.latestMachine = this.backend.snapshot(this.ids);
    this.emit({ kind: 'machine', snapshot: this.latestMachine });
  }

  status(): WorkerStatus {
    return {
      backend: this.backend.name,
      vms: this.entries.map((e) => ({
        vmId: e.spec.vmId, runId: e.spec.runId, state: e.state, vcpus: e.spec.vcpus, memoryMiB: e.spec.memoryMiB,
        homeNode: e.spec.homeNode, backend: this.backend.name, totals: this.totals(e), net: e.vm.net,
      })),
      machine: this.latestMachine,
    };
  }

  /** Stop timers (the VMs stay as they are). */
  dispose(): void {
    this.cancel();
    if (this.metricsTimer !== null) clearInterval(this.metricsTimer);
    this.metricsTimer = null;
  }
}
