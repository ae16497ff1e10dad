// Path-level file system syscalls: cwd (getcwd/chdir/fchdir), mkdir/rmdir, unlink, rename,
// link/symlink, chmod/chown, access, utimensat/utime and umask. All act on host paths.

import * as fs from 'node:fs';
import { AT, E } from '../abi.js';
import { HostFile } from '../files.js';
import type { Kernel } from '../kernel.js';
import { pathArg, readPath } from '../paths.js';
import type { Process } from '../process.js';
import { type HandlerTable, readStruct } from './common.js';

const FDCWD = AT.FDCWD;

function getcwd(_k: Kernel, p: Process): number {
  const s = Buffer.from(p.cwd + '\0');
  if (p.arg(1) < s.length) return -E.RANGE;
  return p.mm.write(p.arg(0), s) ? s.length : -E.FAULT;
}

function chdirTo(p: Process, path: string): number {
  const st = fs.statSync(path);
  if (!st.isDirectory()) return -E.NOTDIR;
  fs.accessSync(path, fs.constants.X_OK);
  p.cwd = fs.realpathSync(path);
  return 0;
}

function withPath(p: Process, dirfd: number, va: number, f: (path: string) => number | void): number {
  const path = pathArg(p, dirfd, va);
  if (typeof path === 'number') return path;
  return f(path) ?? 0;
}

function twoPaths(p: Process, d1: number, va1: number, d2: number, va2: number, f: (a: string, b: string) => void): number {
  const a = pathArg(p, d1, va1);
  if (typeof a === 'number') return a;
  const b = pathArg(p, d2, va2);
  if (typeof b === 'number') return b;
  f(a, b);
  return 0;
}

function mkdirAt(p: Process, dirfd: number, va: number, mode: number): number {
  return withPath(p, dirfd, va, (path) => {
    fs.mkdirSync(path, { mode: mode & ~p.umask & 0o7777 });
  });
}

function unlinkAt(p: Process, dirfd: number, va: number, flags: number): number {
  if ((flags & ~AT.REMOVEDIR) !== 0) return -E.INVAL;
  return withPath(p, dirfd, va, (path) => {
    if (flags & AT.REMOVEDIR) fs.rmdirSync(path);
    else fs.unlinkSync(path);
  });
}

