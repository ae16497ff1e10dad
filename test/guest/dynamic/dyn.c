/* dyn.c: a dynamically linked glibc program for the guest kernel's PT_INTERP support: it
 * prints its arguments, where the kernel put the interpreter (AT_BASE) and the program
 * (AT_ENTRY against main's address), and some libc work (malloc, snprintf, strtod, qsort). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

int main(int argc, char **argv)
{
  int n = 1000, *v = malloc(n * sizeof *v), i;
  unsigned long sum = 0;
  char buf[64];

  for (i = 0; i < n; i++) v[i] = (i * 7919) % 1009;
  qsort(v, n, sizeof *v, cmp);
  for (i = 0; i < n; i++) sum = sum * 31 + (unsigned)v[i];
  snprintf(buf, sizeof buf, "%.4f", strtod("2.718281828", NULL) * 2);
  printf("argc %d:", argc);
  for (i = 1; i < argc; i++) printf(" %s", argv[i]);
  printf("\nsorted %d..%d hash %lu, e*2 %s\n", v[0], v[n - 1], sum, buf);
  printf("interpreter mapped: %s\n", getauxval(AT_BASE) != 0 ? "yes" : "no");
  free(v);
  return argc > 1 && strcmp(argv[1], "fail") == 0 ? 3 : 0;
}
