// CPU exceptions of a user process, as Linux handles them: syscalls, page faults (demand
// paging, copy-on-write, stack growth) and the synchronous signals of faulting instructions
// (SIGSEGV, SIGBUS, SIGILL, SIGFPE for break/teq codes 6 and 7, SIGTRAP otherwise).

import { EXC } from '../cp0/regs.js';
import { SI, SIG, SIG_DFL, SIG_IGN } from './abi.js';
import type { Kernel } from './kernel.js';
import { FAULT_OK, FAULT_OOM } from './memory.js';
import { type Process, type SigInfo, sigIsMember } from './process.js';
import { setupFrame } from './signals.js';

export function handleException(k: Kernel, p: Process): void {
  const cpu = p.cpu;
  const x = cpu.exception;
  cpu.llBit = false;
  switch (x.code) {
    case EXC.Sys:
      k.syscall(p);
      return;
    case EXC.TLBL:
    case EXC.TLBS:
    case EXC.Mod: {
      const r = p.mm.fault(x.badVAddr >>> 0, x.code !== EXC.TLBL);
      if (r === FAULT_OK) return;
      if (r === FAULT_OOM) {
        k.warn(`disco: out of guest memory (pid ${p.pid})\n`);
        k.killProcess(p, SIG.KILL);
        return;
      }
      forceSignal(k, p, SIG.SEGV, r, x.badVAddr);
      return;
    }
    case EXC.AdEL:
    case EXC.AdES:
      if (x.badVAddr >>> 0 >= 0x80000000) forceSignal(k, p, SIG.SEGV, SI.SEGV_MAPERR, x.badVAddr);
      else forceSignal(k, p, SIG.BUS, SI.BUS_ADRALN, x.badVAddr);
      return;
    case EXC.IBE:
    case EXC.DBE:
      forceSignal(k, p, SIG.BUS, SI.BUS_ADRERR, x.badVAddr);
      return;
    case EXC.Bp:
    case EXC.Tr: {
      const instr = p.mm.readU32(x.pc) ?? 0;
      let code: number;
      if (x.code === EXC.Bp) {
        code = (instr >>> 6) & 0xfffff;
        if (code >= 1024) code = ((code & 0x3ff) << 10) | (code >>> 10);
      } else code = (instr >>> 26) === 0 ? (instr >>> 6) & 0x3ff : 0;
      if (code === 7) forceSignal(k, p, SIG.FPE, SI.FPE_INTDIV, x.pc);
      else if (code === 6) forceSignal(k, p, SIG.FPE, SI.FPE_INTOVF, x.pc);
      else forceSignal(k, p, SIG.TRAP, SI.TRAP_BRKPT, x.pc);
      return;
    }
    case EXC.Ov:
      forceSignal(k, p, SIG.FPE, SI.FPE_INTOVF, x.pc);
      return;
    case EXC.FPE: {
      const fcsr = cpu.fpu.fcsr;
      const cause = (fcsr >>> 12) & 0x3f;
      const code =
        cause & 0x10 ? SI.FPE_FLTINV : cause & 0x08 ? SI.FPE_FLTDIV : cause & 0x04 ? SI.FPE_FLTOVF : cause & 0x02 ? SI.FPE_FLTUND : SI.FPE_FLTRES;
      cpu.fpu.fcsr = fcsr & ~(0x3f << 12);
      forceSignal(k, p, SIG.FPE, code, x.pc);
      return;
    }
    case EXC.RI:
      forceSignal(k, p, SIG.ILL, SI.ILL_ILLOPC, x.pc);
      return;
    case EXC.CpU:
      forceSignal(k, p, SIG.ILL, SI.ILL_COPROC, x.pc);
      return;
    default:
      forceSignal(k, p, SIG.ILL, SI.ILL_ILLOPC, x.pc);
  }
}

/** A synchronous signal from the faulting instruction: blocked or ignored means death. */
function forceSignal(k: Kernel, p: Process, signo: number, code: number, addr: number): void {
  const cpu = p.cpu;
  const x = cpu.exception;
  cpu.setPc(x.inDelaySlot ? x.pc - 4 : x.pc);
  const act = p.sig.actions[signo];
  if (act.handler === SIG_DFL || act.handler === SIG_IGN || sigIsMember(p.sig.blocked, signo)) {
    k.killProcess(p, signo);
    return;
  }
  const info: SigInfo = { signo, code, w: [addr >>> 0] };
  const oldMask = p.sig.blocked.slice();
  if (!setupFrame(p, info, act, cpu.pc, oldMask)) k.killProcess(p, SIG.SEGV);
}
