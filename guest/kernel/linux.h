/* linux.h: the Linux MIPS o32 user ABI the kernel implements. Its constants (errno values,
 * open/fcntl/mmap flags, signals, ioctls, termios bits, ...) come from the headers of
 * ../include/uapi/, generated from libs/machine/src/linux-user/linux-abi.ts; this file adds
 * what only the kernel needs: restart codes, mode tests and the struct layouts user space
 * sees (../shared/reference/linux-o32-abi.md). */
#ifndef LINUX_H
#define LINUX_H

#include "types.h"
#include "uapi/auxvec.h"
#include "uapi/dirent.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/ioctls.h"
#include "uapi/mman.h"
#include "uapi/poll.h"
#include "uapi/reboot.h"
#include "uapi/sched.h"
#include "uapi/seek.h"
#include "uapi/signal.h"
#include "uapi/stat.h"
#include "uapi/termbits.h"
#include "uapi/time.h"
#include "uapi/unistd.h"
#include "uapi/wait.h"

/* ---- kernel-internal restart codes (never reach user space) ---- */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

/* ---- file modes ---- */
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m) (((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)

/* ---- signals ---- */
#define SIG_DFL SIG_HANDLER_DFL     /* sa_handler is a u32 here */
#define SIG_IGN SIG_HANDLER_IGN
typedef struct { u32 sig[4]; } ksigset_t;   /* 16 bytes, as rt_* calls expect */

struct k_sigaction {                         /* rt_sigaction layout: flags first */
  u32 sa_flags;
  u32 sa_handler;
  ksigset_t sa_mask;
};

/* ---- termios, poll, time ---- */
struct ktermios {       /* 40 bytes */
  u32 c_iflag, c_oflag, c_cflag, c_lflag;
  u8 c_line;
  u8 c_cc[NCCS];
};
struct winsize { u16 ws_row, ws_col, ws_xpixel, ws_ypixel; };

struct pollfd { s32 fd; s16 events; s16 revents; };

struct timespec32 { s32 tv_sec; s32 tv_nsec; };
struct timespec64 { s64 tv_sec; s64 tv_nsec; };
struct timeval32 { s32 tv_sec; s32 tv_usec; };

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

/* ---- misc ---- */
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_SET_PDEATHSIG 1
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define GRND_NONBLOCK 1

#endif
