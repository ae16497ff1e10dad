#!/usr/bin/env node
// Builds the bare-metal test programs: every test/baremetal/<name>.c, linked with the start-up
// code and helpers of test/baremetal/lib/, becomes build/baremetal/<name>.elf (kseg0, see
// lib/link.ld). Needs Debian's mipsel cross compiler (gcc-mipsel-linux-gnu); set MIPS_CC to
// use another. Usage: node scripts/build-baremetal.mjs [name ...]

import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'test/baremetal');
const libDir = join(srcDir, 'lib');
const outDir = join(root, 'build/baremetal');
const cc = process.env.MIPS_CC ?? 'mipsel-linux-gnu-gcc';

const FLAGS = [
  '-march=mips32r2', '-EL', '-mabi=32',
  '-ffreestanding', '-nostdlib', '-mno-abicalls', '-fno-pic', '-G0', '-no-pie', '-static',
  '-fno-tree-loop-distribute-patterns', // keep memset/memcpy loops from calling themselves
  '-O2', '-g', '-Wall', '-Wextra', '-Werror',
  '-Wl,--build-id=none', '-Wl,-z,max-page-size=4096',
  '-I', join(root, 'guest/include'),
  '-I', libDir,
  '-T', join(libDir, 'link.ld'),
];

try {
  execFileSync(cc, ['--version'], { stdio: 'ignore' });
} catch {
  console.error(`${cc} not found: apt-get install gcc-mipsel-linux-gnu (or set MIPS_CC)`);
  process.exit(2);
}

const lib = readdirSync(libDir)
  .filter((f) => f.endsWith('.S') || f.endsWith('.c'))
  .sort((a, b) => (a === 'crt0.S' ? -1 : b === 'crt0.S' ? 1 : a.localeCompare(b)))
  .map((f) => join(libDir, f));
const wanted = new Set(process.argv.slice(2));
const programs = readdirSync(srcDir)
  .filter((f) => f.endsWith('.c') && (wanted.size === 0 || wanted.has(basename(f, '.c'))))
  .sort();

mkdirSync(outDir, { recursive: true });
let failed = 0;
for (const file of programs) {
  const out = join(outDir, basename(file, '.c') + '.elf');
  try {
    execFileSync(cc, [...FLAGS, '-o', out, ...lib, join(srcDir, file)], { stdio: 'inherit' });
    console.log(`built ${out}`);
  } catch {
    failed++;
    console.error(`FAILED ${file}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
