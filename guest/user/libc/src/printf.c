/* printf.c: the printf family. One formatter writes into a `sink`: a memory buffer for
 * snprintf, or a 512-byte staging buffer drained with fwrite/write for streams and fds.
 * Conversions: d i u x X o c s p % f F e E g G; flags - + space # 0; width and precision
 * (also *); lengths hh h l ll z j t L. Floats are rounded through 64-bit integers to at
 * most 17 significant digits (further digits print as 0), the same on every CPU. */
#include <stdio.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

struct sink {
  char *buf;
  size_t cap, len;       /* memory sinks: bytes stored (len), room (cap, incl. the NUL) */
  size_t total;          /* bytes produced so far (the return value) */
  FILE *file;            /* stream sinks */
  int fd;                /* fd sinks (-1 if none) */
  char stage[512];
};

static void drain(struct sink *s)
{
  if (s->file)
    fwrite(s->stage, 1, s->len, s->file);
  else if (s->fd >= 0)
    write(s->fd, s->stage, s->len);
  s->len = 0;
}

static void put(struct sink *s, const char *p, size_t n)
{
  s->total += n;
  if (s->buf) {
    size_t room = s->cap > s->len + 1 ? s->cap - s->len - 1 : 0;
    size_t k = n < room ? n : room;
    memcpy(s->buf + s->len, p, k);
    s->len += k;
    return;
  }
  while (n > 0) {
    size_t k = sizeof s->stage - s->len;
    if (k > n)
      k = n;
    memcpy(s->stage + s->len, p, k);
    s->len += k;
    p += k;
    n -= k;
    if (s->len == sizeof s->stage)
      drain(s);
  }
}

static void pad(struct sink *s, char c, int n)
{
  char block[16];

  memset(block, c, sizeof block);
  for (; n > 0; n -= 16)
    put(s, block, n < 16 ? n : 16);
}

enum { FL_LEFT = 1, FL_PLUS = 2, FL_SPACE = 4, FL_ALT = 8, FL_ZERO = 16 };

/* Emits prefix (sign, 0x) and body within `width`, honouring '-' and '0' flags. */
static void emit(struct sink *s, const char *prefix, const char *body, size_t blen, int width, int flags)
{
  size_t plen = strlen(prefix);
  int padn = width - (int)(plen + blen);

  if (!(flags & FL_LEFT) && !(flags & FL_ZERO))
    pad(s, ' ', padn);
  put(s, prefix, plen);
  if (!(flags & FL_LEFT) && (flags & FL_ZERO))
    pad(s, '0', padn);
  put(s, body, blen);
  if (flags & FL_LEFT)
    pad(s, ' ', padn);
}

static void fmt_int(struct sink *s, unsigned long long v, int neg, int base, int upper,
                    int flags, int width, int prec)
{
  char tmp[72], *p = tmp + sizeof tmp;
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char prefix[4] = "";
  int n;

  while (v) {
    *--p = digits[v % base];
    v /= base;
  }
  n = tmp + sizeof tmp - p;
  if (prec < 0)
    prec = 1;
  else
    flags &= ~FL_ZERO;
  while (n < prec && p > tmp) {
    *--p = '0';
    n++;
  }
  if (neg)
    strcpy(prefix, "-");
  else if (flags & FL_PLUS)
    strcpy(prefix, "+");
  else if (flags & FL_SPACE)
    strcpy(prefix, " ");
  if ((flags & FL_ALT) && base == 16 && n && !(n == 1 && *p == '0'))
    strcat(prefix, upper ? "0X" : "0x");
  if ((flags & FL_ALT) && base == 8 && *p != '0') {
    *--p = '0';
    n++;
  }
  emit(s, prefix, p, n, width, flags);
}

