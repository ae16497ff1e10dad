// File I/O syscalls: read/write (and vectored, positioned), open/openat/creat, close, lseek,
// pipe/pipe2, dup family, fcntl, sendfile, truncate and the no-op sync calls.

import * as fs from 'node:fs';
import { E, F, O, SI, SIG } from '../abi.js';
import { type FileDesc, HostFile, MAX_FDS, Pipe, PipeEnd, WOULD_BLOCK } from '../files.js';
import type { Kernel } from '../kernel.js';
import { pathArg } from '../paths.js';
import type { Process } from '../process.js';
import { type HandlerTable, join64, Struct } from './common.js';

const MAX_IO = 1 << 20;

const HOST_O = fs.constants;
/** MIPS open flags to host flags (the runner's host is Linux). */
function hostOpenFlags(f: number): number {
  let h = f & O.ACCMODE;
  if (f & O.CREAT) h |= HOST_O.O_CREAT;
  if (f & O.EXCL) h |= HOST_O.O_EXCL;
  if (f & O.NOCTTY) h |= HOST_O.O_NOCTTY;
  if (f & O.TRUNC) h |= HOST_O.O_TRUNC;
  if (f & O.APPEND) h |= HOST_O.O_APPEND;
  if (f & O.NONBLOCK) h |= HOST_O.O_NONBLOCK;
  if (f & O.DIRECTORY) h |= HOST_O.O_DIRECTORY;
  if (f & O.NOFOLLOW) h |= HOST_O.O_NOFOLLOW;
  if ((f & O.SYNC) === O.SYNC) h |= HOST_O.O_SYNC;
  else if (f & O.DSYNC) h |= HOST_O.O_DSYNC;
  if (f & O.NOATIME) h |= HOST_O.O_NOATIME ?? 0;
  if ((f & O.PATH) !== 0) h |= 0o10000000;
  return h;
}

/** Flags kept on the open file description (what F_GETFL reports). */
const STATUS_FLAGS = O.ACCMODE | O.APPEND | O.NONBLOCK | O.DSYNC | O.SYNC | O.LARGEFILE | O.DIRECT | O.NOATIME | O.PATH | O.ASYNC;

function desc(p: Process, fd: number): FileDesc | undefined {
  return p.fds.get(fd | 0);
}

/** A guest fd as the /dev/fd/N, /proc/self/fd/N or /dev/std* path names it, or -1. */
function devFdTarget(path: string, pid: number): number {
  const m = /^\/(?:dev\/fd|proc\/(?:self|\d+)\/fd)\/(\d+)$/.exec(path);
  if (m !== null && (!path.startsWith('/proc/') || path.startsWith('/proc/self/') || path.startsWith(`/proc/${pid}/`))) return Number(m[1]);
  return path === '/dev/stdin' ? 0 : path === '/dev/stdout' ? 1 : path === '/dev/stderr' ? 2 : -1;
}

export function doOpen(p: Process, dirfd: number, pathVa: number, flags: number, mode: number): number {
  const path = pathArg(p, dirfd, pathVa);
  if (typeof path === 'number') return path;
  const cloexec = (flags & O.CLOEXEC) !== 0;
  let hostPath = path;
  const alias = devFdTarget(path, p.pid);
  if (alias >= 0) {
    const d = p.fds.get(alias);
    if (d === undefined) return -E.NOENT;
    if (!(d instanceof HostFile) || d.path === null) return p.fds.add(d, cloexec);
    hostPath = d.path;
  }
  const hostFd = fs.openSync(hostPath, hostOpenFlags(flags), (mode & ~p.umask) & 0o7777);
  return p.fds.add(new HostFile(hostFd, flags & STATUS_FLAGS, hostPath, true), cloexec);
}

/** Copy guest bytes out and write them to `d`; raises SIGPIPE on a broken pipe. */
export function writeTo(k: Kernel, p: Process, d: FileDesc, data: Uint8Array): number {
  const r = d.write(data);
  if (r === -E.PIPE) k.sendSignal(p, SIG.PIPE, p, SI.KERNEL);
  return r;
}

function sysRead(_k: Kernel, p: Process): number {
  const d = desc(p, p.arg(0));
  const buf = p.arg(1);
  const count = p.arg(2);
  if (d === undefined || !d.readable) return -E.BADF;
  if (count === 0) return 0;
  const r = d.read(Math.min(count, MAX_IO));
  if (typeof r === 'number') return r;
  return p.mm.write(buf, r) ? r.length : -E.FAULT;
}

