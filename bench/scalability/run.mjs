#!/usr/bin/env node
// Scalability (the paper's §5.4, Figure 7) on our machine: eight pmake instances on 8 CPUs /
// 4 nodes / 256 MiB, timed mode, as one SMP guest on the bare machine (the IRIX baseline = 100)
// and as 1, 2, 4 and 8 VMs (8/N vCPUs, 256/N MiB each, COW disks over one base image); prints
// execution time relative to the baseline with the split of all CPUs' cycles into user /
// kernel / sync (kernel spinning in acquire(), PC-sampled) / monitor / idle beside Figure 7
// (136, 92, 64, 60; 8 VMs + NFS 86). Workload and method: bench/memory/pmake8.mjs. Never part
// of npm test; needs `npm run build` first.
// Usage: node bench/scalability/run.mjs [--vms 1,2,4,8] [--pmake "ARGS"] [--json FILE]
import { writeFileSync } from 'node:fs';
import { CONFIGS, COST_TABLE_NAME, describeCosts, makeCostTable, runBare, runMonitor } from '../memory/pmake8.mjs';

const args = process.argv.slice(2);
const opt = (n) => { const i = args.indexOf(n); return i >= 0 ? args[i + 1] : undefined; };
const vmsList = (opt('--vms') ?? CONFIGS.join(',')).split(',').map(Number);
const PMAKE = opt('--pmake') ?? '-j 2 -n 24 -f 8';
const PAPER = { 1: 136, 2: 92, 4: 64, 8: 60 };

console.log(`scalability: 8 x "pmake ${PMAKE}", 8 CPUs, 4 nodes, 256 MiB, timed mode, migration/replication off; monitor cost table ${describeCosts(makeCostTable())}`);
const bare = runBare(PMAKE);
console.error(`scalability: bare done (${bare.host.toFixed(1)} s host)`);
const rows = [bare];
for (const n of vmsList) {
  const r = runMonitor(n, PMAKE);
  console.error(`scalability: ${n} VMs done (${r.host.toFixed(1)} s host)`);
  rows.push(r);
}
const base = bare.elapsed;
const all = 8 * base;
const p = (x) => ((100 * x) / all).toFixed(1).padStart(6);
console.log('\nExecution time, bare = 100; split in % of the bare run\'s CPU cycles (8 x its elapsed time)');
console.log('config    |  total |   user  kernel   sync  monitor   idle | emulated s  host s | paper');
for (const r of rows) {
  const s = r.split;
  console.log(`${r.config.padEnd(9)} | ${((100 * r.elapsed) / base).toFixed(1).padStart(6)} | ${p(s.user)} ${p(s.kernel)} ${p(s.sync)}   ${p(s.monitor)} ${p(s.idle)} | ${(r.elapsed / 200e6).toFixed(4).padStart(10)} ${r.host.toFixed(1).padStart(6)} | ${r.config === 'bare' ? 100 : PAPER[r.nvms]}`);
}
console.log('8vm+nfs   | (slot: workload files over the NFS-like file service — built by another engineer, not run here) | 86');
const jf = opt('--json');
if (jf !== undefined) writeFileSync(jf, JSON.stringify({ costTable: COST_TABLE_NAME, pmake: PMAKE, rows }, null, 1));