/* x * 10^k, in steps that neither overflow nor underflow needlessly. */
static double scale10(double x, int k)
{
  static const double p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

  for (; k > 22; k -= 22)
    x *= 1e22;
  for (; k < -22; k += 22)
    x /= 1e22;
  return k >= 0 ? x * p10[k] : x / p10[-k];
}

/* floor(log10(x)) for finite x > 0. */
static int decimal_exponent(double x)
{
  int e2 = 0, e;

  (void)__builtin_frexp(x, &e2);
  e = (int)((e2 - 1) * 0.30102999566398120);
  if (e2 - 1 < 0)
    e--;
  while (scale10(1.0, e + 1) <= x)
    e++;
  while (scale10(1.0, e) > x)
    e--;
  return e;
}

/* Rounds x > 0 to p (1..17) significant digits: dig[0..p) and *e with x ~ 0.dig * 10^(e+1). */
static void round_digits(double x, int p, char *dig, int *e)
{
  static const unsigned long long pow10u[] = { 1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull,
    1000000ull, 10000000ull, 100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
    1000000000000ull, 10000000000000ull, 100000000000000ull, 1000000000000000ull,
    10000000000000000ull, 100000000000000000ull };
  int ex = decimal_exponent(x), i;
  unsigned long long n;

  n = (unsigned long long)(scale10(x, p - 1 - ex) + 0.5);
  if (n >= pow10u[p]) {
    ex++;
    n = (unsigned long long)(scale10(x, p - 1 - ex) + 0.5);
    if (n >= pow10u[p])
      n = pow10u[p] - 1;
  }
  for (i = p - 1; i >= 0; i--) {
    dig[i] = '0' + (int)(n % 10);
    n /= 10;
  }
  *e = ex;
}

/* The digit worth 10^k given digits dig[0..nd) led by the 10^e digit. */
static char digit_at(const char *dig, int nd, int e, int k)
{
  int i = e - k;

  return i >= 0 && i < nd ? dig[i] : '0';
}

