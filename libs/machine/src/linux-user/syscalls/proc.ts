// Process lifecycle syscalls: exit/exit_group, clone/fork (fork semantics; vfork waits for the
// child's exec or exit; CLONE_VM threads are not supported), execve, wait4/waitpid/waitid,
// and the process-group calls.

import { CP0 } from '../../cp0/regs.js';
import { writeCp0 } from '../../cp0/cp0.js';
import { CLONE, E, P, SI, SIG, W, WNOHANG } from '../abi.js';
import { WOULD_BLOCK } from '../files.js';
import { execProgram } from '../exec.js';
import type { Kernel } from '../kernel.js';
import { pathArg, readPath } from '../paths.js';
import { type Process, ProcState } from '../process.js';
import { type HandlerTable, NO_RESULT, Struct } from './common.js';

function exit(k: Kernel, p: Process): number {
  k.exitProcess(p, (p.arg(0) & 0xff) << 8);
  return NO_RESULT;
}

/** Where the parent resumes after its syscall (the child starts there too). */
function nextPc(p: Process): number {
  const x = p.cpu.exception;
  return x.inDelaySlot ? p.cpu.npc : (x.pc + 4) | 0;
}

function clone(k: Kernel, p: Process, flags: number, newsp: number, ptid: number, tls: number, ctid: number): number {
  const pending = p.blockState as { vforkChild?: Process } | undefined;
  if (pending?.vforkChild !== undefined) return pending.vforkChild.vforkDone ? pending.vforkChild.pid : WOULD_BLOCK;
  if ((flags & CLONE.THREAD) !== 0 || ((flags & CLONE.VM) !== 0 && (flags & CLONE.VFORK) === 0)) return -E.NOSYS;
  const c = k.newProcess(p);
  const src = p.cpu;
  const dst = c.cpu;
  dst.gpr.set(src.gpr);
  dst.hi = src.hi;
  dst.lo = src.lo;
  dst.fpu.w.set(src.fpu.w);
  dst.fpu.fcsr = src.fpu.fcsr;
  writeCp0(dst, CP0.Status, src.cp0[CP0.Status]);
  writeCp0(dst, CP0.UserLocal, (flags & CLONE.SETTLS) !== 0 ? tls : src.cp0[CP0.UserLocal]);
  p.mm.forkInto(c.mm);
  c.exitSignal = flags & CLONE.CSIGNAL;
  dst.gpr[2] = 0;
  dst.gpr[7] = 0;
  if (newsp !== 0) dst.gpr[29] = newsp;
  dst.setPc(nextPc(p));
  if ((flags & CLONE.CHILD_SETTID) !== 0) c.mm.writeU32(ctid, c.pid);
  if ((flags & CLONE.CHILD_CLEARTID) !== 0) c.clearChildTid = ctid;
  if ((flags & CLONE.PARENT_SETTID) !== 0) p.mm.writeU32(ptid, c.pid);
  if ((flags & CLONE.VFORK) !== 0) {
    c.vforkDone = false;
    p.blockState = { vforkChild: c };
    return WOULD_BLOCK;
  }
  return c.pid;
}

function execve(k: Kernel, p: Process): number {
  const name = readPath(p, p.arg(0));
  if (typeof name === 'number') return name;
  const host = pathArg(p, -100, p.arg(0));
  if (typeof host === 'number') return host;
  const argv = p.mm.readStringArray(p.arg(1));
  const envp = p.mm.readStringArray(p.arg(2));
  if (argv === null || envp === null) return -E.FAULT;
  if (argv === 'too-big' || envp === 'too-big') return -E.TOOBIG;
  const r = execProgram(k, p, host, argv, envp, Buffer.from(name));
  return r !== 0 ? -r : NO_RESULT;
}

function matches(p: Process, c: Process, pid: number): boolean {
  if (pid > 0) return c.pid === pid;
  if (pid === -1) return true;
  if (pid === 0) return c.pgid === p.pgid;
  return c.pgid === -pid;
}

const CPU_HZ = 200_000_000;

