/* syscall.c: system-call dispatch for the Linux o32 convention: number in v0 (4000 + n),
 * arguments in a0-a3 then 16..28($sp) of the user stack, result in v0 with a3 = 0, or a
 * positive errno in v0 with a3 = 1 (ABI reference section 1). The table is indexed by
 * n and records how many arguments each call takes; unknown numbers return -ENOSYS. */
#include "types.h"
#include "defs.h"
#include "proc.h"
#include "sysnum.h"

#define MAXERRNO 1133

/* Handlers take up to 7 u32 arguments; each is declared with its real parameter types
 * and called through this common type (the o32 convention passes them identically). */
typedef long (*sysfn_t)(u32, u32, u32, u32, u32, u32, u32);

struct sysent {
  sysfn_t fn;
  u8 nargs;
  const char *name;
};

#define S(nr, f, n) [(nr) - SYS_BASE] = { (sysfn_t)(void (*)(void))(f), (n), #f }

static const struct sysent systab[] = {
  S(SYS_exit, sys_exit, 1),
  S(SYS_fork, sys_fork, 0),
  S(SYS_read, sys_read, 3),
  S(SYS_write, sys_write, 3),
  S(SYS_open, sys_open, 3),
  S(SYS_close, sys_close, 1),
  S(SYS_waitpid, sys_waitpid, 3),
  S(SYS_creat, sys_creat, 2),
  S(SYS_link, sys_link, 2),
  S(SYS_unlink, sys_unlink, 1),
  S(SYS_execve, sys_execve, 3),
  S(SYS_chdir, sys_chdir, 1),
  S(SYS_time, sys_time, 1),
  S(SYS_mknod, sys_mknod, 3),
  S(SYS_chmod, sys_chmod, 2),
  S(SYS_lchown, sys_chown, 3),
  S(SYS_lseek, sys_lseek, 3),
  S(SYS_getpid, sys_getpid, 0),
  S(SYS_mount, sys_mount, 5),
  S(SYS_setuid, sys_setid, 1),
  S(SYS_getuid, sys_getid, 0),
  S(SYS_alarm, sys_alarm, 1),
  S(SYS_pause, sys_pause, 0),
  S(SYS_utime, sys_utime, 2),
  S(SYS_access, sys_access, 2),
  S(SYS_sync, sys_sync, 0),
  S(SYS_nfsservctl, sys_nfsservctl, 3),
  S(SYS_kill, sys_kill, 2),
  S(SYS_rename, sys_rename, 2),
  S(SYS_mkdir, sys_mkdir, 2),
  S(SYS_rmdir, sys_rmdir, 1),
  S(SYS_dup, sys_dup, 1),
  S(SYS_pipe, sys_pipe, 0),
  S(SYS_times, sys_times, 1),
  S(SYS_brk, sys_brk, 1),
  S(SYS_setgid, sys_setid, 1),
  S(SYS_getgid, sys_getid, 0),
  S(SYS_geteuid, sys_getid, 0),
  S(SYS_getegid, sys_getid, 0),
  S(SYS_ioctl, sys_ioctl, 3),
  S(SYS_fcntl, sys_fcntl, 3),
  S(SYS_setpgid, sys_setpgid, 2),
  S(SYS_umask, sys_umask, 1),
  S(SYS_dup2, sys_dup2, 2),
  S(SYS_getppid, sys_getppid, 0),
  S(SYS_getpgrp, sys_getpgrp, 0),
  S(SYS_setsid, sys_setsid, 0),
  S(SYS_sigaction, sys_sigaction, 3),
  S(SYS_setreuid, sys_setid, 2),
  S(SYS_setregid, sys_setid, 2),
  S(SYS_setrlimit, sys_setrlimit, 2),
  S(SYS_getrlimit, sys_getrlimit, 2),
  S(SYS_getrusage, sys_getrusage, 2),
  S(SYS_gettimeofday, sys_gettimeofday, 2),
  S(SYS_getgroups, sys_getgroups, 2),
  S(SYS_setgroups, sys_setid, 2),
  S(SYS_symlink, sys_symlink, 2),
  S(SYS_readlink, sys_readlink, 3),
  S(SYS_reboot, sys_reboot, 4),
  S(SYS_mmap, sys_mmap, 6),
  S(SYS_munmap, sys_munmap, 2),
  S(SYS_truncate, sys_truncate, 2),
  S(SYS_ftruncate, sys_ftruncate, 2),
  S(SYS_fchmod, sys_fchmod, 2),
  S(SYS_fchown, sys_fchown, 3),
  S(SYS_getpriority, sys_getpriority, 2),
  S(SYS_setpriority, sys_setpriority, 3),
  S(SYS_statfs, sys_statfs, 2),
  S(SYS_fstatfs, sys_fstatfs, 2),
  S(SYS_setitimer, sys_setitimer, 3),
  S(SYS_stat, sys_stat, 2),
  S(SYS_lstat, sys_lstat, 2),
  S(SYS_fstat, sys_fstat, 2),
  S(SYS_wait4, sys_wait4, 4),
  S(SYS_sysinfo, sys_sysinfo, 1),
  S(SYS_fsync, sys_fsync, 1),
  S(SYS_sigreturn, sys_sigreturn, 0),
  S(SYS_clone, sys_clone, 5),
  S(SYS_uname, sys_uname, 1),
  S(SYS_mprotect, sys_mprotect, 3),
  S(SYS_sigprocmask, sys_sigprocmask, 3),
  S(SYS_getpgid, sys_getpgid, 1),
  S(SYS_fchdir, sys_fchdir, 1),
  S(SYS_personality, sys_personality, 1),
  S(SYS__llseek, sys_llseek, 5),
  S(SYS_getdents, sys_getdents, 3),
  S(SYS__newselect, sys_select, 5),
  S(SYS_flock, sys_flock, 2),
  S(SYS_msync, sys_msync, 3),
  S(SYS_readv, sys_readv, 3),
  S(SYS_writev, sys_writev, 3),
  S(SYS_cacheflush, sys_cacheflush, 3),
  S(SYS_getsid, sys_getsid, 1),
  S(SYS_fdatasync, sys_fsync, 1),
  S(SYS_sched_yield, sys_sched_yield, 0),
  S(SYS_nanosleep, sys_nanosleep, 2),
  S(SYS_setresuid, sys_setid, 3),
  S(SYS_getresuid, sys_getresid, 3),
  S(SYS_poll, sys_poll, 3),
  S(SYS_setresgid, sys_setid, 3),
  S(SYS_getresgid, sys_getresid, 3),
  S(SYS_prctl, sys_prctl, 5),
  S(SYS_rt_sigreturn, sys_rt_sigreturn, 0),
  S(SYS_rt_sigaction, sys_rt_sigaction, 4),
  S(SYS_rt_sigprocmask, sys_rt_sigprocmask, 4),
  S(SYS_rt_sigpending, sys_rt_sigpending, 2),
  S(SYS_rt_sigsuspend, sys_rt_sigsuspend, 2),
  S(SYS_pread64, sys_pread64, 6),
  S(SYS_pwrite64, sys_pwrite64, 6),
  S(SYS_chown, sys_chown, 3),
  S(SYS_getcwd, sys_getcwd, 2),
  S(SYS_sigaltstack, sys_sigaltstack, 2),
  S(SYS_sendfile, sys_sendfile, 4),
  S(SYS_mmap2, sys_mmap2, 6),
  S(SYS_truncate64, sys_truncate64, 4),
  S(SYS_ftruncate64, sys_ftruncate64, 4),
  S(SYS_stat64, sys_stat64, 2),
  S(SYS_lstat64, sys_lstat64, 2),
  S(SYS_fstat64, sys_fstat64, 2),
  S(SYS_madvise, sys_madvise, 3),
  S(SYS_getdents64, sys_getdents64, 3),
  S(SYS_fcntl64, sys_fcntl, 3),
  S(SYS_gettid, sys_getpid, 0),
  S(SYS_tkill, sys_tkill, 2),
  S(SYS_sendfile64, sys_sendfile64, 4),
  S(SYS_futex, sys_futex, 6),
  S(SYS_sched_getaffinity, sys_sched_getaffinity, 3),
  S(SYS_exit_group, sys_exit, 1),
  S(SYS_set_tid_address, sys_set_tid_address, 1),
  S(SYS_fadvise64, sys_fadvise, 7),
  S(SYS_statfs64, sys_statfs64, 3),
  S(SYS_fstatfs64, sys_fstatfs64, 3),
  S(SYS_clock_gettime, sys_clock_gettime, 2),
  S(SYS_clock_getres, sys_clock_getres, 2),
  S(SYS_clock_nanosleep, sys_clock_nanosleep, 4),
  S(SYS_tgkill, sys_tgkill, 3),
  S(SYS_utimes, sys_utimes, 2),
  S(SYS_set_thread_area, sys_set_thread_area, 1),
  S(SYS_openat, sys_openat, 4),
  S(SYS_mkdirat, sys_mkdirat, 3),
  S(SYS_mknodat, sys_mknodat, 4),
  S(SYS_fchownat, sys_fchownat, 5),
  S(SYS_fstatat64, sys_fstatat64, 4),
  S(SYS_unlinkat, sys_unlinkat, 3),
  S(SYS_renameat, sys_renameat, 4),
  S(SYS_linkat, sys_linkat, 5),
  S(SYS_symlinkat, sys_symlinkat, 3),
  S(SYS_readlinkat, sys_readlinkat, 4),
  S(SYS_fchmodat, sys_fchmodat, 3),
  S(SYS_faccessat, sys_faccessat, 3),
  S(SYS_pselect6, sys_pselect6, 6),
  S(SYS_ppoll, sys_ppoll, 5),
  S(SYS_utimensat, sys_utimensat, 4),
  S(SYS_getcpu, sys_getcpu, 3),
  S(SYS_dup3, sys_dup3, 3),
  S(SYS_pipe2, sys_pipe2, 2),
  S(SYS_prlimit64, sys_prlimit64, 4),
  S(SYS_renameat2, sys_renameat2, 5),
  S(SYS_getrandom, sys_getrandom, 3),
  S(SYS_statx, sys_statx, 5),
  S(SYS_clock_gettime64, sys_clock_gettime64, 2),
  S(SYS_clock_getres_time64, sys_clock_getres64, 2),
  S(SYS_clock_nanosleep_time64, sys_clock_nanosleep64, 4),
  S(SYS_utimensat_time64, sys_utimensat64, 4),
  S(SYS_pselect6_time64, sys_pselect6_64, 6),
  S(SYS_ppoll_time64, sys_ppoll64, 5),
  S(SYS_faccessat2, sys_faccessat2, 4),
};

