/* grep [-v] [-c] [-n] [-i] [-q] [-F] pattern [file...]: print matching lines. Patterns are
 * simple regular expressions: ^ and $ anchors, . any character, [abc] [^a-z] classes,
 * x* repetition, \x escapes; -F takes the pattern as a fixed string. Exit 0 if a line
 * matched, 1 if none, 2 on error. */
#include <stdio.h>
#include <string.h>
#include <ctype.h>
#include <errno.h>

static int invert, count_only, line_numbers, ignore_case, quiet, fixed;

static int fold(int c)
{
  return ignore_case ? tolower(c) : c;
}

/* Length of the pattern item at p: a char, an escape, ".", or a [...] class. */
static int item_len(const char *p)
{
  const char *q = p;

  if (*q == '\\' && q[1])
    return 2;
  if (*q != '[')
    return 1;
  q++;
  if (*q == '^')
    q++;
  if (*q == ']')
    q++;
  while (*q && *q != ']')
    q++;
  return *q ? (int)(q - p + 1) : 1;
}

/* True if the single item at p matches character c. */
static int item_match(const char *p, int c)
{
  int neg = 0, hit = 0;

  if (*p == '\\')
    return fold((unsigned char)p[1]) == fold(c);
  if (*p == '.')
    return 1;
  if (*p != '[' || item_len(p) == 1)
    return fold((unsigned char)*p) == fold(c);
  p++;
  if (*p == '^') {
    neg = 1;
    p++;
  }
  do {
    if (p[1] == '-' && p[2] && p[2] != ']') {
      if (fold(c) >= fold((unsigned char)p[0]) && fold(c) <= fold((unsigned char)p[2]))
        hit = 1;
      p += 3;
    } else {
      if (fold((unsigned char)*p) == fold(c))
        hit = 1;
      p++;
    }
  } while (*p && *p != ']');
  return hit != neg;
}

/* True if the pattern p matches a prefix of text s (backtracking over x*). */
static int match_here(const char *p, const char *s)
{
  for (;;) {
    int n;
    if (!*p)
      return 1;
    if (p[0] == '$' && !p[1])
      return !*s;
    n = item_len(p);
    if (p[n] == '*') {
      const char *t = s;
      while (*t && item_match(p, (unsigned char)*t))
        t++;
      for (; t >= s; t--)
        if (match_here(p + n + 1, t))
          return 1;
      return 0;
    }
    if (!*s || !item_match(p, (unsigned char)*s))
      return 0;
    p += n;
    s++;
  }
}

static int matches(const char *pat, const char *line)
{
  if (fixed) {
    size_t n = strlen(pat);
    for (; *line; line++)
      if (strncasecmp(line, pat, n) == 0 && (ignore_case || strncmp(line, pat, n) == 0))
        return 1;
    return n == 0;
  }
  if (*pat == '^')
    return match_here(pat + 1, line);
  do
    if (match_here(pat, line))
      return 1;
  while (*line++);
  return 0;
}

/* Greps one stream; returns the number of selected lines. */
static long grep_file(const char *pat, FILE *f, const char *name, int show_name)
{
  static char line[8192];
  long n = 0, lineno = 0;

  while (fgets(line, sizeof line, f)) {
    size_t len = strlen(line);
    int had_nl = len && line[len - 1] == '\n';
    if (had_nl)
      line[--len] = 0;
    lineno++;
    if (matches(pat, line) == invert)
      continue;
    n++;
    if (quiet)
      return n;
    if (count_only)
      continue;
    if (show_name)
      printf("%s:", name);
    if (line_numbers)
      printf("%ld:", lineno);
    printf("%s\n", line);
  }
  return n;
}

int main(int argc, char **argv)
{
  long total = 0;
  int i, status = 0, nfiles;
  const char *pat;

  for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    const char *f;
    for (f = argv[i] + 1; *f; f++) {
      if (*f == 'v') invert = 1;
      else if (*f == 'c') count_only = 1;
      else if (*f == 'n') line_numbers = 1;
      else if (*f == 'i') ignore_case = 1;
      else if (*f == 'q') quiet = 1;
      else if (*f == 'F') fixed = 1;
      else {
        fprintf(stderr, "usage: grep [-vcniqF] pattern [file...]\n");
        return 2;
      }
    }
  }
  if (i >= argc) {
    fprintf(stderr, "usage: grep [-vcniqF] pattern [file...]\n");
    return 2;
  }
  pat = argv[i++];
  nfiles = argc - i;
  if (nfiles == 0) {
    total = grep_file(pat, stdin, "-", 0);
    if (count_only && !quiet)
      printf("%ld\n", total);
  }
  for (; i < argc; i++) {
    FILE *f = fopen(argv[i], "r");
    long n;
    if (!f) {
      fprintf(stderr, "grep: %s: %s\n", argv[i], strerror(errno));
      status = 2;
      continue;
    }
    n = grep_file(pat, f, argv[i], nfiles > 1);
    fclose(f);
    if (count_only && !quiet) {
      if (nfiles > 1)
        printf("%s:", argv[i]);
      printf("%ld\n", n);
    }
    total += n;
  }
  if (status)
    return status;
  return total ? 0 : 1;
}
