// The worker's scheduler with a scripted machine backend: replies and state events per command,
// conflicts for impossible commands, a VM the machine faults (an emulator error pinned on it)
// ends as crashed while the others keep running, a machine that throws ends every VM, panics and
// power-offs end runs with the right reason, shutdown presses the power button and times out
// into a stop, pause stops a VM's time, machine time is paced to the wall clock, console bytes
// come out as events, samples carry the monitor's counters and a machine snapshot follows them.
import { afterEach, describe, expect, test } from '@jest/globals';
import { zeroCounters, type MachineSnapshot, type MonitorCounters, type MonitorGauges, type NetAddress, type VmSpec, type WorkerEvent, type WorkerRequest } from '../../../../libs/protocol/src/index.js';
import { SLICE_HOST_MS, SLICE_MS, VmScheduler } from './scheduler.js';
import type { MachineBackend, RunResult, VmEnd, VmHandle } from './vm-backend.js';

/** Per VM name: what each slice of the machine does to it. */
type Step = 'run' | 'throw' | VmEnd | { print: string };
type Script = (slice: number) => Step;

class FakeVm implements VmHandle {
  cycles = 0;
  instructions = 0;
  busyCycles = 0;
  boots = 1;
  slices = 0;
  typed = '';
  closed = false;
  paused = false;
  powerPressed = false;
  killed: string | null = null;
  ending: VmEnd | null = null;

  constructor(readonly script: Script, readonly out: (b: number) => void) {}

  end(): VmEnd | null {
    return this.ending;
  }

  input(data: Uint8Array): void {
    this.typed += Buffer.from(data).toString('latin1');
  }

  size: [number, number] | null = null;
  resize(cols: number, rows: number): void {
    if (!Number.isInteger(cols) || !Number.isInteger(rows)) throw new RangeError('not integers');
    this.size = [cols, rows];
  }

  pause(): void { this.paused = true; }
  resume(): void { this.paused = false; }
  reset(): void { this.boots++; }
  powerButton(): void { this.powerPressed = true; }
  kill(reason: string): void { this.killed = reason; }

  /** Scripted: every slice counts one local and (every other slice) one remote cache miss; the gauge is the slice count. */
  counters(): MonitorCounters {
    return { ...zeroCounters(), cyclesUser: this.busyCycles, traps: this.slices, cacheLocalMisses: this.slices, cacheRemoteMisses: Math.floor(this.slices / 2) };
  }

  gauges(): MonitorGauges {
    return { replicaPages: this.slices, sharedPages: 0 };
  }

  readonly net: NetAddress = { station: 7, mac: '02:44:49:53:00:07' };

  close(): void {
    this.closed = true;
  }
}

class FakeMachine implements MachineBackend {
  readonly name = 'fake';
  readonly clockHz = 100_000;
  now = 0;
  readonly minSliceCycles = 5;
  throwNext = false;
  /** Host ms each machine cycle takes (busy-waited): a slow, busy machine. */
  msPerCycle = 0;
  readonly budgets: number[] = [];
  readonly vms = new Map<string, FakeVm>();

  constructor(private readonly scripts: Record<string, Script>) {}

  create(spec: VmSpec, output: (b: number) => void): VmHandle {
    const script = this.scripts[spec.name];
    if (script === undefined) throw new Error(`no kernel for ${spec.name}`);
    const vm = new FakeVm(script, output);
    this.vms.set(spec.vmId, vm);
    return vm;
  }

  run(cycles: number): RunResult {
    if (this.throwNext) throw new Error('machine on fire');
    this.budgets.push(cycles);
    this.now += cycles;
    const until = performance.now() + cycles * this.msPerCycle;
    while (performance.now() < until) { /* emulating */ }
    for (const vm of this.vms.values()) {
      if (vm.closed || vm.paused || vm.ending !== null || vm.killed !== null) continue;
      const r = vm.script(vm.slices++);
      vm.cycles += cycles;
      vm.busyCycles += cycles;
      vm.instructions += cycles / 2;
      if (r === 'run') continue;
      if (r === 'throw') vm.ending = { kind: 'fault', reason: 'emulator error: boom' };
      else if ('print' in r) for (const c of r.print) vm.out(c.charCodeAt(0));
      else vm.ending = r;
    }
    return 'ran';
  }

