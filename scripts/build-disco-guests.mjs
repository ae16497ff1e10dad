#!/usr/bin/env node
// Builds the Disco monitor's test guests: every test/disco/guests/<name>.c, linked with
// test/disco/guests/lib/ (crt0.S, dg.c, link.ld: sseg at 0xC0010000, supervisor mode, the
// monitor ABI header guest/include/disco/monitor-abi.h), becomes build/disco-guests/<name>.elf.
// Needs Debian's mipsel cross compiler; an ELF newer than its inputs is kept (--force rebuilds).
// Exit status: 0 built (or up to date), 1 a program failed to build, 2 no compiler.

import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'test/disco/guests');
const libDir = join(srcDir, 'lib');
const includeDir = join(root, 'guest/include');
const outDir = join(root, 'build/disco-guests');
const cc = process.env.MIPS_CC ?? 'mipsel-linux-gnu-gcc';

const FLAGS = [
  '-march=mips32r2', '-EL', '-mabi=32', '-ffreestanding', '-nostdlib', '-mno-abicalls', '-fno-pic', '-G0',
  '-no-pie', '-static', '-fno-tree-loop-distribute-patterns', '-O2', '-g', '-Wall', '-Wextra', '-Werror',
  '-Wl,--build-id=none', '-Wl,-z,max-page-size=4096', '-I', includeDir, '-I', libDir, '-T', join(libDir, 'link.ld'),
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
const lib = ['crt0.S', 'dg.c'].map((f) => join(libDir, f));
const programs = readdirSync(srcDir).filter((f) => f.endsWith('.c') && (wanted.size === 0 || wanted.has(basename(f, '.c')))).sort();
const common = [...readdirSync(libDir).map((f) => join(libDir, f)), join(includeDir, 'disco/monitor-abi.h'), fileURLToPath(import.meta.url)];
const commonMtime = Math.max(...common.filter((f) => existsSync(f)).map((f) => statSync(f).mtimeMs));
mkdirSync(outDir, { recursive: true });

const results = await Promise.all(programs.map((file) => {
  const src = join(srcDir, file);
  const out = join(outDir, basename(file, '.c') + '.elf');
  if (!force && existsSync(out) && statSync(out).mtimeMs >= commonMtime && statSync(out).mtimeMs >= statSync(src).mtimeMs) return true;
  return new Promise((resolve) => {
    execFile(cc, [...FLAGS, '-o', out, ...lib, src], (err, stdout, stderr) => {
      if (stdout) process.stdout.write(stdout);
      if (stderr) process.stderr.write(stderr);
      if (err) console.error(`build-disco-guests: ${file} failed`);
      resolve(!err);
    });
  });
}));
process.exit(results.every(Boolean) ? 0 : 1);
