#!/usr/bin/env node
// Fetches Debian's busybox-static for mipsel into build/busybox/busybox (a guest binary for the
// differential tests; never committed): dpkg --add-architecture mipsel, apt-get update,
// apt-get download busybox-static:mipsel, dpkg-deb -x. Idempotent: does nothing if present.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readSync, closeSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const OUT_DIR = join(ROOT, 'build', 'busybox');
const OUT = join(OUT_DIR, 'busybox');
const PKG = 'busybox-static:mipsel';
const force = process.argv.includes('--force');

function die(msg) {
  console.error(`fetch-busybox: ${msg}`);
  process.exit(1);
}

/** True if the file starts with an ELF32 little-endian MIPS header. */
function looksLikeMipselElf(p) {
  try {
    const fd = openSync(p, 'r');
    const b = Buffer.alloc(20);
    const n = readSync(fd, b, 0, 20, 0);
    closeSync(fd);
    return n === 20 && b.readUInt32BE(0) === 0x7f454c46 && b[4] === 1 && b[5] === 1 && b.readUInt16LE(18) === 8;
  } catch {
    return false;
  }
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.error && r.error.code === 'ENOENT') die(`'${cmd}' not found: this script needs Debian's dpkg and apt-get`);
  return r;
}

function must(cmd, args, opts = {}) {
  console.log(`fetch-busybox: ${cmd} ${args.join(' ')}`);
  const r = sh(cmd, args, opts);
  if (r.status !== 0) die(`'${cmd} ${args.join(' ')}' failed (exit ${r.status}):\n${(r.stdout || '') + (r.stderr || '')}`);
  return r;
}

if (!force && looksLikeMipselElf(OUT)) {
  console.log(`fetch-busybox: ${OUT} already present`);
  process.exit(0);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const arches = sh('dpkg', ['--print-foreign-architectures']).stdout.split(/\s+/);
if (!arches.includes('mipsel')) {
  if (!isRoot) die('the mipsel architecture is not enabled in dpkg and this is not root: run as root, or run `dpkg --add-architecture mipsel && apt-get update` first');
  must('dpkg', ['--add-architecture', 'mipsel']);
  must('apt-get', ['update', '-q']);
}

const work = mkdtempSync(join(tmpdir(), 'disco-busybox-'));
try {
  // apt-get download drops privileges to _apt when root; let that user write the directory.
  chmodSync(work, 0o777);
  let r = sh('apt-get', ['download', '-q', PKG], { cwd: work });
  if (r.status !== 0) {
    if (!isRoot) die(`apt-get download ${PKG} failed and this is not root (cannot run apt-get update):\n${r.stderr}`);
    console.log('fetch-busybox: package not in the local lists, running apt-get update');
    must('apt-get', ['update', '-q']);
    r = must('apt-get', ['download', '-q', PKG], { cwd: work });
  }
  const debs = readdirSync(work).filter((f) => f.endsWith('.deb'));
  if (debs.length !== 1) die(`expected one .deb from apt-get download, found: ${debs.join(', ') || 'none'}`);
  const extract = join(work, 'x');
  must('dpkg-deb', ['-x', join(work, debs[0]), extract]);
  const candidates = [join(extract, 'bin', 'busybox'), join(extract, 'usr', 'bin', 'busybox')];
  const found = candidates.find((p) => existsSync(p));
  if (!found) die(`no busybox binary inside ${debs[0]}`);
  if (!looksLikeMipselElf(found)) die(`${found} from ${debs[0]} is not an ELF32 little-endian MIPS binary`);
  mkdirSync(OUT_DIR, { recursive: true });
  const tmp = `${OUT}.tmp-${process.pid}`;
  copyFileSync(found, tmp);
  chmodSync(tmp, 0o755);
  renameSync(tmp, OUT);
  writeFileSync(join(OUT_DIR, 'SOURCE'), `${debs[0]}\n`);
  console.log(`fetch-busybox: installed ${OUT} from ${debs[0]}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
