/* sleep SECONDS: pause; SECONDS may have a fraction ("0.25"). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <errno.h>

int main(int argc, char **argv)
{
  double secs;
  char *end;
  struct timespec ts;

  if (argc != 2 || (secs = strtod(argv[1], &end)) < 0 || *end) {
    fprintf(stderr, "usage: sleep seconds\n");
    return 2;
  }
  ts.tv_sec = (time_t)secs;
  ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
  while (nanosleep(&ts, &ts) < 0) {
    if (errno != EINTR) {
      perror("sleep");
      return 1;
    }
  }
  return 0;
}
