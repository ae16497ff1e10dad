#!/usr/bin/env node
// Builds every test/corpus/*.c program as a static MIPS32r2 little-endian binary at -O0 and -O2
// into build/corpus/<name>-O0 and <name>-O2 with Debian's cross compiler, skipping up-to-date
// outputs. Usage: node scripts/build-corpus.mjs [--force] [--cc=PATH] [name ...]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const SRC_DIR = join(ROOT, 'test', 'corpus');
const OUT_DIR = join(ROOT, 'build', 'corpus');
const OPT_LEVELS = ['O0', 'O2'];
const COMMON_FLAGS = ['-static', '-march=mips32r2', '-EL', '-mabi=32', '-Wall', '-Wextra', '-g0'];

function usage(msg) {
  if (msg) console.error(`build-corpus: ${msg}`);
  console.error('usage: node scripts/build-corpus.mjs [--force] [--cc=PATH] [name ...]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { force: false, cc: process.env.MIPS_CC || 'mipsel-linux-gnu-gcc', names: [] };
  for (const a of argv) {
    if (a === '--force') opts.force = true;
    else if (a.startsWith('--cc=')) opts.cc = a.slice(5);
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else opts.names.push(a.replace(/\.c$/, ''));
  }
  return opts;
}

function checkCompiler(cc) {
  const r = spawnSync(cc, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    console.error(
      `build-corpus: the MIPS cross compiler '${cc}' is not available (${r.error ? r.error.code : 'exit ' + r.status}).\n` +
        '  Install it with: apt-get install -y gcc-mipsel-linux-gnu binutils-mipsel-linux-gnu libc6-dev-mipsel-cross\n' +
        '  (or run .ci/run, which installs everything the tests need).',
    );
    process.exit(1);
  }
  return r.stdout.split('\n')[0];
}

function mtime(p) {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
}

function run(cmd, args) {
  return new Promise((res) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => res({ status: -1, out: String(e) }));
    child.on('close', (status) => res({ status, out }));
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const sources = readdirSync(SRC_DIR)
    .filter((f) => f.endsWith('.c'))
    .sort()
    .map((f) => basename(f, '.c'));
  for (const n of opts.names) if (!sources.includes(n)) usage(`no such corpus program: ${n} (have: ${sources.join(', ')})`);
  const selected = opts.names.length ? sources.filter((s) => opts.names.includes(s)) : sources;

  const scriptTime = mtime(import.meta.filename);
  const jobs = [];
  for (const name of selected) {
    const src = join(SRC_DIR, `${name}.c`);
    for (const o of OPT_LEVELS) {
      const out = join(OUT_DIR, `${name}-${o}`);
      const outTime = mtime(out);
      const fresh = outTime >= mtime(src) && outTime >= scriptTime;
      if (!opts.force && fresh) continue;
      jobs.push({ name, src, out, o });
    }
  }
  const total = selected.length * OPT_LEVELS.length;
  if (jobs.length === 0) {
    console.log(`build-corpus: all ${total} binaries in build/corpus are up to date`);
    return;
  }
  const version = checkCompiler(opts.cc);
  mkdirSync(OUT_DIR, { recursive: true });
  console.log(`build-corpus: building ${jobs.length} of ${total} binaries with ${version}`);

  const failures = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const j = jobs[next++];
      const tmp = `${j.out}.tmp-${process.pid}`;
      const args = [...COMMON_FLAGS, `-${j.o}`, '-o', tmp, j.src, '-lm'];
      const r = await run(opts.cc, args);
      if (r.status !== 0 || !existsSync(tmp)) {
        rmSync(tmp, { force: true });
        failures.push(`${j.name}-${j.o}: ${opts.cc} ${args.join(' ')}\n${r.out}`);
        continue;
      }
      renameSync(tmp, j.out);
      if (r.out.trim()) console.log(`  ${j.name}-${j.o} (warnings):\n${r.out.trimEnd()}`);
      else console.log(`  ${j.name}-${j.o}`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, availableParallelism()) }, worker));
  if (failures.length) {
    console.error(`build-corpus: ${failures.length} build(s) failed:\n${failures.join('\n')}`);
    process.exit(1);
  }
}

await main();
