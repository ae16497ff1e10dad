/* wc [-l] [-w] [-c] [file...]: count lines, words and bytes (all three by default). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <ctype.h>

static int show_lines, show_words, show_bytes;

static int width;

static void report(unsigned long l, unsigned long w, unsigned long c, const char *name)
{
  const char *sep = "";

  if (show_lines)
    printf("%*lu", width, l), sep = " ";
  if (show_words)
    printf("%s%*lu", sep, width, w), sep = " ";
  if (show_bytes)
    printf("%s%*lu", sep, width, c);
  if (name)
    printf(" %s", name);
  printf("\n");
}

int main(int argc, char **argv)
{
  static char buf[8192];
  unsigned long tl = 0, tw = 0, tc = 0;
  int i, nfiles, status = 0;

  for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    const char *f;
    for (f = argv[i] + 1; *f; f++) {
      if (*f == 'l') show_lines = 1;
      else if (*f == 'w') show_words = 1;
      else if (*f == 'c') show_bytes = 1;
      else {
        fprintf(stderr, "usage: wc [-lwc] [file...]\n");
        return 2;
      }
    }
  }
  if (!show_lines && !show_words && !show_bytes)
    show_lines = show_words = show_bytes = 1;
  nfiles = argc - i;
  width = show_lines + show_words + show_bytes > 1 || nfiles > 1 ? 7 : 0;
  do {
    const char *name = i < argc ? argv[i] : 0;
    int fd = name ? open(name, O_RDONLY) : 0, inword = 0;
    unsigned long l = 0, w = 0, c = 0;
    ssize_t n, k;

    if (fd < 0) {
      fprintf(stderr, "wc: %s: %s\n", name, strerror(errno));
      status = 1;
      continue;
    }
    while ((n = read(fd, buf, sizeof buf)) > 0) {
      c += n;
      for (k = 0; k < n; k++) {
        if (buf[k] == '\n')
          l++;
        if (isspace((unsigned char)buf[k]))
          inword = 0;
        else if (!inword) {
          inword = 1;
          w++;
        }
      }
    }
    if (fd)
      close(fd);
    report(l, w, c, name);
    tl += l;
    tw += w;
    tc += c;
  } while (++i < argc);
  if (nfiles > 1)
    report(tl, tw, tc, "total");
  return status;
}