static void fmt_float(struct sink *s, double x, int conv, int flags, int width, int prec)
{
  char body[720], dig[17], prefix[2] = "";
  int upper = conv == 'F' || conv == 'E' || conv == 'G';
  int e = 0, nd = 1, n = 0, k, style, strip = 0;

  if (__builtin_signbit(x)) {
    prefix[0] = '-';
    x = -x;
  } else if (flags & FL_PLUS) {
    prefix[0] = '+';
  } else if (flags & FL_SPACE) {
    prefix[0] = ' ';
  }
  if (__builtin_isnan(x) || __builtin_isinf(x)) {
    const char *t = __builtin_isnan(x) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
    emit(s, prefix, t, 3, width, flags & ~FL_ZERO);
    return;
  }
  if (prec < 0)
    prec = 6;
  if (prec > 340)
    prec = 340;
  style = conv | 32;                       /* 'f', 'e' or 'g' */
  dig[0] = '0';
  if (style == 'g') {
    int p = prec == 0 ? 1 : prec;
    if (x != 0)
      round_digits(x, p > 17 ? 17 : p, dig, &e), nd = p > 17 ? 17 : p;
    if (e >= -4 && e < p) {
      style = 'f';
      prec = p - 1 - e;
    } else {
      style = 'e';
      prec = p - 1;
    }
    strip = !(flags & FL_ALT);
  } else if (x != 0 && style == 'e') {
    nd = prec + 1 > 17 ? 17 : prec + 1;
    round_digits(x, nd, dig, &e);
  } else if (x < 18446744073709551616.0 && prec <= 17) {
    /* 'f' below 2^64: the integer part is exact, the fraction is rounded to prec digits. */
    static const unsigned long long p10[] = { 1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull,
      1000000ull, 10000000ull, 100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
      1000000000000ull, 10000000000000ull, 100000000000000ull, 1000000000000000ull,
      10000000000000000ull, 100000000000000000ull };
    unsigned long long ip = (unsigned long long)x, frac;
    char tmp[24];
    int t = 0;

    frac = (unsigned long long)(scale10(x - (double)ip, prec) + 0.5);
    if (frac >= p10[prec]) {
      frac -= p10[prec];
      ip++;
    }
    do
      tmp[t++] = '0' + (int)(ip % 10);
    while ((ip /= 10) != 0);
    while (t > 0)
      body[n++] = tmp[--t];
    if (prec > 0 || (flags & FL_ALT))
      body[n++] = '.';
    for (k = prec - 1; k >= 0; k--)
      body[n + k] = '0' + (int)(frac % 10), frac /= 10;
    n += prec;
    emit(s, prefix, body, n, width, flags);
    return;
  } else if (x != 0) {                       /* 'f': round at the 10^-prec digit */
    int p = decimal_exponent(x) + 1 + prec;
    if (p > 0) {
      nd = p > 17 ? 17 : p;
      round_digits(x, nd, dig, &e);
    } else if (scale10(x, prec) >= 0.5) {
      dig[0] = '1';
      e = -prec;
    }
  }
  if (style == 'f') {
    for (k = e > 0 ? e : 0; k >= 0; k--)
      body[n++] = digit_at(dig, nd, e, k);
    if (prec > 0 || (flags & FL_ALT))
      body[n++] = '.';
    for (k = -1; k >= -prec; k--)
      body[n++] = digit_at(dig, nd, e, k);
  } else {
    body[n++] = dig[0];
    if (prec > 0 || (flags & FL_ALT))
      body[n++] = '.';
    for (k = 1; k <= prec; k++)
      body[n++] = k < nd ? dig[k] : '0';
  }
  if (strip && memchr(body, '.', n)) {
    while (body[n - 1] == '0')
      n--;
    if (body[n - 1] == '.')
      n--;
  }
  if (style == 'e') {
    int ae = e < 0 ? -e : e;
    body[n++] = upper ? 'E' : 'e';
    body[n++] = e < 0 ? '-' : '+';
    if (ae >= 100)
      body[n++] = '0' + ae / 100;
    body[n++] = '0' + ae / 10 % 10;
    body[n++] = '0' + ae % 10;
  }
  emit(s, prefix, body, n, width, flags);
}

