#!/usr/bin/env node
// Dynamic page migration and replication (the paper's Figure 8 and Table 3), scaled to our
// machine: timed mode, 8 CPUs in 4 nodes, one VM running engineering on 8 vCPUs and raytrace on
// as many vCPUs as the machine has, each in several configurations: IRIX-like NUMA baseline
// (pages placed round-robin over the nodes, no migration/replication), the monitor with
// migration and replication (same placement, the policy on), and an ideal UMA machine (every
// miss at the local latency); plus first-touch placement with and without the policy and the
// AutoNUMA strategy. Prints execution time normalised to the baseline, the local-miss ratio,
// the split of time, migration/replication rates and average costs beside the paper's numbers.
// Never part of npm test. Needs `npm run build` first.
// Usage: node bench/numa/run.mjs [--workloads engineering,raytrace,raytrace-small] [--configs base,disco,uma,...]
//        [--json FILE]   (exit status 0 when both meet the paper's improvement)
//        [--occupancy-ns N]  node-controller occupancy per request (default 0: contention-free,
//                            the paper's minimum latencies; see libs/machine/src/cache/README.md)
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const dist = (p) => join(ROOT, 'dist', p);
const { buildRootImage } = await import(dist('apps/cli/src/commands/boot-session.js'));
const { MonitorSession } = await import(dist('apps/cli/src/commands/monitor-session.js'));
const { describeCosts, makeCostTable } = await import(dist('libs/disco/src/costs.js'));
const { DEFAULT_NUMA_POLICY } = await import(dist('libs/disco/src/numa/policy.js'));
const { DEFAULT_LOCAL_MISS_CYCLES, nsToCycles } = await import(dist('libs/machine/src/cache/cache-model.js'));

