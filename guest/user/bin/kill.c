/* kill [-N | -NAME | -s NAME] pid...: send a signal (default TERM) to processes; kill -l
 * lists the signal names. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

/* Parses "9", "KILL" or "SIGKILL"; returns the number or -1. */
static int parse_signal(const char *s)
{
  char *end;
  long n = strtol(s, &end, 10);
  int i;

  if (*s && !*end)
    return n >= 0 && n < NSIG ? (int)n : -1;
  if (strncmp(s, "SIG", 3) == 0)
    s += 3;
  for (i = 1; i < 32; i++)
    if (strcmp(s, signame(i)) == 0)
      return i;
  return -1;
}

int main(int argc, char **argv)
{
  int i = 1, sig = SIGTERM, status = 0;

  if (argc == 2 && strcmp(argv[1], "-l") == 0) {
    for (i = 1; i < 32; i++)
      printf("%d %s\n", i, signame(i));
    return 0;
  }
  if (i < argc && strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
    sig = parse_signal(argv[i + 1]);
    i += 2;
  } else if (i < argc && argv[i][0] == '-' && argv[i][1]) {
    sig = parse_signal(argv[i] + 1);
    i++;
  }
  if (sig < 0 || i >= argc) {
    fprintf(stderr, "usage: kill [-N | -NAME | -s NAME] pid...\n");
    return 2;
  }
  for (; i < argc; i++) {
    char *end;
    long pid = strtol(argv[i], &end, 10);
    if (*end || end == argv[i]) {
      fprintf(stderr, "kill: %s: not a pid\n", argv[i]);
      status = 1;
    } else if (kill((pid_t)pid, sig) < 0) {
      fprintf(stderr, "kill: %ld: %s\n", pid, strerror(errno));
      status = 1;
    }
  }
  return status;
}
