/* assert.c: the failure path of assert(). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

void __assert_fail(const char *expr, const char *file, int line)
{
  fprintf(stderr, "%s:%d: assertion failed: %s\n", file, line, expr);
  abort();
}
