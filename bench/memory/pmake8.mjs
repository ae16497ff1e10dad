// The workload of the paper's §5.3 and §5.4 (Figures 6 and 7) on our machine, shared by
// bench/memory and bench/scalability: eight pmake instances on 8 CPUs (4 nodes) and 256 MiB,
// timed mode, (a) as one SMP guest on the bare machine (kernel-bare.elf: the IRIX baseline) and
// (b) under the monitor as 1, 2, 4 or 8 VMs with 8/N vCPUs and 256/N MiB each, all booting from
// one shared base root image through non-persistent COW disks (the global disk cache on). Each
// instance builds in its own directory (/wK; under the monitor each VM's writes stay in its own
// overlay, the paper's private workload disks). Measured from typing the command lines to every
// VM's prompt: emulated time; the split of all CPUs' cycles into user / kernel / sync (kernel
// time spinning in acquire(), sampled every quantum from each CPU's PC) / monitor / idle; and at
// the end, before power-off, the virtual and machine footprints with their split. Bench only.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureToolchain } from './toolchain.mjs';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const dist = (p) => join(ROOT, 'dist', p);
const { GuestSession, buildRootImage } = await import(dist('apps/cli/src/commands/boot-session.js'));
const { MonitorSession } = await import(dist('apps/cli/src/commands/monitor-session.js'));
const { COST_TABLE_NAME, describeCosts, makeCostTable } = await import(dist('libs/disco/src/costs.js'));
export { COST_TABLE_NAME, describeCosts, makeCostTable };

