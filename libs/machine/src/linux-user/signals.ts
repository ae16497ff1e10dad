// Signal queueing and the o32 signal frames (reference §4.7): the non-RT `struct sigframe`
// (handler without SA_SIGINFO, returns through sigreturn 4119) and `struct rt_sigframe`
// (SA_SIGINFO, rt_sigreturn 4193), with the trampoline page the runner maps in every process.

import type { Cpu } from '../cpu/cpu.js';
import { IGNORED_BY_DEFAULT, NSIG, SA, SIG, SIG_DFL, SIG_IGN } from './abi.js';
import { type Process, type SigAction, type SigInfo, sigAdd, sigIsMember } from './process.js';

/** The trampoline page: `li v0,4119; syscall` at +0 and `li v0,4193; syscall` at +8. */
export const TRAMPOLINE_VA = 0x7fff7000;
export const TRAMPOLINE_CODE = [0x24021017, 0x0000000c, 0x24021061, 0x0000000c];

const SIGFRAME_SIZE = 632;
const RT_SIGFRAME_SIZE = 784;
const SC_SIZE = 592;
const SC_PC = 8;
const SC_REGS = 16;
const SC_FPREGS = 272;
const SC_FPC_CSR = 532;
const SC_USED_MATH = 540;
const SC_MDHI = 552;
const SC_MDLO = 560;
const USED_FP = 1;

/** The signal's action is to do nothing (SIG_IGN, or SIG_DFL with an ignoring default). */
export function isIgnored(p: Process, sig: number): boolean {
  const h = p.sig.actions[sig].handler;
  return h === SIG_IGN || (h === SIG_DFL && IGNORED_BY_DEFAULT.has(sig));
}

/** Make `info.signo` pending on `p` (dropped when ignored and unblocked; standard signals coalesce). */
export function queueSignal(p: Process, info: SigInfo): void {
  const sig = info.signo;
  if (sig <= 0 || sig > NSIG) return;
  if (sig !== SIG.KILL && isIgnored(p, sig) && !sigIsMember(p.sig.blocked, sig)) return;
  if (sig < 32 && p.sig.pending.some((s) => s.signo === sig)) return;
  p.sig.pending.push(info);
}

function blockedNow(p: Process, sig: number): boolean {
  if (sig === SIG.KILL || sig === SIG.STOP) return false;
  return sigIsMember(p.sig.blocked, sig);
}

/** Remove and return the lowest pending unblocked signal, or null. */
export function takeDeliverable(p: Process): SigInfo | null {
  const pend = p.sig.pending;
  if (pend.length === 0) return null;
  let best = -1;
  for (let i = 0; i < pend.length; i++) {
    const s = pend[i].signo;
    if (!blockedNow(p, s) && (best === -1 || s < pend[best].signo)) best = i;
  }
  if (best === -1) return null;
  return pend.splice(best, 1)[0];
}

/** True when some pending signal would be acted on now (not blocked, not ignored). */
export function hasActionable(p: Process): boolean {
  for (const s of p.sig.pending) if (!blockedNow(p, s.signo) && !isIgnored(p, s.signo)) return true;
  return false;
}

function putReg(dv: DataView, off: number, v: number): void {
  dv.setUint32(off, v >>> 0, true);
  dv.setUint32(off + 4, 0, true);
}

function saveContext(dv: DataView, sc: number, cpu: Cpu, pc: number): void {
  putReg(dv, sc + SC_PC, pc);
  for (let i = 1; i < 32; i++) putReg(dv, sc + SC_REGS + 8 * i, cpu.gpr[i]);
  const w = cpu.fpu.w;
  const fr = cpu.fpu.fr;
  for (let i = 0; i < 32; i++) {
    if (!fr && (i & 1) !== 0) continue;
    const lo = fr ? w[2 * i] : w[i];
    const hi = fr ? w[2 * i + 1] : w[i + 1];
    dv.setUint32(sc + SC_FPREGS + 8 * i, lo >>> 0, true);
    dv.setUint32(sc + SC_FPREGS + 8 * i + 4, hi >>> 0, true);
  }
  dv.setUint32(sc + SC_FPC_CSR, cpu.fpu.fcsr >>> 0, true);
  dv.setUint32(sc + SC_USED_MATH, USED_FP, true);
  putReg(dv, sc + SC_MDHI, cpu.hi);
  putReg(dv, sc + SC_MDLO, cpu.lo);
}

