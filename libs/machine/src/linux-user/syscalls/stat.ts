// stat-family syscalls (stat/lstat/fstat, the *64 forms, fstatat64, statx), statfs64,
// getdents/getdents64 and readlink/readlinkat, with the o32 struct layouts (reference §6).

import * as fs from 'node:fs';
import { AT, E, STATX } from '../abi.js';
import { type DirEntry, type FileDesc, HostFile, PipeEnd } from '../files.js';
import type { Kernel } from '../kernel.js';
import { isProcExe, readPath, resolveAt } from '../paths.js';
import type { Process } from '../process.js';
import { type HandlerTable, Struct } from './common.js';

type St = fs.BigIntStats;
const NS = 1_000_000_000n;

function splitNs(ns: bigint): [number, number] {
  let s = ns / NS;
  let n = ns % NS;
  if (n < 0n) {
    n += NS;
    s -= 1n;
  }
  return [Number(s), Number(n)];
}

function devMajor(dev: bigint): number {
  return Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
}
function devMinor(dev: bigint): number {
  return Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
}
/** The kernel's 32-bit new_encode_dev. */
function encodeDev(dev: bigint): number {
  const ma = devMajor(dev);
  const mi = devMinor(dev);
  return ((mi & 0xff) | (ma << 8) | ((mi & ~0xff) << 12)) >>> 0;
}

let pipeIno = 1000;
const pipeInodes = new WeakMap<object, number>();

/** fstat of a description: host fstat, or a synthetic FIFO for our pipes. */
function statDesc(d: FileDesc, k: Kernel): St {
  if (d instanceof HostFile) return fs.fstatSync(d.hostFd, { bigint: true });
  let ino = pipeInodes.get((d as PipeEnd).pipe);
  if (ino === undefined) {
    ino = pipeIno++;
    pipeInodes.set((d as PipeEnd).pipe, ino);
  }
  const now = BigInt(Date.now()) * 1_000_000n;
  const z = 0n;
  return {
    dev: 12n, ino: BigInt(ino), mode: 0o10600n, nlink: 1n, uid: BigInt(k.uid), gid: BigInt(k.gid), rdev: z,
    size: z, blksize: 4096n, blocks: z, atimeNs: now, mtimeNs: now, ctimeNs: now, birthtimeNs: now,
  } as unknown as St;
}

/** Stat for a (dirfd, path, flags) triple: the stats or a negative errno. */
function statAt(k: Kernel, p: Process, dirfd: number, pathVa: number, flags: number): St | number {
  const path = readPath(p, pathVa);
  if (typeof path === 'number') return path;
  if (path === '' && (flags & AT.EMPTY_PATH) !== 0) {
    if ((dirfd | 0) === AT.FDCWD) return fs.statSync(p.cwd, { bigint: true });
    const d = p.fds.get(dirfd);
    return d === undefined ? -E.BADF : statDesc(d, k);
  }
  const host = resolveAt(p, dirfd, path);
  if (typeof host === 'number') return host;
  return (flags & AT.SYMLINK_NOFOLLOW) !== 0 && !isProcExe(p, path)
    ? fs.lstatSync(host, { bigint: true })
    : fs.statSync(host, { bigint: true });
}

function stat64Bytes(st: St): Uint8Array {
  const [as, an] = splitNs(st.atimeNs);
  const [ms, mn] = splitNs(st.mtimeNs);
  const [cs, cn] = splitNs(st.ctimeNs);
  return new Struct(104)
    .u32(0, encodeDev(st.dev)).u64(16, st.ino).u32(24, Number(st.mode)).u32(28, Number(st.nlink))
    .u32(32, Number(st.uid)).u32(36, Number(st.gid)).u32(40, encodeDev(st.rdev)).u64(56, st.size)
    .u32(64, as).u32(68, an).u32(72, ms).u32(76, mn).u32(80, cs).u32(84, cn)
    .u32(88, Number(st.blksize)).u64(96, st.blocks).bytes;
}

function oldStatBytes(st: St): Uint8Array | number {
  if (st.size > 0x7fffffffn || st.ino > 0xffffffffn) return -E.OVERFLOW;
  const [as, an] = splitNs(st.atimeNs);
  const [ms, mn] = splitNs(st.mtimeNs);
  const [cs, cn] = splitNs(st.ctimeNs);
  return new Struct(144)
    .u32(0, encodeDev(st.dev)).u32(16, Number(st.ino)).u32(20, Number(st.mode)).u32(24, Number(st.nlink))
    .u32(28, Number(st.uid)).u32(32, Number(st.gid)).u32(36, encodeDev(st.rdev)).u32(48, Number(st.size))
    .u32(56, as).u32(60, an).u32(64, ms).u32(68, mn).u32(72, cs).u32(76, cn)
    .u32(80, Number(st.blksize)).u32(84, Number(st.blocks)).bytes;
}