export const CPUS = 8;
export const NODES = 4;
export const MACHINE_MIB = 256;
const clock = () => Date.UTC(2026, 0, 1);
const strip = (s) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
const prompt = /[#$] $/;
const QUANTUM = 10_000;
const HOST_LIMIT_MS = 30 * 60_000;

/** [start, end) of function `name` in an ELF32 little-endian image's symbol table. */
export function symbolRange(elf, name) {
  const dv = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const shoff = dv.getUint32(32, true);
  const shentsize = dv.getUint16(46, true);
  const shnum = dv.getUint16(48, true);
  for (let i = 0; i < shnum; i++) {
    const sh = shoff + i * shentsize;
    if (dv.getUint32(sh + 4, true) !== 2) continue; // SHT_SYMTAB
    const off = dv.getUint32(sh + 16, true);
    const size = dv.getUint32(sh + 20, true);
    const strSh = shoff + dv.getUint32(sh + 24, true) * shentsize;
    const strOff = dv.getUint32(strSh + 16, true);
    for (let s = off; s < off + size; s += 16) {
      let n = strOff + dv.getUint32(s, true);
      let str = '';
      while (elf[n] !== 0) str += String.fromCharCode(elf[n++]);
      if (str === name) {
        const v = dv.getUint32(s + 4, true);
        return [v, v + dv.getUint32(s + 8, true)];
      }
    }
  }
  throw new Error(`symbol ${name} not found`);
}

/**
 * The base root image: the committed userland, plus Debian's gcc toolchain when `gcc` (the
 * pmake arguments then carry `-C "gcc ..."`, and PATH must reach /usr/bin).
 */
function rootImage(gcc) {
  return gcc ? buildRootImage({ adds: [ensureToolchain()] }) : buildRootImage();
}

/** True when the pmake arguments build with a real compiler driver (pmake -C). */
const usesGcc = (pmakeArgs) => /(^|\s)-C\s/.test(pmakeArgs);
/** Typed (untimed) into every shell before the workload: gcc needs /usr/bin for as and ld. */
export const SETUP_COMMAND = 'export PATH=/bin:/usr/bin';

/** Waits for every VM's first prompt, then types SETUP_COMMAND into each (untimed). */
function consolesReady(consoles) {
  for (const c of consoles) if (c.waitForPrompt(undefined, { hostMs: 120_000 }) !== null) throw new Error(`${c.vm.name}: no prompt\n${c.output}`);
  for (const c of consoles) {
    c.type(SETUP_COMMAND + '\n');
    if (c.waitForPrompt(undefined, { hostMs: 60_000 }) !== null) throw new Error(`${c.vm.name}: no prompt\n${c.output}`);
  }
}

/** The command line for `count` pmake instances numbered from `first`, run in parallel. */
function commandLine(first, count, pmakeArgs) {
  const parts = [];
  for (let k = first; k < first + count; k++) parts.push(`pmake ${pmakeArgs} -d /w${k}`);
  return `${parts.join(' & ')} & wait`;
}

function checkOutputs(text, count, where) {
  const ok = [...text.matchAll(/^pmake: OK ([0-9a-f]{8})$/gm)].map((m) => m[1]);
  if (ok.length !== count || new Set(ok).size !== 1) throw new Error(`${where}: expected ${count} "pmake: OK" lines with one checksum\n${text.slice(-3000)}`);
  return ok[0];
}

/** Per-CPU PC sampler: counts kernel-mode samples and those inside [lo, hi) (acquire()). */
function sampler(cpus, range) {
  const s = { samples: 0, kernel: 0, sync: 0 };
  return {
    s,
    sample(isKernel) {
      for (let p = 0; p < cpus.length; p++) {
        const cpu = cpus[p];
        if (!isKernel(p)) continue;
        s.kernel++;
        const pc = cpu.pc >>> 0;
        if (pc >= range[0] && pc < range[1]) s.sync++;
      }
    },
  };
}

/** Eight pmakes in one SMP guest on the bare machine. */
export function runBare(pmakeArgs, instances = 8) {
  const kernelPath = join(ROOT, 'guest/images/kernel-bare.elf');
  const range = symbolRange(readFileSync(kernelPath), 'acquire');
  const img = rootImage(usesGcc(pmakeArgs));
  const s = new GuestSession({ kernel: kernelPath, disk: img.path, cpus: CPUS, nodes: NODES, memoryMiB: MACHINE_MIB, timed: true, clock });
  try {
    s.boot();
    if (s.waitForPrompt(undefined, { hostMs: 120_000 }) !== null) throw new Error('bare: no prompt');
    s.type(SETUP_COMMAND + '\n');
    if (s.waitForPrompt(undefined, { hostMs: 60_000 }) !== null) throw new Error('bare: no prompt');
    const cpus = s.machine.cpus;
    const split0 = cpus.map((c) => c.cycleSplit());
    const smp = sampler(cpus, range);
    const t0 = Date.now();
    const c0 = s.machine.now;
    s.type(commandLine(0, instances, pmakeArgs) + '\n');
    while (!prompt.test(strip(s.recent))) {
      s.machine.run(QUANTUM);
      // Kernel mode = mode 0 on the bare machine, not waiting.
      smp.sample((p) => cpus[p].mode === 0 && !cpus[p].waiting);
      if (Date.now() - t0 > HOST_LIMIT_MS) throw new Error('bare: timeout');
    }
    const elapsed = s.machine.now - c0;
    const host = (Date.now() - t0) / 1000;
    const result = checkOutputs(strip(s.recent), instances, 'bare');
    const t = { user: 0, kernel: 0, idle: 0 };
    cpus.forEach((c, i) => {
      const a = c.cycleSplit();
      t.user += a.user - split0[i].user;
      t.kernel += a.kernel - split0[i].kernel + a.supervisor - split0[i].supervisor;
      t.idle += a.idle - split0[i].idle;
    });
    const syncFrac = smp.s.kernel > 0 ? smp.s.sync / smp.s.kernel : 0;
    const sync = t.kernel * syncFrac;
    // Memory in use at the end, as the guest sees it (/proc/meminfo): no monitor to split it.
    s.type('cat /proc/meminfo\n');
    s.waitForPrompt(undefined, { hostMs: 60_000 });
    const mi = strip(s.recent);
    const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(mi)?.[1] ?? NaN);
    const usedBytes = (kb('MemTotal') - kb('MemFree')) * 1024;
    return {
      config: 'bare', elapsed, host, result,
      split: { user: t.user, kernel: t.kernel - sync, sync, monitor: 0, idle: t.idle, other: CPUS * elapsed - t.user - t.kernel - t.idle },
      memory: { usedBytes, meminfo: mi.trim() },
    };
  } finally {
    s.close();
    img.cleanup();
  }
}

