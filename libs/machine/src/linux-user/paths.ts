// Guest path handling: guest paths are host paths (relative ones resolve against the process's
// own cwd or a directory fd, never the host process cwd), except /proc/self/exe, which names
// the ELF the process is running.

import { AT, E } from './abi.js';
import { HostFile } from './files.js';
import type { Process } from './process.js';

const PATH_MAX = 4096;

/** True for /proc/self/exe, /proc/thread-self/exe and /proc/<own pid>/exe. */
export function isProcExe(p: Process, path: string): boolean {
  if (!path.startsWith('/proc/') || !path.endsWith('/exe')) return false;
  const mid = path.slice(6, -4);
  return mid === 'self' || mid === 'thread-self' || mid === String(p.pid);
}

/** Read a path argument: the string, or a negative errno. */
export function readPath(p: Process, va: number): string | number {
  if (va === 0) return -E.FAULT;
  const b = p.mm.readCString(va, PATH_MAX);
  if (b === null) return p.mm.readCString(va, 1 << 20) === null ? -E.FAULT : -E.NAMETOOLONG;
  return b.toString('utf8');
}

/** Host path for `path` relative to `dirfd` (AT_FDCWD: the cwd), or a negative errno. */
export function resolveAt(p: Process, dirfd: number, path: string): string | number {
  if (path === '') return -E.NOENT;
  if (isProcExe(p, path)) return p.exePath;
  if (path.startsWith('/')) return path;
  let base: string;
  if ((dirfd | 0) === AT.FDCWD) base = p.cwd;
  else {
    const d = p.fds.get(dirfd);
    if (d === undefined) return -E.BADF;
    if (!(d instanceof HostFile) || !d.isDir || d.path === null) return -E.NOTDIR;
    base = d.path;
  }
  return base.endsWith('/') ? base + path : `${base}/${path}`;
}

/** readPath + resolveAt. */
export function pathArg(p: Process, dirfd: number, va: number): string | number {
  const s = readPath(p, va);
  return typeof s === 'number' ? s : resolveAt(p, dirfd, s);
}