function statxBytes(st: St): Uint8Array {
  const s = new Struct(256)
    .u32(0, STATX.BASIC_STATS | STATX.BTIME).u32(4, Number(st.blksize)).u32(16, Number(st.nlink)).u32(20, Number(st.uid))
    .u32(24, Number(st.gid)).u16(28, Number(st.mode)).u64(32, st.ino).u64(40, st.size).u64(48, st.blocks);
  const times: [number, bigint][] = [[64, st.atimeNs], [80, st.birthtimeNs], [96, st.ctimeNs], [112, st.mtimeNs]];
  for (const [off, ns] of times) {
    const [sec, nsec] = splitNs(ns);
    s.u64(off, sec).u32(off + 8, nsec);
  }
  return s.u32(128, devMajor(st.rdev)).u32(132, devMinor(st.rdev)).u32(136, devMajor(st.dev)).u32(140, devMinor(st.dev)).bytes;
}

function put(p: Process, va: number, b: Uint8Array | number): number {
  if (typeof b === 'number') return b;
  return p.mm.write(va, b) ? 0 : -E.FAULT;
}

function withStat(r: St | number, f: (st: St) => Uint8Array | number, p: Process, va: number): number {
  return typeof r === 'number' ? r : put(p, va, f(r));
}

function fstatOf(k: Kernel, p: Process): St | number {
  const d = p.fds.get(p.arg(0));
  return d === undefined ? -E.BADF : statDesc(d, k);
}

function direntType(e: fs.Dirent<Buffer>): number {
  if (e.isFile()) return 8;
  if (e.isDirectory()) return 4;
  if (e.isSymbolicLink()) return 10;
  if (e.isFIFO()) return 1;
  if (e.isSocket()) return 12;
  if (e.isCharacterDevice()) return 2;
  if (e.isBlockDevice()) return 6;
  return 0;
}

function loadDir(path: string): DirEntry[] {
  const ino = (q: string): bigint => {
    try {
      return fs.lstatSync(q, { bigint: true }).ino;
    } catch {
      return 1n;
    }
  };
  const out: DirEntry[] = [
    { name: Buffer.from('.'), ino: ino(path), type: 4 },
    { name: Buffer.from('..'), ino: ino(path + '/..'), type: 4 },
  ];
  const dir = fs.opendirSync(path, { encoding: 'buffer' as BufferEncoding });
  try {
    for (let e = dir.readSync(); e !== null; e = dir.readSync()) {
      const name = e.name as unknown as Buffer;
      const full = Buffer.concat([Buffer.from(path + '/'), name]).toString();
      out.push({ name, ino: ino(full) || 1n, type: direntType(e as unknown as fs.Dirent<Buffer>) });
    }
  } finally {
    dir.closeSync();
  }
  return out;
}

function getdents(p: Process, is64: boolean): number {
  const d = p.fds.get(p.arg(0));
  if (d === undefined) return -E.BADF;
  if (!(d instanceof HostFile) || !d.isDir || d.path === null) return -E.NOTDIR;
  const count = p.arg(2);
  if (d.dirEntries === null || d.pos === 0) d.dirEntries = loadDir(d.path);
  const entries = d.dirEntries;
  const chunks: Uint8Array[] = [];
  let used = 0;
  let i = d.pos ?? 0;
  for (; i < entries.length; i++) {
    const e = entries[i];
    const reclen = is64 ? (19 + e.name.length + 1 + 7) & ~7 : (10 + e.name.length + 2 + 3) & ~3;
    if (used + reclen > count) break;
    const s = new Struct(reclen);
    if (is64) {
      s.u64(0, e.ino).u64(8, i + 1).u16(16, reclen).u8(18, e.type);
      s.bytes.set(e.name, 19);
    } else {
      if (e.ino > 0xffffffffn) return -E.OVERFLOW;
      s.u32(0, Number(e.ino)).u32(4, i + 1).u16(8, reclen).u8(reclen - 1, e.type);
      s.bytes.set(e.name, 10);
    }
    chunks.push(s.bytes);
    used += reclen;
  }
  if (used === 0 && i < entries.length) return -E.INVAL;
  if (!p.mm.write(p.arg(1), Buffer.concat(chunks))) return -E.FAULT;
  d.pos = i;
  return used;
}