  snapshot(ids: Map<VmHandle, string>): MachineSnapshot {
    return { at: 0, cycles: this.now, cpus: [...ids.values()].map((vmId, cpu) => ({ cpu, node: 0, vmId, vcpu: 0, busyPct: 100 })), nodes: [] };
  }
}

const run: Script = () => 'run';

function spec(name: string): VmSpec {
  return { vmId: `vm-${name}`, runId: `run-${name}`, name, vcpus: 1, memoryMiB: 16, homeNode: 0, kernelPath: '/k', cmdline: '', disks: [], bootScript: '' };
}

let sched: VmScheduler | null = null;
afterEach(() => sched?.dispose());

function setup(scripts: Record<string, Script>): { backend: FakeMachine; events: WorkerEvent[]; send: (cmd: WorkerRequest) => WorkerEvent } {
  const backend = new FakeMachine(scripts);
  const events: WorkerEvent[] = [];
  sched = new VmScheduler(backend, (e) => events.push(e));
  let seq = 0;
  const send = (cmd: WorkerRequest): WorkerEvent => {
    const s = { ...cmd, seq: ++seq } as WorkerRequest;
    sched!.handle(s);
    return events.find((e) => e.kind === 'reply' && e.seq === s.seq)!;
  };
  return { backend, events, send };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ended = (events: WorkerEvent[], vmId: string) => events.find((e) => e.kind === 'ended' && e.vmId === vmId) as Extract<WorkerEvent, { kind: 'ended' }> | undefined;

describe('VmScheduler', () => {
  test('start replies, announces running and lists the VM', () => {
    const { send, events } = setup({ a: run });
    expect(send({ kind: 'start', spec: spec('a'), seq: 0 })).toMatchObject({ ok: true });
    expect(events).toContainEqual({ kind: 'state', vmId: 'vm-a', runId: 'run-a', state: 'running', net: { station: 7, mac: '02:44:49:53:00:07' } });
    const status = send({ kind: 'status', seq: 0 }) as Extract<WorkerEvent, { kind: 'reply'; ok: true }>;
    expect(status.status?.vms.map((v) => v.vmId)).toEqual(['vm-a']);
    expect(status.status?.vms[0]?.net?.station).toBe(7);
    expect(status.status?.backend).toBe('fake');
  });

  test('a backend that cannot boot gives start_failed; commands in the wrong state conflict', () => {
    const { send } = setup({ a: run });
    expect(send({ kind: 'start', spec: spec('nokernel'), seq: 0 })).toMatchObject({ ok: false, error: { code: 'start_failed', message: 'no kernel for nokernel' } });
    expect(send({ kind: 'stop', vmId: 'vm-a', seq: 0 })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    send({ kind: 'start', spec: spec('a'), seq: 0 });
    expect(send({ kind: 'start', spec: spec('a'), seq: 0 })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(send({ kind: 'resume', vmId: 'vm-a', seq: 0 })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(send({ kind: 'pause', vmId: 'vm-a', seq: 0 })).toMatchObject({ ok: true });
    expect(send({ kind: 'pause', vmId: 'vm-a', seq: 0 })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  test('a VM the machine faults ends as crashed with the reason; the others keep running', async () => {
    const { send, events, backend } = setup({ bad: (n) => (n === 3 ? 'throw' : 'run'), good: run });
    send({ kind: 'start', spec: spec('bad'), seq: 0 });
    send({ kind: 'start', spec: spec('good'), seq: 0 });
    await sleep(120);
    expect(ended(events, 'vm-bad')).toMatchObject({ reason: 'crashed', detail: 'emulator error: boom' });
    expect(backend.vms.get('vm-bad')!.closed).toBe(true);
    const before = backend.vms.get('vm-good')!.slices;
    await sleep(60);
    expect(backend.vms.get('vm-good')!.slices).toBeGreaterThan(before);
    expect(ended(events, 'vm-good')).toBeUndefined();
  });

  test('a machine that throws ends every VM as crashed, and the worker goes on', async () => {
    const { send, events, backend } = setup({ a: run, b: run });
    send({ kind: 'start', spec: spec('a'), seq: 0 });
    send({ kind: 'start', spec: spec('b'), seq: 0 });
    await sleep(20);
    backend.throwNext = true;
    await sleep(40);
    expect(ended(events, 'vm-a')).toMatchObject({ reason: 'crashed', detail: 'emulator error: machine on fire' });
    expect(ended(events, 'vm-b')).toMatchObject({ reason: 'crashed' });
    backend.throwNext = false;
    expect(send({ kind: 'start', spec: { ...spec('a'), runId: 'run-a2' }, seq: 0 })).toMatchObject({ ok: true });
  });

  test('panic ends as crashed, power-off as poweroff with the code, both with totals', async () => {
    const { send, events } = setup({ p: (n) => (n === 2 ? { kind: 'panic', message: 'no init' } : 'run'), o: (n) => (n === 2 ? { kind: 'poweroff', code: 3 } : 'run') });
    send({ kind: 'start', spec: spec('p'), seq: 0 });
    send({ kind: 'start', spec: spec('o'), seq: 0 });
    await sleep(100);
    expect(ended(events, 'vm-p')).toMatchObject({ reason: 'crashed', detail: 'kernel panic: no init', exitCode: null });
    const o = ended(events, 'vm-o')!;
    expect(o).toMatchObject({ reason: 'poweroff', exitCode: 3 });
    expect(o.totals.cycles).toBe(3 * SLICE_MS * 100);
  });

  test('shutdown presses the power button: a guest that powers off ends as shutdown; one that does not is stopped at the timeout', async () => {
    let down = false;
    const { send, events, backend } = setup({ nice: () => (down ? { kind: 'poweroff', code: 0 } : 'run'), stubborn: run });
    send({ kind: 'start', spec: spec('nice'), seq: 0 });
    send({ kind: 'start', spec: spec('stubborn'), seq: 0 });
    send({ kind: 'shutdown', vmId: 'vm-nice', timeoutMs: 5000, seq: 0 });
    send({ kind: 'shutdown', vmId: 'vm-stubborn', timeoutMs: 50, seq: 0 });
    expect(backend.vms.get('vm-nice')!.powerPressed).toBe(true);
    expect(events).toContainEqual({ kind: 'state', vmId: 'vm-nice', runId: 'run-nice', state: 'shutting-down' });
    down = true;
    await sleep(150);
    expect(ended(events, 'vm-nice')).toMatchObject({ reason: 'shutdown', exitCode: 0 });
    expect(ended(events, 'vm-stubborn')).toMatchObject({ reason: 'stopped', detail: expect.stringMatching(/shutdown timed out/) });
    expect(backend.vms.get('vm-stubborn')!.killed).toBe('shutdown timed out');
  });

  test('a paused VM does not run; resumed, it does', async () => {
    const { send, backend } = setup({ a: run });
    send({ kind: 'start', spec: spec('a'), seq: 0 });
    await sleep(30);
    send({ kind: 'pause', vmId: 'vm-a', seq: 0 });
    expect(backend.vms.get('vm-a')!.paused).toBe(true);
    const at = backend.vms.get('vm-a')!.slices;
    await sleep(60);
    expect(backend.vms.get('vm-a')!.slices).toBe(at);
    send({ kind: 'resume', vmId: 'vm-a', seq: 0 });
    await sleep(60);
    expect(backend.vms.get('vm-a')!.slices).toBeGreaterThan(at);
  });

  test('machine time is paced to the wall clock', async () => {
    const { send, backend } = setup({ a: run });
    const t0 = Date.now();
    send({ kind: 'start', spec: spec('a'), seq: 0 });
    await sleep(200);
    const ms = (backend.now * 1000) / backend.clockHz;
    const elapsed = Date.now() - t0;
    // Not ahead of the wall clock by more than a slice, and not far behind it.
    expect(ms).toBeGreaterThan(100);
    expect(ms).toBeLessThanOrEqual(elapsed + 2 * SLICE_MS);
  });

  test('console output and input; input makes the next slices short', async () => {
    const { send, events, backend } = setup({ a: (n) => (n === 0 ? { print: 'hi\n' } : 'run') });
    send({ kind: 'start', spec: spec('a'), seq: 0 });
    await sleep(30);
    const out = events.filter((e) => e.kind === 'console').map((e) => Buffer.from((e as { data: Uint8Array }).data).toString('latin1')).join('');
    expect(out).toBe('hi\n');
    const before = backend.vms.get('vm-a')!.slices;
    const mark = backend.budgets.length;
    expect(send({ kind: 'consoleInput', vmId: 'vm-a', data: Buffer.from('ls\n'), seq: 0 })).toMatchObject({ ok: true });
    expect(backend.vms.get('vm-a')!.typed).toBe('ls\n');
    await sleep(5);
    // The boosted slices ran at once (even though the machine may be ahead), each a quarter slice.
    expect(backend.vms.get('vm-a')!.slices).toBeGreaterThan(before);
    expect(backend.budgets.slice(mark, mark + 4)).toEqual([25, 25, 25, 25]);
    expect(backend.budgets.slice(0, mark).every((b) => b === 100)).toBe(true);
    expect(send({ kind: 'consoleInput', vmId: 'vm-zzz', data: Buffer.from('x'), seq: 0 })).toMatchObject({ ok: false });
  });

  test('console resize reaches the VM; a bad size or an unknown VM is an error', async () => {
    const { send, backend } = setup({ a: () => 'run' });
    send({ kind: 'start', spec: spec('a'), seq: 0 });
    await sleep(10);
    expect(send({ kind: 'consoleResize', vmId: 'vm-a', cols: 120, rows: 40, seq: 0 })).toMatchObject({ ok: true });
    expect(backend.vms.get('vm-a')!.size).toEqual([120, 40]);
    expect(send({ kind: 'consoleResize', vmId: 'vm-a', cols: 1.5, rows: 40, seq: 0 })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(backend.vms.get('vm-a')!.size).toEqual([120, 40]);
    expect(send({ kind: 'consoleResize', vmId: 'vm-zzz', cols: 80, rows: 24, seq: 0 })).toMatchObject({ ok: false });
  });

  test('on a slow machine slices shrink so that each takes about SLICE_HOST_MS of host time', async () => {
    const { send, backend } = setup({ a: run });
    backend.msPerCycle = 0.5; // a full slice (100 cycles) would take 50 ms
    send({ kind: 'start', spec: spec('a'), seq: 0 });
    await sleep(300);
    const later = backend.budgets.slice(3);
    expect(later.length).toBeGreaterThan(10);
    expect(Math.max(...later)).toBeLessThanOrEqual(Math.ceil(SLICE_HOST_MS / 0.5) + 1);
    expect(Math.min(...later)).toBeGreaterThanOrEqual(backend.minSliceCycles);
  });

  test('samples carry the counters over the interval; a machine snapshot follows', async () => {
    const { send, events, backend } = setup({ a: run });
    send({ kind: 'start', spec: spec('a'), seq: 0 });
    await sleep(2100);
    const samples = events.filter((e) => e.kind === 'metrics').flatMap((e) => (e as Extract<WorkerEvent, { kind: 'metrics' }>).samples);
    expect(samples.length).toBeGreaterThanOrEqual(2);
    const s = samples[1]!;
    expect(s.counters.cyclesUser).toBe(s.cycles);
    expect(s.counters.traps).toBeGreaterThan(0);
    expect(s.counters.traps).toBeLessThan(samples[1]!.totals.cycles);
    // Gauges are the value now, not a difference; the ratio is of the interval's misses.
    expect(s.gauges.replicaPages).toBeLessThanOrEqual(backend.vms.get('vm-a')!.slices);
    expect(s.gauges.replicaPages).toBeGreaterThan(s.counters.traps);
    expect(s.localMissRatio).toBeCloseTo(s.counters.cacheLocalMisses / (s.counters.cacheLocalMisses + s.counters.cacheRemoteMisses), 10);
    expect(s.localMissRatio).toBeGreaterThan(0.6);
    expect(s.localMissRatio).toBeLessThan(0.7);
    const snap = events.find((e) => e.kind === 'machine') as Extract<WorkerEvent, { kind: 'machine' }>;
    expect(snap.snapshot.cpus).toEqual([{ cpu: 0, node: 0, vmId: 'vm-a', vcpu: 0, busyPct: 100 }]);
  });
});