function restoreContext(dv: DataView, cpu: Cpu): void {
  for (let i = 1; i < 32; i++) cpu.gpr[i] = dv.getInt32(SC_REGS + 8 * i, true);
  cpu.hi = dv.getInt32(SC_MDHI, true);
  cpu.lo = dv.getInt32(SC_MDLO, true);
  if ((dv.getUint32(SC_USED_MATH, true) & USED_FP) !== 0) {
    const w = cpu.fpu.w;
    const fr = cpu.fpu.fr;
    for (let i = 0; i < 32; i++) {
      if (!fr && (i & 1) !== 0) continue;
      const lo = dv.getInt32(SC_FPREGS + 8 * i, true);
      const hi = dv.getInt32(SC_FPREGS + 8 * i + 4, true);
      if (fr) {
        w[2 * i] = lo;
        w[2 * i + 1] = hi;
      } else {
        w[i] = lo;
        w[i + 1] = hi;
      }
    }
    cpu.fpu.writeControl(31, dv.getInt32(SC_FPC_CSR, true));
  }
  cpu.setPc(dv.getInt32(SC_PC, true));
}

function writeMask(dv: DataView, off: number, mask: Uint32Array): void {
  for (let i = 0; i < 4; i++) dv.setUint32(off + 4 * i, mask[i], true);
}

/**
 * Build the frame for a handler and point the CPU at it. `pc` is where the interrupted context
 * resumes; `oldMask` the mask sigreturn restores. Returns false when the stack is unwritable.
 */
export function setupFrame(p: Process, info: SigInfo, act: SigAction, pc: number, oldMask: Uint32Array): boolean {
  const cpu = p.cpu;
  const rt = (act.flags & SA.SIGINFO) !== 0;
  let sp = cpu.gpr[29] >>> 0;
  const s = p.sig;
  const onAlt = !s.altDisabled && sp > s.altSp && sp <= s.altSp + s.altSize;
  if ((act.flags & SA.ONSTACK) !== 0 && !s.altDisabled && !onAlt) sp = (s.altSp + s.altSize) >>> 0;
  const size = rt ? RT_SIGFRAME_SIZE : SIGFRAME_SIZE;
  sp = ((sp - 32 - size) & ~7) >>> 0;
  const buf = new Uint8Array(size);
  const dv = new DataView(buf.buffer);
  if (rt) {
    dv.setInt32(24, info.signo, true);
    dv.setInt32(28, info.code, true);
    info.w.forEach((v, i) => dv.setUint32(36 + 4 * i, v >>> 0, true));
    // ucontext at 152: flags, link, stack {sp, size, flags}, mcontext at 176, sigmask at 768
    dv.setUint32(160, s.altSp >>> 0, true);
    dv.setUint32(164, s.altSize >>> 0, true);
    dv.setUint32(168, s.altDisabled ? 2 : onAlt ? 1 : 0, true);
    saveContext(dv, 176, cpu, pc);
    writeMask(dv, 768, oldMask);
  } else {
    saveContext(dv, 24, cpu, pc);
    writeMask(dv, 616, oldMask);
  }
  if (!p.mm.write(sp, buf)) return false;
  const g = cpu.gpr;
  g[4] = info.signo;
  g[5] = rt ? sp + 24 : 0;
  g[6] = rt ? sp + 152 : sp + 24;
  g[29] = sp;
  g[31] = rt ? TRAMPOLINE_VA + 8 : TRAMPOLINE_VA;
  g[25] = act.handler;
  cpu.setPc(act.handler);
  // The mask while the handler runs.
  const b = p.sig.blocked;
  b.set(oldMask);
  for (let i = 0; i < 4; i++) b[i] |= act.mask[i];
  if ((act.flags & SA.NODEFER) === 0) sigAdd(b, info.signo);
  sanitizeMask(b);
  if ((act.flags & SA.RESETHAND) >>> 0 !== 0) {
    act.handler = SIG_DFL;
    act.flags = 0;
  }
  return true;
}

/** SIGKILL and SIGSTOP can never be blocked. */
export function sanitizeMask(m: Uint32Array): void {
  m[0] &= ~((1 << (SIG.KILL - 1)) | (1 << (SIG.STOP - 1)));
}

/** sigreturn / rt_sigreturn: restore the context saved at the current sp. False on a bad frame. */
export function sigreturn(p: Process, rt: boolean): boolean {
  const cpu = p.cpu;
  const sp = cpu.gpr[29] >>> 0;
  const scAt = rt ? sp + 176 : sp + 24;
  const maskAt = rt ? sp + 768 : sp + 616;
  const sc = p.mm.read(scAt, SC_SIZE);
  const mask = p.mm.read(maskAt, 16);
  if (sc === null || mask === null) return false;
  const mdv = new DataView(mask.buffer);
  for (let i = 0; i < 4; i++) p.sig.blocked[i] = mdv.getUint32(4 * i, true);
  sanitizeMask(p.sig.blocked);
  restoreContext(new DataView(sc.buffer), cpu);
  return true;
}
