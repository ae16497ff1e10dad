/* sysproc.c: process system calls: exit, fork/clone, wait, identity (every process is
 * root), process groups and sessions, set_thread_area/set_tid_address, uname, prctl,
 * rlimits, reboot, sysinfo, times, getrandom, scheduling odds and ends, a minimal futex. */
#include "types.h"
#include "defs.h"
#include "proc.h"
#include "fs.h"
#include "hal.h"

long sys_exit(int code) {
  do_exit((code & 0xff) << 8);
  return 0;
}

long sys_fork(void) { return do_clone(SIGCHLD, 0, 0, 0, 0); }

long sys_clone(u32 flags, u32 newsp, u32 ptid, u32 tls, u32 ctid) {
  return do_clone(flags, newsp, ptid, tls, ctid);
}

long sys_wait4(int pid, uaddr_t status, int options, uaddr_t rusage) {
  return do_wait(pid, status, options, rusage);
}

long sys_waitpid(int pid, uaddr_t status, int options) {
  return do_wait(pid, status, options, 0);
}

long sys_getpid(void) { return myproc()->pid; }

long sys_getppid(void) {
  struct proc *p = myproc();
  acquire(&ptable_lock);
  int r = p->parent ? p->parent->pid : 0;
  release(&ptable_lock);
  return r;
}

long sys_getid(void) { return 0; }
long sys_setid(void) { return 0; }

long sys_getresid(uaddr_t a, uaddr_t b, uaddr_t c) {
  if (put_user32(a, 0) < 0 || put_user32(b, 0) < 0 || put_user32(c, 0) < 0) return -EFAULT;
  return 0;
}

long sys_getgroups(int size, uaddr_t list) {
  (void)list;
  return size < 0 ? -EINVAL : 0;
}

long sys_setpgid(int pid, int pgid) { return do_setpgid(pid, pgid); }
long sys_getpgid(int pid) { return do_getpgid(pid); }
long sys_getpgrp(void) { return do_getpgid(0); }
long sys_setsid(void) { return do_setsid(); }
long sys_getsid(int pid) { return do_getsid(pid); }

long sys_umask(u32 mask) {
  struct proc *p = myproc();
  u32 old = p->umask;
  p->umask = mask & 0777;
  return (long)old;
}

long sys_set_thread_area(u32 addr) {
  myproc()->tls = addr;
  hal_set_tls(addr);
  return 0;
}

long sys_set_tid_address(u32 addr) {
  struct proc *p = myproc();
  p->clear_child_tid = addr;
  return p->pid;
}

long sys_uname(uaddr_t buf) {
  struct utsname u;
  memset(&u, 0, sizeof u);
  strlcpy(u.sysname, "Linux", sizeof u.sysname);
  strlcpy(u.nodename, "disco", sizeof u.nodename);
  strlcpy(u.release, "6.1.0-disco", sizeof u.release);
  strlcpy(u.version, "#1 SMP disco guest kernel", sizeof u.version);
  strlcpy(u.machine, "mips", sizeof u.machine);
  strlcpy(u.domainname, "(none)", sizeof u.domainname);
  return copyout(buf, &u, sizeof u) < 0 ? -EFAULT : 0;
}

long sys_prctl(int option, u32 arg2) {
  struct proc *p = myproc();
  switch (option) {
  case PR_SET_NAME: {
    char name[MAXPROCNAME];
    int n = copyinstr(name, arg2, sizeof name);
    if (n == -EFAULT) return -EFAULT;
    name[sizeof name - 1] = '\0';
    memcpy(p->name, name, sizeof name);
    return 0;
  }
  case PR_GET_NAME:
    return copyout(arg2, p->name, sizeof p->name) < 0 ? -EFAULT : 0;
  case PR_SET_PDEATHSIG:
  case PR_SET_DUMPABLE:
    return 0;
  case PR_GET_DUMPABLE:
    return 1;
  }
  return -EINVAL;
}

static void rlimit_of(int res, u64 *cur, u64 *max, u64 inf) {
  *cur = *max = inf;
  if (res == RLIMIT_STACK) *cur = USER_STACK_SIZE;
  if (res == RLIMIT_NOFILE) *cur = *max = NOFILE;
}

long sys_getrlimit(int res, uaddr_t ur) {
  if (res < 0 || res >= 16) return -EINVAL;
  u64 cur, max;
  rlimit_of(res, &cur, &max, RLIM_INFINITY32);
  struct rlimit32 r = { (u32)cur, (u32)max };
  return copyout(ur, &r, sizeof r) < 0 ? -EFAULT : 0;
}

long sys_setrlimit(int res, uaddr_t ur) {
  (void)ur;
  return res < 0 || res >= 16 ? -EINVAL : 0;
}

long sys_prlimit64(int pid, int res, uaddr_t unew, uaddr_t uold) {
  (void)unew;
  if (pid != 0 && pid != myproc()->pid) return -ESRCH;
  if (res < 0 || res >= 16) return -EINVAL;
  if (uold != 0) {
    struct rlimit64 r;
    rlimit_of(res, &r.rlim_cur, &r.rlim_max, ~0ull);
    if (copyout(uold, &r, sizeof r) < 0) return -EFAULT;
  }
  return 0;
}

long sys_getrusage(int who, uaddr_t ur) {
  struct proc *p = myproc();
  u32 ru[18];
  memset(ru, 0, sizeof ru);
  u64 ticks = who == -1 ? p->cutime : p->utime;   /* RUSAGE_CHILDREN = -1 */
  ru[0] = (u32)(ticks / HZ);
  ru[1] = (u32)(ticks % HZ) * (1000000 / HZ);
  return copyout(ur, ru, sizeof ru) < 0 ? -EFAULT : 0;
}

