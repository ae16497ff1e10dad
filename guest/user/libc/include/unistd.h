/* unistd.h: POSIX wrappers over the raw system calls (they set errno and return -1 on error). */
#ifndef _UNISTD_H
#define _UNISTD_H
#include <sys/types.h>
#include <uapi/seek.h>
#include <uapi/unistd.h>

#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

extern char **environ;

ssize_t read(int fd, void *buf, size_t n);
ssize_t write(int fd, const void *buf, size_t n);
int close(int fd);
off_t lseek(int fd, off_t off, int whence);
pid_t fork(void);
int execve(const char *path, char *const argv[], char *const envp[]);
int execv(const char *path, char *const argv[]);
int execvp(const char *file, char *const argv[]);
int pipe(int fds[2]);
int dup(int fd);
int dup2(int fd, int fd2);
int chdir(const char *path);
char *getcwd(char *buf, size_t size);
int rmdir(const char *path);
int unlink(const char *path);
int access(const char *path, int mode);
pid_t getpid(void);
pid_t getppid(void);
uid_t getuid(void);
int setpgid(pid_t pid, pid_t pgid);
pid_t getpgid(pid_t pid);
pid_t getpgrp(void);
pid_t setsid(void);
pid_t tcgetpgrp(int fd);
int tcsetpgrp(int fd, pid_t pgrp);
int isatty(int fd);
unsigned sleep(unsigned seconds);
int usleep(unsigned usec);
void sync(void);
int brk(void *addr);
void *sbrk(long inc);
__attribute__((noreturn)) void _exit(int status);
#endif
