/* systime.c: clocks and sleeping: time, gettimeofday, clock_gettime/getres (32- and 64-bit
 * timespec), nanosleep and clock_nanosleep. Monotonic time comes from the machine cycle
 * counter, wall time from the real-time clock read at boot plus that; sleeps end at the
 * clock tick after their deadline. */
#include "types.h"
#include "defs.h"
#include "proc.h"
#include "hal.h"

static int clock_ns(int clk, u64 *ns) {
  switch (clk) {
  case CLOCK_REALTIME:
  case CLOCK_REALTIME_COARSE:
    *ns = realtime_ns();
    return 0;
  case CLOCK_MONOTONIC:
  case CLOCK_MONOTONIC_RAW:
  case CLOCK_MONOTONIC_COARSE:
  case CLOCK_BOOTTIME:
    *ns = monotonic_ns();
    return 0;
  case CLOCK_PROCESS_CPUTIME_ID:
  case CLOCK_THREAD_CPUTIME_ID:
    *ns = myproc()->utime * (1000000000ull / HZ);
    return 0;
  }
  return -EINVAL;
}

long sys_time(uaddr_t tloc) {
  u32 t = now_seconds();
  if (tloc != 0 && put_user32(tloc, t) < 0) return -EFAULT;
  return (long)t;
}

long sys_gettimeofday(uaddr_t utv, uaddr_t utz) {
  u64 ns = realtime_ns();
  if (utv != 0) {
    struct timeval32 tv = { (s32)(ns / 1000000000ull), (s32)(ns % 1000000000ull / 1000) };
    if (copyout(utv, &tv, sizeof tv) < 0) return -EFAULT;
  }
  if (utz != 0 && clear_user(utz, 8) < 0) return -EFAULT;
  return 0;
}

long sys_clock_gettime(int clk, uaddr_t uts) {
  u64 ns;
  int r = clock_ns(clk, &ns);
  if (r < 0) return r;
  struct timespec32 ts = { (s32)(ns / 1000000000ull), (s32)(ns % 1000000000ull) };
  return copyout(uts, &ts, sizeof ts) < 0 ? -EFAULT : 0;
}

long sys_clock_gettime64(int clk, uaddr_t uts) {
  u64 ns;
  int r = clock_ns(clk, &ns);
  if (r < 0) return r;
  struct timespec64 ts = { (s64)(ns / 1000000000ull), (s64)(ns % 1000000000ull) };
  return copyout(uts, &ts, sizeof ts) < 0 ? -EFAULT : 0;
}

long sys_clock_getres(int clk, uaddr_t uts) {
  u64 ns;
  if (clock_ns(clk, &ns) < 0) return -EINVAL;
  struct timespec32 ts = { 0, 1000000000 / HZ };
  return uts && copyout(uts, &ts, sizeof ts) < 0 ? -EFAULT : 0;
}

long sys_clock_getres64(int clk, uaddr_t uts) {
  u64 ns;
  if (clock_ns(clk, &ns) < 0) return -EINVAL;
  struct timespec64 ts = { 0, 1000000000 / HZ };
  return uts && copyout(uts, &ts, sizeof ts) < 0 ? -EFAULT : 0;
}

/* Sleep until monotonic/real deadline; -EINTR with the time left in *left_ns. */
static long sleep_ns(u64 ns, u64 *left_ns) {
  struct proc *p = myproc();
  u64 start = hal_cycles();
  u64 deadline = start + ns_to_cycles(ns);
  if (deadline == 0) deadline = 1;
  acquire(&ptable_lock);
  int r = 0;
  while (r == 0) r = sleep_on(&p->deadline, &ptable_lock, true, deadline);
  release(&ptable_lock);
  if (r == -ETIMEDOUT) return 0;
  u64 now = hal_cycles();
  u64 left = now >= deadline ? 0 : deadline - now;
  *left_ns = left * 1000000000ull / hal_cycles_hz();
  return -EINTR;
}

static long nanosleep_common(int clk, u32 flags, s64 sec, s64 nsec, u64 *left) {
  if (sec < 0 || nsec < 0 || nsec >= 1000000000) return -EINVAL;
  u64 ns = (u64)sec * 1000000000ull + (u64)nsec;
  if (flags & TIMER_ABSTIME) {
    u64 now;
    int r = clock_ns(clk, &now);
    if (r < 0) return r;
    if (ns <= now) return 0;
    ns -= now;
  } else {
    u64 dummy;
    if (clock_ns(clk, &dummy) < 0) return -EINVAL;
  }
  return sleep_ns(ns, left);
}

long sys_clock_nanosleep(int clk, u32 flags, uaddr_t ureq, uaddr_t urem) {
  struct timespec32 ts;
  if (copyin(&ts, ureq, sizeof ts) < 0) return -EFAULT;
  u64 left = 0;
  long r = nanosleep_common(clk, flags, ts.tv_sec, ts.tv_nsec, &left);
  if (r == -EINTR && urem != 0 && !(flags & TIMER_ABSTIME)) {
    struct timespec32 rem = { (s32)(left / 1000000000ull), (s32)(left % 1000000000ull) };
    if (copyout(urem, &rem, sizeof rem) < 0) return -EFAULT;
  }
  return r;
}

long sys_clock_nanosleep64(int clk, u32 flags, uaddr_t ureq, uaddr_t urem) {
  struct timespec64 ts;
  if (copyin(&ts, ureq, sizeof ts) < 0) return -EFAULT;
  u64 left = 0;
  long r = nanosleep_common(clk, flags, ts.tv_sec, (s32)ts.tv_nsec, &left);
  if (r == -EINTR && urem != 0 && !(flags & TIMER_ABSTIME)) {
    struct timespec64 rem = { (s64)(left / 1000000000ull), (s64)(left % 1000000000ull) };
    if (copyout(urem, &rem, sizeof rem) < 0) return -EFAULT;
  }
  return r;
}

long sys_nanosleep(uaddr_t ureq, uaddr_t urem) {
  return sys_clock_nanosleep(CLOCK_MONOTONIC, 0, ureq, urem);
}
