// The Linux MIPS o32 user ABI constants, once for the whole project: the user-mode runner
// imports them (through abi.ts), and scripts/gen-linux-abi-header.mjs renders them as the
// guest's C headers guest/include/uapi/*.h (linux-abi-render.ts), which the guest kernel and
// libc include. Values are MIPS ones (many differ from x86): ../shared/reference/linux-o32-abi.md.

import type { DefineTable } from '../board/memory-map-render.js';

/** errno values as MIPS Linux defines them. */
export const E = {
  PERM: 1, NOENT: 2, SRCH: 3, INTR: 4, IO: 5, NXIO: 6, TOOBIG: 7, NOEXEC: 8, BADF: 9, CHILD: 10,
  AGAIN: 11, NOMEM: 12, ACCES: 13, FAULT: 14, NOTBLK: 15, BUSY: 16, EXIST: 17, XDEV: 18, NODEV: 19,
  NOTDIR: 20, ISDIR: 21, INVAL: 22, NFILE: 23, MFILE: 24, NOTTY: 25, TXTBSY: 26, FBIG: 27,
  NOSPC: 28, SPIPE: 29, ROFS: 30, MLINK: 31, PIPE: 32, DOM: 33, RANGE: 34, DEADLK: 45, NOLCK: 46,
  NODATA: 61, NAMETOOLONG: 78, OVERFLOW: 79, ILSEQ: 88, NOSYS: 89, LOOP: 90, NOTEMPTY: 93,
  NOTSOCK: 95, OPNOTSUPP: 122, AFNOSUPPORT: 124, TIMEDOUT: 145, CONNREFUSED: 146, DQUOT: 1133,
} as const;

/** Signal numbers (MIPS). */
export const SIG = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, EMT: 7, FPE: 8, KILL: 9, BUS: 10, SEGV: 11,
  SYS: 12, PIPE: 13, ALRM: 14, TERM: 15, USR1: 16, USR2: 17, CHLD: 18, PWR: 19, WINCH: 20,
  URG: 21, IO: 22, STOP: 23, TSTP: 24, CONT: 25, TTIN: 26, TTOU: 27, VTALRM: 28, PROF: 29,
  XCPU: 30, XFSZ: 31,
} as const;

/** Signal numbers run 1..NSIG-1 (the kernel's _NSIG; sigset_t is 128 bits). */
export const SIGNALS = { NSIG: 128 } as const;
/** rt_sigprocmask's `how` (MIPS: 1/2/3, not x86's 0/1/2). */
export const SIG_HOW = { BLOCK: 1, UNBLOCK: 2, SETMASK: 3 } as const;
/** The special handler values (libc's SIG_DFL/SIG_IGN/SIG_ERR are these as pointers). */
export const SIG_HANDLER = { DFL: 0, IGN: 1, ERR: -1 } as const;

/** sigaction sa_flags (MIPS; there is no SA_RESTORER). */
export const SA = {
  NOCLDSTOP: 0x1, SIGINFO: 0x8, NOCLDWAIT: 0x10000, ONSTACK: 0x08000000, RESTART: 0x10000000,
  NODEFER: 0x40000000, RESETHAND: 0x80000000,
} as const;

/** si_code values. */
export const SI = {
  USER: 0, KERNEL: 0x80, TKILL: -6, CLD_EXITED: 1, CLD_KILLED: 2, CLD_DUMPED: 3, CLD_STOPPED: 5,
  CLD_CONTINUED: 6, SEGV_MAPERR: 1, SEGV_ACCERR: 2, BUS_ADRALN: 1, BUS_ADRERR: 2, ILL_ILLOPC: 1,
  ILL_PRVOPC: 5, ILL_COPROC: 7, FPE_INTDIV: 1, FPE_INTOVF: 2, FPE_FLTDIV: 3, FPE_FLTOVF: 4,
  FPE_FLTUND: 5, FPE_FLTRES: 6, FPE_FLTINV: 7, TRAP_BRKPT: 1,
} as const;

/** sigaltstack ss_flags. */
export const SS = { ONSTACK: 1, DISABLE: 2, AUTODISARM: 0x80000000 } as const;

/** open(2) flags, MIPS values (O_ASYNC is FASYNC). */
export const O = {
  ACCMODE: 3, RDONLY: 0, WRONLY: 1, RDWR: 2, APPEND: 0x8, DSYNC: 0x10, NONBLOCK: 0x80,
  CREAT: 0x100, TRUNC: 0x200, EXCL: 0x400, NOCTTY: 0x800, ASYNC: 0x1000, SYNC: 0x4010, LARGEFILE: 0x2000,
  DIRECT: 0x8000, DIRECTORY: 0x10000, NOFOLLOW: 0x20000, NOATIME: 0x40000, CLOEXEC: 0x80000,
  PATH: 0x200000, TMPFILE: 0x410000,
} as const;

