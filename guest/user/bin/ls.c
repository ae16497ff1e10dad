/* ls [-l] [-a] [path...]: list directory contents sorted by name, one per line; -l adds
 * mode, links, owner, group, size and modification time (UTC); -a shows dot files. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <sys/stat.h>

static int long_format, show_all;

static void mode_string(mode_t m, char *s)
{
  const char *rwx = "rwxrwxrwx";
  int i;

  s[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' :
         S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '-';
  for (i = 0; i < 9; i++)
    s[i + 1] = (m & (0400 >> i)) ? rwx[i] : '-';
  s[10] = 0;
}

/* Prints one entry: its name, or the long line for path (shown as name). */
static void show(const char *path, const char *name)
{
  struct stat st;
  struct tm tm;
  char mode[11];

  if (!long_format) {
    printf("%s\n", name);
    return;
  }
  if (lstat(path, &st) < 0) {
    fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
    return;
  }
  mode_string(st.st_mode, mode);
  gmtime_r(&st.st_mtime, &tm);
  printf("%s %3u %4u %4u %8lld %04d-%02d-%02d %02d:%02d %s\n", mode, st.st_nlink, st.st_uid,
         st.st_gid, st.st_size, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
         tm.tm_min, name);
}

static int by_name(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists a directory; returns 0 or -1 after reporting. */
static int list_dir(const char *path)
{
  DIR *d = opendir(path);
  struct dirent *e;
  char **names = 0;
  int n = 0, cap = 0, i;

  if (!d) {
    fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
    return -1;
  }
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.' && !show_all)
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      names = realloc(names, cap * sizeof *names);
    }
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, by_name);
  for (i = 0; i < n; i++) {
    char *full = malloc(strlen(path) + strlen(names[i]) + 2);
    sprintf(full, "%s/%s", path, names[i]);
    show(full, names[i]);
    free(full);
    free(names[i]);
  }
  free(names);
  return 0;
}

int main(int argc, char **argv)
{
  struct stat st;
  int i, first, status = 0, nargs;

  for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    const char *f;
    for (f = argv[i] + 1; *f; f++) {
      if (*f == 'l') long_format = 1;
      else if (*f == 'a') show_all = 1;
      else if (*f != '1') {
        fprintf(stderr, "usage: ls [-la] [path...]\n");
        return 2;
      }
    }
  }
  nargs = argc - i;
  if (nargs == 0)
    return list_dir(".") < 0;
  first = i;
  for (i = first; i < argc; i++) {       /* plain files first */
    if (stat(argv[i], &st) < 0) {
      fprintf(stderr, "ls: %s: %s\n", argv[i], strerror(errno));
      status = 1;
    } else if (!S_ISDIR(st.st_mode)) {
      show(argv[i], argv[i]);
    }
  }
  for (i = first; i < argc; i++) {
    if (stat(argv[i], &st) < 0 || !S_ISDIR(st.st_mode))
      continue;
    if (nargs > 1)
      printf("%s:\n", argv[i]);
    if (list_dir(argv[i]) < 0)
      status = 1;
  }
  return status;
}