/** readlink into the guest buffer; /proc/self/exe and /proc/self/fd/N are answered by us. */
function readlinkAt(p: Process, dirfd: number, pathVa: number, buf: number, size: number): number {
  if ((size | 0) <= 0) return -E.INVAL;
  const path = readPath(p, pathVa);
  if (typeof path === 'number') return path;
  let target: Buffer;
  const fdm = /^\/proc\/(?:self|thread-self|(\d+))\/fd\/(\d+)$/.exec(path);
  if (isProcExe(p, path)) target = Buffer.from(p.exePath);
  else if (path === '/proc/self/cwd' || path === `/proc/${p.pid}/cwd`) target = Buffer.from(p.cwd);
  else if (fdm !== null && (fdm[1] === undefined || Number(fdm[1]) === p.pid)) {
    const d = p.fds.get(Number(fdm[2]));
    if (d === undefined) return -E.NOENT;
    if (d instanceof HostFile) target = d.path !== null ? Buffer.from(d.path) : fs.readlinkSync(`/proc/self/fd/${d.hostFd}`, { encoding: 'buffer' });
    else target = Buffer.from(`pipe:[${pipeInodes.get((d as PipeEnd).pipe) ?? 0}]`);
  } else {
    const host = resolveAt(p, dirfd, path);
    if (typeof host === 'number') return host;
    target = fs.readlinkSync(host, { encoding: 'buffer' });
  }
  const n = Math.min(size, target.length);
  return p.mm.write(buf, target.subarray(0, n)) ? n : -E.FAULT;
}

function statfsBytes(s: fs.StatsFs): Uint8Array {
  return new Struct(96)
    .u32(0, s.type).u32(4, s.bsize).u32(8, s.bsize).u64(16, s.blocks).u64(24, s.bfree)
    .u64(32, s.files).u64(40, s.ffree).u64(48, s.bavail).u32(64, 255).bytes;
}

export const STAT_SYSCALLS: HandlerTable = {
  4106: (k, p) => withStat(statAt(k, p, AT.FDCWD, p.arg(0), 0), oldStatBytes, p, p.arg(1)),
  4107: (k, p) => withStat(statAt(k, p, AT.FDCWD, p.arg(0), AT.SYMLINK_NOFOLLOW), oldStatBytes, p, p.arg(1)),
  4108: (k, p) => withStat(fstatOf(k, p), oldStatBytes, p, p.arg(1)),
  4213: (k, p) => withStat(statAt(k, p, AT.FDCWD, p.arg(0), 0), stat64Bytes, p, p.arg(1)),
  4214: (k, p) => withStat(statAt(k, p, AT.FDCWD, p.arg(0), AT.SYMLINK_NOFOLLOW), stat64Bytes, p, p.arg(1)),
  4215: (k, p) => withStat(fstatOf(k, p), stat64Bytes, p, p.arg(1)),
  4293: (k, p) => withStat(statAt(k, p, p.sarg(0), p.arg(1), p.arg(3)), stat64Bytes, p, p.arg(2)),
  4366: (k, p) => withStat(statAt(k, p, p.sarg(0), p.arg(1), p.arg(2)), statxBytes, p, p.arg(4)),
  4141: (_k, p) => getdents(p, false),
  4219: (_k, p) => getdents(p, true),
  4085: (_k, p) => readlinkAt(p, AT.FDCWD, p.arg(0), p.arg(1), p.arg(2)),
  4298: (_k, p) => readlinkAt(p, p.sarg(0), p.arg(1), p.arg(2), p.arg(3)),
  4255: (_k, p) => {
    const path = readPath(p, p.arg(0));
    if (typeof path === 'number') return path;
    const host = resolveAt(p, AT.FDCWD, path);
    return typeof host === 'number' ? host : put(p, p.arg(2), statfsBytes(fs.statfsSync(host)));
  },
  4256: (_k, p) => {
    const d = p.fds.get(p.arg(0));
    if (d === undefined) return -E.BADF;
    const path = d instanceof HostFile && d.path !== null ? d.path : '/';
    return put(p, p.arg(2), statfsBytes(fs.statfsSync(path)));
  },
};