static int format(struct sink *s, const char *fmt, va_list ap)
{
  for (; *fmt; fmt++) {
    int flags = 0, width = 0, prec = -1, lng = 0;
    const char *start = fmt;

    if (*fmt != '%') {
      const char *end = strchr(fmt, '%');
      size_t n = end ? (size_t)(end - fmt) : strlen(fmt);
      put(s, fmt, n);
      fmt += n - 1;
      continue;
    }
    for (fmt++;; fmt++) {
      if (*fmt == '-') flags |= FL_LEFT;
      else if (*fmt == '+') flags |= FL_PLUS;
      else if (*fmt == ' ') flags |= FL_SPACE;
      else if (*fmt == '#') flags |= FL_ALT;
      else if (*fmt == '0') flags |= FL_ZERO;
      else break;
    }
    if (*fmt == '*') {
      width = va_arg(ap, int);
      if (width < 0) {
        flags |= FL_LEFT;
        width = -width;
      }
      fmt++;
    } else {
      for (; *fmt >= '0' && *fmt <= '9'; fmt++)
        width = width * 10 + *fmt - '0';
    }
    if (*fmt == '.') {
      fmt++;
      prec = 0;
      if (*fmt == '*') {
        prec = va_arg(ap, int);
        fmt++;
      } else {
        for (; *fmt >= '0' && *fmt <= '9'; fmt++)
          prec = prec * 10 + *fmt - '0';
      }
    }
    for (;; fmt++) {
      if (*fmt == 'l') lng++;
      else if (*fmt == 'h') lng = lng > 0 ? lng : lng - 1;
      else if (*fmt == 'z' || *fmt == 'j' || *fmt == 't' || *fmt == 'L') lng = *fmt == 'j' ? 2 : 1;
      else break;
    }
    if (flags & FL_LEFT)
      flags &= ~FL_ZERO;
    switch (*fmt) {
    case 'd':
    case 'i': {
      long long v = lng >= 2 ? va_arg(ap, long long) : va_arg(ap, int);
      if (lng == -1) v = (short)v;
      if (lng <= -2) v = (signed char)v;
      fmt_int(s, v < 0 ? -(unsigned long long)v : (unsigned long long)v, v < 0, 10, 0, flags, width, prec);
      break;
    }
    case 'u':
    case 'x':
    case 'X':
    case 'o': {
      unsigned long long v = lng >= 2 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
      int base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
      if (lng == -1) v = (unsigned short)v;
      if (lng <= -2) v = (unsigned char)v;
      fmt_int(s, v, 0, base, *fmt == 'X', flags & ~(FL_PLUS | FL_SPACE), width, prec);
      break;
    }
    case 'p':
      fmt_int(s, (uintptr_t)va_arg(ap, void *), 0, 16, 0, FL_ALT | (flags & FL_LEFT), width, prec);
      break;
    case 'c': {
      char c = (char)va_arg(ap, int);
      emit(s, "", &c, 1, width, flags & ~FL_ZERO);
      break;
    }
    case 's': {
      const char *str = va_arg(ap, const char *);
      if (!str)
        str = "(null)";
      emit(s, "", str, prec >= 0 ? strnlen(str, prec) : strlen(str), width, flags & ~FL_ZERO);
      break;
    }
    case 'f': case 'F': case 'e': case 'E': case 'g': case 'G':
      fmt_float(s, va_arg(ap, double), *fmt, flags, width, prec);
      break;
    case 'n':
      *va_arg(ap, int *) = (int)s->total;
      break;
    case '%':
      put(s, "%", 1);
      break;
    default:                       /* unknown: print it as written */
      put(s, start, fmt - start + (*fmt != 0));
      if (!*fmt)
        fmt--;
      break;
    }
  }
  return (int)s->total;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
  struct sink s;
  int n;

  s.buf = buf;
  s.cap = size;
  s.len = s.total = 0;
  s.file = 0;
  s.fd = -1;
  n = format(&s, fmt, ap);
  if (size)
    buf[s.len] = 0;
  return n;
}

int vsprintf(char *buf, const char *fmt, va_list ap)
{
  return vsnprintf(buf, (size_t)-1 / 2, fmt, ap);
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
  struct sink s;

  s.buf = 0;
  s.len = s.total = 0;
  s.file = f;
  s.fd = -1;
  format(&s, fmt, ap);
  drain(&s);
  return ferror(f) ? -1 : (int)s.total;
}

int vdprintf(int fd, const char *fmt, va_list ap)
{
  struct sink s;

  s.buf = 0;
  s.len = s.total = 0;
  s.file = 0;
  s.fd = fd;
  format(&s, fmt, ap);
  drain(&s);
  return (int)s.total;
}

int vprintf(const char *fmt, va_list ap) { return vfprintf(stdout, fmt, ap); }

#define VARARGS(call) \
  va_list ap;         \
  int r;              \
  va_start(ap, fmt);  \
  r = call;           \
  va_end(ap);         \
  return r

int printf(const char *fmt, ...) { VARARGS(vfprintf(stdout, fmt, ap)); }
int fprintf(FILE *f, const char *fmt, ...) { VARARGS(vfprintf(f, fmt, ap)); }
int dprintf(int fd, const char *fmt, ...) { VARARGS(vdprintf(fd, fmt, ap)); }
int sprintf(char *buf, const char *fmt, ...) { VARARGS(vsprintf(buf, fmt, ap)); }
int snprintf(char *buf, size_t size, const char *fmt, ...) { VARARGS(vsnprintf(buf, size, fmt, ap)); }