/** The *at() calls' dirfd and flags (AT_REMOVEDIR and AT_EACCESS share 0x200). */
export const AT = {
  FDCWD: -100, SYMLINK_NOFOLLOW: 0x100, REMOVEDIR: 0x200, EACCESS: 0x200, SYMLINK_FOLLOW: 0x400,
  NO_AUTOMOUNT: 0x800, EMPTY_PATH: 0x1000,
} as const;

/** fcntl commands (MIPS: F_GETLK 14, F_SETOWN 24, F_GETOWN 23) and FD_CLOEXEC. */
export const F = {
  DUPFD: 0, GETFD: 1, SETFD: 2, GETFL: 3, SETFL: 4, SETLK: 6, SETLKW: 7, GETLK: 14,
  SETOWN: 24, GETOWN: 23, GETLK64: 33, SETLK64: 34, SETLKW64: 35, OFD_GETLK: 36, OFD_SETLK: 37,
  OFD_SETLKW: 38, DUPFD_CLOEXEC: 1030, SETPIPE_SZ: 1031, GETPIPE_SZ: 1032, FD_CLOEXEC: 1,
} as const;

/** struct flock l_type. */
export const F_LOCK = { RDLCK: 0, WRLCK: 1, UNLCK: 2 } as const;

/** lseek whence. */
export const SEEK = { SET: 0, CUR: 1, END: 2 } as const;
/** access(2) modes. */
export const ACCESS = { F_OK: 0, X_OK: 1, W_OK: 2, R_OK: 4 } as const;

/** st_mode: file type and the set-id/sticky bits (the same on every arch). */
export const MODE = {
  IFMT: 0xf000, IFSOCK: 0xc000, IFLNK: 0xa000, IFREG: 0x8000, IFBLK: 0x6000, IFDIR: 0x4000,
  IFCHR: 0x2000, IFIFO: 0x1000, ISUID: 0x800, ISGID: 0x400, ISVTX: 0x200,
} as const;

/** statx mask: the fields of struct stat. */
export const STATX = { BASIC_STATS: 0x7ff, BTIME: 0x800 } as const;

/** getdents64 d_type. */
export const DT = { UNKNOWN: 0, FIFO: 1, CHR: 2, DIR: 4, BLK: 6, REG: 8, LNK: 10, SOCK: 12 } as const;

export const PROT = { NONE: 0, READ: 1, WRITE: 2, EXEC: 4 } as const;
/** mmap flags, MIPS values. */
export const MAP = {
  SHARED: 1, PRIVATE: 2, TYPE: 0xf, FIXED: 0x10, NORESERVE: 0x400, ANONYMOUS: 0x800,
  GROWSDOWN: 0x1000, FIXED_NOREPLACE: 0x100000,
} as const;

/** clone flags (the low byte, CSIGNAL, is the exit signal). */
export const CLONE = {
  CSIGNAL: 0xff, VM: 0x100, FS: 0x200, FILES: 0x400, SIGHAND: 0x800, VFORK: 0x4000,
  PARENT: 0x8000, THREAD: 0x10000, SETTLS: 0x80000, PARENT_SETTID: 0x100000,
  CHILD_CLEARTID: 0x200000, CHILD_SETTID: 0x1000000,
} as const;

/** wait4/waitid options. */
export const W = { NOHANG: 1, UNTRACED: 2, EXITED: 4, CONTINUED: 8, NOWAIT: 0x01000000 } as const;
/** waitid idtype. */
export const P = { ALL: 0, PID: 1, PGID: 2 } as const;

/** ioctl request numbers (MIPS _IOC encoding: 13-bit size, _IOC_READ 2, _IOC_WRITE 4). */
export const IOCTL = {
  TCGETA: 0x5401, TCSBRK: 0x5405, TCXONC: 0x5406, TCFLSH: 0x5407, TCGETS: 0x540d, TCSETS: 0x540e,
  TCSETSW: 0x540f, TCSETSF: 0x5410, TIOCNOTTY: 0x5471, TIOCSCTTY: 0x5480, TIOCGSID: 0x7416,
  TIOCGWINSZ: 0x40087468, TIOCSWINSZ: 0x80087467, TIOCGPGRP: 0x40047477, TIOCSPGRP: 0x80047476,
  FIONREAD: 0x467f, FIONBIO: 0x667e, FIOCLEX: 0x6601, FIONCLEX: 0x6602,
} as const;