/** Eight pmakes spread over `nvms` VMs under the monitor (8/N vCPUs and 256/N MiB each, COW root disks). */
export function runMonitor(nvms, pmakeArgs, opts = {}) {
  const instances = opts.instances ?? 8;
  const kernelPath = join(ROOT, 'guest/images/kernel-disco.elf');
  const range = symbolRange(readFileSync(kernelPath), 'acquire');
  const img = rootImage(usesGcc(pmakeArgs));
  const per = instances / nvms;
  const s = new MonitorSession({
    vms: Array.from({ length: nvms }, (_, k) => ({
      disk: img.path, diskKind: opts.privateDisks ? 'private' : 'cow', name: `vm${k}`,
      vcpus: CPUS / nvms, memoryMiB: MACHINE_MIB / nvms,
    })),
    cpus: CPUS, nodes: NODES, machineMiB: MACHINE_MIB, timed: true, clock,
    ...(opts.shareKernelText !== undefined ? { shareKernelText: opts.shareKernelText } : {}),
    ...(opts.diskCachePages !== undefined ? { diskCachePages: opts.diskCachePages } : {}),
  });
  try {
    s.boot();
    consolesReady(s.consoles);
    const m = s.monitor;
    const cpus = s.machine.cpus;
    const before = m.metrics(COST_TABLE_NAME);
    const smp = sampler(cpus, range);
    const t0 = Date.now();
    const c0 = m.now;
    s.consoles.forEach((c, k) => c.type(commandLine(k * per, per, pmakeArgs) + '\n'));
    const done = () => s.consoles.every((c) => prompt.test(strip(c.recent)));
    let peak = null;
    let rounds = 0;
    while (!done()) {
      m.run(QUANTUM);
      if (++rounds % 100 === 0) {
        const f = m.metrics(COST_TABLE_NAME).footprint;
        if (peak === null || f.virtual.total > peak.virtual.total) peak = f;
      }
      // Guest kernel = a loaded, running vCPU in physical supervisor mode (1).
      smp.sample((p) => m.current[p] !== null && cpus[p].mode === 1 && m.current[p].state === 1);
      if (Date.now() - t0 > HOST_LIMIT_MS) throw new Error('monitor: timeout');
    }
    const elapsed = m.now - c0;
    const host = (Date.now() - t0) / 1000;
    const results = s.consoles.map((c) => checkOutputs(strip(c.recent), per, c.vm.name));
    if (new Set(results).size !== 1) throw new Error(`results differ between VMs: ${results}`);
    const after = m.metrics(COST_TABLE_NAME);
    const d = (k) => after.total.cycles[k] - before.total.cycles[k];
    const physIdle = after.physicalIdle.reduce((a, b) => a + b, 0) - before.physicalIdle.reduce((a, b) => a + b, 0);
    const syncFrac = smp.s.kernel > 0 ? smp.s.sync / smp.s.kernel : 0;
    const kernel = d('kernel');
    const sync = kernel * syncFrac;
    const total = CPUS * elapsed;
    const split = { user: d('user'), kernel: kernel - sync, sync, monitor: d('monitor'), idle: physIdle };
    split.other = total - split.user - kernel - split.monitor - split.idle;
    return {
      config: `${nvms}vm`, nvms, elapsed, host, result: results[0], split,
      footprint: after.footprint, peak: peak ?? after.footprint, diskCache: after.diskCache, sharing: after.total.sharing,
      vmIdle: d('idle'),
    };
  } finally {
    s.close();
    img.cleanup();
  }
}

/** Station number of VM index k (docs/monitor.md, "Virtual subnet"). */
const station = (k) => k + 1;

/**
 * "8 VMs + NFS": eight 1-vCPU, 32 MiB client VMs (one pmake each, as in the 8-VM row) and a
 * ninth, the file server (1 vCPU, 96 MiB as in the paper; 352 MiB configured on 256: the
 * paper's overcommit too). Before the timed part the server generates the pmake source tree
 * once (`pmake ARGS -keep -d /export/src`, the same sources every instance builds) and
 * exports its root with `nfsd -n NFSD /`; each client mounts it on /nfs. Timed: every client
 * builds with the sources (and, with -I, the headers) read over DNFS: `pmake ARGS -S
 * /nfs/export/src` (an -I DIR becomes -I /nfs/DIR); objects, the Makefile and the image are
 * written to the client's own /wK (its COW overlay, the paper's private disk). Measured as
 * runMonitor, all nine VMs counted.
 */
