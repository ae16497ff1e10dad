// The worker's scheduler with a scripted backend: replies and state events per command,
// conflicts for impossible commands, a VM whose emulation throws ends as crashed while the
// others keep running, panics and power-offs end runs with the right reason, shutdown times
// out into a stop, pause stops a VM's time, console bytes come out as events.
import { afterEach, describe, expect, test } from '@jest/globals';
import type { VmSpec, WorkerEvent, WorkerRequest } from '../../../../libs/protocol/src/index.js';
import { SLICE_MS, VmScheduler } from './scheduler.js';
import type { SliceOutcome, VmBackend, VmInstance } from './vm-backend.js';

/** Per VM name: what each slice does. */
type Script = (slice: number) => SliceOutcome | 'throw' | { print: string };

class FakeVm implements VmInstance {
  cycles = 0;
  instructions = 0;
  boots = 1;
  slices = 0;
  typed = '';
  closed = false;
  shutdownAsked = false;

  constructor(private readonly script: Script, private readonly out: (b: number) => void) {}

  run(cycles: number): SliceOutcome {
    const r = this.script(this.slices++);
    if (r === 'throw') throw new Error('boom');
    this.cycles += cycles;
    this.instructions += cycles / 2;
    if ('print' in r) {
      for (const c of r.print) this.out(c.charCodeAt(0));
      return { kind: 'ran' };
    }
    return r;
  }

  input(data: Uint8Array): void {
    this.typed += Buffer.from(data).toString('latin1');
  }

  reset(): void {
    this.boots++;
  }

  requestShutdown(): void {
    this.shutdownAsked = true;
  }

  close(): void {
    this.closed = true;
  }
}

class FakeBackend implements VmBackend {
  readonly name = 'fake';
  readonly clockHz = 100_000;
  readonly vms = new Map<string, FakeVm>();

  constructor(private readonly scripts: Record<string, Script>) {}

  create(spec: VmSpec, output: (b: number) => void): VmInstance {
    const script = this.scripts[spec.name];
    if (script === undefined) throw new Error(`no kernel for ${spec.name}`);
    const vm = new FakeVm(script, output);
    this.vms.set(spec.vmId, vm);
    return vm;
  }
}

const ran: Script = () => ({ kind: 'ran' });

function spec(name: string): VmSpec {
  return { vmId: `vm-${name}`, runId: `run-${name}`, name, vcpus: 1, memoryMiB: 16, homeNode: 0, kernelPath: '/k', cmdline: '', disks: [], bootScript: '' };
}

let sched: VmScheduler | null = null;
afterEach(() => sched?.dispose());

