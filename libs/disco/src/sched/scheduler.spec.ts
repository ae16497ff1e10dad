// The scheduler's decisions on fake vCPUs: home CPUs first, slices, stealing by node, wait.
import { describe, expect, it } from '@jest/globals';
import { VCPU_STATE, type VCpu } from '../vcpu/vcpu.js';
import { Scheduler } from './scheduler.js';

function fake(id: number, home: number, homeNode: number, vm = { state: 'running', resetPending: false, paused: false }): VCpu {
  return { id, home, homeNode, vm, state: VCPU_STATE.Runnable, assigned: -1, ranRound: -1, sliceEnd: 0, lastRun: 0 } as unknown as VCpu;
}

describe('Scheduler', () => {
  const nodeOf = (p: number): number => (p < 2 ? 0 : 1);

  it('runs each vCPU on its home CPU first', () => {
    const s = new Scheduler(4, nodeOf);
    const vs = [fake(0, 2, 1), fake(1, 3, 1), fake(2, 0, 0)];
    vs.forEach((v) => s.add(v));
    const out: (VCpu | null)[] = [null, null, null, null];
    s.assign([null, null, null, null], 0, 100, out);
    expect(out[0]).toBe(vs[2]);
    expect(out[2]).toBe(vs[0]);
    expect(out[3]).toBe(vs[1]);
    expect(out[1]).toBeNull(); // nothing at home and nothing left to steal
  });

  it('keeps a vCPU for its slice, then rotates the home queue', () => {
    const s = new Scheduler(1, () => 0);
    const a = fake(0, 0, 0);
    const b = fake(1, 0, 0);
    s.add(a);
    s.add(b);
    const out: (VCpu | null)[] = [null];
    s.assign([null], 0, 100, out);
    const first = out[0]!;
    s.assign([first], 50, 100, out);
    expect(out[0]).toBe(first);
    s.assign([first], 150, 100, out);
    expect(out[0]).not.toBe(first);
  });

  it('lets an idle CPU steal, preferring its own node, and skips waiting vCPUs', () => {
    const s = new Scheduler(4, nodeOf);
    const far = fake(0, 0, 0);
    const near = fake(1, 2, 1);
    const busy = fake(2, 2, 1);
    [busy, near, far].forEach((v) => s.add(v));
    const out: (VCpu | null)[] = [null, null, null, null];
    s.assign([null, null, null, null], 0, 100, out);
    expect(out[2]).toBe(busy);
    expect(out[0]).toBe(far);
    expect(out[1]).toBe(near); // CPU 1 (node 0) steals the only one left
    near.state = VCPU_STATE.Waiting;
    s.assign([far, null, busy, null], 10, 100, out);
    expect(out[1]).toBeNull();
    expect(out[3]).toBeNull();
  });
});
