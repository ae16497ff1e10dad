/* rm [-r] [-f] path...: remove files; -r removes directories and their contents, -f
 * ignores missing files and never reports them. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/stat.h>

static int recursive, force;

/* Removes path (recursively if asked); returns 0 or -1 after reporting. */
static int remove_path(const char *path)
{
  struct stat st;

  if (lstat(path, &st) < 0) {
    if (force && errno == ENOENT)
      return 0;
    fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
    return -1;
  }
  if (S_ISDIR(st.st_mode)) {
    DIR *d;
    struct dirent *e;
    int status = 0;

    if (!recursive) {
      fprintf(stderr, "rm: %s: is a directory\n", path);
      return -1;
    }
    if (!(d = opendir(path))) {
      fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
      return -1;
    }
    while ((e = readdir(d))) {
      char *child;
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
        continue;
      child = malloc(strlen(path) + strlen(e->d_name) + 2);
      sprintf(child, "%s/%s", path, e->d_name);
      if (remove_path(child) < 0)
        status = -1;
      free(child);
    }
    closedir(d);
    if (rmdir(path) < 0) {
      fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
      return -1;
    }
    return status;
  }
  if (unlink(path) < 0) {
    fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
    return -1;
  }
  return 0;
}

int main(int argc, char **argv)
{
  int i, status = 0;

  for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    const char *f;
    for (f = argv[i] + 1; *f; f++) {
      if (*f == 'r' || *f == 'R')
        recursive = 1;
      else if (*f == 'f')
        force = 1;
      else {
        fprintf(stderr, "usage: rm [-rf] path...\n");
        return 2;
      }
    }
  }
  if (i >= argc && !force) {
    fprintf(stderr, "usage: rm [-rf] path...\n");
    return 2;
  }
  for (; i < argc; i++)
    if (remove_path(argv[i]) < 0)
      status = 1;
  return status;
}
