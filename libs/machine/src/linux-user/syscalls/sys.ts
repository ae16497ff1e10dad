// Identity and system-information syscalls: pids and ids, TLS (set_thread_area) and tid
// bookkeeping, rlimits, uname, sysinfo, getrusage, prctl, scheduling, futex (single-threaded).

import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { CP0, STATUS } from '../../cp0/regs.js';
import { writeCp0 } from '../../cp0/cp0.js';
import { E } from '../abi.js';
import { MAX_FDS } from '../files.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../process.js';
import { type HandlerTable, readStruct, Struct } from './common.js';
import { rusageBytes } from './proc.js';

const LIMIT_NAMES: Record<string, number> = {
  'Max cpu time': 0, 'Max file size': 1, 'Max data size': 2, 'Max stack size': 3, 'Max core file size': 4,
  'Max resident set': 7, 'Max processes': 8, 'Max open files': 5, 'Max locked memory': 9,
  'Max address space': 6, 'Max file locks': 10, 'Max pending signals': 11, 'Max msgqueue size': 12,
  'Max nice priority': 13, 'Max realtime priority': 14, 'Max realtime timeout': 15,
};

let hostLimitCache: Map<number, [number, number]> | null = null;

/** The host's rlimits (as qemu-user reports them), from /proc/self/limits. */
function hostLimits(): Map<number, [number, number]> {
  if (hostLimitCache !== null) return hostLimitCache;
  const m = new Map<number, [number, number]>();
  try {
    for (const line of readFileSync('/proc/self/limits', 'utf8').split('\n')) {
      const r = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
      const res = r === null ? undefined : LIMIT_NAMES[r[1]];
      if (r === null || res === undefined) continue;
      const v = (x: string): number => (x === 'unlimited' ? Infinity : Number(x));
      m.set(res, [v(r[2]), v(r[3])]);
    }
  } catch {
    /* defaults below */
  }
  hostLimitCache = m;
  return m;
}

/** Soft/hard limits (Infinity = unlimited): the guest's own settings, else the host's. */
function limitOf(p: Process, res: number): [number, number] {
  const set = p.rlimits.get(res);
  if (set !== undefined) return set;
  const [cur, max] = hostLimits().get(res) ?? (res === 3 ? [8 * 1024 * 1024, Infinity] : res === 4 ? [0, Infinity] : [Infinity, Infinity]);
  if (res === 5) return [Math.min(cur, MAX_FDS), Math.min(max, MAX_FDS)];
  return [cur, max];
}

function getrlimit(p: Process): number {
  const res = p.arg(0);
  if (res > 15) return -E.INVAL;
  const [cur, max] = limitOf(p, res);
  const c = (v: number): number => (v === Infinity || v > 0x7fffffff ? 0x7fffffff : v);
  return p.mm.write(p.arg(1), new Struct(8).u32(0, c(cur)).u32(4, c(max)).bytes) ? 0 : -E.FAULT;
}

function setrlimit(p: Process): number {
  const res = p.arg(0);
  if (res > 15) return -E.INVAL;
  const dv = readStruct(p, p.arg(1), 8);
  if (dv === null) return -E.FAULT;
  const v = (x: number): number => (x === 0x7fffffff || x === 0xffffffff ? Infinity : x);
  p.rlimits.set(res, [v(dv.getUint32(0, true)), v(dv.getUint32(4, true))]);
  return 0;
}

function prlimit64(k: Kernel, p: Process): number {
  const pid = p.sarg(0);
  const t = pid === 0 ? p : k.procs.get(pid);
  if (t === undefined) return -E.SRCH;
  const res = p.arg(1);
  if (res > 15) return -E.INVAL;
  const newVa = p.arg(2);
  const oldVa = p.arg(3);
  const [cur, max] = limitOf(t, res);
  if (oldVa !== 0) {
    const c = (x: number): bigint => (x === Infinity ? 0xffffffffffffffffn : BigInt(x));
    if (!p.mm.write(oldVa, new Struct(16).u64(0, c(cur)).u64(8, c(max)).bytes)) return -E.FAULT;
  }
  if (newVa !== 0) {
    const dv = readStruct(p, newVa, 16);
    if (dv === null) return -E.FAULT;
    const v = (x: bigint): number => (x >= 0x7fffffffffffffffn ? Infinity : Number(x));
    t.rlimits.set(res, [v(dv.getBigUint64(0, true)), v(dv.getBigUint64(8, true))]);
  }
  return 0;
}

function uname(p: Process): number {
  const s = new Struct(390).str(0, 'Linux', 65).str(65, os.hostname(), 65).str(130, os.release(), 65);
  s.str(195, typeof os.version === 'function' ? os.version() : '#1', 65).str(260, 'mips', 65).str(325, '(none)', 65);
  return p.mm.write(p.arg(0), s.bytes) ? 0 : -E.FAULT;
}

function sysinfo(k: Kernel, p: Process): number {
  const load = os.loadavg().map((l) => Math.floor(l * 65536));
  const s = new Struct(64)
    .u32(0, Math.floor(os.uptime()))
    .u32(4, load[0]).u32(8, load[1]).u32(12, load[2])
    .u32(16, k.mem.size).u32(20, (k.frames.total - k.frames.inUse) * 4096)
    .u16(40, k.procs.size).u32(52, 1);
  return p.mm.write(p.arg(0), s.bytes) ? 0 : -E.FAULT;
}

