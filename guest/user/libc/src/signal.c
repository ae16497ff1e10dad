/* signal.c: signals through rt_sigaction/rt_sigprocmask with the kernel's 16-byte sigset.
 * MIPS has no SA_RESTORER: handlers return to a trampoline the kernel supplies (Linux: the
 * vDSO's sigreturn; qemu-user: its own page), so we pass none. */
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
  return __sysret(__sys_rt_sigaction(sig, act, old, sizeof(sigset_t)));
}

sighandler_t signal(int sig, sighandler_t handler)
{
  struct sigaction sa, old;

  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = SA_RESTART;
  if (sigaction(sig, &sa, &old) < 0)
    return SIG_ERR;
  return old.sa_handler;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
  return __sysret(__sys_rt_sigprocmask(how, set, old, sizeof(sigset_t)));
}

int sigemptyset(sigset_t *set) { memset(set, 0, sizeof *set); return 0; }
int sigfillset(sigset_t *set) { memset(set, 0xff, sizeof *set); return 0; }

int sigaddset(sigset_t *set, int sig)
{
  set->sig[(sig - 1) / 32] |= 1ul << ((sig - 1) % 32);
  return 0;
}

int sigdelset(sigset_t *set, int sig)
{
  set->sig[(sig - 1) / 32] &= ~(1ul << ((sig - 1) % 32));
  return 0;
}

int sigismember(const sigset_t *set, int sig)
{
  return (set->sig[(sig - 1) / 32] >> ((sig - 1) % 32)) & 1;
}

int kill(pid_t pid, int sig) { return __sysret(__sys_kill(pid, sig)); }
int raise(int sig) { return kill(getpid(), sig); }

static const char *const names[32] = {
  0, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "EMT", "FPE", "KILL", "BUS", "SEGV", "SYS",
  "PIPE", "ALRM", "TERM", "USR1", "USR2", "CHLD", "PWR", "WINCH", "URG", "IO", "STOP", "TSTP",
  "CONT", "TTIN", "TTOU", "VTALRM", "PROF", "XCPU", "XFSZ",
};

const char *signame(int sig)
{
  return sig > 0 && sig < 32 ? names[sig] : 0;
}
