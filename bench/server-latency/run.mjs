#!/usr/bin/env node
// Server latency under load: starts the built server (bin/disco serve, temporary data
// directory), boots four VMs running a busy workload (raytrace in a loop) and a fifth idle
// one, then from this process (a second process, as a client would be) measures REST read
// latency (GET /api/vms, GET /api/machine, GET /api/vms/:id) and console echo latency (a
// keystroke typed over socket.io until its echo comes back) on the idle VM and on a busy one.
// Prints p50/p90/p99 and the bars (reads p99 < 50 ms, echo p99 < 100 ms). Never part of npm test.
// Usage: node bench/server-latency/run.mjs [--reads N] [--echoes N]   (needs npm run build)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { io } from 'socket.io-client';

const ROOT = resolve(import.meta.dirname, '..', '..');
const TOKEN = 'bench-admin-token-0123456789';
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i < 0 ? def : Number(args[i + 1]);
};
const READS = opt('--reads', 300);
const ECHOES = opt('--echoes', 60);
const BUSY = Array(12).fill('raytrace -w 320 -h 240').join('; ');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function startServer(dataDir) {
  const proc = spawn(process.execPath, [join(ROOT, 'bin', 'disco'), 'serve'], {
    env: { ...process.env, PORT: '0', DISCO_DATA_DIR: dataDir, DISCO_ADMIN_TOKEN: TOKEN, DISCO_RATE_LIMIT: '0', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolvePromise, reject) => {
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolvePromise({ proc, url: m[1] });
    });
    proc.stderr.on('data', (d) => (out += d));
    proc.on('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
}

async function call(url, method, path, body) {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text === '' ? null : JSON.parse(text);
}

function stats(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: s[s.length - 1] };
}

const fmt = (x) => x.toFixed(1).padStart(7);

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'disco-bench-'));
  const { proc, url } = await startServer(dataDir);
  const socket = io(url, { path: '/api/socket.io', transports: ['websocket'], auth: { token: TOKEN } });
  try {
    await new Promise((r, j) => { socket.once('connect', r); socket.once('connect_error', j); });
    const busy = [];
    for (let i = 0; i < 4; i++) busy.push(await call(url, 'POST', '/api/vms', { name: `busy-${i}`, vcpus: 1, memoryMiB: 32, bootScript: BUSY }));
    const idle = await call(url, 'POST', '/api/vms', { name: 'idle', vcpus: 1, memoryMiB: 16 });
    const text = new Map();
    socket.on('console:output', (m) => text.set(m.vmId, (text.get(m.vmId) ?? '') + Buffer.from(m.data).toString('latin1')));
    for (const vm of [...busy, idle]) {
      await socket.emitWithAck('console:join', { vmId: vm.id });
      await call(url, 'POST', `/api/vms/${vm.id}/start`);
    }
    const until = async (f, ms, what) => {
      const end = Date.now() + ms;
      while (!f()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await sleep(10);
      }
    };
    await until(() => /# $/.test(text.get(idle.id) ?? ''), 30_000, 'the idle VM prompt');
    await until(() => busy.every((vm) => /raytrace -w/.test(text.get(vm.id) ?? '')), 30_000, 'the busy workloads');
    await sleep(2000);

    const reads = { 'GET /api/vms': [], 'GET /api/machine': [], 'GET /api/vms/:id': [] };
    for (let i = 0; i < READS; i++) {
      for (const [name, path] of [['GET /api/vms', '/api/vms'], ['GET /api/machine', '/api/machine'], ['GET /api/vms/:id', `/api/vms/${busy[i % 4].id}`]]) {
        const t0 = performance.now();
        await call(url, 'GET', path);
        reads[name].push(performance.now() - t0);
      }
    }

    const echo = async (vmId, n) => {
      const ms = [];
      for (let i = 0; i < n; i++) {
        const before = (text.get(vmId) ?? '').length;
        const t0 = performance.now();
        await socket.emitWithAck('console:input', { vmId, data: 'x' });
        await until(() => (text.get(vmId) ?? '').slice(before).includes('x'), 5000, 'an echo');
        ms.push(performance.now() - t0);
        await sleep(20);
      }
      await socket.emitWithAck('console:input', { vmId, data: '\x15' }); // Ctrl-U: drop the typed line
      return ms;
    };
    const echoIdle = await echo(idle.id, ECHOES);
    const echoBusy = await echo(busy[0].id, Math.max(10, Math.floor(ECHOES / 3)));
    const machine = await call(url, 'GET', '/api/machine');
    const mips = [];
    for (const vm of busy) {
      const m = await call(url, 'GET', `/api/vms/${vm.id}/metrics`);
      if (m.live) mips.push(m.live.mips);
    }

    console.log(`server latency with ${busy.length} busy VMs (raytrace loop) + 1 idle VM; backend ${machine.backend}`);
    console.log(`guest MIPS of the busy VMs (last second): ${mips.map((x) => x.toFixed(1)).join(', ')}`);
    console.log('                              n     p50     p90     p99     max  (ms)');
    const row = (name, s) => console.log(`${name.padEnd(26)}${String(s.n).padStart(5)} ${fmt(s.p50)} ${fmt(s.p90)} ${fmt(s.p99)} ${fmt(s.max)}`);
    const all = [];
    for (const [name, ms] of Object.entries(reads)) {
      row(name, stats(ms));
      all.push(...ms);
    }
    const r = stats(all);
    const e = stats(echoIdle);
    row('all reads', r);
    row('echo, idle VM', e);
    row('echo, busy VM', stats(echoBusy));
    const okReads = r.p99 < 50;
    const okEcho = e.p99 < 100;
    console.log(`bar: reads p99 < 50 ms: ${okReads ? 'met' : 'NOT met'}; echo p99 < 100 ms: ${okEcho ? 'met' : 'NOT met'}`);
    process.exitCode = okReads && okEcho ? 0 : 1;
  } finally {
    socket.close();
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
