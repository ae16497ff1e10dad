#!/usr/bin/env node
// Memory overheads and sharing (the paper's §5.3, Figure 6) on our machine: eight pmake
// instances on 8 CPUs / 4 nodes / 256 MiB, timed mode, as one SMP guest on the bare machine
// and as 1, 2, 4 and 8 VMs booting from one shared base image (COW disks, global disk cache);
// prints the virtual (V) and machine (M) footprints at the end of the run with their split
// (kernel text / kernel data / buffer cache / user / monitor) beside Figure 6. Workload and
// method: bench/memory/pmake8.mjs. Never part of npm test; needs `npm run build` first.
// "8vm+nfs": eight client VMs reading the pmake sources (and headers) over DNFS from a ninth,
// the server (pmake8.mjs, runNfs). --headers adds "-I /usr/include" to the pmake arguments
// (every compile reads the 70 KiB header tree of the root image; docs/experiments.md).
// Usage: node bench/memory/run.mjs [--vms 1,2,4,8|none] [--no-bare] [--no-nfs] [--headers] [--gcc] [--pmake "ARGS"] [--private-disks] [--no-share-text] [--json FILE]
// Exit status 0 when the sharing at 8 VMs saves at least the paper's fraction (1 - 38/77) at the
// end of the run, where the paper measured.
import { writeFileSync } from 'node:fs';
import { CONFIGS, COST_TABLE_NAME, describeCosts, makeCostTable, pmakeArgsFrom, runBare, runMonitor, runNfs } from './pmake8.mjs';

const args = process.argv.slice(2);
const opt = (n) => { const i = args.indexOf(n); return i >= 0 ? args[i + 1] : undefined; };
const vmsOpt = opt('--vms') ?? CONFIGS.join(',');
const vmsList = vmsOpt === 'none' ? [] : vmsOpt.split(',').map(Number);
if (vmsList.some((n) => !CONFIGS.includes(n))) {
  console.error(`memory: --vms takes some of ${CONFIGS.join(',')} (or none)`);
  process.exit(2);
}
let PMAKE;
try {
  PMAKE = pmakeArgsFrom(args);
} catch (e) {
  console.error(`memory: ${e.message}`);
  process.exit(2);
}
const PAPER = { bare: [23, 23], 1: [27, 27], 2: [36, 29], 4: [51, 33], 8: [77, 38], nfs: [81, 40] };
const mib = (b) => (b / 1048576).toFixed(1).padStart(6);

console.log(`memory: 8 x "pmake ${PMAKE}", ${8} CPUs, 4 nodes, 256 MiB, timed mode; monitor cost table ${describeCosts(makeCostTable())}`);
const rows = [];
// --no-bare leaves the bare row out (to run configurations in parallel processes).
const bare = args.includes('--no-bare') ? null : runBare(PMAKE);
if (bare !== null) console.error(`memory: bare done (${bare.host.toFixed(1)} s host)`);
rows.push(bare);
for (const n of vmsList) {
  const r = runMonitor(n, PMAKE, { privateDisks: args.includes('--private-disks'), shareKernelText: !args.includes('--no-share-text') });
  console.error(`memory: ${n} VMs done (${r.host.toFixed(1)} s host)`);
  rows.push(r);
}
if (!args.includes('--no-nfs')) {
  const r = runNfs(PMAKE, { shareKernelText: !args.includes('--no-share-text') });
  console.error(`memory: 8 VMs + NFS done (${r.host.toFixed(1)} s host)`);
  rows.push(r);
}

