/* mv src dst | mv src... dir: rename files or directories (within one file system). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
  struct stat st;
  int i, status = 0, todir;

  if (argc < 3) {
    fprintf(stderr, "usage: mv src dst | mv src... dir\n");
    return 2;
  }
  todir = stat(argv[argc - 1], &st) == 0 && S_ISDIR(st.st_mode);
  if (argc > 3 && !todir) {
    fprintf(stderr, "mv: %s: not a directory\n", argv[argc - 1]);
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
    if (rename(argv[i], dst) < 0) {
      fprintf(stderr, "mv: %s -> %s: %s\n", argv[i], dst, strerror(errno));
      status = 1;
    }
    free(path);
  }
  return status;
}
