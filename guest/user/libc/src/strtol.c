/* strtol.c: string to number conversions (strtol family, strtod, atoi/atol/atof). */
#include <stdlib.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

static int digit_value(int c)
{
  if (isdigit(c))
    return c - '0';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z')
    return c - 'A' + 10;
  return 99;
}

/* Parses an unsigned magnitude into *out; returns 1 on overflow. Sets *neg from a sign. */
static int parse_magnitude(const char *s, char **end, int base, unsigned long long limit,
                           unsigned long long *out, int *neg)
{
  const char *p = s, *digits;
  unsigned long long v = 0;
  int overflow = 0;

  while (isspace((unsigned char)*p))
    p++;
  *neg = 0;
  if (*p == '+' || *p == '-')
    *neg = *p++ == '-';
  if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
    p += 2;
    base = 16;
  } else if (base == 0) {
    base = *p == '0' ? 8 : 10;
  }
  digits = p;
  for (; digit_value((unsigned char)*p) < base; p++) {
    unsigned d = digit_value((unsigned char)*p);
    if (v > (limit - d) / base)
      overflow = 1;
    else
      v = v * base + d;
  }
  if (end)
    *end = (char *)(p == digits ? s : p);
  *out = overflow ? limit : v;
  return overflow;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
  unsigned long long v;
  int neg;

  if (parse_magnitude(s, end, base, ULLONG_MAX, &v, &neg)) {
    errno = ERANGE;
    return ULLONG_MAX;
  }
  return neg ? -v : v;
}

long long strtoll(const char *s, char **end, int base)
{
  unsigned long long v;
  int neg;
  int over = parse_magnitude(s, end, base, (unsigned long long)LLONG_MAX + 1, &v, &neg);

  if (over || (!neg && v > (unsigned long long)LLONG_MAX)) {
    errno = ERANGE;
    return neg ? LLONG_MIN : LLONG_MAX;
  }
  return neg ? (long long)-v : (long long)v;
}

unsigned long strtoul(const char *s, char **end, int base)
{
  unsigned long long v;
  int neg;

  if (parse_magnitude(s, end, base, ULONG_MAX, &v, &neg)) {
    errno = ERANGE;
    return ULONG_MAX;
  }
  return neg ? -(unsigned long)v : (unsigned long)v;
}

long strtol(const char *s, char **end, int base)
{
  unsigned long long v;
  int neg;
  int over = parse_magnitude(s, end, base, (unsigned long long)LONG_MAX + 1, &v, &neg);

  if (over || (!neg && v > LONG_MAX)) {
    errno = ERANGE;
    return neg ? LONG_MIN : LONG_MAX;
  }
  return neg ? (long)-v : (long)v;
}

int atoi(const char *s) { return (int)strtol(s, 0, 10); }
long atol(const char *s) { return strtol(s, 0, 10); }
double atof(const char *s) { return strtod(s, 0); }

/* Decimal strtod: up to 19 significant digits are gathered exactly in an integer, then
 * scaled by a power of ten built by squaring. Also accepts "inf" and "nan". */
double strtod(const char *s, char **end)
{
  const char *p = s;
  unsigned long long mant = 0;
  int neg = 0, exp10 = 0, ndig = 0, any = 0;
  double v, scale = 1.0, base = 10.0;
  int e;

  while (isspace((unsigned char)*p))
    p++;
  if (*p == '+' || *p == '-')
    neg = *p++ == '-';
  if ((p[0] | 32) == 'i' && (p[1] | 32) == 'n' && (p[2] | 32) == 'f') {
    p += strncasecmp(p, "infinity", 8) == 0 ? 8 : 3;
    if (end)
      *end = (char *)p;
    return neg ? -__builtin_inf() : __builtin_inf();
  }
  if ((p[0] | 32) == 'n' && (p[1] | 32) == 'a' && (p[2] | 32) == 'n') {
    if (end)
      *end = (char *)p + 3;
    return __builtin_nan("");
  }
  for (; isdigit((unsigned char)*p); p++, any = 1) {
    if (ndig < 19) {
      mant = mant * 10 + (*p - '0');
      if (mant)
        ndig++;
    } else {
      exp10++;
    }
  }
  if (*p == '.') {
    for (p++; isdigit((unsigned char)*p); p++, any = 1) {
      if (ndig < 19) {
        mant = mant * 10 + (*p - '0');
        if (mant)
          ndig++;
        exp10--;
      }
    }
  }
  if (!any) {
    if (end)
      *end = (char *)s;
    return 0;
  }
  if ((*p == 'e' || *p == 'E') && (isdigit((unsigned char)p[1]) ||
      ((p[1] == '+' || p[1] == '-') && isdigit((unsigned char)p[2])))) {
    char *q;
    exp10 += (int)strtol(p + 1, &q, 10);
    p = q;
  }
  if (end)
    *end = (char *)p;
  v = (double)mant;
  e = exp10 < 0 ? -exp10 : exp10;
  if (e > 400)
    e = 400;
  for (; e; e >>= 1, base *= base)
    if (e & 1)
      scale *= base;
  v = exp10 < 0 ? v / scale : v * scale;
  return neg ? -v : v;
}
