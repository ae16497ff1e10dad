/* sigtest: signal delivery. A non-RT handler (SIGUSR1 via kill to itself) must see the
 * signal number and return through the kernel's sigreturn trampoline with all registers
 * restored; an SA_SIGINFO handler for SIGSEGV must see si_addr; a floating-point value must
 * survive a handler that uses the FPU. Prints "sigtest: OK" and exits 0 on success. */
#include "rt.h"

static volatile int got_usr1, fault_ok;
static volatile double fp_in_handler;

static void on_usr1(int sig) {
  got_usr1 = sig;
  fp_in_handler = fp_in_handler * 3.0 + 1.0;   /* clobbers FPU registers */
}

struct siginfo { int signo, code, err; u32 addr; };

static void on_segv(int sig, struct siginfo *si, void *uc) {
  (void)uc;
  if (sig == 11 && si->signo == 11 && si->addr == 0x1234) fault_ok = 1;
  puts_("sigtest: SIGSEGV at ");
  puthex(si->addr);
  puts_(fault_ok ? " (expected)\n" : " (WRONG)\n");
  exit_(fault_ok ? 0 : 3);
}

int main(void) {
  volatile double x = 1.5;
  sigaction_(16, (void *)on_usr1, SA_RESTART);
  sigaction_(11, (void *)on_segv, SA_SIGINFO);
  fp_in_handler = 2.0;
  long pid = sys0(SYS_getpid);
  sys2(SYS_kill, pid, 16);
  double y = x * 4.0;
  if (got_usr1 != 16 || y != 6.0 || fp_in_handler != 7.0) {
    puts_("sigtest: handler FAIL\n");
    return 2;
  }
  puts_("sigtest: SIGUSR1 handled\n");
  *(volatile int *)0x1234 = 5;
  puts_("sigtest: no fault?!\n");
  return 4;
}
