/* targets.h: the "prog src dst | prog src... dir" convention shared by cp and mv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Runs op(src, dst) for every source, dst being the last argument or, when that is a
 * directory, the source's base name inside it. op reports its own errors and returns < 0
 * on failure. Returns the exit status: 0, 1 if anything failed, 2 on a usage error. */
static int each_target(int argc, char **argv, const char *prog, int (*op)(const char *src, const char *dst))
{
  struct stat st;
  int i, status = 0, todir;

  if (argc < 3) {
    fprintf(stderr, "usage: %s src dst | %s src... dir\n", prog, prog);
    return 2;
  }
  todir = stat(argv[argc - 1], &st) == 0 && S_ISDIR(st.st_mode);
  if (argc > 3 && !todir) {
    fprintf(stderr, "%s: %s: not a directory\n", prog, argv[argc - 1]);
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
    if (op(argv[i], dst) < 0)
      status = 1;
    free(path);
  }
  return status;
}
