/* mount -t dnfs [-o small] STATION:/DIR MOUNTPOINT: mount a directory another VM exports
 * with nfsd over the virtual subnet (DNFS, docs/guest.md). STATION is the server VM's
 * station number (VM id + 1); "-o small" reads with small unaligned transfers (copied). */
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
  const char *type = 0, *opts = 0;
  int i = 1;

  for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
    if (strcmp(argv[i], "-t") == 0) type = argv[i + 1];
    else if (strcmp(argv[i], "-o") == 0) opts = argv[i + 1];
    else break;
  }
  if (type == 0 || argc - i != 2) {
    fprintf(stderr, "usage: mount -t dnfs [-o small] STATION:/DIR MOUNTPOINT\n");
    return 2;
  }
  long r = __sys_mount(argv[i], argv[i + 1], type, 0, opts);
  if (r < 0) {
    fprintf(stderr, "mount: %s on %s: %s\n", argv[i], argv[i + 1], strerror((int)-r));
    return 1;
  }
  return 0;
}
