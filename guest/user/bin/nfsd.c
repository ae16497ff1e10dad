/* nfsd [-n N] DIR: export directory DIR of this VM's root file system over the virtual
 * subnet (DNFS, docs/guest.md). N server processes (default 2) each serve requests inside
 * the kernel (nfsservctl) until killed; run it in the background: `nfsd /export &`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
  int n = 2, i = 1;

  if (i + 1 < argc && strcmp(argv[i], "-n") == 0) {
    n = atoi(argv[i + 1]);
    i += 2;
  }
  if (argc - i != 1 || n < 1 || n > 16) {
    fprintf(stderr, "usage: nfsd [-n N] DIR\n");
    return 2;
  }
  for (int k = 1; k < n; k++)
    if (fork() == 0) break;
  long r = __sys_nfsservctl(1, argv[i], 0);
  fprintf(stderr, "nfsd: %s: %s\n", argv[i], strerror((int)-r));
  return 1;
}