export function runNfs(pmakeArgs, opts = {}) {
  const clients = 8;
  const nfsd = opts.nfsd ?? 8;
  const kernelPath = join(ROOT, 'guest/images/kernel-disco.elf');
  const range = symbolRange(readFileSync(kernelPath), 'acquire');
  const img = rootImage(usesGcc(pmakeArgs));
  const vms = Array.from({ length: clients }, (_, k) => ({ disk: img.path, diskKind: 'cow', name: `vm${k}`, vcpus: 1, memoryMiB: MACHINE_MIB / clients }));
  vms.push({ disk: img.path, diskKind: 'cow', name: 'server', vcpus: 1, memoryMiB: opts.serverMiB ?? 96 });
  const s = new MonitorSession({
    vms, cpus: CPUS, nodes: NODES, machineMiB: MACHINE_MIB, timed: true, clock,
    ...(opts.shareKernelText !== undefined ? { shareKernelText: opts.shareKernelText } : {}),
  });
  const srvStation = station(clients);
  const clientArgs = `${pmakeArgs.replace(/-I\s+(\S+)/, (_, d) => `-I /nfs${d}`)} -S /nfs/export/src`;
  const run = (c, cmd, hostMs = 600_000) => {
    c.type(cmd + '\n');
    if (c.waitForPrompt(undefined, { hostMs }) !== null) throw new Error(`${c.vm.name}: "${cmd}" did not finish\n${c.output.slice(-2000)}`);
    return strip(c.recent);
  };
  try {
    s.boot();
    consolesReady(s.consoles);
    const srv = s.consoles[clients];
    const gen = run(srv, `mkdir /export; pmake ${pmakeArgs} -keep -d /export/src`);
    if (!/pmake: OK/.test(gen)) throw new Error(`server: generating the sources failed\n${gen}`);
    srv.type(`nfsd -n ${nfsd} / &\n`);
    srv.waitForPrompt(undefined, { hostMs: 60_000 });
    for (const c of s.consoles.slice(0, clients)) {
      const out = run(c, `mkdir /nfs; mount -t dnfs ${srvStation}:/ /nfs; ls /nfs/export/src | wc -l`);
      if (/mount:|No such|error/i.test(out)) throw new Error(`${c.vm.name}: mount failed\n${out}`);
    }
    const m = s.monitor;
    const cpus = s.machine.cpus;
    const before = m.metrics(COST_TABLE_NAME);
    const smp = sampler(cpus, range);
    const t0 = Date.now();
    const c0 = m.now;
    const cl = s.consoles.slice(0, clients);
    cl.forEach((c, k) => c.type(commandLine(k, 1, clientArgs) + '\n'));
    const done = () => cl.every((c) => prompt.test(strip(c.recent)));
    let peak = null;
    let rounds = 0;
    while (!done()) {
      m.run(QUANTUM);
      if (++rounds % 100 === 0) {
        const f = m.metrics(COST_TABLE_NAME).footprint;
        if (peak === null || f.virtual.total > peak.virtual.total) peak = f;
      }
      smp.sample((p) => m.current[p] !== null && cpus[p].mode === 1 && m.current[p].state === 1);
      if (Date.now() - t0 > HOST_LIMIT_MS) throw new Error('nfs: timeout');
    }
    const elapsed = m.now - c0;
    const host = (Date.now() - t0) / 1000;
    const results = cl.map((c) => checkOutputs(strip(c.recent), 1, c.vm.name));
    if (new Set(results).size !== 1) throw new Error(`results differ between VMs: ${results}`);
    const after = m.metrics(COST_TABLE_NAME);
    const d = (k) => after.total.cycles[k] - before.total.cycles[k];
    const physIdle = after.physicalIdle.reduce((a, b) => a + b, 0) - before.physicalIdle.reduce((a, b) => a + b, 0);
    const syncFrac = smp.s.kernel > 0 ? smp.s.sync / smp.s.kernel : 0;
    const kernel = d('kernel');
    const sync = kernel * syncFrac;
    const split = { user: d('user'), kernel: kernel - sync, sync, monitor: d('monitor'), idle: physIdle };
    split.other = CPUS * elapsed - split.user - kernel - split.monitor - split.idle;
    const net = Object.entries(after.vms).map(([name, v]) => ({ name, ...v.net }));
    return {
      config: '8vm+nfs', nvms: 'nfs', elapsed, host, result: results[0], split,
      footprint: after.footprint, peak: peak ?? after.footprint, diskCache: after.diskCache, sharing: after.total.sharing,
      vmIdle: d('idle'), net,
    };
  } finally {
    s.close();
    img.cleanup();
  }
}

/**
 * The pmake arguments of a benchmark command line: --pmake "ARGS" (default -j 2 -n 24 -f 8),
 * --headers adds `-I /usr/include` (the 70 KiB header tree), --gcc builds with Debian's gcc 12
 * (`-C "gcc -O0 -fwrapv"`, toolchain.mjs; 6 sources per instance by default, as a gcc compile
 * costs some 40 times our cc1's).
 */
export function pmakeArgsFrom(argv) {
  const i = argv.indexOf('--pmake');
  const gcc = argv.includes('--gcc');
  // The toolchain's /usr/include (glibc's headers) replaces the root image's toy tree, which
  // our cc1 cannot read: the two options do not combine.
  if (gcc && argv.includes('--headers')) throw new Error('--gcc and --headers do not combine (the toolchain replaces /usr/include)');
  const base = i >= 0 ? argv[i + 1] : gcc ? '-j 2 -n 6 -f 8' : '-j 2 -n 24 -f 8';
  return base + (argv.includes('--headers') ? ' -I /usr/include' : '') + (gcc ? ' -C "gcc -O0 -fwrapv"' : '');
}

/** Configurations in the paper's order (runNfs is the "8 VMs + NFS" row). */
export const CONFIGS = [1, 2, 4, 8];
