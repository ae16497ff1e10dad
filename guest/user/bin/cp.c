/* cp src dst | cp src... dir: copy regular files (into dir when the target is a directory). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/stat.h>

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
  struct stat st;
  int i, status = 0, todir;

  if (argc < 3) {
    fprintf(stderr, "usage: cp src dst | cp src... dir\n");
    return 2;
  }
  todir = stat(argv[argc - 1], &st) == 0 && S_ISDIR(st.st_mode);
  if (argc > 3 && !todir) {
    fprintf(stderr, "cp: %s: not a directory\n", argv[argc - 1]);
    return 1;
  }
  for (i = 1; i < argc - 1; i++) {
    const char *dst = argv[argc - 1];
    char *path = 0;
    if (todir) {
      const char *base = strrchr(argv[i], '/');
      base = base ? base + 1 : argv[i];
      path = malloc(strlen(dst) + strlen(base) + 2);
      sprintf(path, "%s/%s", dst, base);
      dst = path;
    }
    if (copy_file(argv[i], dst) < 0)
      status = 1;
    free(path);
  }
  return status;
}