function sysWrite(k: Kernel, p: Process): number {
  const d = desc(p, p.arg(0));
  if (d === undefined || !d.writable) return -E.BADF;
  const count = Math.min(p.arg(2), MAX_IO * 16);
  const data = p.mm.read(p.arg(1), count);
  if (data === null) return -E.FAULT;
  return writeTo(k, p, d, data);
}

function readIovecs(p: Process, va: number, n: number): [number, number][] | number {
  if (n > 1024) return -E.INVAL;
  const raw = p.mm.read(va, n * 8);
  if (raw === null) return -E.FAULT;
  const dv = new DataView(raw.buffer);
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) out.push([dv.getUint32(i * 8, true), dv.getUint32(i * 8 + 4, true)]);
  return out;
}

function sysReadv(_k: Kernel, p: Process): number {
  const d = desc(p, p.arg(0));
  if (d === undefined || !d.readable) return -E.BADF;
  const iov = readIovecs(p, p.arg(1), p.arg(2));
  if (typeof iov === 'number') return iov;
  const total = iov.reduce((s, [, len]) => s + len, 0);
  if (total === 0) return 0;
  const r = d.read(Math.min(total, MAX_IO));
  if (typeof r === 'number') return r;
  let off = 0;
  for (const [base, len] of iov) {
    if (off >= r.length) break;
    const n = Math.min(len, r.length - off);
    if (!p.mm.write(base, r.subarray(off, off + n))) return off > 0 ? off : -E.FAULT;
    off += n;
  }
  return r.length;
}

function sysWritev(k: Kernel, p: Process): number {
  const d = desc(p, p.arg(0));
  if (d === undefined || !d.writable) return -E.BADF;
  const iov = readIovecs(p, p.arg(1), p.arg(2));
  if (typeof iov === 'number') return iov;
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const [base, len] of iov) {
    if (len > 0x7fffffff - total) return -E.INVAL;
    const n = Math.min(len, MAX_IO * 16 - total);
    const b = p.mm.read(base, n);
    if (b === null) return total > 0 ? writeTo(k, p, d, Buffer.concat(parts)) : -E.FAULT;
    parts.push(b);
    total += n;
  }
  return writeTo(k, p, d, Buffer.concat(parts));
}

/** pread64/pwrite64: fd, buf, count, pad, offset at 16/20(sp). */
function positioned(k: Kernel, p: Process, write: boolean): number {
  const d = desc(p, p.arg(0));
  if (d === undefined || (write ? !d.writable : !d.readable)) return -E.BADF;
  if (!(d instanceof HostFile) || !d.seekable) return -E.SPIPE;
  const off = join64(p.arg(4), p.arg(5));
  if (off < 0) return -E.INVAL;
  if (write) {
    const data = p.mm.read(p.arg(1), Math.min(p.arg(2), MAX_IO * 16));
    if (data === null) return -E.FAULT;
    const r = d.writeAt(data, off);
    if (r === -E.PIPE) k.sendSignal(p, SIG.PIPE, p, SI.KERNEL);
    return r;
  }
  const r = d.readAt(Math.min(p.arg(2), MAX_IO), off);
  if (typeof r === 'number') return r;
  return p.mm.write(p.arg(1), r) ? r.length : -E.FAULT;
}

/** New position for lseek, or a negative errno. */
function seek(d: FileDesc | undefined, off: number, whence: number): number {
  if (d === undefined) return -E.BADF;
  if (!(d instanceof HostFile) || !d.seekable) return -E.SPIPE;
  let size = 0;
  if (whence >= 2) {
    try {
      size = fs.fstatSync(d.hostFd).size;
    } catch {
      size = 0;
    }
  }
  const cur = d.tell();
  let pos: number;
  if (whence === 0) pos = off;
  else if (whence === 1) pos = cur + off;
  else if (whence === 2) pos = size + off;
  else if (whence === 3) {
    if (off < 0 || off >= size) return -E.NXIO;
    pos = off;
  } else if (whence === 4) {
    if (off < 0 || off > size) return -E.NXIO;
    pos = size;
  } else return -E.INVAL;
  if (pos < 0) return -E.INVAL;
  if (pos > 0x7fffffff * 4294967296) return -E.OVERFLOW;
  // A plain "where am I" keeps sharing the host offset; any real seek makes the position ours.
  if (d.pos === null && whence === 1 && off === 0) return pos;
  if (d.isDir && pos === 0) d.dirEntries = null;
  d.pos = pos;
  return pos;
}