/** rusage (72 bytes) from a cycle count. */
export function rusageBytes(cycles: number): Uint8Array {
  const us = Math.floor((cycles / CPU_HZ) * 1e6);
  return new Struct(72).u32(0, Math.floor(us / 1e6)).u32(4, us % 1e6).bytes;
}

function wait4(k: Kernel, p: Process, pid: number, statusVa: number, options: number, rusageVa: number): number {
  let any = false;
  for (const c of p.children) {
    if (!matches(p, c, pid)) continue;
    any = true;
    if (c.state !== ProcState.Zombie) continue;
    if (statusVa !== 0 && !p.mm.writeU32(statusVa, c.waitStatus)) return -E.FAULT;
    if (rusageVa !== 0 && !p.mm.write(rusageVa, rusageBytes(c.exitCycles))) return -E.FAULT;
    k.reap(c);
    return c.pid;
  }
  if (!any) return -E.CHILD;
  return (options & WNOHANG) !== 0 ? 0 : WOULD_BLOCK;
}

/** waitid(idtype, id, infop, options, rusage): P_ALL, P_PID or P_PGID; WEXITED required, WNOWAIT. */
function waitid(k: Kernel, p: Process): number {
  const idtype = p.arg(0);
  const id = p.sarg(1);
  const infop = p.arg(2);
  const options = p.arg(3);
  const pid = idtype === P.ALL ? -1 : idtype === P.PID ? id : idtype === P.PGID ? -id : NaN;
  if (Number.isNaN(pid)) return -E.INVAL;
  if ((options & W.EXITED) === 0) return -E.INVAL;
  let any = false;
  for (const c of p.children) {
    if (!(idtype === P.PGID && id === 0 ? c.pgid === p.pgid : matches(p, c, pid))) continue;
    any = true;
    if (c.state !== ProcState.Zombie) continue;
    const exited = (c.waitStatus & 0x7f) === 0;
    const info = new Struct(128)
      .u32(0, SIG.CHLD)
      .u32(4, exited ? SI.CLD_EXITED : SI.CLD_KILLED)
      .u32(12, c.pid)
      .u32(16, k.uid)
      .u32(20, exited ? (c.waitStatus >>> 8) & 0xff : c.waitStatus & 0x7f);
    if (infop !== 0 && !p.mm.write(infop, info.bytes)) return -E.FAULT;
    if ((options & W.NOWAIT) === 0) k.reap(c);
    return 0;
  }
  if (!any) return -E.CHILD;
  if ((options & WNOHANG) !== 0) {
    if (infop !== 0) p.mm.write(infop, new Uint8Array(128));
    return 0;
  }
  return WOULD_BLOCK;
}

function setpgid(k: Kernel, p: Process): number {
  const pid = p.sarg(0);
  const pgid = p.sarg(1);
  if (pgid < 0) return -E.INVAL;
  const t = pid === 0 || pid === p.pid ? p : k.procs.get(pid);
  if (t === undefined || (t !== p && t.ppid !== p.pid)) return -E.SRCH;
  t.pgid = pgid === 0 ? t.pid : pgid;
  return 0;
}

function lookup(k: Kernel, p: Process, pid: number): Process | undefined {
  return pid === 0 ? p : k.procs.get(pid);
}

export const PROC_SYSCALLS: HandlerTable = {
  4001: exit,
  4246: exit,
  4002: (k, p) => clone(k, p, 18, 0, 0, 0, 0),
  4120: (k, p) => clone(k, p, p.arg(0), p.arg(1), p.arg(2), p.arg(3), p.arg(4)),
  4011: execve,
  4114: (k, p) => wait4(k, p, p.sarg(0), p.arg(1), p.arg(2), p.arg(3)),
  4007: (k, p) => wait4(k, p, p.sarg(0), p.arg(1), p.arg(2), 0),
  4278: waitid,
  4057: setpgid,
  4132: (k, p) => lookup(k, p, p.sarg(0))?.pgid ?? -E.SRCH,
  4065: (_k, p) => p.pgid,
  4066: (_k, p) => {
    if (p.pgid === p.pid) return -E.PERM;
    p.sid = p.pgid = p.pid;
    return p.pid;
  },
  4151: (k, p) => lookup(k, p, p.sarg(0))?.sid ?? -E.SRCH,
};
