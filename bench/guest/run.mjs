#!/usr/bin/env node
// Guest benchmark on the bare machine: boot time to the shell prompt and the paper's four
// workloads (pmake, engineering, raytrace, database) on 1, 2, 4 and 8 CPUs in timed mode,
// each with its emulated time, host time, speedup over one CPU and the split of all CPUs'
// emulated cycles into user, supervisor, kernel and idle. These are the baselines of the
// monitor's overhead and scalability experiments (docs/experiments.md). Every workload checks
// its own result; the bench fails unless each prints the same on every CPU count.
// Never part of npm test. Needs dist/ (npm run build; `npm run bench:guest` builds first).
// Usage: node bench/guest/run.mjs [--cpus 1,2,4,8] [--nodes N] [--only pmake,...] [--fast] [--json FILE]
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DIST = join(ROOT, 'dist', 'apps', 'cli', 'src', 'commands', 'boot-session.js');
if (!existsSync(DIST)) {
  console.error('bench/guest: dist/ is missing: run `npm run build` first');
  process.exit(2);
}
const { GuestSession, buildRootImage, defaultKernelPath } = await import(DIST);
const { MACHINE } = await import(join(ROOT, 'dist', 'libs', 'machine', 'src', 'board', 'memory-map.js'));

/** The same command line on every CPU count (parallelism 8), so work and result are identical. */
const WORKLOADS = [
  { name: 'pmake', cmd: 'pmake -j 8 -n 48 -f 3' },
  { name: 'engineering', cmd: 'engineering -w 8 -m 2' },
  { name: 'raytrace', cmd: 'raytrace -p 8 -w 320 -h 240' },
  { name: 'database', cmd: 'database -n 300000 -q 20000' },
];
const MEMORY_MIB = 128;
/** Two CPUs per node, as in the default machine (8 CPUs in 4 nodes), unless --nodes says otherwise. */
let nodesFor = (cpus) => Math.max(1, cpus / 2);
/** Resolution of the measurements: one scheduling quantum (50 µs of emulated time). */
const SLICE_CYCLES = 10_000;
const FIXED_CLOCK = () => Date.UTC(2026, 0, 1);
const HOST_LIMIT_MS = 600_000;

function usage(msg) {
  if (msg) console.error(`bench/guest: ${msg}`);
  console.error('usage: node bench/guest/run.mjs [--cpus 1,2,4,8] [--nodes N] [--only pmake,engineering,raytrace,database] [--fast] [--json FILE]');
  console.error('  --nodes N  NUMA nodes for every CPU count (default: one node per two CPUs); must divide each CPU count');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { cpus: [1, 2, 4, 8], only: WORKLOADS.map((w) => w.name), timed: true, json: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    if (a === '--cpus') {
      o.cpus = next().split(',').map(Number);
      if (o.cpus.some((n) => ![1, 2, 4, 8].includes(n))) usage('--cpus takes a list of 1, 2, 4, 8');
    } else if (a === '--nodes') {
      const n = Number(next());
      if (![1, 2, 4, 8].includes(n)) usage('--nodes takes 1, 2, 4 or 8');
      o.nodes = n;
    } else if (a === '--only') {
      o.only = next().split(',');
      if (o.only.some((n) => !WORKLOADS.some((w) => w.name === n))) usage(`--only takes names of ${WORKLOADS.map((w) => w.name).join(', ')}`);
    } else if (a === '--fast') o.timed = false;
    else if (a === '--json') o.json = next();
    else if (a === '-h' || a === '--help') usage();
    else usage(`unknown argument ${a}`);
  }
  if (o.nodes !== undefined) {
    if (o.cpus.some((c) => c % o.nodes !== 0)) usage(`--nodes ${o.nodes} does not divide every CPU count`);
    nodesFor = () => o.nodes;
  }
  return o;
}

/** The cycle split summed over all CPUs. */
function totalSplit(machine) {
  const t = { user: 0, supervisor: 0, kernel: 0, idle: 0 };
  for (const cpu of machine.cpus) {
    const s = cpu.cycleSplit();
    t.user += s.user;
    t.supervisor += s.supervisor;
    t.kernel += s.kernel;
    t.idle += s.idle;
  }
  return t;
}

/** Timed mode: cache misses of all CPUs served by the local node's memory and by a remote one. */
function missTotals(machine) {
  if (machine.cache === null) return null;
  const t = machine.cache.totals();
  return { local: t.localMisses, remote: t.remoteMisses };
}

const stripAnsi = (s) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

