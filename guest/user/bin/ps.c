/* ps [file]: list processes from /proc/ps (or file), which the kernel provides as one line per process,
 *   <pid> <ppid> <state> <name> [more fields, ignored]
 * state being one letter (R running or runnable, S sleeping, Z zombie, T stopped). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <errno.h>

/* Copies the next blank-separated word of *p into out; returns 0, or -1 if none. */
static int next_word(char **p, char *out, size_t size)
{
  char *s = *p;
  size_t n = 0;

  while (isspace((unsigned char)*s))
    s++;
  if (!*s)
    return -1;
  while (*s && !isspace((unsigned char)*s)) {
    if (n + 1 < size)
      out[n++] = *s;
    s++;
  }
  out[n] = 0;
  *p = s;
  return 0;
}

int main(int argc, char **argv)
{
  const char *path = argc > 1 ? argv[1] : "/proc/ps";
  FILE *f = fopen(path, "r");
  char line[256], pid[16], ppid[16], state[8], name[64];

  if (!f) {
    fprintf(stderr, "ps: %s: %s\n", path, strerror(errno));
    return 1;
  }
  printf("%5s %5s S NAME\n", "PID", "PPID");
  while (fgets(line, sizeof line, f)) {
    char *p = line;
    if (next_word(&p, pid, sizeof pid) < 0 || next_word(&p, ppid, sizeof ppid) < 0 ||
        next_word(&p, state, sizeof state) < 0 || next_word(&p, name, sizeof name) < 0)
      continue;
    printf("%5s %5s %c %s\n", pid, ppid, state[0], name);
  }
  fclose(f);
  return 0;
}
