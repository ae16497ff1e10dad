/* cat [file...]: copy each file (or stdin, also for "-") to stdout. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

static char buf[8192];

/* Copies fd to stdout; returns 0, or -1 after printing an error. */
static int copy(int fd, const char *name)
{
  ssize_t n;

  while ((n = read(fd, buf, sizeof buf)) > 0) {
    if (write(1, buf, n) != n) {
      fprintf(stderr, "cat: write error: %s\n", strerror(errno));
      return -1;
    }
  }
  if (n < 0) {
    fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
    return -1;
  }
  return 0;
}

int main(int argc, char **argv)
{
  int i, status = 0;

  if (argc < 2)
    return copy(0, "stdin") < 0;
  for (i = 1; i < argc; i++) {
    int fd = strcmp(argv[i], "-") == 0 ? 0 : open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
      status = 1;
      continue;
    }
    if (copy(fd, argv[i]) < 0)
      status = 1;
    if (fd != 0)
      close(fd);
  }
  return status;
}