function prctl(p: Process): number {
  const opt = p.arg(0);
  switch (opt) {
    case 15: {
      // PR_SET_NAME
      const b = p.mm.readCString(p.arg(1), 4096);
      if (b === null) return -E.FAULT;
      p.comm = b.subarray(0, 15).toString('utf8');
      return 0;
    }
    case 16: {
      // PR_GET_NAME
      const out = new Uint8Array(16);
      out.set(Buffer.from(p.comm).subarray(0, 15));
      return p.mm.write(p.arg(1), out) ? 0 : -E.FAULT;
    }
    case 45: {
      // PR_SET_FP_MODE: bit 0 = FR
      if ((p.arg(1) & ~3) !== 0) return -E.INVAL;
      const st = p.cpu.cp0[CP0.Status];
      writeCp0(p.cpu, CP0.Status, (p.arg(1) & 1) !== 0 ? st | STATUS.FR : st & ~STATUS.FR);
      return 0;
    }
    case 46: // PR_GET_FP_MODE
      return p.cpu.fpu.fr ? 1 : 0;
    case 1: // PR_SET_PDEATHSIG
    case 4: // PR_SET_DUMPABLE
    case 38: // PR_SET_NO_NEW_PRIVS
      return 0;
    case 3: // PR_GET_DUMPABLE
      return 1;
    default:
      return -E.INVAL;
  }
}

function futex(p: Process): number {
  const op = p.arg(1) & 0x7f;
  if (op === 1 || op === 10) return 0; // WAKE, WAKE_BITSET: nobody else shares our memory
  if (op === 0 || op === 9) {
    const v = p.mm.readU32(p.arg(0));
    if (v === null) return -E.FAULT;
    return v !== p.arg(2) ? -E.AGAIN : p.arg(3) !== 0 ? -E.TIMEDOUT : -E.AGAIN;
  }
  return -E.NOSYS;
}

/** The host's supplementary groups (getgroups(2) semantics: Node's list adds the egid). */
function hostGroups(): number[] {
  try {
    const line = /^Groups:(.*)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '';
    return line.trim() === '' ? [] : line.trim().split(/\s+/).map(Number);
  } catch {
    return [];
  }
}

function getgroups(p: Process): number {
  const groups = hostGroups();
  const size = p.sarg(0);
  if (size === 0) return groups.length;
  if (size < groups.length) return -E.INVAL;
  const s = new Struct(groups.length * 4);
  groups.forEach((g, i) => s.u32(i * 4, g));
  return p.mm.write(p.arg(1), s.bytes) ? groups.length : -E.FAULT;
}

function writeIds(p: Process, id: number): number {
  for (let i = 0; i < 3; i++) if (!p.mm.writeU32(p.arg(i), id)) return -E.FAULT;
  return 0;
}

const ok = (): number => 0;

export const SYS_SYSCALLS: HandlerTable = {
  4020: (_k, p) => p.pid,
  4064: (_k, p) => p.ppid,
  4222: (_k, p) => p.pid,
  4024: (k) => k.uid,
  4049: (k) => k.uid,
  4047: (k) => k.gid,
  4050: (k) => k.gid,
  4186: (k, p) => writeIds(p, k.uid),
  4191: (k, p) => writeIds(p, k.gid),
  4023: ok, // setuid
  4046: ok, // setgid
  4070: ok, // setreuid
  4071: ok, // setregid
  4185: ok, // setresuid
  4190: ok, // setresgid
  4080: (_k, p) => getgroups(p),
  4081: ok, // setgroups
  4252: (_k, p) => {
    p.clearChildTid = p.arg(0);
    return p.pid;
  },
  4283: (_k, p) => {
    writeCp0(p.cpu, CP0.UserLocal, p.arg(0));
    return 0;
  },
  4309: () => -E.NOSYS, // set_robust_list
  4367: () => -E.NOSYS, // rseq
  4076: (_k, p) => getrlimit(p),
  4075: (_k, p) => setrlimit(p),
  4338: prlimit64,
  4077: (_k, p) => {
    const who = p.sarg(0);
    const cycles = who === -1 ? p.childCycles : p.cpu.cycles;
    return p.mm.write(p.arg(1), rusageBytes(cycles)) ? 0 : -E.FAULT;
  },
  4122: (_k, p) => uname(p),
  4116: sysinfo,
  4192: (_k, p) => prctl(p),
  4136: () => 0, // personality: PER_LINUX
  4096: () => 20, // getpriority: nice 0
  4097: ok, // setpriority
  4162: (k) => {
    k.yieldNow = true;
    return 0;
  },
  4239: ok, // sched_setaffinity
  4240: (_k, p) => {
    if (p.arg(1) < 4) return -E.INVAL;
    return p.mm.write(p.arg(2), new Struct(4).u32(0, 1).bytes) ? 4 : -E.FAULT;
  },
  4312: (_k, p) => {
    if (p.arg(0) !== 0 && !p.mm.writeU32(p.arg(0), 0)) return -E.FAULT;
    if (p.arg(1) !== 0 && !p.mm.writeU32(p.arg(1), 0)) return -E.FAULT;
    return 0;
  },
  4238: (_k, p) => futex(p),
  4422: (_k, p) => futex(p),
  4204: (_k, p) => (p.arg(1) !== 0 && !p.mm.write(p.arg(1), new Uint8Array(24)) ? -E.FAULT : 0), // capget
  4205: ok, // capset
};
