#!/usr/bin/env node
// CPU speed benchmark: runs bench/cpu-speed/cpu-speed.c natively (gcc -O2), under qemu-mipsel and
// under bin/disco user --stats (fast and --timed), and prints wall time, guest instructions/s and
// the ratio to qemu, then checks the bar "fast mode >= 1/40 of qemu". Never part of npm test.
// Usage: node bench/cpu-speed/run.mjs [--scale N] [--repeat N] [--no-timed] [--no-native]
// Exit status 0 only when the fast-mode bar is met.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ensureIcountPlugin, icountQemuArgs, parseInstructions } from '../../scripts/lib/qemu-icount.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SRC = join(import.meta.dirname, 'cpu-speed.c');
const OUT_DIR = join(ROOT, 'build', 'bench');
const MIPS_BIN = join(OUT_DIR, 'cpu-speed-mips');
const NATIVE_BIN = join(OUT_DIR, 'cpu-speed-native');
/** The runner under test; DISCO_BIN overrides it (e.g. to compare against another checkout). */
const DISCO = process.env.DISCO_BIN || join(ROOT, 'bin', 'disco');
const MIPS_CC = process.env.MIPS_CC || 'mipsel-linux-gnu-gcc';
const HOST_CC = process.env.HOST_CC || 'gcc';
/** The speed bar: disco's fast mode must reach at least 1/BAR_DIVISOR of qemu's speed. */
const BAR_DIVISOR = 40;

function usage(msg) {
  if (msg) console.error(`cpu-speed: ${msg}`);
  console.error('usage: node bench/cpu-speed/run.mjs [--scale N] [--repeat N] [--no-timed] [--no-native]');
  console.error('  --scale N   rounds of the workload (default 80, ~42M guest instructions each)');
  console.error('  --repeat N  runs of native and qemu, best time kept (default 3; disco runs once)');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { scale: 80, repeat: 3, timed: true, native: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1) usage(`${a} needs a positive integer`);
      return v;
    };
    if (a === '--scale') o.scale = num();
    else if (a === '--repeat') o.repeat = num();
    else if (a === '--no-timed') o.timed = false;
    else if (a === '--no-native') o.native = false;
    else if (a === '-h' || a === '--help') usage();
    else usage(`unknown argument ${a}`);
  }
  return o;
}

function mtime(p) {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
}

/** Compiles SRC with `cc flags` into `out` unless it is newer than SRC; returns an error string or null. */
function build(cc, flags, out) {
  if (mtime(out) >= mtime(SRC)) return null;
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  const r = spawnSync(cc, [...flags, '-o', tmp, SRC], { encoding: 'utf8' });
  if (r.error) return `${cc} not found (${r.error.code})`;
  if (r.status !== 0) return `${cc} failed:\n${r.stderr}`;
  renameSync(tmp, out);
  return null;
}

/** Runs a command, returning wall seconds, stdout, stderr and exit status. */
function timedRun(cmd, args) {
  return new Promise((res) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e) => res({ wall: NaN, stdout, stderr: stderr + String(e), status: 127 }));
    child.on('close', (status, signal) => {
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      res({ wall, stdout, stderr, status: status ?? `signal ${signal}` });
    });
  });
}

async function best(cmd, args, repeat) {
  let bestRun = null;
  for (let i = 0; i < repeat; i++) {
    const r = await timedRun(cmd, args);
    if (r.status !== 0) return r;
    if (!bestRun || r.wall < bestRun.wall) bestRun = r;
  }
  return bestRun;
}

function fmtRate(ips) {
  if (!Number.isFinite(ips)) return '-';
  if (ips >= 1e9) return `${(ips / 1e9).toFixed(2)} G/s`;
  return `${(ips / 1e6).toFixed(1)} M/s`;
}

function fmtRatio(wall, qemuWall) {
  if (!Number.isFinite(wall) || !Number.isFinite(qemuWall)) return '-';
  const r = qemuWall / wall; // speed relative to qemu
  return r >= 1 ? `${r.toFixed(2)}x` : `1/${(1 / r).toFixed(1)}`;
}

