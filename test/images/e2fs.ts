// Helpers of the disk-image tests: locating Debian's e2fsprogs (e2fsck, debugfs, mke2fs), running
// them on an image, building a varied host tree, and comparing a host tree with an image.
import { expect } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Ext2Reader } from '../../libs/ext2/src/index.js';

/** Set DISCO_SKIP_DIFFERENTIAL=1 to skip the checks that need e2fsprogs (CI installs it). */
export const skipDifferential: boolean = process.env.DISCO_SKIP_DIFFERENTIAL === '1';

/** Full path of a tool on PATH or in /sbin, /usr/sbin (where Debian puts e2fsprogs), else undefined. */
export function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  for (const d of dirs) {
    if (d === '') continue;
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface E2fsTools {
  e2fsck: string;
  debugfs: string;
  mke2fs: string;
}

/**
 * The e2fsprogs tools, or null when they are missing and DISCO_SKIP_DIFFERENTIAL=1. Throws a
 * clear error when they are missing otherwise: the image tests must fail, not silently pass.
 */
export function e2fsTools(): E2fsTools | null {
  const found = { e2fsck: findTool('e2fsck'), debugfs: findTool('debugfs'), mke2fs: findTool('mke2fs') };
  const missing = Object.entries(found).filter(([, p]) => p === undefined).map(([n]) => n);
  if (missing.length === 0) return found as E2fsTools;
  if (skipDifferential) return null;
  throw new Error(
    `the disk-image tests need ${missing.join(', ')} from e2fsprogs (apt-get install -y e2fsprogs; .ci/run does this), ` +
      'or set DISCO_SKIP_DIFFERENTIAL=1 to skip the checks against them.',
  );
}

/** Runs `e2fsck -fn` (forced, read-only) and expects exit status 0 with the output on failure. */
export function expectClean(tools: E2fsTools, image: string): void {
  const r = spawnSync(tools.e2fsck, ['-fn', image], { encoding: 'utf8' });
  const report = `e2fsck -fn ${image} exited ${r.status}:\n${r.stdout}${r.stderr}`;
  expect({ status: r.status, report }).toEqual({ status: 0, report });
}

/** Runs one debugfs request (read-only unless `write`), returning stdout as bytes. */
export function debugfs(tools: E2fsTools, image: string, request: string, write = false): Buffer {
  const r = spawnSync(tools.debugfs, [...(write ? ['-w'] : []), '-R', request, image], { maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`debugfs -R '${request}' ${image} exited ${r.status}: ${r.stderr.toString()}`);
  return r.stdout;
}

/** Deterministic pseudo-random bytes (xorshift32, 4 bytes per step). */
export function pattern(length: number, seed: number): Buffer {
  const words = new Uint32Array(Math.ceil(length / 4));
  let x = seed | 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
  return Buffer.from(words.buffer, 0, length);
}

/**
 * Fills `root` with a varied tree: nested directories, a 20 MB file (double-indirect blocks),
 * files at the indirect-block boundaries, 400 small files in 40 directories, 300 files in one
 * directory, empty files and directories, fast and slow symlinks, setuid/sticky modes, a FIFO.
 */
export function makeSampleTree(root: string, options: { bigFile?: boolean } = {}): void {
  const w = (path: string, data: string | Buffer, mode = 0o644): void => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), data);
    chmodSync(join(root, path), mode);
  };
  w('nested/a/b/c/d/e/f/leaf.txt', 'leaf\n');
  if (options.bigFile ?? true) w('big/twenty-mb.bin', pattern(20_000_000, 7));
  for (const [name, size] of [['12blocks', 12 * 1024], ['13blocks', 12 * 1024 + 1], ['268blocks', 268 * 1024], ['269blocks', 268 * 1024 + 1]] as const) {
    w(`sizes/${name}`, pattern(size, size));
  }
  for (let d = 0; d < 40; d++) for (let f = 0; f < 10; f++) w(`small/dir-${d}/file-${f}.txt`, `dir ${d} file ${f}\n`.repeat(f + 1));
  for (let i = 0; i < 300; i++) w(`wide/entry-number-${String(i).padStart(4, '0')}-of-a-wide-directory.dat`, `${i}\n`);
  w('empty', '');
  w('wide/empty', '');
  mkdirSync(join(root, 'emptydir'));
  chmodSync(join(root, 'emptydir'), 0o700);
  w('kept/.gitkeep', '');
  w('bin/run', '#!/bin/sh\necho hi\n', 0o755);
  w('bin/suid', 'x', 0o4755);
  mkdirSync(join(root, 'tmp'));
  chmodSync(join(root, 'tmp'), 0o1777);
  mkdirSync(join(root, 'links'));
  symlinkSync('../nested/a/b/c/d/e/f/leaf.txt', join(root, 'links/fast'));
  symlinkSync('f'.repeat(59), join(root, 'links/fast59'));
  symlinkSync('s'.repeat(60), join(root, 'links/slow60'));
  symlinkSync('/' + 'very/long/path/'.repeat(30) + 'end', join(root, 'links/slow'));
  symlinkSync('/nowhere', join(root, 'links/dangling'));
  const mkfifo = findTool('mkfifo');
  if (mkfifo) spawnSync(mkfifo, ['-m', '0640', join(root, 'links/fifo')]);
}

