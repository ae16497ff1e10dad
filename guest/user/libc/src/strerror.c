/* strerror.c: messages for the errno values our programs meet, and perror. */
#include <string.h>
#include <stdio.h>
#include <errno.h>

static const struct { int err; const char *msg; } messages[] = {
  { 0, "Success" },
  { EPERM, "Operation not permitted" },
  { ENOENT, "No such file or directory" },
  { ESRCH, "No such process" },
  { EINTR, "Interrupted system call" },
  { EIO, "I/O error" },
  { ENXIO, "No such device or address" },
  { E2BIG, "Argument list too long" },
  { ENOEXEC, "Exec format error" },
  { EBADF, "Bad file descriptor" },
  { ECHILD, "No child processes" },
  { EAGAIN, "Resource temporarily unavailable" },
  { ENOMEM, "Out of memory" },
  { EACCES, "Permission denied" },
  { EFAULT, "Bad address" },
  { EBUSY, "Device or resource busy" },
  { EEXIST, "File exists" },
  { EXDEV, "Cross-device link" },
  { ENODEV, "No such device" },
  { ENOTDIR, "Not a directory" },
  { EISDIR, "Is a directory" },
  { EINVAL, "Invalid argument" },
  { ENFILE, "Too many open files in system" },
  { EMFILE, "Too many open files" },
  { ENOTTY, "Not a tty" },
  { EFBIG, "File too large" },
  { ENOSPC, "No space left on device" },
  { ESPIPE, "Illegal seek" },
  { EROFS, "Read-only file system" },
  { EMLINK, "Too many links" },
  { EPIPE, "Broken pipe" },
  { EDOM, "Domain error" },
  { ERANGE, "Result not representable" },
  { ENAMETOOLONG, "File name too long" },
  { ENOSYS, "Function not implemented" },
  { ELOOP, "Too many levels of symbolic links" },
  { ENOTEMPTY, "Directory not empty" },
  { ETIMEDOUT, "Timed out" },
};

char *strerror(int err)
{
  static char unknown[32];
  unsigned i;

  for (i = 0; i < sizeof messages / sizeof messages[0]; i++)
    if (messages[i].err == err)
      return (char *)messages[i].msg;
  snprintf(unknown, sizeof unknown, "Unknown error %d", err);
  return unknown;
}

void perror(const char *s)
{
  if (s && *s)
    fprintf(stderr, "%s: %s\n", s, strerror(errno));
  else
    fprintf(stderr, "%s\n", strerror(errno));
}
