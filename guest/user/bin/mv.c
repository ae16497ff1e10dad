/* mv src dst | mv src... dir: rename files or directories (within one file system). */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include "targets.h"

static int move(const char *src, const char *dst)
{
  if (rename(src, dst) == 0)
    return 0;
  fprintf(stderr, "mv: %s -> %s: %s\n", src, dst, strerror(errno));
  return -1;
}

int main(int argc, char **argv)
{
  return each_target(argc, argv, "mv", move);
}
