/* internal.h: helpers shared by the libc sources, not part of the public headers. */
#ifndef _LIBC_INTERNAL_H
#define _LIBC_INTERNAL_H
#include <errno.h>
#include <sys/syscall.h>

/* Turns a raw stub's result into the POSIX convention: -1 with errno set, or the value. */
static inline long __sysret(long r)
{
  if (r < 0 && r > -4096) {
    errno = (int)-r;
    return -1;
  }
  return r;
}

void __stdio_flushall(void);
extern unsigned long __pagesize;
#endif
