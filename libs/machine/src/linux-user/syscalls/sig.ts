// Signal syscalls: rt_sigaction/sigaction, rt_sigprocmask/sigprocmask, sigreturn/rt_sigreturn,
// rt_sigsuspend/sigsuspend/pause, rt_sigpending, rt_sigtimedwait, sigaltstack, kill/tkill/tgkill.

import { E, NSIG, SIG, SIG_BLOCK, SIG_SETMASK, SIG_UNBLOCK, SS } from '../abi.js';
import { WOULD_BLOCK } from '../files.js';
import type { Kernel } from '../kernel.js';
import { type Process, sigIsMember } from '../process.js';
import { isIgnored, sanitizeMask, sigreturn } from '../signals.js';
import { type HandlerTable, NO_RESULT, readStruct, Struct } from './common.js';

function sigaction(p: Process, words: number): number {
  const sig = p.sarg(0);
  const actVa = p.arg(1);
  const oldVa = p.arg(2);
  if (words === 4 && p.arg(3) !== 16) return -E.INVAL;
  if (sig < 1 || sig > NSIG) return -E.INVAL;
  const a = p.sig.actions[sig];
  let next: DataView | null = null;
  if (actVa !== 0) {
    if (sig === SIG.KILL || sig === SIG.STOP) return -E.INVAL;
    next = readStruct(p, actVa, 8 + 4 * words);
    if (next === null) return -E.FAULT;
  }
  if (oldVa !== 0) {
    const s = new Struct(8 + 4 * words).u32(0, a.flags).u32(4, a.handler);
    for (let i = 0; i < words; i++) s.u32(8 + 4 * i, a.mask[i]);
    if (!p.mm.write(oldVa, s.bytes)) return -E.FAULT;
  }
  if (next !== null) {
    a.flags = next.getUint32(0, true);
    a.handler = next.getUint32(4, true);
    a.mask.fill(0);
    for (let i = 0; i < words; i++) a.mask[i] = next.getUint32(8 + 4 * i, true);
    sanitizeMask(a.mask);
    if (isIgnored(p, sig)) p.sig.pending = p.sig.pending.filter((s) => s.signo !== sig);
  }
  return 0;
}

function sigprocmask(p: Process, words: number): number {
  const how = p.arg(0);
  const setVa = p.arg(1);
  const oldVa = p.arg(2);
  if (words === 4 && p.arg(3) !== 16) return -E.INVAL;
  const b = p.sig.blocked;
  let set: DataView | null = null;
  if (setVa !== 0) {
    if (how < SIG_BLOCK || how > SIG_SETMASK) return -E.INVAL;
    set = readStruct(p, setVa, 4 * words);
    if (set === null) return -E.FAULT;
  }
  if (oldVa !== 0) {
    const s = new Struct(4 * words);
    for (let i = 0; i < words; i++) s.u32(4 * i, b[i]);
    if (!p.mm.write(oldVa, s.bytes)) return -E.FAULT;
  }
  if (set !== null) {
    for (let i = 0; i < words; i++) {
      const w = set.getUint32(4 * i, true);
      if (how === SIG_BLOCK) b[i] |= w;
      else if (how === SIG_UNBLOCK) b[i] &= ~w;
      else b[i] = w;
    }
    sanitizeMask(b);
  }
  return 0;
}

function suspend(p: Process, maskVa: number, words: number): number {
  if (p.blockState === undefined) {
    const dv = readStruct(p, maskVa, 4 * words);
    if (dv === null) return -E.FAULT;
    p.sig.suspendMask = p.sig.blocked.slice();
    for (let i = 0; i < words; i++) p.sig.blocked[i] = dv.getUint32(4 * i, true);
    sanitizeMask(p.sig.blocked);
    p.blockState = true;
  }
  return WOULD_BLOCK;
}

function sigtimedwait(p: Process, wide: boolean): number {
  if (p.arg(3) !== 16) return -E.INVAL;
  const setDv = readStruct(p, p.arg(0), 16);
  if (setDv === null) return -E.FAULT;
  const set = new Uint32Array(4).map((_, i) => setDv.getUint32(4 * i, true));
  const i = p.sig.pending.findIndex((s) => sigIsMember(set, s.signo));
  if (i >= 0) {
    const info = p.sig.pending.splice(i, 1)[0];
    if (p.arg(1) !== 0) {
      const s = new Struct(128).u32(0, info.signo).u32(4, info.code);
      info.w.forEach((v, j) => s.u32(12 + 4 * j, v));
      if (!p.mm.write(p.arg(1), s.bytes)) return -E.FAULT;
    }
    return info.signo;
  }
  let st = p.blockState as { until: number } | undefined;
  if (st === undefined) {
    let until = Infinity;
    if (p.arg(2) !== 0) {
      const dv = readStruct(p, p.arg(2), wide ? 16 : 8);
      if (dv === null) return -E.FAULT;
      const ms = wide ? Number(dv.getBigInt64(0, true)) * 1000 + Number(dv.getBigInt64(8, true)) / 1e6 : dv.getInt32(0, true) * 1000 + dv.getInt32(4, true) / 1e6;
      until = Date.now() + ms;
    }
    st = { until };
    p.blockState = st;
  }
  if (Date.now() >= st.until) return -E.AGAIN;
  p.wakeAt = st.until;
  return WOULD_BLOCK;
}

