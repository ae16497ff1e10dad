/* mkdir [-p] dir...: create directories; -p creates missing parents and accepts existing. */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>

/* Creates path and, with parents, every missing ancestor. Returns 0 or -1. */
static int make(char *path, int parents)
{
  struct stat st;
  char *p;

  if (!parents)
    return mkdir(path, 0777);
  for (p = path + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = 0;
    if (mkdir(path, 0777) < 0 && errno != EEXIST) {
      *p = '/';
      return -1;
    }
    *p = '/';
  }
  if (mkdir(path, 0777) < 0) {
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
      return 0;
    return -1;
  }
  return 0;
}

int main(int argc, char **argv)
{
  int i = 1, parents = 0, status = 0;

  if (i < argc && strcmp(argv[i], "-p") == 0) {
    parents = 1;
    i++;
  }
  if (i >= argc) {
    fprintf(stderr, "usage: mkdir [-p] dir...\n");
    return 2;
  }
  for (; i < argc; i++) {
    if (make(argv[i], parents) < 0) {
      fprintf(stderr, "mkdir: %s: %s\n", argv[i], strerror(errno));
      status = 1;
    }
  }
  return status;
}