const CPUS = 8;
const NODES = 4;
const HZ = 200e6;
/** The paper's Figure 8 and Table 3. */
const PAPER = {
  engineering: { disco: 67, uma: 48, local: [16, 78, 100], mig: [2461, 67], rep: [2208, 57] },
  raytrace: { disco: 62, uma: 49, local: [6, 76, 100], mig: [909, 102], rep: [2671, 73] },
};
const WORKLOADS = {
  // The paper: 6 Verilog + 6 memory-system simulations on 8 CPUs of one VM; ours: 8 workers, 2 MiB grids.
  engineering: { cmd: 'engineering -w 8 -m 2', vcpus: 8, cacheBytes: 1 << 20 },
  // The paper: a large read-shared scene rendered on 16 CPUs with 256 KB caches; ours: all 8
  // CPUs, the same 256 KB cache, 16,384 spheres in a uniform grid (1,149 KiB of scene data,
  // 4.5x the cache, built before the fork so every process reads the same pages), rows
  // interleaved over the processes so each one's rays cross the whole scene.
  raytrace: { cmd: 'raytrace -p 8 -w 320 -h 240 -s 16384', vcpus: CPUS, cacheBytes: 256 << 10, paper: 'raytrace' },
  // The previous configuration: the built-in 4-sphere scene, which fits in any cache.
  'raytrace-small': { cmd: 'raytrace -p 8 -w 320 -h 240', vcpus: CPUS, cacheBytes: 256 << 10, paper: 'raytrace' },
};
const CONFIGS = {
  base: { label: 'NUMA, round-robin, no migration (IRIX-like baseline)', placement: 'round-robin', numa: false },
  disco: { label: 'NUMA, round-robin + migration/replication (Disco)', placement: 'round-robin', numa: true },
  uma: { label: 'UMA (every miss local)', placement: 'round-robin', numa: false, uma: true },
  ft: { label: 'NUMA, first-touch, no migration', placement: 'first-touch', numa: false },
  ftdisco: { label: 'NUMA, first-touch + migration/replication', placement: 'first-touch', numa: true },
  autonuma: { label: 'NUMA, round-robin + AutoNUMA strategy', placement: 'round-robin', numa: { strategy: 'autonuma' } },
};

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const workloads = opt('--workloads', Object.keys(WORKLOADS).join(',')).split(',');
const configs = opt('--configs', Object.keys(CONFIGS).join(',')).split(',');
const jsonFile = opt('--json', null);
/** Policy overrides for every configuration with the policy on (a sensitivity study). */
const policy = JSON.parse(opt('--policy', '{}'));
const occupancyNs = Number(opt('--occupancy-ns', '0'));
if (!Number.isFinite(occupancyNs) || occupancyNs < 0) {
  console.error(`numa: --occupancy-ns must be a number of nanoseconds >= 0 (got ${opt('--occupancy-ns')})`);
  process.exit(2);
}
const occupancy = nsToCycles(occupancyNs);
const STEP = 100_000; // cycles between prompt checks: the measurement resolution (0.5 ms)
const strip = (s) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
const prompt = /[#$] $/;

function measure(w, cfgName) {
  const spec = WORKLOADS[w];
  const cfg = CONFIGS[cfgName];
  const img = buildRootImage();
  const cache = {
    cacheBytes: spec.cacheBytes,
    controllerOccupancyCycles: occupancy,
    ...(cfg.uma ? { remoteMissCycles: DEFAULT_LOCAL_MISS_CYCLES } : {}),
  };
  const s = new MonitorSession({
    vms: [{ disk: img.path, vcpus: spec.vcpus, memoryMiB: 64, placement: cfg.placement }],
    // 256 MiB: 64 MiB per node, so first-touch placement can keep the whole VM on one node.
    machineMiB: 256,
    cpus: CPUS, nodes: NODES, timed: true, clock: () => Date.UTC(2026, 0, 1), cache,
    numa: cfg.numa === false ? false : { ...policy, ...(cfg.numa === true ? {} : cfg.numa) },
  });
  s.boot();
  const c = s.consoles[0];
  if (c.waitForPrompt(undefined, { hostMs: 300_000 }) !== null) throw new Error(`${w}/${cfgName}: no prompt`);
  const m = s.monitor;
  const m0 = m.vmMetrics(c.vm);
  const mc = s.machine.cache;
  const controllers = () => Array.from({ length: NODES }, (_, n) => mc.controllerStats(n));
  const k0 = controllers();
  const q0 = mc.totals().queueStallCycles;
  const t0 = m.now;
  const h0 = Date.now();
  c.type(spec.cmd + '\n');
  while (!prompt.test(strip(c.recent))) {
    if (m.run(STEP) === 'halted') throw new Error(`${w}/${cfgName}: VM stopped: ${JSON.stringify(c.vm.exit)}`);
  }
  const host = (Date.now() - h0) / 1000;
  const m1 = m.vmMetrics(c.vm);
  const total = m.now - t0;
  const k1 = controllers();
  // Per node controller over the run: busy share of the run, mean wait per request (cycles).
  const controller = k1.map((k, n) => {
    const requests = k.requests - k0[n].requests;
    const queued = k.queuedCycles - k0[n].queuedCycles;
    return { requests, utilisation: (requests * occupancy) / total, meanQueueCycles: requests > 0 ? queued / requests : 0 };
  });
  const d = (f) => f(m1) - f(m0);
  const result = /OK ([0-9a-f]{8})/.exec(strip(c.recent))?.[1] ?? 'FAIL';
  const row = {
    w, cfg: cfgName, result, total, host,
    cycles: { user: d((x) => x.cycles.user), kernel: d((x) => x.cycles.kernel), monitor: d((x) => x.cycles.monitor), idle: d((x) => x.cycles.idle) },
    local: d((x) => x.cacheMisses.local),
    remote: d((x) => x.cacheMisses.remote),
    hot: d((x) => x.numa.hotPages),
    migrations: d((x) => x.numa.migrations),
    replications: d((x) => x.numa.replications),
    collapses: d((x) => x.numa.collapses),
    writeShared: d((x) => x.numa.writeShared),
    moveLimited: d((x) => x.numa.moveLimited),
    noMemory: d((x) => x.numa.noMemory),
    shootdowns: d((x) => x.shootdowns),
    shootdownIpis: d((x) => x.shootdownIpis),
    shootdownFullScans: d((x) => x.shootdownFullScans),
    // Average monitor cycles per action over the run (the counters start at boot; the workload dominates).
    avg: m1.numa.avgCycles,
    replicaPages: m1.numa.replicaPagesPerNode,
    pagesPerNode: m1.pagesPerNode,
    queueStallCycles: mc.totals().queueStallCycles - q0,
    controller,
  };
  s.close();
  img.cleanup();
  return row;
}

const cost = makeCostTable();
console.log(`numa: timed mode, ${CPUS} CPUs in ${NODES} nodes, 300/900 ns misses (UMA: 300/300), one 64 MiB VM`);
console.log(occupancy === 0
  ? 'node controllers: contention-free (the paper\'s minimum latencies)'
  : `node controllers: ${occupancyNs} ns (${occupancy} cycles) occupancy per request, windowed M/D/1 queueing`);
console.log(`monitor cost table ${describeCosts(cost)}`);
console.log(`policy ${JSON.stringify({ ...DEFAULT_NUMA_POLICY, ...policy })}`);
const rows = [];
for (const w of workloads) {
  for (const cfg of configs) {
    process.stderr.write(`numa: ${w} / ${cfg} ...\n`);
    const r = measure(w, cfg);
    process.stderr.write(`numa:   ${(r.total / HZ).toFixed(4)} s emulated, ${r.host.toFixed(1)} s host, result ${r.result}\n`);
    rows.push(r);
  }
}

const pct = (a, b) => (b > 0 ? (100 * a) / b : 0);
const f1 = (x) => x.toFixed(1);
let pass = true;
for (const w of workloads) {
  const rs = rows.filter((r) => r.w === w);
  const base = rs.find((r) => r.cfg === 'base');
  const hashes = new Set(rs.map((r) => r.result));
  console.log(`\n${w} (${WORKLOADS[w].cmd}, ${WORKLOADS[w].vcpus} vCPUs, ${WORKLOADS[w].cacheBytes >> 10} KiB caches); results: ${[...hashes].join(', ')}${hashes.size === 1 ? ' (identical)' : ' (DIFFER)'}`);
  console.log('config                                                 time  user  kern  mon  idle | local % | migr/s  avg µs | repl/s  avg µs | collapses  write-shared  move-limit');
  for (const r of rs) {
    const b = base?.total ?? r.total;
    const secs = r.total / HZ;
    const cy = r.cycles;
    const busy = cy.user + cy.kernel + cy.monitor + cy.idle;
    // Normalised time, split by the VM's cycle shares (all vCPUs' cycles, scaled to the elapsed time).
    const share = (x) => f1(((r.total / b) * 100 * x) / busy).padStart(5);
    console.log(
      `${CONFIGS[r.cfg].label.padEnd(52)} ${f1((100 * r.total) / b).padStart(6)} ${share(cy.user)} ${share(cy.kernel)} ${share(cy.monitor)} ${share(cy.idle)} | ${CONFIGS[r.cfg].uma ? '  100 *' : f1(pct(r.local, r.local + r.remote)).padStart(7)} | ${(r.migrations / secs).toFixed(0).padStart(6)} ${(r.avg.migration / 200).toFixed(1).padStart(7)} | ${(r.replications / secs).toFixed(0).padStart(6)} ${(r.avg.replication / 200).toFixed(1).padStart(7)} | ${String(r.collapses).padStart(9)} ${String(r.writeShared).padStart(13)} ${String(r.moveLimited).padStart(11)}`,
    );
  }
  if (occupancy > 0) {
    for (const r of rs) {
      const util = r.controller.map((k) => f1(100 * k.utilisation)).join('/');
      const wait = r.controller.map((k) => f1(k.meanQueueCycles)).join('/');
      console.log(`  ${r.cfg.padEnd(9)} controller busy % per node ${util}; mean wait per request (cycles) ${wait}; queueing ${f1((100 * r.queueStallCycles) / (r.total * WORKLOADS[w].vcpus))} % of CPU time`);
    }
  }
  if (rs.some((r) => CONFIGS[r.cfg].uma)) {
    const u = rs.find((r) => CONFIGS[r.cfg].uma);
    console.log(`* UMA: every miss is charged the local latency; by home node ${f1(pct(u.local, u.local + u.remote))} % of its misses are local`);
  }
  const p = PAPER[WORKLOADS[w].paper ?? w];
  console.log(`paper (IRIX = 100): Disco ${p.disco}, UMA ${p.uma}; local misses ${p.local.join(' -> ')} %; migrations ${p.mig[0]}/s at ${p.mig[1]} µs, replications ${p.rep[0]}/s at ${p.rep[1]} µs`);
  const disco = rs.find((r) => r.cfg === 'disco');
  if (base !== undefined && disco !== undefined) {
    const ours = (100 * disco.total) / base.total;
    const ok = ours <= p.disco && hashes.size === 1;
    if (!ok) pass = false;
    console.log(`bar (Disco <= ${p.disco} of the baseline): ${f1(ours)} -> ${ok ? 'PASS' : 'FAIL'}`);
  }
}
if (jsonFile !== null) writeFileSync(jsonFile, JSON.stringify({ costs: cost, policy: { ...DEFAULT_NUMA_POLICY, ...policy }, occupancyCycles: occupancy, rows }, null, 1));
process.exit(pass ? 0 : 1);