function sysLseek(_k: Kernel, p: Process): number {
  const d = desc(p, p.arg(0));
  if (d instanceof HostFile && d.seekable) {
    const size = p.arg(2) === 2 ? fs.fstatSync(d.hostFd).size : 0;
    const base = p.arg(2) === 0 ? 0 : p.arg(2) === 1 ? d.tell() : size;
    if (base + p.sarg(1) > 0x7fffffff) return -E.OVERFLOW;
  }
  return seek(d, p.sarg(1), p.arg(2));
}

function sysLlseek(_k: Kernel, p: Process): number {
  const d = desc(p, p.arg(0));
  const r = seek(d, join64(p.arg(2), p.arg(1)), p.arg(4));
  if (r < 0) return r;
  return p.mm.write(p.arg(3), new Struct(8).u64(0, r).bytes) ? 0 : -E.FAULT;
}

function makePipe(p: Process, flags: number): [number, number] | number {
  if ((flags & ~(O.CLOEXEC | O.NONBLOCK | O.DIRECT)) !== 0) return -E.INVAL;
  const pipe = new Pipe();
  const cloexec = (flags & O.CLOEXEC) !== 0;
  const r = new PipeEnd(pipe, false, flags & O.NONBLOCK);
  const w = new PipeEnd(pipe, true, flags & O.NONBLOCK);
  const fr = p.fds.add(r, cloexec);
  if (fr < 0) {
    r.release();
    w.release();
    return fr;
  }
  const fw = p.fds.add(w, cloexec);
  if (fw < 0) {
    p.fds.close(fr);
    w.release();
    return fw;
  }
  return [fr, fw];
}

function sysPipe2(_k: Kernel, p: Process): number {
  const r = makePipe(p, p.arg(1));
  if (typeof r === 'number') return r;
  if (!p.mm.write(p.arg(0), new Struct(8).u32(0, r[0]).u32(4, r[1]).bytes)) {
    p.fds.close(r[0]);
    p.fds.close(r[1]);
    return -E.FAULT;
  }
  return 0;
}

function sysPipe(_k: Kernel, p: Process): number {
  const r = makePipe(p, 0);
  if (typeof r === 'number') return r;
  p.cpu.gpr[3] = r[1];
  return r[0];
}

function dup3(p: Process, oldfd: number, newfd: number, flags: number): number {
  const d = desc(p, oldfd);
  if (d === undefined) return -E.BADF;
  if (newfd < 0 || newfd >= MAX_FDS) return -E.BADF;
  p.fds.place(newfd, d, (flags & O.CLOEXEC) !== 0);
  return newfd;
}

function sysFcntl(_k: Kernel, p: Process): number {
  const fd = p.sarg(0);
  const cmd = p.arg(1);
  const arg = p.arg(2);
  const d = desc(p, fd);
  if (d === undefined) return -E.BADF;
  switch (cmd) {
    case F.DUPFD:
    case F.DUPFD_CLOEXEC:
      if (arg >= MAX_FDS) return -E.INVAL;
      return p.fds.add(d, cmd === F.DUPFD_CLOEXEC, arg);
    case F.GETFD:
      return p.fds.getCloexec(fd) ? F.FD_CLOEXEC : 0;
    case F.SETFD:
      p.fds.setCloexec(fd, (arg & F.FD_CLOEXEC) !== 0);
      return 0;
    case F.GETFL:
      return d.flags;
    case F.SETFL: {
      const changeable = O.APPEND | O.NONBLOCK | O.DIRECT | O.NOATIME | O.ASYNC;
      d.flags = (d.flags & ~changeable) | (arg & changeable);
      return 0;
    }
    case F.GETLK:
    case F.GETLK64:
    case F.OFD_GETLK:
      return p.mm.write(arg, new Uint8Array([2, 0])) ? 0 : -E.FAULT; // l_type = F_UNLCK
    case F.SETLK:
    case F.SETLKW:
    case F.SETLK64:
    case F.SETLKW64:
    case F.OFD_SETLK:
    case F.OFD_SETLKW:
    case F.SETOWN:
      return 0;
    case F.GETOWN:
      return 0;
    case F.GETPIPE_SZ:
      return d instanceof PipeEnd ? Pipe.CAPACITY : -E.BADF;
    case F.SETPIPE_SZ:
      return d instanceof PipeEnd ? Pipe.CAPACITY : -E.BADF;
    default:
      return -E.INVAL;
  }
}

