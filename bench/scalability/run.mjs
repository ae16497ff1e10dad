#!/usr/bin/env node
// Scalability (the paper's §5.4, Figure 7) on our machine: eight pmake instances on 8 CPUs /
// 4 nodes / 256 MiB, timed mode, as one SMP guest on the bare machine (the IRIX baseline = 100)
// and as 1, 2, 4 and 8 VMs (8/N vCPUs, 256/N MiB each, COW disks over one base image); prints
// execution time relative to the baseline with the split of all CPUs' cycles into user /
// kernel / sync (kernel spinning in acquire(), PC-sampled) / monitor / idle beside Figure 7
// (136, 92, 64, 60; 8 VMs + NFS 86). Workload and method: bench/memory/pmake8.mjs. Never part
// of npm test; needs `npm run build` first.
// "8vm+nfs": eight client VMs reading the pmake sources (and headers) over DNFS from a ninth,
// the server (pmake8.mjs, runNfs); --headers adds "-I /usr/include" to the pmake arguments;
// --gcc builds with Debian's gcc 12 in the guest (pmake8.mjs, pmakeArgsFrom).
// Usage: node bench/scalability/run.mjs [--vms 1,2,4,8] [--no-nfs] [--headers] [--gcc] [--pmake "ARGS"] [--json FILE] [--from A.json,B.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { CONFIGS, COST_TABLE_NAME, describeCosts, makeCostTable, pmakeArgsFrom, runBare, runMonitor, runNfs } from '../memory/pmake8.mjs';

const args = process.argv.slice(2);
const opt = (n) => { const i = args.indexOf(n); return i >= 0 ? args[i + 1] : undefined; };
const vmsList = (opt('--vms') ?? CONFIGS.join(',')).split(',').map(Number);
let PMAKE;
try {
  PMAKE = pmakeArgsFrom(args);
} catch (e) {
  console.error(`scalability: ${e.message}`);
  process.exit(2);
}
const PAPER = { 1: 136, 2: 92, 4: 64, 8: 60, nfs: 86 };

// --from A.json,B.json: print the figure from rows saved by earlier runs of this benchmark or of
// bench/memory (--json: the same runner, so the same rows), e.g. configurations run in
// parallel processes; they must agree on the pmake arguments and the cost table, and exactly
// one must hold the bare row.
const from = opt('--from');
let rows;
let pmake = PMAKE;
if (from !== undefined) {
  const saved = from.split(',').map((f) => JSON.parse(readFileSync(f, 'utf8')));
  pmake = saved[0].pmake;
  if (saved.some((j) => j.pmake !== pmake || j.costTable !== COST_TABLE_NAME)) {
    console.error('scalability: --from files disagree on the pmake arguments or the cost table');
    process.exit(2);
  }
  rows = saved.flatMap((j) => j.rows.filter((r) => r !== null));
  const order = (r) => (r.config === 'bare' ? 0 : r.config === '8vm+nfs' ? 99 : r.nvms);
  rows.sort((a, b) => order(a) - order(b));
  if (rows.filter((r) => r.config === 'bare').length !== 1) {
    console.error('scalability: --from files must hold exactly one bare row');
    process.exit(2);
  }
} else {
  rows = [runBare(PMAKE)];
  console.error(`scalability: bare done (${rows[0].host.toFixed(1)} s host)`);
  for (const n of vmsList) {
    const r = runMonitor(n, PMAKE);
    console.error(`scalability: ${n} VMs done (${r.host.toFixed(1)} s host)`);
    rows.push(r);
  }
  if (!args.includes('--no-nfs')) {
    const r = runNfs(PMAKE);
    console.error(`scalability: 8 VMs + NFS done (${r.host.toFixed(1)} s host)`);
    rows.push(r);
  }
}
const bare = rows[0];
console.log(`scalability: 8 x "pmake ${pmake}", 8 CPUs, 4 nodes, 256 MiB, timed mode, migration/replication off; monitor cost table ${describeCosts(makeCostTable())}`);
const base = bare.elapsed;
const all = 8 * base;
const p = (x) => ((100 * x) / all).toFixed(1).padStart(6);
console.log('\nExecution time, bare = 100; split in % of the bare run\'s CPU cycles (8 x its elapsed time)');
console.log('config    |  total |   user  kernel   sync  monitor   idle | emulated s  host s | paper');
for (const r of rows) {
  const s = r.split;
  console.log(`${r.config.padEnd(9)} | ${((100 * r.elapsed) / base).toFixed(1).padStart(6)} | ${p(s.user)} ${p(s.kernel)} ${p(s.sync)}   ${p(s.monitor)} ${p(s.idle)} | ${(r.elapsed / 200e6).toFixed(4).padStart(10)} ${r.host.toFixed(1).padStart(6)} | ${r.config === 'bare' ? 100 : PAPER[r.nvms]}`);
}
const jf = opt('--json');
if (jf !== undefined) writeFileSync(jf, JSON.stringify({ costTable: COST_TABLE_NAME, pmake, rows }, null, 1));