console.log('\nFootprint at the peak of the run (sampled every 100 quanta: the sample with the largest V), MiB (V = virtual: guest memory backed by machine pages; M = machine pages in use)');
console.log('config    |      V       M  saved | M split: ktext  kdata  bufcache   user  monitor | V split: ktext  kdata  bufcache   user | paper V -> M');
const paperOf = (r) => PAPER[r.config === 'bare' ? 'bare' : r.nvms];
if (bare !== null) console.log(`bare      | ${mib(bare.memory.usedBytes)} ${mib(bare.memory.usedBytes)}   0.0% | (the guest's /proc/meminfo: MemTotal - MemFree; no split)                                   | ${PAPER.bare[0]} -> ${PAPER.bare[1]}`);
for (const r of rows.slice(1)) {
  const v = r.peak.virtual, m = r.peak.machine;
  const saved = (100 * (1 - m.total / v.total)).toFixed(1).padStart(5);
  const p = paperOf(r);
  console.log(`${r.config.padEnd(9)} | ${mib(v.total)} ${mib(m.total)} ${saved}% |        ${mib(m.kernelText)} ${mib(m.kernelData)}    ${mib(m.bufferCache)} ${mib(m.user)}   ${mib(m.monitor)} |        ${mib(v.kernelText)} ${mib(v.kernelData)}    ${mib(v.bufferCache)} ${mib(v.user)} | ${p[0]} -> ${p[1]} (${(100 * (1 - p[1] / p[0])).toFixed(0)}% saved)`);
}
console.log('\nAt the end of the run (every pmake done, before power-off):');
for (const r of rows.slice(1)) {
  const v = r.footprint.virtual, m = r.footprint.machine;
  console.log(`  ${r.config}: V ${mib(v.total)}  M ${mib(m.total)}  saved ${(100 * (1 - m.total / v.total)).toFixed(1)}%`);
}
console.log('\nSharing at the end:');
for (const r of rows.slice(1)) {
  const f = r.footprint;
  console.log(`  ${r.config}: ${f.sharedMachinePages} shared machine pages mapped by ${f.sharedGuestPages} guest pages; disk cache ${r.diskCache.pages} pages (${f.diskCacheOnlyPages} mapped by no guest, counted as monitor); hits ${r.sharing.diskCacheHits}, misses ${r.sharing.diskCacheMisses}; COW copies ${r.sharing.cowCopies}, reuses ${r.sharing.cowReused}; result ${r.result}`);
}
for (const r of rows.filter((x) => x?.net !== undefined)) {
  const c = r.net.filter((n) => n.name !== 'server');
  const srv = r.net.find((n) => n.name === 'server');
  const sum = (k) => c.reduce((a, n) => a + n[k], 0);
  console.log(`  ${r.config} network: clients sent ${sum('framesSent')} frames, received ${sum('framesReceived')} (${sum('pagesRemapped')} pages remapped, ${sum('bytesCopied')} bytes copied); server received ${srv.framesReceived}, sent ${srv.framesSent}; drops at the monitor ${[...r.net].reduce((a, n) => a + n.drops.noStation + n.drops.noBuffer + n.drops.tooBig, 0)}; client retransmits (sent - received) ${sum('framesSent') - sum('framesReceived')}`);
}
// The bar: the paper's Figure 6 values are "measured at the end of the run" (every pmake
// done), so that is where it is judged; the peak is printed beside it.
const eight = rows.find((r) => r?.nvms === 8);
let ok = true;
if (eight !== undefined) {
  const paper = 1 - 38 / 77;
  const end = 1 - eight.footprint.machine.total / eight.footprint.virtual.total;
  const peak = 1 - eight.peak.machine.total / eight.peak.virtual.total;
  ok = end >= paper;
  console.log(`\nbar: sharing at 8 VMs saves ${(100 * end).toFixed(1)}% of the virtual footprint at the end of the run (the paper's measuring point; ${(100 * peak).toFixed(1)}% at the peak); paper ${(100 * paper).toFixed(1)}%: ${ok ? 'PASS' : 'FAIL'}`);
}
const jf = opt('--json');
if (jf !== undefined) writeFileSync(jf, JSON.stringify({ costTable: COST_TABLE_NAME, pmake: PMAKE, rows }, null, 1));
process.exitCode = ok ? 0 : 1;
