/* unistd.c: POSIX wrappers over the raw stubs of sys/syscall.h: errno on failure, and the
 * o32 details (open is openat, lseek is _llseek, fork is clone(SIGCHLD), pipe is pipe2,
 * sleeping is clock_nanosleep, mmap is mmap2 in 4 KiB units). */
#include <unistd.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <limits.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <uapi/signal.h>
#include "internal.h"


ssize_t read(int fd, void *buf, size_t n) { return __sysret(__sys_read(fd, buf, n)); }
ssize_t write(int fd, const void *buf, size_t n) { return __sysret(__sys_write(fd, buf, n)); }
int close(int fd) { return __sysret(__sys_close(fd)); }

int open(const char *path, int flags, ...)
{
  va_list ap;
  int mode;

  va_start(ap, flags);
  mode = (flags & O_CREAT) ? va_arg(ap, int) : 0;
  va_end(ap);
  return __sysret(__sys_openat(AT_FDCWD, path, flags | O_LARGEFILE, mode));
}

int creat(const char *path, mode_t mode) { return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode); }

off_t lseek(int fd, off_t off, int whence)
{
  long long result;
  long long o = off;
  long r = __sys__llseek(fd, (unsigned long)(o >> 32), (unsigned long)o, &result, whence);

  if (r < 0)
    return __sysret(r);
  return (off_t)result;
}

int fcntl(int fd, int cmd, ...)
{
  va_list ap;
  long arg;

  va_start(ap, cmd);
  arg = va_arg(ap, long);
  va_end(ap);
  return __sysret(__sys_fcntl64(fd, cmd, arg));
}

int ioctl(int fd, unsigned long req, ...)
{
  va_list ap;
  void *arg;

  va_start(ap, req);
  arg = va_arg(ap, void *);
  va_end(ap);
  return __sysret(__sys_ioctl(fd, req, arg));
}

pid_t fork(void)
{
  __stdio_flushall();        /* buffered output must not be written twice */
  return __sysret(__sys_clone(SIGCHLD, 0, 0, 0, 0));
}

int execve(const char *path, char *const argv[], char *const envp[])
{
  return __sysret(__sys_execve(path, argv, envp));
}

int execv(const char *path, char *const argv[]) { return execve(path, argv, environ); }

/* Runs `path` as a shell script (POSIX execvp does this when the kernel says ENOEXEC). */
static void exec_script(const char *path, char *const argv[])
{
  int n = 0;
  char **nargv;

  while (argv[n])
    n++;
  nargv = malloc((n + 2) * sizeof(char *));
  if (!nargv)
    return;
  nargv[0] = "sh";
  nargv[1] = (char *)path;
  memcpy(nargv + 2, argv + 1, n * sizeof(char *));
  execve("/bin/sh", nargv, environ);
  free(nargv);
}

int execvp(const char *file, char *const argv[])
{
  const char *path = getenv("PATH"), *p;
  char buf[PATH_MAX];
  int saw_eacces = 0;

  if (strchr(file, '/')) {
    execve(file, argv, environ);
    if (errno == ENOEXEC)
      exec_script(file, argv);
    return -1;
  }
  if (!path)
    path = "/bin:/usr/bin";
  for (p = path;; p++) {
    const char *end = strchr(p, ':');
    size_t dlen = end ? (size_t)(end - p) : strlen(p);
    if (dlen + strlen(file) + 2 <= sizeof buf) {
      memcpy(buf, p, dlen);
      if (dlen == 0)
        buf[dlen++] = '.';
      buf[dlen] = '/';
      strcpy(buf + dlen + 1, file);
      execve(buf, argv, environ);
      if (errno == ENOEXEC) {
        exec_script(buf, argv);
        return -1;
      }
      if (errno == EACCES)
        saw_eacces = 1;
    }
    if (!end)
      break;
    p = end;
  }
  errno = saw_eacces ? EACCES : ENOENT;
  return -1;
}

