/* linux.h: the Linux MIPS o32 user ABI the kernel implements: errno values, open/fcntl/mmap
 * flags, signals, ioctls and the struct layouts user space sees. Values are MIPS ones, from
 * ../shared/reference/linux-o32-abi.md (they differ from x86 in many places). */
#ifndef LINUX_H
#define LINUX_H

#include "types.h"

/* ---- errno ---- */
#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define ENXIO 6
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EXDEV 18
#define ENODEV 19
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define ENFILE 23
#define EMFILE 24
#define ENOTTY 25
#define ETXTBSY 26
#define EFBIG 27
#define ENOSPC 28
#define ESPIPE 29
#define EROFS 30
#define EMLINK 31
#define EPIPE 32
#define ERANGE 34
#define ENAMETOOLONG 78
#define EOVERFLOW 79
#define ENOSYS 89
#define ELOOP 90
#define ENOTEMPTY 93
#define ETIMEDOUT 145
#define ENOTSOCK 95
#define EOPNOTSUPP 122
/* kernel-internal restart codes (never reach user space) */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

/* ---- open / fcntl ---- */
#define O_ACCMODE 3
#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_APPEND 0x0008
#define O_NONBLOCK 0x0080
#define O_CREAT 0x0100
#define O_TRUNC 0x0200
#define O_EXCL 0x0400
#define O_NOCTTY 0x0800
#define O_LARGEFILE 0x2000
#define O_DIRECTORY 0x10000
#define O_NOFOLLOW 0x20000
#define O_CLOEXEC 0x80000
#define O_PATH 0x200000
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_EACCESS 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EMPTY_PATH 0x1000
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_GETLK 14
#define F_SETLK 6
#define F_SETLKW 7
#define F_GETLK64 33
#define F_SETLK64 34
#define F_SETLKW64 35
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define F_UNLCK 2
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define R_OK 4
#define W_OK 2
#define X_OK 1

