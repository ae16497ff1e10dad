/* sigchld: a parent with an SA_SIGINFO handler for SIGCHLD gets one when a child exits
 * (CLD_EXITED, si_pid, si_status = the exit code) and when a child is killed (CLD_KILLED,
 * si_status = the signal); wait4 then reaps each with the matching status. Prints
 * "sigchld: OK" and exits 0 on success. */
#include "rt.h"

#define SIGKILL_ 9
#define SIGCHLD_ 18
#define CLD_EXITED 1
#define CLD_KILLED 2

struct siginfo { int signo, code, err, pid, uid, status; };

static volatile int got, code, pid, status;

static void on_chld(int sig, struct siginfo *si, void *uc) {
  (void)uc;
  if (sig != SIGCHLD_ || si->signo != SIGCHLD_) return;
  code = si->code;
  pid = si->pid;
  status = si->status;
  got++;
}

static int fail(const char *what, long v) {
  puts_("sigchld: FAIL ");
  puts_(what);
  puts_(" ");
  putnum(v);
  puts_("\n");
  return 1;
}

/* Wait (yielding) until the handler has run `n` times in total. */
static int await_handler(int n) {
  for (long spins = 0; got < n; spins++) {
    if (spins > 1000000) return -1;
    sys0(SYS_sched_yield);
  }
  return 0;
}

int main(void) {
  int st = 0;
  sigaction_(SIGCHLD_, (void *)on_chld, SA_SIGINFO | SA_RESTART);

  long c1 = sys6(SYS_clone, SIGCHLD_, 0, 0, 0, 0, 0);
  if (c1 == 0) exit_(7);
  if (c1 < 0) return fail("fork", c1);
  if (await_handler(1) < 0) return fail("no SIGCHLD for an exit, got", got);
  if (code != CLD_EXITED || pid != c1 || status != 7) return fail("exit siginfo code/pid/status", code * 1000000 + pid * 1000 + status);
  if (sys4(SYS_wait4, c1, &st, 0, 0) != c1 || st != (7 << 8)) return fail("wait4 exit status", st);

  long c2 = sys6(SYS_clone, SIGCHLD_, 0, 0, 0, 0, 0);
  if (c2 == 0) for (;;) sys0(SYS_sched_yield);
  if (c2 < 0) return fail("fork", c2);
  sys2(SYS_kill, c2, SIGKILL_);
  if (await_handler(2) < 0) return fail("no SIGCHLD for a kill, got", got);
  if (code != CLD_KILLED || pid != c2 || status != SIGKILL_) return fail("kill siginfo code/pid/status", code * 1000000 + pid * 1000 + status);
  if (sys4(SYS_wait4, c2, &st, 0, 0) != c2 || st != SIGKILL_) return fail("wait4 kill status", st);

  puts_("sigchld: OK\n");
  return 0;
}
