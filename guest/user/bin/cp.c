/* cp src dst | cp src... dir: copy regular files (into dir when the target is a directory). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/stat.h>
#include "targets.h"

static char buf[16384];

/* Copies the file src to dst (created or truncated); returns 0 or -1 after reporting. */
static int copy_file(const char *src, const char *dst)
{
  int in, out;
  ssize_t n = 0;
  struct stat st;

  if ((in = open(src, O_RDONLY)) < 0) {
    fprintf(stderr, "cp: %s: %s\n", src, strerror(errno));
    return -1;
  }
  if (fstat(in, &st) == 0 && S_ISDIR(st.st_mode)) {
    fprintf(stderr, "cp: %s: is a directory\n", src);
    close(in);
    return -1;
  }
  if ((out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 0777)) < 0) {
    fprintf(stderr, "cp: %s: %s\n", dst, strerror(errno));
    close(in);
    return -1;
  }
  while ((n = read(in, buf, sizeof buf)) > 0)
    if (write(out, buf, n) != n) {
      n = -1;
      break;
    }
  if (n < 0)
    fprintf(stderr, "cp: %s: %s\n", dst, strerror(errno));
  close(in);
  if (close(out) < 0)
    n = -1;
  return n < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
  return each_target(argc, argv, "cp", copy_file);
}