int syscall_trace;    /* boot command line: "strace" = 1 (every call), "strace=err" = 2 (failures) */

void syscall(struct trapframe *tf) {
  u32 nr = tf->regs[R_V0];
  u32 a[7] = { tf->regs[R_A0], tf->regs[R_A1], tf->regs[R_A2], tf->regs[R_A3], 0, 0, 0 };
  tf->orig_a3 = tf->regs[R_A3];
  tf->epc += 4;
  tf->sysnr = nr;
  long r = -ENOSYS;
  u32 idx = nr - SYS_BASE;
  const struct sysent *e = idx < NELEM(systab) ? &systab[idx] : NULL;
  if (e != NULL && e->fn != NULL) {
    if (e->nargs > 4 && copyin(&a[4], tf->regs[R_SP] + 16, 4 * (e->nargs - 4)) < 0) r = -EFAULT;
    else r = e->fn(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
  }
  if (syscall_trace == 1 || (syscall_trace == 2 && r < 0 && r >= -MAXERRNO)) {
    struct proc *p = myproc();
    kprintf("[%d %s] %s(%x, %x, %x, %x) = %d\n", p->pid, p->name, e && e->fn ? e->name : "?", a[0], a[1], a[2], a[3], (int)r);
    if (e == NULL || e->fn == NULL) kprintf("[%d] unknown syscall %u\n", p->pid, nr);
  }
  if (tf->sysnr == 0) return;        /* sigreturn: registers already restored */
  if (r < 0 && r >= -MAXERRNO) {
    tf->regs[R_V0] = (u32)-r;
    tf->regs[R_A3] = 1;
  } else {
    tf->regs[R_V0] = (u32)r;
    tf->regs[R_A3] = 0;
  }
}
