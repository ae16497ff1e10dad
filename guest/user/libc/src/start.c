/* start.c: process start-up and exit: reads argc/argv/envp/auxv left by the kernel (o32
 * layout, see crt0.S), runs main, then the atexit handlers, flushes stdio and exits. */
#include <stdlib.h>
#include <unistd.h>
#include <uapi/auxvec.h>
#include "internal.h"

#define MAX_ATEXIT 32

int errno;
char **environ;
unsigned long __pagesize = 4096;

static void (*atexit_fns[MAX_ATEXIT])(void);
static int natexit;

int main(int argc, char **argv, char **envp);

/* Called by __start with the kernel's stack pointer; never returns. */
__attribute__((noreturn)) void __libc_start(long *sp)
{
  int argc = (int)sp[0];
  char **argv = (char **)(sp + 1);
  char **envp = argv + argc + 1;
  char **p = envp;
  unsigned long *aux;

  environ = envp;
  while (*p)
    p++;
  for (aux = (unsigned long *)(p + 1); aux[0] != AT_NULL; aux += 2)
    if (aux[0] == AT_PAGESZ && aux[1])
      __pagesize = aux[1];
  exit(main(argc, argv, envp));
}

int atexit(void (*fn)(void))
{
  if (natexit == MAX_ATEXIT)
    return -1;
  atexit_fns[natexit++] = fn;
  return 0;
}

void exit(int status)
{
  while (natexit > 0)
    atexit_fns[--natexit]();
  __stdio_flushall();
  _exit(status);
}

void _exit(int status)
{
  for (;;)
    __sys_exit_group(status);
}

void _Exit(int status)
{
  _exit(status);
}

void abort(void)
{
  __sys_kill(__sys_getpid(), 6);   /* SIGABRT */
  _exit(127);
}
