/* signal.h: MIPS signal numbers (uapi/signal.h) and sigaction in the kernel's o32 layout
 * (flags first, no restorer: the kernel provides the return trampoline itself). */
#ifndef _SIGNAL_H
#define _SIGNAL_H
#include <sys/types.h>
#include <uapi/signal.h>

typedef void (*sighandler_t)(int);
#define SIG_DFL ((sighandler_t)SIG_HANDLER_DFL)
#define SIG_IGN ((sighandler_t)SIG_HANDLER_IGN)
#define SIG_ERR ((sighandler_t)SIG_HANDLER_ERR)

typedef struct { unsigned long sig[4]; } sigset_t;   /* 128 signals, the kernel's 16 bytes */

struct sigaction {           /* exactly the kernel's struct for rt_sigaction on o32 */
  unsigned int sa_flags;
  sighandler_t sa_handler;
  sigset_t sa_mask;
};

int sigaction(int sig, const struct sigaction *act, struct sigaction *old);
sighandler_t signal(int sig, sighandler_t handler);
int sigprocmask(int how, const sigset_t *set, sigset_t *old);
int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int sig);
int sigdelset(sigset_t *set, int sig);
int sigismember(const sigset_t *set, int sig);
int kill(pid_t pid, int sig);
int raise(int sig);
const char *signame(int sig);     /* "INT", "TERM", ... or NULL (ours, for kill and sh) */
#endif