function renameAt(p: Process, d1: number, va1: number, d2: number, va2: number, flags: number): number {
  if ((flags & ~1) !== 0) return -E.INVAL;
  return twoPaths(p, d1, va1, d2, va2, (a, b) => {
    if (flags & 1 && fs.existsSync(b)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    fs.renameSync(a, b);
  });
}

function symlinkAt(p: Process, targetVa: number, dirfd: number, va: number): number {
  const target = readPath(p, targetVa);
  if (typeof target === 'number') return target;
  return withPath(p, dirfd, va, (path) => fs.symlinkSync(target, path));
}

function linkAt(p: Process, d1: number, va1: number, d2: number, va2: number): number {
  return twoPaths(p, d1, va1, d2, va2, (a, b) => fs.linkSync(a, b));
}

function chownAt(p: Process, dirfd: number, va: number, uid: number, gid: number, nofollow: boolean): number {
  return withPath(p, dirfd, va, (path) => (nofollow ? fs.lchownSync : fs.chownSync)(path, uid | 0, gid | 0));
}

function accessAt(p: Process, dirfd: number, va: number, mode: number): number {
  if ((mode & ~7) !== 0) return -E.INVAL;
  return withPath(p, dirfd, va, (path) => fs.accessSync(path, mode));
}

const UTIME_NOW = 0x3fffffff;
const UTIME_OMIT = 0x3ffffffe;

/** utimensat with 32-bit (time64 = false) or 64-bit timespecs. */
function utimensAt(p: Process, time64: boolean): number {
  const dirfd = p.sarg(0);
  const pathVa = p.arg(1);
  const timesVa = p.arg(2);
  const flags = p.arg(3);
  const now = Date.now() / 1000;
  let at = now;
  let mt = now;
  let omitA = false;
  let omitM = false;
  if (timesVa !== 0) {
    const size = time64 ? 16 : 8;
    const dv = readStruct(p, timesVa, size * 2);
    if (dv === null) return -E.FAULT;
    const get = (i: number): [number, number] =>
      time64 ? [Number(dv.getBigInt64(i * 16, true)), Number(dv.getBigInt64(i * 16 + 8, true))] : [dv.getInt32(i * 8, true), dv.getInt32(i * 8 + 4, true)];
    const [as, an] = get(0);
    const [ms, mn] = get(1);
    if (an === UTIME_OMIT) omitA = true;
    else if (an !== UTIME_NOW) at = as + an / 1e9;
    if (mn === UTIME_OMIT) omitM = true;
    else if (mn !== UTIME_NOW) mt = ms + mn / 1e9;
  }
  let target: string | number;
  if (pathVa === 0) {
    const d = p.fds.get(dirfd);
    if (!(d instanceof HostFile)) return -E.BADF;
    target = d.hostFd;
  } else {
    const path = pathArg(p, dirfd, pathVa);
    if (typeof path === 'number') return path;
    target = path;
  }
  if (omitA && omitM) return 0;
  if (omitA || omitM) {
    const st = typeof target === 'number' ? fs.fstatSync(target) : fs.statSync(target);
    if (omitA) at = st.atimeMs / 1000;
    if (omitM) mt = st.mtimeMs / 1000;
  }
  if (typeof target === 'number') fs.futimesSync(target, at, mt);
  else if ((flags & AT.SYMLINK_NOFOLLOW) !== 0) fs.lutimesSync(target, at, mt);
  else fs.utimesSync(target, at, mt);
  return 0;
}

export const FSOPS_SYSCALLS: HandlerTable = {
  4203: getcwd,
  4012: (_k, p) => withPath(p, FDCWD, p.arg(0), (path) => chdirTo(p, path)),
  4133: (_k, p) => {
    const d = p.fds.get(p.arg(0));
    if (d === undefined) return -E.BADF;
    return d instanceof HostFile && d.isDir && d.path !== null ? chdirTo(p, d.path) : -E.NOTDIR;
  },
  4039: (_k, p) => mkdirAt(p, FDCWD, p.arg(0), p.arg(1)),
  4289: (_k, p) => mkdirAt(p, p.sarg(0), p.arg(1), p.arg(2)),
  4040: (_k, p) => unlinkAt(p, FDCWD, p.arg(0), AT.REMOVEDIR),
  4010: (_k, p) => unlinkAt(p, FDCWD, p.arg(0), 0),
  4294: (_k, p) => unlinkAt(p, p.sarg(0), p.arg(1), p.arg(2)),
  4038: (_k, p) => renameAt(p, FDCWD, p.arg(0), FDCWD, p.arg(1), 0),
  4295: (_k, p) => renameAt(p, p.sarg(0), p.arg(1), p.sarg(2), p.arg(3), 0),
  4351: (_k, p) => renameAt(p, p.sarg(0), p.arg(1), p.sarg(2), p.arg(3), p.arg(4)),
  4009: (_k, p) => linkAt(p, FDCWD, p.arg(0), FDCWD, p.arg(1)),
  4296: (_k, p) => linkAt(p, p.sarg(0), p.arg(1), p.sarg(2), p.arg(3)),
  4083: (_k, p) => symlinkAt(p, p.arg(0), FDCWD, p.arg(1)),
  4297: (_k, p) => symlinkAt(p, p.arg(0), p.sarg(1), p.arg(2)),
  4015: (_k, p) => withPath(p, FDCWD, p.arg(0), (path) => fs.chmodSync(path, p.arg(1) & 0o7777)),
  4299: (_k, p) => withPath(p, p.sarg(0), p.arg(1), (path) => fs.chmodSync(path, p.arg(2) & 0o7777)),
  4094: (_k, p) => {
    const d = p.fds.get(p.arg(0));
    if (!(d instanceof HostFile)) return d === undefined ? -E.BADF : 0;
    fs.fchmodSync(d.hostFd, p.arg(1) & 0o7777);
    return 0;
  },
  4202: (_k, p) => chownAt(p, FDCWD, p.arg(0), p.arg(1), p.arg(2), false),
  4016: (_k, p) => chownAt(p, FDCWD, p.arg(0), p.arg(1), p.arg(2), true),
  4291: (_k, p) => chownAt(p, p.sarg(0), p.arg(1), p.arg(2), p.arg(3), (p.arg(4) & AT.SYMLINK_NOFOLLOW) !== 0),
  4095: (_k, p) => {
    const d = p.fds.get(p.arg(0));
    if (!(d instanceof HostFile)) return d === undefined ? -E.BADF : 0;
    fs.fchownSync(d.hostFd, p.arg(1) | 0, p.arg(2) | 0);
    return 0;
  },
  4033: (_k, p) => accessAt(p, FDCWD, p.arg(0), p.arg(1)),
  4300: (_k, p) => accessAt(p, p.sarg(0), p.arg(1), p.arg(2)),
  4439: (_k, p) => accessAt(p, p.sarg(0), p.arg(1), p.arg(2)),
  4316: (_k, p) => utimensAt(p, false),
  4412: (_k, p) => utimensAt(p, true),
  4030: (_k, p) => {
    const path = pathArg(p, FDCWD, p.arg(0));
    if (typeof path === 'number') return path;
    const dv = p.arg(1) === 0 ? null : readStruct(p, p.arg(1), 8);
    if (p.arg(1) !== 0 && dv === null) return -E.FAULT;
    const now = Date.now() / 1000;
    fs.utimesSync(path, dv ? dv.getInt32(0, true) : now, dv ? dv.getInt32(4, true) : now);
    return 0;
  },
  4060: (_k, p) => {
    const old = p.umask;
    p.umask = p.arg(0) & 0o777;
    return old;
  },
};
