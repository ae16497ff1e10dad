/* sysdecl.h: prototypes of the system-call handlers (syscall.c's table), by file. */
#ifndef SYSDECL_H
#define SYSDECL_H

/* exec.c */
long sys_execve(uaddr_t upath, uaddr_t uargv, uaddr_t uenvp);

/* signal.c */
long sys_kill(int pid, int sig);
long sys_pause(void);
long sys_rt_sigaction(int sig, uaddr_t uact, uaddr_t uoact, u32 size);
long sys_rt_sigpending(uaddr_t uset, u32 size);
long sys_rt_sigprocmask(int how, uaddr_t uset, uaddr_t uoset, u32 size);
long sys_rt_sigreturn(void);
long sys_rt_sigsuspend(uaddr_t uset, u32 size);
long sys_sigaction(int sig, uaddr_t uact, uaddr_t uoact);
long sys_sigaltstack(uaddr_t uss, uaddr_t uoss);
long sys_sigprocmask(int how, uaddr_t uset, uaddr_t uoset);
long sys_sigreturn(void);
long sys_tgkill(int tgid, int tid, int sig);
long sys_tkill(int tid, int sig);

/* sysfile.c */
long sys_close(int fd);
long sys_dup(int fd);
long sys_dup2(int oldfd, int newfd);
long sys_dup3(int oldfd, int newfd, u32 flags);
long sys_fcntl(int fd, int cmd, u32 arg);
long sys_fstat64(int fd, uaddr_t ust);
long sys_fsync(int fd);
long sys_getdents(int fd, uaddr_t buf, u32 n);
long sys_getdents64(int fd, uaddr_t buf, u32 n);
long sys_ioctl(int fd, u32 cmd, u32 arg);
long sys_llseek(int fd, u32 hi, u32 lo, uaddr_t result, int whence);
long sys_lseek(int fd, s32 off, int whence);
long sys_pipe(void);
long sys_pipe2(uaddr_t fds, u32 flags);
long sys_poll(uaddr_t ufds, u32 nfds, s32 timeout_ms);
long sys_ppoll(uaddr_t ufds, u32 nfds, uaddr_t uts, uaddr_t usig, u32 sigsz);
long sys_ppoll64(uaddr_t ufds, u32 nfds, uaddr_t uts, uaddr_t usig, u32 sigsz);
long sys_pread64(int fd, uaddr_t buf, u32 n, u32 pad, u32 lo, u32 hi);
long sys_pselect6(int n, uaddr_t rd, uaddr_t wr, uaddr_t ex, uaddr_t uts, uaddr_t usig);
long sys_pselect6_64(int n, uaddr_t rd, uaddr_t wr, uaddr_t ex, uaddr_t uts, uaddr_t usig);
long sys_pwrite64(int fd, uaddr_t buf, u32 n, u32 pad, u32 lo, u32 hi);
long sys_read(int fd, uaddr_t buf, u32 n);
long sys_readv(int fd, uaddr_t iov, int cnt);
long sys_select(int n, uaddr_t rd, uaddr_t wr, uaddr_t ex, uaddr_t utv);
long sys_sendfile(int out, int in, uaddr_t uoff, u32 count);
long sys_sendfile64(int out, int in, uaddr_t uoff, u32 count);
long sys_sync(void);
long sys_mount(uaddr_t source, uaddr_t target, uaddr_t fstype, u32 flags, uaddr_t data);
long sys_nfsservctl(u32 cmd, uaddr_t arg, uaddr_t res);
long sys_write(int fd, uaddr_t buf, u32 n);
long sys_writev(int fd, uaddr_t iov, int cnt);

/* sysmm.c */
long sys_brk(u32 addr);
long sys_mmap(u32 addr, u32 len, u32 prot, u32 flags, int fd, u32 off);
long sys_mmap2(u32 addr, u32 len, u32 prot, u32 flags, int fd, u32 pgoff);
long sys_mprotect(u32 addr, u32 len, u32 prot);
long sys_munmap(u32 addr, u32 len);

