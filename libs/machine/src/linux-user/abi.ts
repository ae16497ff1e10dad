// What the user-mode runner needs of the Linux MIPS o32 ABI: the constant tables (from
// linux-abi.ts, the one source that also generates the guest's C headers), the host-errno
// mapping, signal texts and default actions (../shared/reference/linux-o32-abi.md).

import { defineName } from '../board/memory-map-render.js';
import { E, ERRNO_TABLE, SIG, SIG_HANDLER, SIG_HOW, SIGNALS, W } from './linux-abi.js';

export {
  ACCESS, AT, AUXV, CFLAG, CLOCK, CLONE, DT, E, F, F_LOCK, IFLAG, IOCTL, LFLAG, MAP, MODE, O, OFLAG,
  P, POLL, PROT, SA, SEEK, SI, SIG, SS, STATX, TERMIOS, TIMER, VCC, W,
} from './linux-abi.js';

export const NSIG = SIGNALS.NSIG;
export const SIG_DFL = SIG_HANDLER.DFL;
export const SIG_IGN = SIG_HANDLER.IGN;
export const SIG_BLOCK = SIG_HOW.BLOCK;
export const SIG_UNBLOCK = SIG_HOW.UNBLOCK;
export const SIG_SETMASK = SIG_HOW.SETMASK;
export const WNOHANG = W.NOHANG;

/** Host (Node) error codes to MIPS errno: Node names them as C does (E2BIG), plus two aliases. */
const HOST_ERRNO: Record<string, number> = { EWOULDBLOCK: E.AGAIN, ENOTSUP: E.OPNOTSUPP };
for (const [key, value] of Object.entries(E)) HOST_ERRNO[defineName(ERRNO_TABLE, key)] = value;

/** MIPS errno for a host exception (a Node SystemError); EIO when it carries no known code. */
export function hostErrno(e: unknown): number {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return E.IO;
  // Node's own argument validation (ERR_OUT_OF_RANGE, ...) means the guest passed nonsense.
  return HOST_ERRNO[code] ?? (code.startsWith('ERR_') ? E.INVAL : E.IO);
}

/** Human names for the "uncaught signal" message (as strsignal() words them). */
export const SIGNAL_TEXT: Record<number, string> = {
  1: 'Hangup', 2: 'Interrupt', 3: 'Quit', 4: 'Illegal instruction', 5: 'Trace/breakpoint trap',
  6: 'Aborted', 7: 'Emulation trap', 8: 'Floating point exception', 9: 'Killed', 10: 'Bus error',
  11: 'Segmentation fault', 12: 'Bad system call', 13: 'Broken pipe', 14: 'Alarm clock',
  15: 'Terminated', 16: 'User defined signal 1', 17: 'User defined signal 2', 18: 'Child exited',
  19: 'Power failure', 20: 'Window changed', 21: 'Urgent I/O condition', 22: 'I/O possible',
  23: 'Stopped (signal)', 24: 'Stopped', 25: 'Continued', 26: 'Stopped (tty input)',
  27: 'Stopped (tty output)', 28: 'Virtual timer expired', 29: 'Profiling timer expired',
  30: 'CPU time limit exceeded', 31: 'File size limit exceeded',
};

/** Default action of each signal: terminating with a core dump. */
export const CORE_SIGNALS = new Set<number>([
  SIG.QUIT, SIG.ILL, SIG.TRAP, SIG.ABRT, SIG.EMT, SIG.FPE, SIG.BUS, SIG.SEGV, SIG.SYS, SIG.XCPU, SIG.XFSZ,
]);
/** Default action: ignore (stop signals are treated as ignored: no job control here). */
export const IGNORED_BY_DEFAULT = new Set<number>([
  SIG.CHLD, SIG.WINCH, SIG.URG, SIG.STOP, SIG.TSTP, SIG.CONT, SIG.TTIN, SIG.TTOU,
]);

/** Largest |result| the kernel treats as an error (EMAXERRNO on MIPS, which is EDQUOT). */
export const MAX_ERRNO = E.DQUOT;