async function main() {
  const opt = parseArgs(process.argv.slice(2));
  const scaleArg = String(opt.scale);
  const problems = [];

  const mipsErr = build(MIPS_CC, ['-static', '-march=mips32r2', '-O2'], MIPS_BIN);
  if (mipsErr) {
    console.error(`cpu-speed: cannot build the MIPS binary: ${mipsErr}\n  (apt-get install gcc-mipsel-linux-gnu libc6-dev-mipsel-cross)`);
    process.exit(1);
  }
  const rows = [];
  const addRow = (mode, r, note = '') => rows.push({ mode, ...r, note });

  if (opt.native) {
    const err = build(HOST_CC, ['-O2'], NATIVE_BIN);
    if (err) problems.push(`native build skipped: ${err}`);
    else {
      console.error('cpu-speed: running native ...');
      addRow('native (gcc -O2)', await best(NATIVE_BIN, [scaleArg], opt.repeat));
    }
  }

  console.error('cpu-speed: running qemu-mipsel ...');
  const qemu = await best('qemu-mipsel', [MIPS_BIN, scaleArg], opt.repeat);
  if (qemu.status === 127) {
    console.error('cpu-speed: qemu-mipsel not found (apt-get install qemu-user)');
    process.exit(1);
  }
  addRow('qemu-mipsel', qemu);

  let fast = null;
  if (!existsSync(DISCO)) problems.push(`${DISCO} does not exist yet: disco rows skipped`);
  else {
    console.error('cpu-speed: running bin/disco user --stats (fast) ...');
    fast = await timedRun(DISCO, ['user', '--stats', MIPS_BIN, scaleArg]);
    addRow('disco fast', fast);
    if (opt.timed) {
      console.error('cpu-speed: running bin/disco user --stats --timed ...');
      addRow('disco timed', await timedRun(DISCO, ['user', '--stats', '--timed', MIPS_BIN, scaleArg]));
    }
  }

  // Guest instruction count: from disco's --stats (same binary, same instructions for every row);
  // if disco could not report it, from the qemu counting plugin.
  let insns = null;
  let insnSource = '';
  for (const r of rows) {
    if (r.mode.startsWith('disco') && r.status === 0) {
      const n = parseInstructions(r.stderr);
      if (n !== null) {
        insns = n;
        insnSource = `bin/disco --stats (${r.mode})`;
        break;
      }
    }
  }
  if (insns === null) {
    const plugin = ensureIcountPlugin();
    if (plugin.error) problems.push(`no instruction count: ${plugin.error}`);
    else {
      const r = await timedRun('qemu-mipsel', [...icountQemuArgs(plugin.path), MIPS_BIN, scaleArg]);
      insns = parseInstructions(r.stderr);
      insnSource = 'qemu counting plugin (disco reported none)';
    }
  }

  // Every run must print the same checksum line.
  const reference = qemu.stdout.trim();
  for (const r of rows) {
    if (r.status !== 0) {
      r.note = `FAILED: exit ${r.status}`;
      const lines = r.stderr.split('\n').map((l) => l.trim()).filter(Boolean);
      const why = lines.find((l) => /error/i.test(l)) ?? lines.slice(-2).join(' | ');
      problems.push(`${r.mode} failed (exit ${r.status}): ${why}`);
    } else if (r.stdout.trim() !== reference) {
      r.note = 'WRONG OUTPUT';
      problems.push(`${r.mode} printed "${r.stdout.trim()}", qemu printed "${reference}"`);
    }
    const mipsLine = /^mips:\s*(.+)$/m.exec(r.stderr ?? '');
    if (r.mode.startsWith('disco') && mipsLine) r.note = r.note || `self-reported mips: ${mipsLine[1].trim()}`;
  }

  console.log(`guest output: ${reference || '(none)'}`);
  console.log(`guest instructions: ${insns ?? 'unknown'}${insnSource ? ` (from ${insnSource})` : ''}`);
  console.log('');
  const header = ['mode', 'wall s', 'guest instr/s', 'vs qemu', 'note'];
  const table = rows.map((r) => {
    const ok = r.status === 0;
    return [
      r.mode,
      ok ? r.wall.toFixed(3) : '-',
      ok && insns ? fmtRate(insns / r.wall) : '-',
      ok ? fmtRatio(r.wall, qemu.wall) : '-',
      r.note,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => String(row[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 || i === 4 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of table) console.log(line(row));
  console.log('');

  let pass = false;
  if (fast && fast.status === 0 && fast.stdout.trim() === reference) {
    const fraction = qemu.wall / fast.wall;
    pass = fraction >= 1 / BAR_DIVISOR;
    console.log(`bar: fast mode >= 1/${BAR_DIVISOR} of qemu: ${pass ? 'PASS' : 'FAIL'} (fast mode runs at ${fmtRatio(fast.wall, qemu.wall)} of qemu's speed)`);
  } else {
    console.log(`bar: fast mode >= 1/${BAR_DIVISOR} of qemu: NOT MEASURED (no successful bin/disco fast run)`);
  }
  for (const p of problems) console.log(`note: ${p}`);
  process.exit(pass ? 0 : 1);
}

await main();
