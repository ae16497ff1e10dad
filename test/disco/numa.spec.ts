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

/**
 * Every frame in a running CPU's TLB is its VM's page (master or replica) or its special page;
 * the monitor's per-CPU frame counts (the shootdowns' IPI set) agree with the TLBs exactly.
 */
function checkTlbs(m: Monitor): void {
  for (let p = 0; p < m.cpus.length; p++) {
    const held = new Set(physFrames(m.cpus[p]).map((e) => e.frame));
    for (let f = 0; f < m.pages.pages; f++) {
      if (m.tlbRefs.holds(f, p) !== held.has(f)) throw new Error(`CPU ${p}: tlbRefs says ${m.tlbRefs.holds(f, p)} for frame 0x${f.toString(16)}`);
    }
  }
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

function start(numa: MonitorOptions['numa'], controllerOccupancyCycles = 0): Run {
  const { m, vms } = setup(
    [{ guest: 'numa', vcpus: 2, memoryMiB: 4, watchdogCycles: 4_000_000_000 }],
    { cpus: 2, nodes: 2, timed: true, cache: { cacheBytes: 16 * 1024, controllerOccupancyCycles } },
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

  it('with node-controller occupancy the monitor measures each round: remote hammering queues at the home node', () => {
    const r = start(false, 40);
    const cache = r.m.machine.cache!;
    const before = cache.stats(1).queueStallCycles;
    const q0 = cache.controllerStats(0);
    r.phase('m');
    const q1 = cache.controllerStats(0);
    // vCPU 1 (node 1) hammered node 0's pages: node 0's controller was busy, so its requests waited.
    expect(q1.requests - q0.requests).toBeGreaterThan(1000);
    expect(q1.peakUtilisation).toBeGreaterThan(0.05);
    expect(q1.queuedCycles).toBeGreaterThan(q0.queuedCycles);
    expect(cache.stats(1).queueStallCycles).toBeGreaterThan(before);
    finish(r); // the guest's results are unchanged: contention is timing only
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

/** Physical TLB entry i of CPU p maps machine frame `frame` in either valid half (large pages included). */
function entryMaps(m: Monitor, p: number, i: number, frames: number[]): boolean {
  const tlb = m.cpus[p].tlb;
  const span = tlb.pageBytes(i) >>> 12;
  return frames.some((f) =>
    [tlb.lo0[i], tlb.lo1[i]].some((lo) => (lo & 2) !== 0 && f - (lo >>> 6) >= 0 && f - (lo >>> 6) < span));
}

/** Every physical TLB entry (per CPU) and L2TLB entry (per vCPU) as comparable strings. */
function translations(m: Monitor, vm: Vm): { phys: string[][]; l2: string[][] } {
  const phys = m.cpus.map((c) => Array.from({ length: c.tlb.entries }, (_, i) => `${i}:${c.tlb.vpn2[i] >>> 0}/${c.tlb.asid[i]}/${c.tlb.lo0[i]}/${c.tlb.lo1[i]}/${c.tlb.mask[i]}`));
  const l2 = vm.vcpus.map((v) => {
    const out: string[] = [];
    const t = v.l2!;
    for (let s = 0; s < t.slots; s++) if (t.valid[s] !== 0) out.push(`${s}:${t.vpn2[s] >>> 0}/${t.asid[s]}/${t.glo0[s]}/${t.glo1[s]}`);
    return out;
  });
  return { phys, l2 };
}

/** Drive a migration of guest page gp to `node` through the miss counters (as the cache model would). */
function forceMigration(r: Run, gp: number, node: number): void {
  const mc = r.m.machine.missCounters!;
  mc.resetCounters();
  mc.clearHot();
  const mp = r.vm.pmap.machinePage[gp];
  for (let i = 0; i < r.m.numa!.config.triggerThreshold; i++) mc.record(mp * 4096 + ((i * 128) & 4095), node);
  r.m.numa!.roundBoundary(r.m.now);
}

suite('NUMA shootdowns through the backmaps', () => {
  it('a migration drops only the translations of the moved page and IPIs only the CPUs holding one', () => {
    const r = start(true);
    r.phase('m'); // hot and hotu move to node 1; vCPU 1 maps hotu through its kuseg alias
    const { m, vm } = r;
    expect(m.current.every((v) => v?.vm === vm)).toBe(true); // both CPUs run the VM: the old scheme reached both

    // (a) hotu back to node 0, paid by CPU 0: CPU 1's entries of it go, nothing else does.
    const gp = r.gp.hotu;
    const old = vm.pmap.machinePage[gp];
    const holders = m.cpus.map((_, p) => physFrames(m.cpus[p]).some((e) => e.frame === old));
    expect(holders[1]).toBe(true);
    const before = translations(m, vm);
    const l2Mapping = vm.vcpus.map((v) => {
      const t = v.l2!;
      const s: number[] = [];
      for (let i = 0; i < t.slots; i++) if (t.valid[i] !== 0 && ((t.glo0[i] >>> 6) === gp || (t.glo1[i] >>> 6) === gp)) s.push(i);
      return s;
    });
    expect(l2Mapping[1].length).toBeGreaterThan(0); // the kuseg alias is in vCPU 1's L2TLB
    const hadOld = m.cpus.map((c, p) => Array.from({ length: c.tlb.entries }, (_, i) => entryMaps(m, p, i, [old])));
    expect(hadOld.flat().filter(Boolean).length).toBeGreaterThan(0);
    const m0 = m.vmMetrics(vm);
    forceMigration(r, gp, 0);
    const m1 = m.vmMetrics(vm);
    expect(m1.numa.migrations - m0.numa.migrations).toBe(1);
    expect(vm.pmap.machinePage[gp]).not.toBe(old);
    expect(m.pages.nodeOf(vm.pmap.machinePage[gp])).toBe(0);
    expect(m1.shootdownFullScans - m0.shootdownFullScans).toBe(0);
    expect(m1.shootdownIpis - m0.shootdownIpis).toBe(holders[1] ? 1 : 0);
    const after = translations(m, vm);
    for (let p = 0; p < m.cpus.length; p++) {
      for (let i = 0; i < m.cpus[p].tlb.entries; i++) {
        // Entries of the old frame are gone (parked), every other entry is untouched.
        if (hadOld[p][i] ? !entryMaps(m, p, i, [old]) : before.phys[p][i] === after.phys[p][i]) continue;
        throw new Error(`CPU ${p} entry ${i} changed: ${before.phys[p][i]} -> ${after.phys[p][i]}`);
      }
      expect(physFrames(m.cpus[p]).some((e) => e.frame === old)).toBe(false);
    }
    for (let k = 0; k < vm.vcpus.length; k++) {
      const gone = new Set(l2Mapping[k].map((s) => before.l2[k].find((e) => e.startsWith(`${s}:`))!));
      expect(after.l2[k]).toEqual(before.l2[k].filter((e) => !gone.has(e)));
    }
    expect(after.l2[1].length).toBeLessThan(before.l2[1].length);

    // (b) a page no CPU holds a translation of: migrated with no IPI at all, nothing dropped.
    const unmapped = findUnmapped(r);
    const b0 = translations(m, vm);
    const n0 = m.vmMetrics(vm);
    const node = 1 - m.pages.nodeOf(vm.pmap.machinePage[unmapped]);
    forceMigration(r, unmapped, node);
    const n1 = m.vmMetrics(vm);
    expect(n1.numa.migrations - n0.numa.migrations).toBe(1);
    expect(m.pages.nodeOf(vm.pmap.machinePage[unmapped])).toBe(node);
    expect(n1.shootdownIpis - n0.shootdownIpis).toBe(0);
    expect(translations(m, vm)).toEqual(b0);
    finish(r);
  });
});

/** A private guest page of the VM with no translation in any physical TLB or L2TLB. */
function findUnmapped(r: Run): number {
  const { m, vm } = r;
  const held = new Set(m.cpus.flatMap((c) => physFrames(c).map((e) => e.frame)));
  for (let gp = vm.pmap.guestPages - 1; gp >= 0; gp--) {
    const mp = vm.pmap.machinePage[gp];
    if (mp < 0 || vm.pmap.flags[gp] !== 0 || held.has(mp) || m.pages.owner[mp] !== vm.id) continue;
    const inL2 = vm.vcpus.some((v) => {
      const t = v.l2!;
      for (let s = 0; s < t.slots; s++) if (t.valid[s] !== 0 && ((t.glo0[s] >>> 6) === gp || (t.glo1[s] >>> 6) === gp)) return true;
      return false;
    });
    if (!inL2) return gp;
  }
  throw new Error('no unmapped page');
}
