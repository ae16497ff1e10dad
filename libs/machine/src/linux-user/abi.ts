// Linux MIPS o32 ABI constants the user-mode runner needs: errno values (MIPS numbering), signal
// numbers, open/mmap/clone/wait flags and struct sizes (../shared/reference/linux-o32-abi.md).

/** errno values as MIPS Linux defines them (many differ from x86). */
export const E = {
  PERM: 1, NOENT: 2, SRCH: 3, INTR: 4, IO: 5, NXIO: 6, TOOBIG: 7, NOEXEC: 8, BADF: 9, CHILD: 10,
  AGAIN: 11, NOMEM: 12, ACCES: 13, FAULT: 14, NOTBLK: 15, BUSY: 16, EXIST: 17, XDEV: 18, NODEV: 19,
  NOTDIR: 20, ISDIR: 21, INVAL: 22, NFILE: 23, MFILE: 24, NOTTY: 25, TXTBSY: 26, FBIG: 27,
  NOSPC: 28, SPIPE: 29, ROFS: 30, MLINK: 31, PIPE: 32, DOM: 33, RANGE: 34, DEADLK: 45, NOLCK: 46,
  NAMETOOLONG: 78, OVERFLOW: 79, ILSEQ: 88, NOSYS: 89, LOOP: 90, NOTEMPTY: 93, NOTSOCK: 95,
  OPNOTSUPP: 122, AFNOSUPPORT: 124, TIMEDOUT: 145, CONNREFUSED: 146, DQUOT: 1133,
} as const;

/** Host (Node) error codes to MIPS errno. Anything unknown becomes EIO. */
const HOST_ERRNO: Record<string, number> = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENXIO: 6, E2BIG: 7, ENOEXEC: 8, EBADF: 9,
  ECHILD: 10, EAGAIN: 11, EWOULDBLOCK: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14, ENOTBLK: 15,
  EBUSY: 16, EEXIST: 17, EXDEV: 18, ENODEV: 19, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENFILE: 23,
  EMFILE: 24, ENOTTY: 25, ETXTBSY: 26, EFBIG: 27, ENOSPC: 28, ESPIPE: 29, EROFS: 30, EMLINK: 31,
  EPIPE: 32, EDOM: 33, ERANGE: 34, EDEADLK: 45, ENOLCK: 46, ENAMETOOLONG: 78, EOVERFLOW: 79,
  EILSEQ: 88, ENOSYS: 89, ELOOP: 90, ENOTEMPTY: 93, ENOTSOCK: 95, EOPNOTSUPP: 122, ENOTSUP: 122,
  ETIMEDOUT: 145, ECONNREFUSED: 146, EDQUOT: 1133, ENODATA: 61,
};

/** MIPS errno for a host exception (a Node SystemError); EIO when it carries no known code. */
export function hostErrno(e: unknown): number {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return E.IO;
  // Node's own argument validation (ERR_OUT_OF_RANGE, ...) means the guest passed nonsense.
  return HOST_ERRNO[code] ?? (code.startsWith('ERR_') ? E.INVAL : E.IO);
}

/** Signal numbers (MIPS). */
export const SIG = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, EMT: 7, FPE: 8, KILL: 9, BUS: 10, SEGV: 11,
  SYS: 12, PIPE: 13, ALRM: 14, TERM: 15, USR1: 16, USR2: 17, CHLD: 18, PWR: 19, WINCH: 20,
  URG: 21, IO: 22, STOP: 23, TSTP: 24, CONT: 25, TTIN: 26, TTOU: 27, VTALRM: 28, PROF: 29,
  XCPU: 30, XFSZ: 31,
} as const;

export const NSIG = 128;

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
export const CORE_SIGNALS = new Set<number>([3, 4, 5, 6, 7, 8, 10, 11, 12, 30, 31]);
/** Default action: ignore (stop signals are treated as ignored: no job control here). */
export const IGNORED_BY_DEFAULT = new Set<number>([18, 20, 21, 23, 24, 25, 26, 27]);