/* ---- file modes ---- */
#define S_IFMT 0xf000
#define S_IFSOCK 0xc000
#define S_IFLNK 0xa000
#define S_IFREG 0x8000
#define S_IFBLK 0x6000
#define S_IFDIR 0x4000
#define S_IFCHR 0x2000
#define S_IFIFO 0x1000
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m) (((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)
/* getdents64 d_type */
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

/* ---- mmap ---- */
#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x800
#define MAP_FIXED_NOREPLACE 0x100000

/* ---- clone / wait ---- */
#define CSIGNAL 0xff
#define CLONE_VM 0x100
#define CLONE_FS 0x200
#define CLONE_FILES 0x400
#define CLONE_SIGHAND 0x800
#define CLONE_VFORK 0x4000
#define CLONE_PARENT 0x8000
#define CLONE_THREAD 0x10000
#define CLONE_SETTLS 0x80000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_CHILD_CLEARTID 0x200000
#define CLONE_CHILD_SETTID 0x1000000
#define WNOHANG 1
#define WUNTRACED 2
#define WEXITED 4
#define WCONTINUED 8
#define WNOWAIT 0x01000000

/* ---- signals (MIPS numbers) ---- */
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGEMT 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGBUS 10
#define SIGSEGV 11
#define SIGSYS 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGUSR1 16
#define SIGUSR2 17
#define SIGCHLD 18
#define SIGPWR 19
#define SIGWINCH 20
#define SIGURG 21
#define SIGIO 22
#define SIGSTOP 23
#define SIGTSTP 24
#define SIGCONT 25
#define SIGTTIN 26
#define SIGTTOU 27
#define SIGVTALRM 28
#define SIGPROF 29
#define SIGXCPU 30
#define SIGXFSZ 31
#define SIG_BLOCK 1
#define SIG_UNBLOCK 2
#define SIG_SETMASK 3
#define SIG_DFL 0
#define SIG_IGN 1
#define SA_NOCLDSTOP 0x1
#define SA_SIGINFO 0x8
#define SA_NOCLDWAIT 0x10000
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_TKILL (-6)
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_STOPPED 5
#define CLD_CONTINUED 6
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN 1
#define ILL_ILLOPC 1
#define FPE_INTDIV 1
#define FPE_INTOVF 2
#define FPE_FLTINV 7
#define TRAP_BRKPT 1
#define SS_ONSTACK 1
#define SS_DISABLE 2

typedef struct { u32 sig[4]; } ksigset_t;   /* 16 bytes, as rt_* calls expect */

struct k_sigaction {                         /* rt_sigaction layout: flags first */
  u32 sa_flags;
  u32 sa_handler;
  ksigset_t sa_mask;
};

/* ---- ioctls ---- */
#define TCGETS 0x540d
#define TCSETS 0x540e
#define TCSETSW 0x540f
#define TCSETSF 0x5410
#define TCGETA 0x5401
#define TCSBRK 0x5405
#define TCXONC 0x5406
#define TCFLSH 0x5407
#define TIOCGWINSZ 0x40087468
#define TIOCSWINSZ 0x80087467
#define TIOCGPGRP 0x40047477
#define TIOCSPGRP 0x80047476
#define TIOCSCTTY 0x5480
#define TIOCNOTTY 0x5471
#define TIOCGSID 0x7416
#define FIONREAD 0x467f
#define FIONBIO 0x667e
#define FIOCLEX 0x6601
#define FIONCLEX 0x6602

#define NCCS 23
struct ktermios {       /* 40 bytes */
  u32 c_iflag, c_oflag, c_cflag, c_lflag;
  u8 c_line;
  u8 c_cc[NCCS];
};
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VMIN 4
#define VTIME 5
#define VSUSP 10
#define VWERASE 14
#define VEOF 16
#define ISIG 0x1
#define ICANON 0x2
#define ECHO 0x8
#define ECHOE 0x10
#define ECHOK 0x20
#define ECHONL 0x40
#define IEXTEN 0x100
#define ECHOCTL 0x200
#define ECHOKE 0x800
#define ICRNL 0x100
#define INLCR 0x40
#define IGNCR 0x80
#define OPOST 0x1
#define ONLCR 0x4
struct winsize { u16 ws_row, ws_col, ws_xpixel, ws_ypixel; };

/* ---- poll ---- */
#define POLLIN 0x1
#define POLLPRI 0x2
#define POLLOUT 0x4
#define POLLERR 0x8
#define POLLHUP 0x10
#define POLLNVAL 0x20
#define POLLRDNORM 0x40
#define POLLWRNORM POLLOUT
struct pollfd { s32 fd; s16 events; s16 revents; };

/* ---- time ---- */
struct timespec32 { s32 tv_sec; s32 tv_nsec; };
struct timespec64 { s64 tv_sec; s64 tv_nsec; };
struct timeval32 { s32 tv_sec; s32 tv_usec; };
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1

/* ---- structures ---- */
struct stat64 {         /* 104 bytes */
  u32 st_dev;
  u32 st_pad0[3];
  u64 st_ino;
  u32 st_mode;
  u32 st_nlink;
  u32 st_uid;
  u32 st_gid;
  u32 st_rdev;
  u32 st_pad1[3];
  s64 st_size;
  s32 st_atime, st_atime_nsec;
  s32 st_mtime, st_mtime_nsec;
  s32 st_ctime, st_ctime_nsec;
  u32 st_blksize;
  u32 st_pad2;
  s64 st_blocks;
};

struct statx_timestamp { s64 tv_sec; u32 tv_nsec; s32 __reserved; };
struct statx {          /* 256 bytes */
  u32 stx_mask;
  u32 stx_blksize;
  u64 stx_attributes;
  u32 stx_nlink;
  u32 stx_uid;
  u32 stx_gid;
  u16 stx_mode;
  u16 __spare0;
  u64 stx_ino;
  u64 stx_size;
  u64 stx_blocks;
  u64 stx_attributes_mask;
  struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
  u32 stx_rdev_major, stx_rdev_minor;
  u32 stx_dev_major, stx_dev_minor;
  u64 __spare2[14];
};
#define STATX_BASIC_STATS 0x7ff

struct utsname { char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65]; };

struct rlimit32 { u32 rlim_cur, rlim_max; };
struct rlimit64 { u64 rlim_cur, rlim_max; };
#define RLIMIT_STACK 3
#define RLIMIT_NOFILE 5
#define RLIM_INFINITY32 0x7fffffffu

struct sysinfo32 {
  s32 uptime;
  u32 loads[3];
  u32 totalram, freeram, sharedram, bufferram, totalswap, freeswap;
  u16 procs, pad;
  u32 totalhigh, freehigh, mem_unit;
  char _f[8];
};

struct tms32 { s32 tms_utime, tms_stime, tms_cutime, tms_cstime; };

/* ---- auxv ---- */
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_EXECFN 31

/* ---- misc ---- */
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_SET_PDEATHSIG 1
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define LINUX_REBOOT_MAGIC1 0xfee1dead
#define LINUX_REBOOT_CMD_RESTART 0x01234567
#define LINUX_REBOOT_CMD_HALT 0xcdef0123
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedc
#define LINUX_REBOOT_CMD_CAD_ON 0x89abcdef
#define LINUX_REBOOT_CMD_CAD_OFF 0x00000000
#define GRND_NONBLOCK 1

#endif