function sigaltstack(p: Process): number {
  const s = p.sig;
  const ssVa = p.arg(0);
  const oldVa = p.arg(1);
  const sp = p.cpu.gpr[29] >>> 0;
  const onStack = !s.altDisabled && sp > s.altSp && sp <= s.altSp + s.altSize;
  if (oldVa !== 0) {
    const b = new Struct(12).u32(0, s.altSp).u32(4, s.altSize).u32(8, s.altDisabled ? SS.DISABLE : onStack ? SS.ONSTACK : 0).bytes;
    if (!p.mm.write(oldVa, b)) return -E.FAULT;
  }
  if (ssVa !== 0) {
    const dv = readStruct(p, ssVa, 12);
    if (dv === null) return -E.FAULT;
    if (onStack) return -E.PERM;
    const flags = dv.getUint32(8, true);
    if ((flags & ~(SS.DISABLE | SS.AUTODISARM)) !== 0) return -E.INVAL;
    if ((flags & SS.DISABLE) !== 0) {
      s.altDisabled = true;
      s.altSp = s.altSize = 0;
    } else {
      if (dv.getUint32(4, true) < 2048) return -E.NOMEM;
      s.altDisabled = false;
      s.altSp = dv.getUint32(0, true);
      s.altSize = dv.getUint32(4, true);
    }
  }
  return 0;
}

function kill(k: Kernel, p: Process, pid: number, sig: number): number {
  if (sig < 0 || sig > NSIG) return -E.INVAL;
  let targets: Process[];
  if (pid > 0) {
    const t = k.procs.get(pid);
    targets = t !== undefined ? [t] : [];
  } else if (pid === -1) targets = [...k.procs.values()].filter((t) => t !== p && t !== k.init);
  else {
    const g = pid === 0 ? p.pgid : -pid;
    targets = [...k.procs.values()].filter((t) => t.pgid === g);
  }
  if (targets.length === 0) return -E.SRCH;
  for (const t of targets) k.sendSignal(t, sig, p);
  return 0;
}

function pending(p: Process, words: number): number {
  const s = new Struct(4 * words);
  const set = new Uint32Array(4);
  for (const x of p.sig.pending) set[(x.signo - 1) >>> 5] |= 1 << ((x.signo - 1) & 31);
  for (let i = 0; i < words; i++) s.u32(4 * i, set[i]);
  return p.mm.write(p.arg(0), s.bytes) ? 0 : -E.FAULT;
}

export const SIG_SYSCALLS: HandlerTable = {
  4194: (_k, p) => sigaction(p, 4),
  4067: (_k, p) => sigaction(p, 1),
  4195: (_k, p) => sigprocmask(p, 4),
  4126: (_k, p) => sigprocmask(p, 1),
  4119: (k, p) => {
    if (!sigreturn(p, false)) k.killProcess(p, SIG.SEGV);
    return NO_RESULT;
  },
  4193: (k, p) => {
    if (!sigreturn(p, true)) k.killProcess(p, SIG.SEGV);
    return NO_RESULT;
  },
  4199: (_k, p) => (p.arg(1) !== 16 ? -E.INVAL : suspend(p, p.arg(0), 4)),
  4072: (_k, p) => suspend(p, p.arg(0), 4),
  4029: () => WOULD_BLOCK,
  4196: (_k, p) => (p.arg(1) !== 16 ? -E.INVAL : pending(p, 4)),
  4073: (_k, p) => pending(p, 1),
  4197: (_k, p) => sigtimedwait(p, false),
  4421: (_k, p) => sigtimedwait(p, true),
  4206: (_k, p) => sigaltstack(p),
  4037: (k, p) => kill(k, p, p.sarg(0), p.sarg(1)),
  4236: (k, p) => kill(k, p, p.sarg(0) > 0 ? p.sarg(0) : -0x7fffffff, p.sarg(1)),
  4266: (k, p) => kill(k, p, p.sarg(1) > 0 ? p.sarg(1) : -0x7fffffff, p.sarg(2)),
};