export const SA = {
  NOCLDSTOP: 0x1, SIGINFO: 0x8, NOCLDWAIT: 0x10000, ONSTACK: 0x08000000, RESTART: 0x10000000,
  NODEFER: 0x40000000, RESETHAND: 0x80000000,
} as const;
export const SIG_DFL = 0;
export const SIG_IGN = 1;
export const SIG_BLOCK = 1;
export const SIG_UNBLOCK = 2;
export const SIG_SETMASK = 3;

/** si_code values. */
export const SI = {
  USER: 0, KERNEL: 0x80, TKILL: -6, CLD_EXITED: 1, CLD_KILLED: 2, CLD_DUMPED: 3,
  SEGV_MAPERR: 1, SEGV_ACCERR: 2, BUS_ADRALN: 1, BUS_ADRERR: 2, ILL_ILLOPC: 1, ILL_PRVOPC: 5,
  ILL_COPROC: 7, FPE_INTDIV: 1, FPE_INTOVF: 2, FPE_FLTDIV: 3, FPE_FLTOVF: 4, FPE_FLTUND: 5,
  FPE_FLTRES: 6, FPE_FLTINV: 7, TRAP_BRKPT: 1,
} as const;

/** open(2) flags, MIPS values. */
export const O = {
  ACCMODE: 3, RDONLY: 0, WRONLY: 1, RDWR: 2, APPEND: 0x8, DSYNC: 0x10, NONBLOCK: 0x80,
  CREAT: 0x100, TRUNC: 0x200, EXCL: 0x400, NOCTTY: 0x800, SYNC: 0x4010, LARGEFILE: 0x2000,
  DIRECT: 0x8000, DIRECTORY: 0x10000, NOFOLLOW: 0x20000, NOATIME: 0x40000, CLOEXEC: 0x80000,
  PATH: 0x200000, TMPFILE: 0x410000,
} as const;

export const AT = {
  FDCWD: -100, SYMLINK_NOFOLLOW: 0x100, REMOVEDIR: 0x200, EACCESS: 0x200, SYMLINK_FOLLOW: 0x400,
  NO_AUTOMOUNT: 0x800, EMPTY_PATH: 0x1000,
} as const;

export const F = {
  DUPFD: 0, GETFD: 1, SETFD: 2, GETFL: 3, SETFL: 4, SETLK: 6, SETLKW: 7, GETLK: 14,
  SETOWN: 24, GETOWN: 23, GETLK64: 33, SETLK64: 34, SETLKW64: 35, OFD_GETLK: 36, OFD_SETLK: 37,
  OFD_SETLKW: 38, DUPFD_CLOEXEC: 1030, SETPIPE_SZ: 1031, GETPIPE_SZ: 1032, FD_CLOEXEC: 1,
} as const;

export const PROT = { READ: 1, WRITE: 2, EXEC: 4 } as const;
export const MAP = {
  SHARED: 1, PRIVATE: 2, TYPE: 0xf, FIXED: 0x10, ANONYMOUS: 0x800, NORESERVE: 0x400,
  GROWSDOWN: 0x1000, FIXED_NOREPLACE: 0x100000,
} as const;

export const CLONE = {
  CSIGNAL: 0xff, VM: 0x100, FS: 0x200, FILES: 0x400, SIGHAND: 0x800, VFORK: 0x4000,
  PARENT: 0x8000, THREAD: 0x10000, SETTLS: 0x80000, PARENT_SETTID: 0x100000,
  CHILD_CLEARTID: 0x200000, CHILD_SETTID: 0x1000000,
} as const;

export const WNOHANG = 1;

export const IOCTL = {
  TCGETS: 0x540d, TCSETS: 0x540e, TCSETSW: 0x540f, TCSETSF: 0x5410, TCGETA: 0x5401,
  TIOCGWINSZ: 0x40087468, TIOCSWINSZ: 0x80087467, TIOCGPGRP: 0x40047477, TIOCSPGRP: 0x80047476,
  FIONREAD: 0x467f, FIONBIO: 0x667e, FIOCLEX: 0x6601, FIONCLEX: 0x6602, TIOCSCTTY: 0x5480,
} as const;

export const POLL = { IN: 1, PRI: 2, OUT: 4, ERR: 8, HUP: 0x10, NVAL: 0x20, RDNORM: 0x40, WRNORM: 4 } as const;

/** Largest |result| the kernel treats as an error (EMAXERRNO on MIPS). */
export const MAX_ERRNO = 1133;