/** sendfile/sendfile64: out_fd, in_fd, offset pointer (32 or 64 bit), count. */
function sendfile(k: Kernel, p: Process, off64: boolean): number {
  const out = desc(p, p.arg(0));
  const inp = desc(p, p.arg(1));
  if (out === undefined || inp === undefined || !out.writable || !inp.readable) return -E.BADF;
  const offVa = p.arg(2);
  let count = Math.min(p.arg(3), MAX_IO);
  if (count === 0) return 0;
  count = Math.min(count, out.writeSpace());
  if (count === 0) return WOULD_BLOCK;
  let at: number | null = null;
  if (offVa !== 0) {
    if (!(inp instanceof HostFile) || !inp.seekable) return -E.SPIPE;
    const b = p.mm.read(offVa, off64 ? 8 : 4);
    if (b === null) return -E.FAULT;
    const dv = new DataView(b.buffer);
    at = off64 ? join64(dv.getUint32(0, true), dv.getUint32(4, true)) : dv.getInt32(0, true);
    if (at < 0) return -E.INVAL;
  }
  const data = at !== null ? (inp as HostFile).readAt(count, at) : inp.read(count);
  let r: number;
  if (typeof data === 'number') r = data;
  else if (data.length === 0) r = 0;
  else r = writeTo(k, p, out, data);
  const unsent = typeof data !== 'number' && r >= 0 ? data.length - r : 0;
  if (at !== null) {
    const next = at + (r > 0 ? r : 0);
    p.mm.write(offVa, off64 ? new Struct(8).u64(0, next).bytes : new Struct(4).u32(0, next).bytes);
  } else if (unsent > 0 && inp instanceof HostFile && inp.pos !== null) inp.pos -= unsent;
  return r;
}

function truncateTo(p: Process, fdOrPath: 'fd' | 'path', len: number): number {
  if (len < 0) return -E.INVAL;
  if (fdOrPath === 'fd') {
    const d = desc(p, p.arg(0));
    if (!(d instanceof HostFile)) return -E.BADF;
    if (!d.writable) return -E.INVAL;
    fs.ftruncateSync(d.hostFd, len);
    return 0;
  }
  const path = pathArg(p, -100, p.arg(0));
  if (typeof path === 'number') return path;
  fs.truncateSync(path, len);
  return 0;
}

const ok = (): number => 0;

export const IO_SYSCALLS: HandlerTable = {
  4003: sysRead,
  4004: sysWrite,
  4005: (_k, p) => doOpen(p, -100, p.arg(0), p.arg(1), p.arg(2)),
  4006: (_k, p) => (p.fds.close(p.sarg(0)) ? 0 : -E.BADF),
  4008: (_k, p) => doOpen(p, -100, p.arg(0), O.CREAT | O.WRONLY | O.TRUNC, p.arg(1)),
  4019: sysLseek,
  4036: ok, // sync
  4041: (_k, p) => {
    const d = desc(p, p.arg(0));
    return d === undefined ? -E.BADF : p.fds.add(d);
  },
  4042: sysPipe,
  4055: sysFcntl,
  4063: (_k, p) => (p.sarg(0) === p.sarg(1) ? (desc(p, p.arg(0)) ? p.sarg(1) : -E.BADF) : dup3(p, p.sarg(0), p.sarg(1), 0)),
  4092: (_k, p) => truncateTo(p, 'path', p.sarg(1)),
  4093: (_k, p) => truncateTo(p, 'fd', p.sarg(1)),
  4118: (_k, p) => (desc(p, p.arg(0)) ? 0 : -E.BADF), // fsync
  4140: sysLlseek,
  4143: (_k, p) => (desc(p, p.arg(0)) ? 0 : -E.BADF), // flock
  4145: sysReadv,
  4146: sysWritev,
  4152: (_k, p) => (desc(p, p.arg(0)) ? 0 : -E.BADF), // fdatasync
  4200: (k, p) => positioned(k, p, false),
  4201: (k, p) => positioned(k, p, true),
  4207: (k, p) => sendfile(k, p, false),
  4211: (_k, p) => truncateTo(p, 'path', join64(p.arg(2), p.arg(3))),
  4212: (_k, p) => truncateTo(p, 'fd', join64(p.arg(2), p.arg(3))),
  4220: sysFcntl,
  4237: (k, p) => sendfile(k, p, true),
  4254: ok, // fadvise64_64
  4288: (_k, p) => doOpen(p, p.sarg(0), p.arg(1), p.arg(2), p.arg(3)),
  4327: (_k, p) => {
    if (p.sarg(0) === p.sarg(1)) return -E.INVAL;
    if ((p.arg(2) & ~O.CLOEXEC) !== 0) return -E.INVAL;
    return dup3(p, p.sarg(0), p.sarg(1), p.arg(2));
  },
  4328: sysPipe2,
  4342: ok, // syncfs
};