/* syspath.c */
long sys_access(uaddr_t upath, u32 mode);
long sys_chdir(uaddr_t upath);
long sys_chmod(uaddr_t upath, u32 mode);
long sys_chown(uaddr_t upath, u32 uid, u32 gid);
long sys_creat(uaddr_t upath, u32 mode);
long sys_faccessat(int dirfd, uaddr_t upath, u32 mode);
long sys_faccessat2(int dirfd, uaddr_t upath, u32 mode, u32 flags);
long sys_fchdir(int fd);
long sys_fchmod(int fd, u32 mode);
long sys_fchmodat(int dirfd, uaddr_t upath, u32 mode);
long sys_fchown(int fd, u32 uid, u32 gid);
long sys_fchownat(int dirfd, uaddr_t upath, u32 uid, u32 gid, u32 flags);
long sys_fstat(int fd, uaddr_t ubuf);
long sys_fstatat64(int dirfd, uaddr_t upath, uaddr_t ust, u32 flags);
long sys_fstatfs(int fd, uaddr_t ubuf);
long sys_fstatfs64(int fd, u32 size, uaddr_t ubuf);
long sys_ftruncate(int fd, u32 len);
long sys_ftruncate64(int fd, u32 pad, u32 lo, u32 hi);
long sys_getcwd(uaddr_t ubuf, u32 size);
long sys_link(uaddr_t uold, uaddr_t unew);
long sys_linkat(int odfd, uaddr_t uold, int ndfd, uaddr_t unew, u32 flags);
long sys_lstat(uaddr_t upath, uaddr_t ubuf);
long sys_lstat64(uaddr_t upath, uaddr_t ust);
long sys_mkdir(uaddr_t upath, u32 mode);
long sys_mkdirat(int dirfd, uaddr_t upath, u32 mode);
long sys_mknod(uaddr_t upath, u32 mode, u32 dev);
long sys_mknodat(int dirfd, uaddr_t upath, u32 mode, u32 dev);
long sys_open(uaddr_t upath, u32 flags, u32 mode);
long sys_openat(int dirfd, uaddr_t upath, u32 flags, u32 mode);
long sys_readlink(uaddr_t upath, uaddr_t ubuf, s32 size);
long sys_readlinkat(int dirfd, uaddr_t upath, uaddr_t ubuf, s32 size);
long sys_rename(uaddr_t uold, uaddr_t unew);
long sys_renameat(int odfd, uaddr_t uold, int ndfd, uaddr_t unew);
long sys_renameat2(int odfd, uaddr_t uold, int ndfd, uaddr_t unew, u32 flags);
long sys_rmdir(uaddr_t upath);
long sys_stat(uaddr_t upath, uaddr_t ubuf);
long sys_stat64(uaddr_t upath, uaddr_t ust);
long sys_statfs(uaddr_t upath, uaddr_t ubuf);
long sys_statfs64(uaddr_t upath, u32 size, uaddr_t ubuf);
long sys_statx(int dirfd, uaddr_t upath, u32 flags, u32 mask, uaddr_t ubuf);
long sys_symlink(uaddr_t utarget, uaddr_t upath);
long sys_symlinkat(uaddr_t utarget, int dirfd, uaddr_t upath);
long sys_truncate(uaddr_t upath, u32 len);
long sys_truncate64(uaddr_t upath, u32 pad, u32 lo, u32 hi);
long sys_unlink(uaddr_t upath);
long sys_unlinkat(int dirfd, uaddr_t upath, u32 flags);
long sys_utime(uaddr_t upath, uaddr_t ut);
long sys_utimensat(int dirfd, uaddr_t upath, uaddr_t uts, u32 flags);
long sys_utimensat64(int dirfd, uaddr_t upath, uaddr_t uts, u32 flags);
long sys_utimes(uaddr_t upath, uaddr_t utv);

/* sysproc.c */
long sys_alarm(u32 secs);
long sys_cacheflush(void);
long sys_clone(u32 flags, u32 newsp, u32 ptid, u32 tls, u32 ctid);
long sys_exit(int code);
long sys_fadvise(void);
long sys_flock(void);
long sys_fork(void);
long sys_futex(uaddr_t uaddr, int op, u32 val);
long sys_getcpu(uaddr_t ucpu, uaddr_t unode);
long sys_getgroups(int size, uaddr_t list);
long sys_getid(void);
long sys_getpgid(int pid);
long sys_getpgrp(void);
long sys_getpid(void);
long sys_getppid(void);
long sys_getpriority(int which, int who);
long sys_getrandom(uaddr_t buf, u32 len, u32 flags);
long sys_getresid(uaddr_t a, uaddr_t b, uaddr_t c);
long sys_getrlimit(int res, uaddr_t ur);
long sys_getrusage(int who, uaddr_t ur);
long sys_getsid(int pid);
long sys_madvise(void);
long sys_msync(void);
long sys_personality(u32 p);
long sys_prctl(int option, u32 arg2);
long sys_prlimit64(int pid, int res, uaddr_t unew, uaddr_t uold);
long sys_reboot(u32 magic1, u32 magic2, u32 cmd);
long sys_sched_getaffinity(int pid, u32 len, uaddr_t mask);
long sys_sched_yield(void);
long sys_set_thread_area(u32 addr);
long sys_set_tid_address(u32 addr);
long sys_setid(void);
long sys_setitimer(int which, uaddr_t unew, uaddr_t uold);
long sys_setpgid(int pid, int pgid);
long sys_setpriority(void);
long sys_setrlimit(int res, uaddr_t ur);
long sys_setsid(void);
long sys_sysinfo(uaddr_t ui);
long sys_times(uaddr_t ut);
long sys_umask(u32 mask);
long sys_uname(uaddr_t buf);
long sys_wait4(int pid, uaddr_t status, int options, uaddr_t rusage);
long sys_waitpid(int pid, uaddr_t status, int options);

/* systime.c */
long sys_clock_getres(int clk, uaddr_t uts);
long sys_clock_getres64(int clk, uaddr_t uts);
long sys_clock_gettime(int clk, uaddr_t uts);
long sys_clock_gettime64(int clk, uaddr_t uts);
long sys_clock_nanosleep(int clk, u32 flags, uaddr_t ureq, uaddr_t urem);
long sys_clock_nanosleep64(int clk, u32 flags, uaddr_t ureq, uaddr_t urem);
long sys_gettimeofday(uaddr_t utv, uaddr_t utz);
long sys_nanosleep(uaddr_t ureq, uaddr_t urem);
long sys_time(uaddr_t tloc);

#endif