/** The kernel's 40-byte struct termios has NCCS (23 on MIPS) control characters. */
export const TERMIOS = { NCCS: 23 } as const;
/** c_cc indices (MIPS: VMIN 4, VEOF 16). */
export const VCC = {
  INTR: 0, QUIT: 1, ERASE: 2, KILL: 3, MIN: 4, TIME: 5, START: 8, STOP: 9, SUSP: 10, REPRINT: 12,
  DISCARD: 13, WERASE: 14, LNEXT: 15, EOF: 16,
} as const;
/** c_iflag bits. */
export const IFLAG = { INLCR: 0x40, IGNCR: 0x80, ICRNL: 0x100, IXON: 0x400 } as const;
/** c_oflag bits. */
export const OFLAG = { OPOST: 0x1, ONLCR: 0x4 } as const;
/** c_cflag bits and fields. */
export const CFLAG = { B38400: 0xf, CS8: 0x30, CREAD: 0x80, HUPCL: 0x400 } as const;
/** c_lflag bits (MIPS: IEXTEN 0x100). */
export const LFLAG = {
  ISIG: 0x1, ICANON: 0x2, ECHO: 0x8, ECHOE: 0x10, ECHOK: 0x20, ECHONL: 0x40, IEXTEN: 0x100,
  ECHOCTL: 0x200, ECHOKE: 0x800,
} as const;

/** poll events (MIPS: POLLWRNORM is POLLOUT). */
export const POLL = { IN: 1, PRI: 2, OUT: 4, ERR: 8, HUP: 0x10, NVAL: 0x20, RDNORM: 0x40, WRNORM: 4 } as const;

/** Clock ids. */
export const CLOCK = {
  REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME_ID: 2, THREAD_CPUTIME_ID: 3, MONOTONIC_RAW: 4,
  REALTIME_COARSE: 5, MONOTONIC_COARSE: 6, BOOTTIME: 7, REALTIME_ALARM: 8, BOOTTIME_ALARM: 9, TAI: 11,
} as const;
/** clock_nanosleep flags. */
export const TIMER = { ABSTIME: 1 } as const;

/** ELF auxiliary vector entry types. */
export const AUXV = {
  NULL: 0, PHDR: 3, PHENT: 4, PHNUM: 5, PAGESZ: 6, BASE: 7, FLAGS: 8, ENTRY: 9, UID: 11, EUID: 12,
  GID: 13, EGID: 14, HWCAP: 16, CLKTCK: 17, SECURE: 23, BASE_PLATFORM: 24, RANDOM: 25, EXECFN: 31,
} as const;

/** reboot(2): the two magic arguments and the commands. */
export const LINUX_REBOOT = { MAGIC1: 0xfee1dead, MAGIC2: 0x28121969 } as const;
export const LINUX_REBOOT_CMD = {
  RESTART: 0x01234567, HALT: 0xcdef0123, POWER_OFF: 0x4321fedc, CAD_ON: 0x89abcdef, CAD_OFF: 0,
} as const;

/** One generated header of guest/include/uapi/: its file, what it holds and its tables. */
export interface UapiHeader {
  /** File name inside guest/include/uapi/. */
  readonly file: string;
  readonly doc: string;
  readonly tables: readonly DefineTable[];
}

const none = '';

/** The errno table as C names it (its keys are the names without E; E2BIG is the odd one). */
export const ERRNO_TABLE: DefineTable = {
  name: 'E', doc: 'errno values (MIPS numbering)', table: E, cPrefix: 'E', cNames: { TOOBIG: 'E2BIG' },
};

