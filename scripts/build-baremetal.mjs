#!/usr/bin/env node
// Builds the bare-metal test programs: every test/baremetal/<name>.c, linked with the start-up
// code and helpers of test/baremetal/lib/, becomes build/baremetal/<name>.elf (kseg0, see
// lib/link.ld). Needs Debian's mipsel cross compiler (gcc-mipsel-linux-gnu); set MIPS_CC to
// use another. Programs are compiled in parallel, and an ELF newer than its sources, the
// runtime, the memory-map header and this script is kept (--force rebuilds everything).
// Usage: node scripts/build-baremetal.mjs [--force] [name ...]
// Exit status: 0 built (or up to date), 1 a program failed to build, 2 no compiler.

import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'test/baremetal');
const libDir = join(srcDir, 'lib');
const includeDir = join(root, 'guest/include');
const outDir = join(root, 'build/baremetal');
const cc = process.env.MIPS_CC ?? 'mipsel-linux-gnu-gcc';

const FLAGS = [
  '-march=mips32r2', '-EL', '-mabi=32',
  '-ffreestanding', '-nostdlib', '-mno-abicalls', '-fno-pic', '-G0', '-no-pie', '-static',
  '-fno-tree-loop-distribute-patterns', // keep memset/memcpy loops from calling themselves
  '-O2', '-g', '-Wall', '-Wextra', '-Werror',
  '-Wl,--build-id=none', '-Wl,-z,max-page-size=4096',
  '-I', includeDir,
  '-I', libDir,
  '-T', join(libDir, 'link.ld'),
];

try {
  execFileSync(cc, ['--version'], { stdio: 'ignore' });
} catch {
  console.error(`${cc} not found: apt-get install gcc-mipsel-linux-gnu (or set MIPS_CC)`);
  process.exit(2);
}

const args = process.argv.slice(2);
const force = args.includes('--force');
const wanted = new Set(args.filter((a) => a !== '--force'));

const lib = readdirSync(libDir)
  .filter((f) => f.endsWith('.S') || f.endsWith('.c'))
  .sort((a, b) => (a === 'crt0.S' ? -1 : b === 'crt0.S' ? 1 : a.localeCompare(b)))
  .map((f) => join(libDir, f));
const programs = readdirSync(srcDir)
  .filter((f) => f.endsWith('.c') && (wanted.size === 0 || wanted.has(basename(f, '.c'))))
  .sort();
for (const name of wanted) {
  if (!programs.includes(`${name}.c`)) {
    console.error(`no program test/baremetal/${name}.c`);
    process.exit(1);
  }
}

/** Newest modification time of everything every program depends on. */
const commonInputs = [
  ...readdirSync(libDir).map((f) => join(libDir, f)),
  join(includeDir, 'machine/memory-map.h'),
  fileURLToPath(import.meta.url),
];
const commonMtime = Math.max(...commonInputs.filter((f) => existsSync(f)).map((f) => statSync(f).mtimeMs));

function upToDate(src, out) {
  if (force || !existsSync(out)) return false;
  const outTime = statSync(out).mtimeMs;
  return outTime >= commonMtime && outTime >= statSync(src).mtimeMs;
}

function compile(file) {
  const src = join(srcDir, file);
  const out = join(outDir, basename(file, '.c') + '.elf');
  if (upToDate(src, out)) return Promise.resolve(true);
  return new Promise((resolve) => {
    execFile(cc, [...FLAGS, '-o', out, ...lib, src], (err, stdout, stderr) => {
      if (stdout) process.stdout.write(stdout);
      if (stderr) process.stderr.write(stderr);
      if (err) console.error(`FAILED ${file}`);
      else console.log(`built ${out}`);
      resolve(!err);
    });
  });
}

mkdirSync(outDir, { recursive: true });
const queue = [...programs];
let failed = 0;
const workers = Array.from({ length: Math.min(queue.length, Math.max(2, availableParallelism())) }, async () => {
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (!(await compile(file))) failed++;
  }
});
await Promise.all(workers);
process.exit(failed > 0 ? 1 : 0);