long sys_times(uaddr_t ut) {
  struct proc *p = myproc();
  if (ut != 0) {
    struct tms32 t = { (s32)p->utime, (s32)p->stime, (s32)p->cutime, (s32)p->cstime };
    if (copyout(ut, &t, sizeof t) < 0) return -EFAULT;
  }
  return (long)(u32)jiffies;
}

long sys_sched_yield(void) {
  yield();
  return 0;
}

long sys_getpriority(int which, int who) {
  (void)which;
  (void)who;
  return 20;   /* the kernel returns 20 - nice */
}

long sys_setpriority(void) { return 0; }
long sys_personality(u32 p) { (void)p; return 0; }
long sys_madvise(void) { return 0; }
long sys_msync(void) { return 0; }
long sys_cacheflush(void) { return 0; }
long sys_fadvise(void) { return 0; }
long sys_flock(void) { return 0; }

long sys_sched_getaffinity(int pid, u32 len, uaddr_t mask) {
  (void)pid;
  if (len < 4) return -EINVAL;
  u32 m = hal_ncpu() >= 32 ? 0xffffffffu : (1u << hal_ncpu()) - 1;
  if (clear_user(mask, len) < 0 || put_user32(mask, m) < 0) return -EFAULT;
  return 4;
}

long sys_getcpu(uaddr_t ucpu, uaddr_t unode) {
  int c = hal_cpu_id();
  if (ucpu && put_user32(ucpu, (u32)c) < 0) return -EFAULT;
  if (unode && put_user32(unode, (u32)hal_cpu_node(c)) < 0) return -EFAULT;
  return 0;
}

long sys_getrandom(uaddr_t buf, u32 len, u32 flags) {
  (void)flags;
  u8 k[64];
  u32 done = 0;
  while (done < len) {
    u32 m = MIN(len - done, (u32)sizeof k);
    random_bytes(k, m);
    if (copyout(buf + done, k, m) < 0) return done ? (long)done : -EFAULT;
    done += m;
  }
  return (long)done;
}

long sys_sysinfo(uaddr_t ui) {
  struct sysinfo32 si;
  memset(&si, 0, sizeof si);
  u32 total, free;
  kmem_stats(&total, &free);
  si.uptime = (s32)(monotonic_ns() / 1000000000ull);
  si.totalram = total;
  si.freeram = free;
  si.procs = (u16)nprocs();
  si.mem_unit = PGSIZE;
  return copyout(ui, &si, sizeof si) < 0 ? -EFAULT : 0;
}

long sys_reboot(u32 magic1, u32 magic2, u32 cmd) {
  (void)magic2;
  if (magic1 != LINUX_REBOOT_MAGIC1) return -EINVAL;
  switch (cmd) {
  case LINUX_REBOOT_CMD_CAD_ON:
  case LINUX_REBOOT_CMD_CAD_OFF:
    return 0;
  case LINUX_REBOOT_CMD_POWER_OFF:
  case LINUX_REBOOT_CMD_HALT:
    fs_sync_all();
    kprintf("reboot: power down\n");
    hal_poweroff(0);
  case LINUX_REBOOT_CMD_RESTART:
    fs_sync_all();
    kprintf("reboot: restarting system\n");
    hal_reset(0);
  }
  return -EINVAL;
}

static char futex_chan;

/* futex: processes are single-threaded, so only the value check and wake matter. */
long sys_futex(uaddr_t uaddr, int op, u32 val) {
  int cmd = op & 0x7f;
  if (cmd == 1) return 0;                        /* FUTEX_WAKE: nobody waits */
  if (cmd == 0 || cmd == 9) {                    /* FUTEX_WAIT(_BITSET) */
    u32 cur;
    if (get_user32(&cur, uaddr) < 0) return -EFAULT;
    if (cur != val) return -EAGAIN;
    acquire(&ptable_lock);
    int r = sleep_on(&futex_chan, &ptable_lock, true, 0);
    release(&ptable_lock);
    return r == -EINTR ? -EINTR : 0;
  }
  return -ENOSYS;
}

/* alarm and setitimer(ITIMER_REAL): SIGALRM from the clock tick. */
static u64 set_alarm(u64 ns) {
  struct proc *p = myproc();
  u64 now = hal_cycles();
  acquire(&ptable_lock);
  u64 old = p->alarm_deadline;
  p->alarm_deadline = ns ? now + ns_to_cycles(ns) : 0;
  deadline_add(p->alarm_deadline);
  release(&ptable_lock);
  if (old == 0 || old <= now) return 0;
  return (old - now) * 1000000000ull / hal_cycles_hz();
}

long sys_alarm(u32 secs) {
  u64 left = set_alarm((u64)secs * 1000000000ull);
  return (long)((left + 999999999ull) / 1000000000ull);
}

long sys_setitimer(int which, uaddr_t unew, uaddr_t uold) {
  if (which != 0) return -EINVAL;
  struct timeval32 it[2] = { { 0, 0 }, { 0, 0 } };
  if (unew != 0 && copyin(it, unew, sizeof it) < 0) return -EFAULT;
  u64 left = set_alarm((u64)it[1].tv_sec * 1000000000ull + (u64)it[1].tv_usec * 1000);
  if (uold != 0) {
    struct timeval32 o[2] = { { 0, 0 }, { (s32)(left / 1000000000ull), (s32)(left % 1000000000ull / 1000) } };
    if (copyout(uold, o, sizeof o) < 0) return -EFAULT;
  }
  return 0;
}
