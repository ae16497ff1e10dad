/* init [rcfile]: the first process. The kernel starts it as pid 1 with fds 0, 1 and 2 open
 * on the console (if fd 0 is closed, init opens /dev/console itself). init runs the rc
 * script (/etc/rc by default, one shell command per line) with /bin/sh, then keeps an
 * interactive /bin/sh on the console, starting a new one whenever it exits, and reaps
 * every orphan. As pid 1 it sets PATH=/bin and HOME=/; sh is found through PATH. Shutting down is `poweroff` or `reboot` (the reboot system call).
 * Run as any pid other than 1 (a test), init runs the rc script and one shell, then exits. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

/* Makes sure fds 0-2 exist, on the console. */
static void open_console(void)
{
  int fd;

  if (fcntl(0, F_GETFD) >= 0)
    return;
  fd = open("/dev/console", O_RDWR);
  if (fd < 0)
    return;
  if (fd != 0) {
    dup2(fd, 0);
    close(fd);
  }
  dup2(0, 1);
  dup2(0, 2);
}

/* Starts `sh [script]` in a new session; returns its pid or -1. */
static pid_t spawn_shell(const char *script)
{
  char *argv[3];
  pid_t pid = fork();

  if (pid != 0)
    return pid;
  setsid();
  if (!script)
    ioctl(0, TIOCSCTTY, (void *)0);    /* the console becomes the controlling tty */
  signal(SIGINT, SIG_DFL);
  argv[0] = "sh";
  argv[1] = (char *)script;
  argv[2] = 0;
  execvp("sh", argv);
  fprintf(stderr, "init: cannot run sh: %s\n", strerror(errno));
  _exit(127);
}

/* Waits until `pid` exits, reaping any other child (orphans) on the way. */
static void wait_for(pid_t pid)
{
  int status;
  pid_t w;

  while ((w = wait(&status)) != pid)
    if (w < 0 && errno == ECHILD)
      return;
}

int main(int argc, char **argv)
{
  const char *rc = argc > 1 ? argv[1] : "/etc/rc";
  int pid1 = getpid() == 1;

  open_console();
  signal(SIGINT, SIG_IGN);
  if (pid1) {
    setenv("PATH", "/bin", 1);
    setenv("HOME", "/", 1);
  }
  if (access(rc, R_OK) == 0)
    wait_for(spawn_shell(rc));
  for (;;) {
    pid_t sh = spawn_shell(0);
    if (sh < 0) {
      perror("init: fork");
      sleep(1);
      continue;
    }
    wait_for(sh);
    if (!pid1)
      return 0;
    printf("init: shell exited, starting a new one\n");
  }
}
