#!/usr/bin/env node
// Virtualization overhead (the paper's Figure 5 and, where measurable, Table 2): each workload
// on the bare machine (guest/images/kernel-bare.elf) vs in one VM under the Disco monitor
// (kernel-disco.elf), one CPU, timed mode by default. Prints emulated cycles with the
// user / kernel / monitor / idle split normalised to bare = 100 beside the paper's numbers,
// event counts and per-event costs, and the host-seconds ratio. Never part of npm test.
// Usage: node bench/overhead/run.mjs [--fast] [--workloads pmake,engineering,...] [--json FILE]
//   sensitivity: [--cost-scale F] (every cost x F) [--costs name=cycles,...] [--small-sseg] (4 KiB sseg pages)
// Needs `npm run build` first. Exit status 0 when every workload is within the paper's overhead.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const dist = (p) => join(ROOT, 'dist', p);
const { GuestSession, buildRootImage } = await import(dist('apps/cli/src/commands/boot-session.js'));
const { MonitorSession } = await import(dist('apps/cli/src/commands/monitor-session.js'));
const { COST_TABLE_NAME, describeCosts, makeCostTable } = await import(dist('libs/disco/src/costs.js'));

/** o32 system-call names from the guest kernel's sysnum.h. */
const SYSNAMES = Object.fromEntries(
  [...readFileSync(join(ROOT, 'guest/kernel/sysnum.h'), 'utf8').matchAll(/#define SYS_(\w+) (\d+)/g)].map((m) => [Number(m[2]), m[1]]),
);

/**
 * Kernel services, timed from leaving user mode to returning to it (Table 2 of the paper):
 * wraps cpu.setMode (every mode change) and classifies each service by the exception that
 * started it (the exception hook `classify` is called right after). Bench only.
 */
function serviceTracker(cpu) {
  const services = new Map();
  let start = -1;
  let kind = null;
  /** The service just began: the next exception hook names it (a virtual interrupt has none). */
  let fresh = false;
  const orig = cpu.setMode.bind(cpu);
  cpu.setMode = (mode) => {
    const prev = cpu.mode;
    if (!(prev === 2 && mode !== 2)) fresh = false;
    if (prev === 2 && mode !== 2) {
      start = cpu.cycles;
      kind = null;
      fresh = true;
    } else if (prev !== 2 && mode === 2 && start >= 0) {
      const k = kind ?? 'interrupt';
      const e = services.get(k) ?? { n: 0, cycles: 0 };
      e.n++;
      e.cycles += cpu.cycles - start;
      services.set(k, e);
      start = -1;
    }
    orig(mode);
  };
  return {
    services,
    /** Call from the exception hook (after vectoring). */
    classify(c) {
      if (start < 0 || kind !== null || !fresh) return;
      fresh = false;
      const code = (c.cp0[13 * 8] >>> 2) & 31;
      if (code === 8) kind = SYSNAMES[c.gpr[2]] ?? `syscall ${c.gpr[2]}`;
      else if ((code === 2 || code === 3) && (c.pc & 0xfff) === 0) kind = 'UTLB refill';
      else if (code === 1 || code === 2 || code === 3) kind = 'page fault (TLB invalid/Mod)';
      else if (code === 0) kind = 'interrupt';
      else kind = `exception ${code}`;
    },
    stop() { cpu.setMode = orig; },
  };
}

const PAPER = { pmake: 116, engineering: 106, raytrace: 103, database: 116 };
const COMMANDS = { pmake: 'pmake', engineering: 'engineering', raytrace: 'raytrace', database: 'database' };
const args = process.argv.slice(2);
const timed = !args.includes('--fast');
const wIdx = args.indexOf('--workloads');
const workloads = wIdx >= 0 ? args[wIdx + 1].split(',') : Object.keys(PAPER);
const jIdx = args.indexOf('--json');
const optValue = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
/** The cost table for this run: the default, scaled by --cost-scale, with --costs overrides. */
function costOverrides() {
  const out = {};
  const scale = optValue('--cost-scale');
  if (scale !== undefined) {
    const f = Number(scale);
    if (!(f >= 0)) throw new Error(`--cost-scale: not a non-negative number: ${scale}`);
    for (const [k, v] of Object.entries(makeCostTable())) out[k] = Math.round(v * f);
  }
  for (const kv of (optValue('--costs') ?? '').split(',').filter(Boolean)) {
    const [k, v] = kv.split('=');
    out[k] = Number(v);
  }
  makeCostTable(out); // unknown names and bad values fail here, before any run
  return out;
}
const COSTS = costOverrides();
const LARGE_SSEG = !args.includes('--small-sseg');
const STEP = 100_000; // cycles between prompt checks: the measurement resolution
const clock = () => Date.UTC(2026, 0, 1);
const prompt = /[#$] $/;
const strip = (s) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

/** Bare machine: per-mode cycles by hooking setMode on the CPU instance (bench only). */
function measureBare(cmd) {
  const img = buildRootImage();
  const s = new GuestSession({ kernel: join(ROOT, 'guest/images/kernel-bare.elf'), disk: img.path, cpus: 1, timed, clock });
  s.boot();
  if (s.waitForPrompt(undefined, { hostMs: 120_000 }) !== null) throw new Error('bare: no prompt');
  const cpu = s.machine.cpus[0];
  const acc = { user: 0, kernel: 0, supervisor: 0 };
  let mark = cpu.cycles;
  let idleMark = cpu.idleCycles;
  const orig = cpu.setMode.bind(cpu);
  const names = ['kernel', 'supervisor', 'user'];
  const settle = () => {
    const idle = cpu.idleCycles - idleMark;
    acc[names[cpu.mode]] += cpu.cycles - mark - idle;
    mark = cpu.cycles;
    idleMark = cpu.idleCycles;
  };
  cpu.setMode = (mode) => { settle(); orig(mode); };
  const tracker = serviceTracker(cpu);
  let refills = 0;
  const traps = new Float64Array(32);
  cpu.exceptionHandler = { exception(c) { traps[(c.cp0[13 * 8] >>> 2) & 31]++; if ((c.pc & 0xfff) === 0) refills++; tracker.classify(c); } };
  const idle0 = cpu.idleCycles;
  const c0 = s.machine.now;
  const t0 = Date.now();
  s.type(cmd + '\n');
  while (!prompt.test(strip(s.recent))) s.machine.run(STEP);
  const host = (Date.now() - t0) / 1000;
  settle();
  tracker.stop();
  cpu.setMode = orig;
  const total = s.machine.now - c0;
  const out = strip(s.recent);
  s.close();
  img.cleanup();
  return {
    total, host, out,
    split: { user: acc.user, kernel: acc.kernel, monitor: 0, idle: cpu.idleCycles - idle0 + (total - acc.user - acc.kernel - (cpu.idleCycles - idle0)) },
    events: { tlbRefills: refills, syscalls: traps[8], tlbFaults: traps[1] + traps[2] + traps[3] - refills, interrupts: traps[0] },
    services: Object.fromEntries(tracker.services),
  };
}

function measureMonitor(cmd) {
  const img = buildRootImage();
  const s = new MonitorSession({ vms: [{ disk: img.path, memoryMiB: 64 }], cpus: 1, timed, clock, costs: COSTS, largeSsegPages: LARGE_SSEG });
  s.boot();
  const c = s.consoles[0];
  if (c.waitForPrompt(undefined, { hostMs: 120_000 }) !== null) throw new Error('monitor: no prompt');
  const cpu = s.machine.cpus[0];
  const tracker = serviceTracker(cpu);
  const monitor = s.monitor;
  cpu.exceptionHandler = { exception(x) { tracker.classify(x); monitor.exception(x); } };
  const m0 = s.monitor.vmMetrics(c.vm);
  const phys0 = s.monitor.physIdle[0];
  const c0 = s.monitor.now;
  const t0 = Date.now();
  c.type(cmd + '\n');
  while (!prompt.test(strip(c.recent))) s.monitor.run(STEP);
  const host = (Date.now() - t0) / 1000;
  tracker.stop();
  cpu.exceptionHandler = monitor;
  const m1 = s.monitor.vmMetrics(c.vm);
  const total = s.monitor.now - c0;
  const d = (k) => m1.cycles[k] - m0.cycles[k];
  const out = strip(c.recent);
  const monitorCycles = Object.fromEntries(Object.keys(m1.monitorCycles).map((k) => [k, m1.monitorCycles[k] - m0.monitorCycles[k]]));
  const ev = {
    l2tlbHits: m1.tlb.l2tlbHits - m0.tlb.l2tlbHits,
    reflectedRefills: m1.tlb.reflectedRefills - m0.tlb.reflectedRefills,
    vtlbHits: m1.tlb.vtlbHits - m0.tlb.vtlbHits,
    ssegFills: m1.tlb.ssegFills - m0.tlb.ssegFills,
    emulated: m1.emulated.total - m0.emulated.total,
    mcalls: Object.values(m1.monitorCalls).reduce((a, b) => a + b, 0) - Object.values(m0.monitorCalls).reduce((a, b) => a + b, 0),
    syscalls: (m1.traps.Sys ?? 0) - (m0.traps.Sys ?? 0),
    pageFaults: m1.pageFaults - m0.pageFaults,
    interrupts: m1.interrupts - m0.interrupts,
  };
  s.close();
  img.cleanup();
  const busy = d('user') + d('kernel') + d('monitor');
  return {
    total, host, out,
    split: { user: d('user'), kernel: d('kernel'), monitor: d('monitor'), idle: total - busy },
    events: ev,
    monitorCycles,
    services: Object.fromEntries(tracker.services),
    physIdle: s.monitor.physIdle[0] - phys0,
  };
}

const pct = (x, base) => ((100 * x) / base).toFixed(1).padStart(6);
const rows = [];
console.log(`overhead: ${timed ? 'timed' : 'fast'} mode, 1 CPU, sseg direct map with ${LARGE_SSEG ? '64 KiB' : '4 KiB'} pages, monitor cost table ${describeCosts(makeCostTable(COSTS))}${Object.keys(COSTS).length ? ' (overridden)' : ''}`);
for (const w of workloads) {
  const cmd = COMMANDS[w] ?? w;
  process.stderr.write(`overhead: ${w} on the bare machine ...\n`);
  const bare = measureBare(cmd);
  process.stderr.write(`overhead: ${w} under the monitor ...\n`);
  const mon = measureMonitor(cmd);
  const okB = /OK ([0-9a-f]{8})/.exec(bare.out)?.[1];
  const okM = /OK ([0-9a-f]{8})/.exec(mon.out)?.[1];
  rows.push({ w, bare, mon, same: okB !== undefined && okB === okM, hash: okM });
}

console.log('\nExecution time, normalised to bare = 100 (paper: IRIX = 100; Disco = Figure 5)');
console.log('workload      bare: user kern  idle | disco: total  user  kern monitor idle | paper | result');
let pass = true;
for (const { w, bare, mon, same } of rows) {
  const b = bare.total;
  const total = (100 * mon.total) / b;
  const ok = same && total <= PAPER[w];
  if (!ok) pass = false;
  console.log(
    `${w.padEnd(12)} ${pct(bare.split.user, b)}${pct(bare.split.kernel, b)}${pct(bare.split.idle, b)} | ${total.toFixed(1).padStart(6)}${pct(mon.split.user, b)}${pct(mon.split.kernel, b)}${pct(mon.split.monitor, b)}${pct(mon.split.idle, b)} |  ${PAPER[w] ?? '-'}  | ${ok ? 'PASS' : 'FAIL'}${same ? '' : ' (results differ)'}`,
  );
}
console.log('\nEvents (bare -> monitor) and monitor cycles per event class');
console.log('workload      TLB refills bare | L2TLB hits  reflected refills  sseg fills | syscalls | emulated instr | monitor calls | host s bare/monitor');
for (const { w, bare, mon } of rows) {
  console.log(
    `${w.padEnd(12)} ${String(bare.events.tlbRefills).padStart(16)} | ${String(mon.events.l2tlbHits).padStart(10)} ${String(mon.events.reflectedRefills).padStart(18)} ${String(mon.events.ssegFills).padStart(11)} | ${String(mon.events.syscalls).padStart(8)} | ${String(mon.events.emulated).padStart(14)} | ${String(mon.events.mcalls).padStart(13)} | ${bare.host.toFixed(2)} / ${mon.host.toFixed(2)} = ${(mon.host / bare.host).toFixed(2)}x`,
  );
}
console.log('\nWhere the monitor time goes, % of the bare run (Table 2 columns, roughly: kernel TLB faults, TLB refills, TLB-write');
console.log('emulation, other privileged instructions, monitor calls, reflected exceptions/interrupts, page zeroing, vCPU switches)');
const cats = ['kernelTlb', 'userTlb', 'tlbWrite', 'privileged', 'monitorCall', 'reflection', 'pageZero', 'vcpuSwitch'];
console.log('workload     ' + cats.map((c) => c.padStart(12)).join(''));
for (const { w, bare, mon } of rows) console.log(w.padEnd(12) + ' ' + cats.map((c) => pct(mon.monitorCycles[c] ?? 0, bare.total).padStart(12)).join(''));
console.log('\nKernel services (Table 2 style): time from leaving user mode to returning to it, bare vs monitor');
for (const { w, bare, mon } of rows) {
  const kernelTotal = Object.values(bare.services).reduce((a, e) => a + e.cycles, 0);
  const top = Object.entries(bare.services).sort((a, b) => b[1].cycles - a[1].cycles).slice(0, 7);
  console.log(`${w}: service                       % of bare kernel   n bare / n monitor   avg cycles bare -> monitor   slowdown`);
  for (const [k, e] of top) {
    const mo = mon.services[k] ?? { n: 0, cycles: 0 };
    const ab = e.cycles / e.n;
    const am = mo.n > 0 ? mo.cycles / mo.n : NaN;
    console.log(`  ${k.padEnd(30)} ${pct(e.cycles, kernelTotal)}      ${String(e.n).padStart(8)} / ${String(mo.n).padEnd(8)}   ${ab.toFixed(0).padStart(9)} -> ${am.toFixed(0).padEnd(9)}        ${(am / ab).toFixed(2)}`);
  }
}
console.log(`\nbar: no workload above the paper's Disco/IRIX ratio (pmake 116, engineering 106, raytrace 103, database 116): ${pass ? 'PASS' : 'FAIL'}`);
if (jIdx >= 0) writeFileSync(args[jIdx + 1], JSON.stringify({ costTable: COST_TABLE_NAME, costs: makeCostTable(COSTS), largeSsegPages: LARGE_SSEG, timed, rows }, null, 1));
process.exit(pass ? 0 : 1);