/** Expects image directory `imagePath` to hold exactly host directory `hostDir`'s content. */
export function expectSameTree(reader: Ext2Reader, hostDir: string, imagePath: string, ignore: readonly string[] = [], rootOwned = true): void {
  const hostNames = readdirSync(hostDir).filter((n) => n !== '.gitkeep' && !ignore.includes(n)).sort();
  const imageNames = reader.readdir(imagePath).map((e) => e.name).filter((n) => !ignore.includes(n)).sort();
  expect({ dir: imagePath, names: imageNames }).toEqual({ dir: imagePath, names: hostNames });
  for (const name of hostNames) {
    const host = join(hostDir, name);
    const path = `${imagePath === '/' ? '' : imagePath}/${name}`;
    const st = lstatSync(host);
    const ino = reader.stat(path);
    const owner = rootOwned ? { uid: 0, gid: 0 } : { uid: st.uid, gid: st.gid };
    expect({ path, uid: ino.uid, gid: ino.gid, perm: ino.perm }).toEqual({ path, ...owner, perm: st.isSymbolicLink() ? 0o777 : st.mode & 0o7777 });
    if (st.isDirectory()) {
      expect({ path, kind: ino.kind }).toEqual({ path, kind: 'dir' });
      expectSameTree(reader, host, path, [], rootOwned);
    } else if (st.isFile()) {
      expect({ path, kind: ino.kind, size: ino.size }).toEqual({ path, kind: 'file', size: st.size });
      expect(reader.readFile(path).equals(readFileSync(host))).toBe(true);
    } else if (st.isSymbolicLink()) {
      expect({ path, kind: ino.kind, target: reader.readlink(path) }).toEqual({ path, kind: 'symlink', target: readlinkSync(host) });
    } else if (st.isFIFO()) {
      expect({ path, kind: ino.kind }).toEqual({ path, kind: 'fifo' });
    }
  }
}

/** Expects a host tree written by `debugfs rdump` to match the source tree (files, dirs, symlinks). */
export function expectSameDump(dumpDir: string, hostDir: string): void {
  const names = readdirSync(hostDir).filter((n) => n !== '.gitkeep').sort();
  for (const name of names) {
    const src = join(hostDir, name);
    const dst = join(dumpDir, name);
    const st = lstatSync(src);
    if (st.isDirectory()) expectSameDump(dst, src);
    else if (st.isFile()) {
      const ok = readFileSync(dst).equals(readFileSync(src));
      expect({ file: src, sameBytes: ok, perm: lstatSync(dst).mode & 0o777 }).toEqual({ file: src, sameBytes: true, perm: st.mode & 0o777 });
    } else if (st.isSymbolicLink()) expect({ link: src, target: readlinkSync(dst) }).toEqual({ link: src, target: readlinkSync(src) });
  }
}