/** The headers of guest/include/uapi/, one per libc header that needs them. */
export const UAPI_HEADERS: readonly UapiHeader[] = [
  {
    file: 'errno.h', doc: 'errno values', tables: [
      ERRNO_TABLE,
    ],
  },
  {
    file: 'signal.h', doc: 'signal numbers, sigaction flags and si_code values', tables: [
      { name: 'SIG', doc: 'Signal numbers (MIPS)', table: SIG, cPrefix: 'SIG' },
      { name: 'SIGNALS', doc: 'Signal numbers run 1..NSIG-1', table: SIGNALS, cPrefix: none },
      { name: 'SIG_HOW', doc: "rt_sigprocmask's how", table: SIG_HOW, cPrefix: 'SIG_' },
      { name: 'SIG_HANDLER', doc: 'Special sa_handler values (SIG_DFL, SIG_IGN, SIG_ERR)', table: SIG_HANDLER },
      { name: 'SA', doc: 'sigaction sa_flags', table: SA },
      {
        name: 'SI', doc: 'si_code values', table: SI, cPrefix: none,
        cNames: { USER: 'SI_USER', KERNEL: 'SI_KERNEL', TKILL: 'SI_TKILL' },
      },
      { name: 'SS', doc: 'sigaltstack ss_flags', table: SS },
    ],
  },
  {
    file: 'fcntl.h', doc: 'open, *at and fcntl flags and commands', tables: [
      { name: 'O', doc: 'open flags (MIPS values)', table: O },
      { name: 'AT', doc: '*at() dirfd and flags', table: AT },
      { name: 'F', doc: 'fcntl commands', table: F, cNames: { FD_CLOEXEC: 'FD_CLOEXEC' } },
      { name: 'F_LOCK', doc: 'struct flock l_type', table: F_LOCK, cPrefix: 'F_' },
    ],
  },
  { file: 'seek.h', doc: 'lseek whence', tables: [{ name: 'SEEK', doc: 'lseek whence', table: SEEK }] },
  {
    file: 'unistd.h', doc: 'access modes', tables: [
      { name: 'ACCESS', doc: 'access and faccessat modes', table: ACCESS, cPrefix: none },
    ],
  },
  {
    file: 'stat.h', doc: 'file mode bits and the statx mask', tables: [
      { name: 'MODE', doc: 'st_mode file types and set-id bits', table: MODE, cPrefix: 'S_' },
      { name: 'STATX', doc: 'statx mask', table: STATX },
    ],
  },
  { file: 'dirent.h', doc: 'directory entry types', tables: [{ name: 'DT', doc: 'getdents64 d_type', table: DT }] },
  {
    file: 'mman.h', doc: 'mmap protections and flags', tables: [
      { name: 'PROT', doc: 'mmap/mprotect protections', table: PROT },
      { name: 'MAP', doc: 'mmap flags (MIPS values)', table: MAP },
    ],
  },
  {
    file: 'sched.h', doc: 'clone flags', tables: [
      { name: 'CLONE', doc: 'clone flags (CSIGNAL is the exit-signal byte)', table: CLONE, cNames: { CSIGNAL: 'CSIGNAL' } },
    ],
  },
  {
    file: 'wait.h', doc: 'wait options and waitid id types', tables: [
      { name: 'W', doc: 'wait4/waitid options', table: W, cPrefix: 'W' },
      { name: 'P', doc: 'waitid idtype', table: P },
    ],
  },
  {
    file: 'ioctls.h', doc: 'ioctl request numbers', tables: [
      { name: 'IOCTL', doc: 'tty and file ioctls (MIPS encoding)', table: IOCTL, cPrefix: none },
    ],
  },
  {
    file: 'termbits.h', doc: 'termios control-character indices and flag bits', tables: [
      { name: 'TERMIOS', doc: 'Size of c_cc in the kernel struct termios', table: TERMIOS, cPrefix: none },
      { name: 'VCC', doc: 'c_cc indices', table: VCC, cPrefix: 'V' },
      { name: 'IFLAG', doc: 'c_iflag bits', table: IFLAG, cPrefix: none },
      { name: 'OFLAG', doc: 'c_oflag bits', table: OFLAG, cPrefix: none },
      { name: 'CFLAG', doc: 'c_cflag bits', table: CFLAG, cPrefix: none },
      { name: 'LFLAG', doc: 'c_lflag bits', table: LFLAG, cPrefix: none },
    ],
  },
  {
    file: 'poll.h', doc: 'poll events', tables: [
      { name: 'POLL', doc: 'poll events and revents', table: POLL, cPrefix: 'POLL' },
    ],
  },
  {
    file: 'time.h', doc: 'clock ids', tables: [
      { name: 'CLOCK', doc: 'clock ids', table: CLOCK },
      { name: 'TIMER', doc: 'clock_nanosleep flags', table: TIMER },
    ],
  },
  {
    file: 'auxvec.h', doc: 'ELF auxiliary vector types', tables: [
      { name: 'AUXV', doc: 'auxv entry types', table: AUXV, cPrefix: 'AT_' },
    ],
  },
  {
    file: 'reboot.h', doc: 'reboot(2) magic and commands', tables: [
      { name: 'LINUX_REBOOT', doc: 'reboot magic', table: LINUX_REBOOT },
      { name: 'LINUX_REBOOT_CMD', doc: 'reboot commands', table: LINUX_REBOOT_CMD },
    ],
  },
];

/** Tables whose values read best in decimal (numbers, indices, commands). */
export const UAPI_DECIMAL: ReadonlySet<string> = new Set([
  'E', 'SIG', 'SIGNALS', 'SIG_HOW', 'SIG_HANDLER', 'SI', 'SS', 'F', 'F_LOCK', 'SEEK', 'ACCESS', 'DT',
  'PROT', 'P', 'TERMIOS', 'VCC', 'CLOCK', 'TIMER', 'AUXV',
]);