function setup(scripts: Record<string, Script>): { backend: FakeBackend; events: WorkerEvent[]; send: (cmd: WorkerRequest) => WorkerEvent } {
  const backend = new FakeBackend(scripts);
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
    const { send, events } = setup({ a: ran });
    expect(send({ kind: 'start', spec: spec('a'), seq: 0 })).toMatchObject({ ok: true });
    expect(events).toContainEqual({ kind: 'state', vmId: 'vm-a', runId: 'run-a', state: 'running' });
    const status = send({ kind: 'status', seq: 0 }) as Extract<WorkerEvent, { kind: 'reply'; ok: true }>;
    expect(status.status?.vms.map((v) => v.vmId)).toEqual(['vm-a']);
  });

  test('a backend that cannot boot gives start_failed; commands in the wrong state conflict', () => {
    const { send } = setup({ a: ran });
    expect(send({ kind: 'start', spec: spec('nokernel'), seq: 0 })).toMatchObject({ ok: false, error: { code: 'start_failed', message: 'no kernel for nokernel' } });
    expect(send({ kind: 'stop', vmId: 'vm-a', seq: 0 })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    send({ kind: 'start', spec: spec('a'), seq: 0 });
    expect(send({ kind: 'start', spec: spec('a'), seq: 0 })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(send({ kind: 'resume', vmId: 'vm-a', seq: 0 })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(send({ kind: 'pause', vmId: 'vm-a', seq: 0 })).toMatchObject({ ok: true });
    expect(send({ kind: 'pause', vmId: 'vm-a', seq: 0 })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  test('an emulator exception ends that VM as crashed; the others keep running', async () => {
    const { send, events, backend } = setup({ bad: (n) => (n === 3 ? 'throw' : { kind: 'ran' }), good: ran });
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

  test('panic ends as crashed, power-off as poweroff with the code, both with totals', async () => {
    const { send, events } = setup({ p: (n) => (n === 2 ? { kind: 'panic', message: 'no init' } : { kind: 'ran' }), o: (n) => (n === 2 ? { kind: 'poweroff', code: 3 } : { kind: 'ran' }) });
    send({ kind: 'start', spec: spec('p'), seq: 0 });
    send({ kind: 'start', spec: spec('o'), seq: 0 });
    await sleep(100);
    expect(ended(events, 'vm-p')).toMatchObject({ reason: 'crashed', detail: 'kernel panic: no init', exitCode: null });
    const o = ended(events, 'vm-o')!;
    expect(o).toMatchObject({ reason: 'poweroff', exitCode: 3 });
    expect(o.totals.cycles).toBe(3 * SLICE_MS * 100);
  });

  test('shutdown: a guest that powers off ends as shutdown; one that does not is stopped at the timeout', async () => {
    let down = false;
    const { send, events, backend } = setup({ nice: () => (down ? { kind: 'poweroff', code: 0 } : { kind: 'ran' }), stubborn: ran });
    send({ kind: 'start', spec: spec('nice'), seq: 0 });
    send({ kind: 'start', spec: spec('stubborn'), seq: 0 });
    send({ kind: 'shutdown', vmId: 'vm-nice', timeoutMs: 5000, seq: 0 });
    send({ kind: 'shutdown', vmId: 'vm-stubborn', timeoutMs: 50, seq: 0 });
    expect(backend.vms.get('vm-nice')!.shutdownAsked).toBe(true);
    expect(events).toContainEqual({ kind: 'state', vmId: 'vm-nice', runId: 'run-nice', state: 'shutting-down' });
    down = true;
    await sleep(150);
    expect(ended(events, 'vm-nice')).toMatchObject({ reason: 'shutdown', exitCode: 0 });
    expect(ended(events, 'vm-stubborn')).toMatchObject({ reason: 'stopped', detail: expect.stringMatching(/shutdown timed out/) });
  });

  test('a paused VM does not run; resumed, it does', async () => {
    const { send, backend } = setup({ a: ran });
    send({ kind: 'start', spec: spec('a'), seq: 0 });
    await sleep(30);
    send({ kind: 'pause', vmId: 'vm-a', seq: 0 });
    const at = backend.vms.get('vm-a')!.slices;
    await sleep(60);
    expect(backend.vms.get('vm-a')!.slices).toBe(at);
    send({ kind: 'resume', vmId: 'vm-a', seq: 0 });
    await sleep(60);
    expect(backend.vms.get('vm-a')!.slices).toBeGreaterThan(at);
  });

  test('emulated time is paced to the wall clock', async () => {
    const { send, backend } = setup({ a: ran });
    const t0 = Date.now();
    send({ kind: 'start', spec: spec('a'), seq: 0 });
    await sleep(200);
    const slices = backend.vms.get('vm-a')!.slices;
    const elapsed = Date.now() - t0;
    // At most one slice per SLICE_MS of wall time (plus the one in flight), and not far fewer.
    expect(slices).toBeGreaterThan(50 / SLICE_MS);
    expect(slices).toBeLessThanOrEqual(elapsed / SLICE_MS + 2);
  });

  test('console output and input', async () => {
    const { send, events, backend } = setup({ a: (n) => (n === 0 ? { print: 'hi\n' } : { kind: 'ran' }) });
    send({ kind: 'start', spec: spec('a'), seq: 0 });
    await sleep(30);
    const out = events.filter((e) => e.kind === 'console').map((e) => Buffer.from((e as { data: Uint8Array }).data).toString('latin1')).join('');
    expect(out).toBe('hi\n');
    expect(send({ kind: 'consoleInput', vmId: 'vm-a', data: Buffer.from('ls\n'), seq: 0 })).toMatchObject({ ok: true });
    expect(backend.vms.get('vm-a')!.typed).toBe('ls\n');
    expect(send({ kind: 'consoleInput', vmId: 'vm-zzz', data: Buffer.from('x'), seq: 0 })).toMatchObject({ ok: false });
  });
});