pid_t waitpid(pid_t pid, int *status, int options)
{
  return __sysret(__sys_wait4(pid, status, options, 0));
}

pid_t wait(int *status) { return waitpid(-1, status, 0); }
int pipe(int fds[2]) { return __sysret(__sys_pipe2(fds, 0)); }
int dup(int fd) { return __sysret(__sys_dup(fd)); }
int dup2(int fd, int fd2) { return __sysret(__sys_dup2(fd, fd2)); }
int chdir(const char *path) { return __sysret(__sys_chdir(path)); }

char *getcwd(char *buf, size_t size)
{
  return __sysret(__sys_getcwd(buf, size)) < 0 ? 0 : buf;
}

int mkdir(const char *path, mode_t mode) { return __sysret(__sys_mkdir(path, mode)); }
int rmdir(const char *path) { return __sysret(__sys_rmdir(path)); }
int unlink(const char *path) { return __sysret(__sys_unlink(path)); }
int rename(const char *from, const char *to) { return __sysret(__sys_rename(from, to)); }
int access(const char *path, int mode) { return __sysret(__sys_access(path, mode)); }
mode_t umask(mode_t mask) { return (mode_t)__sys_umask(mask); }
pid_t getpid(void) { return __sys_getpid(); }
pid_t getppid(void) { return __sys_getppid(); }
uid_t getuid(void) { return __sys_getuid(); }
int setpgid(pid_t pid, pid_t pgid) { return __sysret(__sys_setpgid(pid, pgid)); }
pid_t getpgid(pid_t pid) { return __sysret(__sys_getpgid(pid)); }
pid_t getpgrp(void) { return getpgid(0); }
pid_t setsid(void) { return __sysret(__sys_setsid()); }
void sync(void) { __sys_sync(); }

pid_t tcgetpgrp(int fd)
{
  int pgrp;

  return ioctl(fd, TIOCGPGRP, &pgrp) < 0 ? -1 : pgrp;
}

int tcsetpgrp(int fd, pid_t pgrp)
{
  int p = pgrp;

  return ioctl(fd, TIOCSPGRP, &p);
}

int isatty(int fd)
{
  char termios_buf[40];

  return __sys_ioctl(fd, TCGETS, termios_buf) == 0;
}

int reboot(int cmd)
{
  return __sysret(__sys_reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, cmd, 0));
}

static char *cur_brk;

int brk(void *addr)
{
  char *r = (char *)__sys_brk(addr);

  cur_brk = r;
  if (r < (char *)addr) {
    errno = ENOMEM;
    return -1;
  }
  return 0;
}

void *sbrk(long inc)
{
  char *old;

  if (!cur_brk)
    cur_brk = (char *)__sys_brk(0);
  old = cur_brk;
  if (inc == 0)
    return old;
  if (brk(old + inc) < 0)
    return (void *)-1;
  return old;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
  long r;

  if (off & 4095) {
    errno = EINVAL;
    return MAP_FAILED;
  }
  r = __sys_mmap2(addr, len, prot, flags, fd, (unsigned long)off >> 12);
  if (r < 0 && r > -4096) {
    errno = (int)-r;
    return MAP_FAILED;
  }
  return (void *)r;
}

int munmap(void *addr, size_t len) { return __sysret(__sys_munmap(addr, len)); }

int nanosleep(const struct timespec *req, struct timespec *rem)
{
  return __sysret(__sys_clock_nanosleep(CLOCK_REALTIME, 0, req, rem));
}

unsigned sleep(unsigned seconds)
{
  struct timespec ts = { (time_t)seconds, 0 }, rem = { 0, 0 };

  if (nanosleep(&ts, &rem) < 0)
    return (unsigned)rem.tv_sec;
  return 0;
}

int usleep(unsigned usec)
{
  struct timespec ts = { (time_t)(usec / 1000000), (long)(usec % 1000000) * 1000 };

  return nanosleep(&ts, 0);
}
