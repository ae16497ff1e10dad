// NUMA page migration and replication (libs/disco/src/numa/) on a 2-node timed machine with
// 16 KiB caches, driven by the test guest test/disco/guests/numa.c: a page hammered from the
// remote node migrates and its misses become local (through sseg and a kuseg alias); a
// read-shared page is replicated and every node's reads hit its own copy; a write collapses the
// replicas and both vCPUs read the new value; the AutoNUMA strategy migrates but never
// replicates. Physical TLBs are checked between slices: only the VM's pages and replicas.
import { describe, expect, it } from '@jest/globals';
import { physFrames } from '../../libs/disco/src/memory/phys-tlb.js';
import { PAGE_FLAG } from '../../libs/disco/src/memory/pmap.js';
import type { Monitor, MonitorOptions } from '../../libs/disco/src/monitor.js';
import type { Vm } from '../../libs/disco/src/vm.js';
import { setup, type TestVm } from './support.js';

/** Every frame in a running CPU's TLB is its VM's page (master or replica) or its special page. */
function checkTlbs(m: Monitor): void {
  for (let p = 0; p < m.cpus.length; p++) {
    const v = m.current[p];
    if (v === null) continue;
    for (const e of physFrames(m.cpus[p])) {
      if (e.frame === v.spPage) continue;
      const gp = m.pages.guestPage[e.frame];
      const ok = m.pages.owner[e.frame] === v.vm.id && gp >= 0 && (m.numa?.copies(v.vm, gp) ?? [v.vm.pmap.machinePage[gp]]).includes(e.frame);
      if (!ok) throw new Error(`CPU ${p} (${v.vm.name}) maps frame 0x${e.frame.toString(16)} it does not own`);
    }
  }
}

function runUntil(m: Monitor, done: () => boolean, slices = 2000): void {
  for (let i = 0; i < slices && !done(); i++) {
    m.run(200_000);
    checkTlbs(m);
  }
  if (!done()) throw new Error('guest did not get there');
}

interface Run {
  m: Monitor;
  t: TestVm;
  vm: Vm;
  gp: { hot: number; hotu: number; ro: number };
  /** Send a phase command and wait for its "done". */
  phase: (cmd: string) => void;
  /** Cache misses of CPU `p` (local, remote) during `fn`. */
  misses: (p: number, fn: () => void) => { local: number; remote: number };
}

function start(numa: MonitorOptions['numa']): Run {
  const { m, vms } = setup(
    [{ guest: 'numa', vcpus: 2, memoryMiB: 4, watchdogCycles: 4_000_000_000 }],
    { cpus: 2, nodes: 2, timed: true, cache: { cacheBytes: 16 * 1024 } },
    { numa },
  );
  const t = vms[0];
  runUntil(m, () => t.out().includes('ready'));
  // Forget the boot's misses (vCPU 0 initialised every page): the phases start a fresh interval.
  m.machine.missCounters!.resetCounters();
  const [hot, hotu, ro] = /ready 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+)/.exec(t.out())!.slice(1).map((x) => parseInt(x, 16) >>> 12);
  const phase = (cmd: string): void => {
    const n = t.out().split(`done ${cmd}`).length;
    m.consoleInput(t.vm, `${cmd}\n`);
    runUntil(m, () => t.out().split(`done ${cmd}`).length > n);
  };
  const misses = (p: number, fn: () => void): { local: number; remote: number } => {
    const a = m.machine.cache!.stats(p);
    fn();
    const b = m.machine.cache!.stats(p);
    return { local: b.localMisses - a.localMisses, remote: b.remoteMisses - a.remoteMisses };
  };
  return { m, t, vm: t.vm, gp: { hot, hotu, ro }, phase, misses };
}

function finish(r: Run): void {
  r.m.consoleInput(r.vm, 'e\n');
  runUntil(r.m, () => r.vm.state === 'stopped');
  expect(r.t.out()).toContain('RESULT PASS');
  expect(r.t.out()).not.toContain('FAIL');
  expect(r.vm.exit).toEqual({ kind: 'poweroff', code: 0 });
  // Every page, replicas included, is free again.
  expect(r.m.pages.owner.includes(r.vm.id)).toBe(false);
}

const nodeOf = (r: Run, gp: number): number => r.m.pages.nodeOf(r.vm.pmap.machinePage[gp]);
const ratio = (x: { local: number; remote: number }): number => x.local / (x.local + x.remote);

const suite = process.env.DISCO_SKIP_DIFFERENTIAL === '1' ? describe.skip : describe;