/** Boot, then run each workload; returns the boot measurement and one row per workload. */
function runMachine(cpus, opts) {
  const image = buildRootImage({});
  const s = new GuestSession({
    kernel: defaultKernelPath(), disk: image.path, cpus, nodes: nodesFor(cpus), memoryMiB: MEMORY_MIB,
    timed: opts.timed, clock: FIXED_CLOCK, sliceCycles: SLICE_CYCLES,
  });
  try {
    let t0 = performance.now();
    s.boot();
    let end = s.waitForPrompt(undefined, { hostMs: HOST_LIMIT_MS });
    if (end !== null) throw new Error(`${cpus} CPUs: no shell prompt: ${JSON.stringify(end)}\n${s.output}`);
    const boot = { cpus, nodes: nodesFor(cpus), emulatedS: s.seconds, hostS: (performance.now() - t0) / 1000 };
    const rows = [];
    for (const w of WORKLOADS.filter((x) => opts.only.includes(x.name))) {
      const before = totalSplit(s.machine);
      const missesBefore = missTotals(s.machine);
      const now0 = s.machine.now;
      t0 = performance.now();
      s.type(`${w.cmd}\n`);
      end = s.waitForPrompt(undefined, { hostMs: HOST_LIMIT_MS });
      const hostS = (performance.now() - t0) / 1000;
      if (end !== null) throw new Error(`${cpus} CPUs, ${w.cmd}: ${JSON.stringify(end)}\n${s.output.slice(-2000)}`);
      const out = stripAnsi(s.recent).replace(/\r\n/g, '\n');
      const ok = new RegExp(`^${w.name}: OK ([0-9a-f]{8})$`, 'm').exec(out);
      if (ok === null) throw new Error(`${cpus} CPUs, ${w.cmd}: no OK line\n${out}`);
      const after = totalSplit(s.machine);
      const split = {};
      for (const k of Object.keys(after)) split[k] = after[k] - before[k];
      const missesAfter = missTotals(s.machine);
      const misses = missesAfter && { local: missesAfter.local - missesBefore.local, remote: missesAfter.remote - missesBefore.remote };
      rows.push({
        workload: w.name, cmd: w.cmd, cpus, nodes: nodesFor(cpus), result: ok[1], hostS,
        emulatedS: (s.machine.now - now0) / MACHINE.CPU_CLOCK_HZ, cycles: split, misses,
      });
      console.error(`bench/guest: ${cpus} CPUs: ${w.name} done in ${hostS.toFixed(1)} s`);
    }
    return { boot, rows };
  } finally {
    s.close();
    image.cleanup();
  }
}

const pad = (v, n) => String(v).padStart(n);
const pct = (part, all) => `${((100 * part) / all).toFixed(1)}`;

function printTables(boots, rows, opts) {
  const mode = opts.timed ? 'timed' : 'fast';
  console.log(`\nBoot to the shell prompt (bare machine, ${mode} mode, ${MEMORY_MIB} MiB)\n`);
  console.log('| CPUs | nodes | emulated s | host s |');
  console.log('|-----:|------:|-----------:|-------:|');
  for (const b of boots) console.log(`| ${pad(b.cpus, 4)} | ${pad(b.nodes, 5)} | ${pad(b.emulatedS.toFixed(4), 10)} | ${pad(b.hostS.toFixed(2), 6)} |`);
  console.log(
    `\nWorkloads (bare machine, ${mode} mode): emulated time, speedup over 1 CPU, host time, all CPUs' emulated cycles split by mode, ` +
      'cache misses (millions) and the share served by a remote node\n',
  );
  console.log('| workload    | CPUs | nodes | emulated s | speedup | host s | user % | sup % | kernel % | idle % | misses M | remote % | result   |');
  console.log('|-------------|-----:|------:|-----------:|--------:|-------:|-------:|------:|---------:|-------:|---------:|---------:|----------|');
  for (const r of rows) {
    const one = rows.find((x) => x.workload === r.workload && x.cpus === 1);
    const speedup = one ? (one.emulatedS / r.emulatedS).toFixed(2) : '-';
    const c = r.cycles;
    const all = c.user + c.supervisor + c.kernel + c.idle;
    const m = r.misses;
    const missM = m ? ((m.local + m.remote) / 1e6).toFixed(2) : '-';
    const remote = m ? (m.local + m.remote > 0 ? pct(m.remote, m.local + m.remote) : '0.0') : '-';
    console.log(
      `| ${r.workload.padEnd(11)} | ${pad(r.cpus, 4)} | ${pad(r.nodes, 5)} | ${pad(r.emulatedS.toFixed(4), 10)} | ${pad(speedup, 7)} | ${pad(r.hostS.toFixed(2), 6)} ` +
        `| ${pad(pct(c.user, all), 6)} | ${pad(pct(c.supervisor, all), 5)} | ${pad(pct(c.kernel, all), 8)} | ${pad(pct(c.idle, all), 6)} ` +
        `| ${pad(missM, 8)} | ${pad(remote, 8)} | ${r.result} |`,
    );
  }
  console.log('\nCommands:');
  for (const w of WORKLOADS.filter((x) => opts.only.includes(x.name))) console.log(`  ${w.name.padEnd(11)} ${w.cmd}`);
}

const opts = parseArgs(process.argv.slice(2));
const started = performance.now();
const boots = [];
const rows = [];
for (const cpus of opts.cpus) {
  const r = runMachine(cpus, opts);
  boots.push(r.boot);
  rows.push(...r.rows);
}
rows.sort((a, b) => WORKLOADS.findIndex((w) => w.name === a.workload) - WORKLOADS.findIndex((w) => w.name === b.workload) || a.cpus - b.cpus);
printTables(boots, rows, opts);
console.log(`\nbench/guest: total host time ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (opts.json) writeFileSync(opts.json, JSON.stringify({ timed: opts.timed, memoryMiB: MEMORY_MIB, boots, rows }, null, 2) + '\n');

let same = true;
for (const w of WORKLOADS) {
  const results = new Set(rows.filter((r) => r.workload === w.name).map((r) => r.result));
  if (results.size > 1) {
    console.error(`bench/guest: ${w.name} gave different results on different CPU counts: ${[...results].join(' ')}`);
    same = false;
  }
}
process.exit(same ? 0 : 1);
