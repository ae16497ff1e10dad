/* Corpus: thread-local storage and errno in a static binary: __thread variables with and
 * without initialisers (PT_TLS .tdata/.tbss, rdhwr $29), errno set by failing syscalls,
 * and strerror text for the common MIPS errno values. */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdint.h>

static __thread int tcounter = 42;
static __thread char tname[16] = "main-thread";
static __thread uint64_t tbig = 0x1122334455667788ULL;
static __thread int tzero[64];

static void bump(int k) {
  tcounter += k;
  tzero[k & 63] += k;
}

int main(void) {
  printf("initial: tcounter=%d tname=%s tbig=%llx tzero[5]=%d\n", tcounter, tname, (unsigned long long)tbig, tzero[5]);
  for (int i = 0; i < 1000; i++) bump(i);
  long s = 0;
  for (int i = 0; i < 64; i++) s += tzero[i];
  strcpy(tname, "renamed");
  tbig = tbig * 3 + 1;
  printf("after: tcounter=%d tname=%s tbig=%llx tzero sum=%ld\n", tcounter, tname, (unsigned long long)tbig, s);
  printf("tls addresses distinct and ordered: %s\n", (void *)&tcounter != (void *)&tbig && (void *)&tzero[1] > (void *)&tzero[0] ? "yes" : "no");

  errno = 0;
  int fd = open("/nonexistent-dir/for/errno", O_RDONLY);
  printf("open missing: fd=%d errno=%d (%s)\n", fd, errno, strerror(errno));
  errno = 0;
  ssize_t r = read(-1, NULL, 0);
  printf("read(-1): r=%ld errno=%d (%s)\n", (long)r, errno, strerror(errno));
  errno = 0;
  r = write(12345, "x", 1);
  printf("write(12345): r=%ld errno=%d\n", (long)r, errno);
  static const int codes[] = {EPERM, ENOENT, EAGAIN, ENOMEM, EACCES, EEXIST, ENOTDIR, EINVAL, ENOSPC, EPIPE, ERANGE,
                              ENOSYS, ENOTEMPTY, ELOOP, ENAMETOOLONG, EDEADLK, ETIMEDOUT};
  for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) printf("  errno %3d: %s\n", codes[i], strerror(codes[i]));
  return 0;
}