suite('NUMA migration and replication (disco policy)', () => {
  it('migrates a page hammered from the remote node; its misses become local', () => {
    const off = start(false);
    expect(off.vm.vcpus.map((v) => v.homeNode)).toEqual([0, 1]);
    off.phase('m');
    const offMisses = off.misses(1, () => off.phase('m'));
    expect(nodeOf(off, off.gp.hot)).toBe(0);
    finish(off);

    const r = start(true);
    expect(nodeOf(r, r.gp.hot)).toBe(0);
    expect(nodeOf(r, r.gp.hotu)).toBe(0);
    r.phase('m');
    // Migrated to vCPU 1's node, for the sseg and the kuseg (user-mapped) page alike.
    expect(nodeOf(r, r.gp.hot)).toBe(1);
    expect(nodeOf(r, r.gp.hotu)).toBe(1);
    const mt = r.m.vmMetrics(r.vm);
    expect(mt.numa.migrations).toBeGreaterThanOrEqual(2);
    expect(mt.numa.avgCycles.migration).toBeGreaterThan(r.m.costs.pageCopy);
    expect(mt.pagesPerNode[1]).toBeGreaterThan(0);
    const onMisses = r.misses(1, () => r.phase('m'));
    // The same pass: mostly remote without the policy, mostly local with it.
    expect(ratio(offMisses)).toBeLessThan(0.2);
    expect(ratio(onMisses)).toBeGreaterThan(0.9);
    finish(r);
  });

  it('replicates a read-shared page, reads on every node hit its copy; a write collapses it', () => {
    const r = start(true);
    const mc = r.m.machine.missCounters!;
    r.phase('r');
    const gp = r.gp.ro;
    expect(r.vm.pmap.flags[gp] & (PAGE_FLAG.REPLICATED | PAGE_FLAG.WRITE_PROTECT)).toBe(PAGE_FLAG.REPLICATED | PAGE_FLAG.WRITE_PROTECT);
    const copies = r.m.numa!.copies(r.vm, gp);
    expect(copies.map((c) => r.m.pages.nodeOf(c))).toEqual([0, 1]);
    expect(r.m.vmMetrics(r.vm).numa.replications).toBeGreaterThanOrEqual(1);
    expect(r.m.vmMetrics(r.vm).numa.replicaPagesPerNode[1]).toBeGreaterThanOrEqual(1);

    // Another read phase: node 0 reads only the master, node 1 only its replica.
    mc.resetCounters();
    r.phase('r');
    const [master, replica] = copies;
    expect(mc.count(master, 0)).toBeGreaterThan(0);
    expect(mc.count(replica, 1)).toBeGreaterThan(0);
    expect(mc.count(master, 1)).toBe(0);
    expect(mc.count(replica, 0)).toBe(0);

    // vCPU 1 writes the page through kuseg: one writable copy again (the writer's), both vCPUs
    // check every word of the new contents (through kuseg and sseg).
    r.phase('w');
    expect(r.vm.pmap.flags[gp] & (PAGE_FLAG.REPLICATED | PAGE_FLAG.WRITE_PROTECT)).toBe(0);
    expect(r.m.numa!.copies(r.vm, gp)).toEqual([replica]);
    expect(r.m.pages.owner[master]).toBe(-1);
    const mt = r.m.vmMetrics(r.vm);
    expect(mt.numa.collapses).toBeGreaterThanOrEqual(1);
    expect(mt.numa.replicaPagesPerNode.reduce((a, b) => a + b, 0)).toBe(r.m.numa!.copies(r.vm, gp).length - 1 + sumOtherReplicas(r, gp));
    const machine = r.m.metrics('test');
    expect(machine.nodes).toHaveLength(2);
    expect(machine.nodes[1].localMisses).toBeGreaterThan(0);
    finish(r);
  });

  it('a DMA write (monitor write) into a replicated page collapses it too', () => {
    const r = start(true);
    r.phase('r');
    const gp = r.gp.ro;
    expect(r.vm.pmap.flags[gp] & PAGE_FLAG.REPLICATED).toBeTruthy();
    const pa = gp << 12;
    expect(r.vm.writeGuest(pa + 4, Uint8Array.of(1, 2, 3, 4))).toBe(true);
    expect(r.vm.pmap.flags[gp]).toBe(0);
    expect(r.m.numa!.copies(r.vm, gp)).toHaveLength(1);
    const b = new Uint8Array(4);
    r.vm.readGuest(pa + 4, b);
    expect(Array.from(b)).toEqual([1, 2, 3, 4]);
    finish(r);
  });
});

/** Replica pages of the VM other than gp's. */
function sumOtherReplicas(r: Run, gp: number): number {
  let n = 0;
  for (let g = 0; g < r.vm.pmap.guestPages; g++) if (g !== gp) n += r.m.numa!.copies(r.vm, g).length - 1;
  return n;
}

suite('NUMA placement (autonuma strategy)', () => {
  it('migrates on the second hint from a node and never replicates', () => {
    const r = start({ strategy: 'autonuma' });
    r.phase('m');
    expect(nodeOf(r, r.gp.hot)).toBe(1);
    r.phase('r');
    const mt = r.m.vmMetrics(r.vm);
    expect(mt.numa.migrations).toBeGreaterThanOrEqual(2);
    expect(mt.numa.replications).toBe(0);
    expect(r.vm.pmap.flags[r.gp.ro] & PAGE_FLAG.REPLICATED).toBe(0);
    finish(r);
  });
});
