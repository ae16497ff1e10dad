/* libgcc.c: the compiler-support routines GCC calls on o32 for 64-bit division and for
 * conversions between double/float and 64-bit integers (Debian's libgcc.a is PIC, so we
 * bring our own instead of mixing abicalls and non-abicalls objects). */
#include <stdint.h>

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);

static int clz64(uint64_t x)
{
  uint32_t hi = (uint32_t)(x >> 32);

  return hi ? __builtin_clz(hi) : 32 + __builtin_clz((uint32_t)x);
}

/* Shift-and-subtract long division; a 32-bit fast path covers most calls. */
uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
  uint64_t q = 0;
  int shift;

  if (d == 0)
    __builtin_trap();
  if ((n >> 32) == 0) {
    uint32_t nn = (uint32_t)n, dd = (uint32_t)d;
    if ((d >> 32) != 0) {
      if (rem)
        *rem = n;
      return 0;
    }
    if (rem)
      *rem = nn % dd;
    return nn / dd;
  }
  if (d > n) {
    if (rem)
      *rem = n;
    return 0;
  }
  shift = clz64(d) - clz64(n);
  d <<= shift;
  for (; shift >= 0; shift--, d >>= 1) {
    q <<= 1;
    if (n >= d) {
      n -= d;
      q |= 1;
    }
  }
  if (rem)
    *rem = n;
  return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d) { return __udivmoddi4(n, d, 0); }

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
  uint64_t r;

  __udivmoddi4(n, d, &r);
  return r;
}

int64_t __divdi3(int64_t n, int64_t d)
{
  uint64_t q = __udivmoddi4(n < 0 ? -(uint64_t)n : (uint64_t)n, d < 0 ? -(uint64_t)d : (uint64_t)d, 0);

  return (n < 0) != (d < 0) ? -(int64_t)q : (int64_t)q;
}

int64_t __moddi3(int64_t n, int64_t d)
{
  uint64_t r;

  __udivmoddi4(n < 0 ? -(uint64_t)n : (uint64_t)n, d < 0 ? -(uint64_t)d : (uint64_t)d, &r);
  return n < 0 ? -(int64_t)r : (int64_t)r;
}

uint64_t __fixunsdfdi(double x)
{
  uint32_t hi, lo;

  if (!(x > 0))
    return 0;
  if (x >= 18446744073709551616.0)
    return ~0ull;
  hi = (uint32_t)(x / 4294967296.0);
  lo = (uint32_t)(x - (double)hi * 4294967296.0);
  return (uint64_t)hi << 32 | lo;
}

int64_t __fixdfdi(double x)
{
  if (x < 0)
    return x <= -9223372036854775808.0 ? INT64_MIN : -(int64_t)__fixunsdfdi(-x);
  return x >= 9223372036854775808.0 ? INT64_MAX : (int64_t)__fixunsdfdi(x);
}

double __floatundidf(uint64_t v)
{
  return (double)(uint32_t)(v >> 32) * 4294967296.0 + (double)(uint32_t)v;
}

double __floatdidf(int64_t v)
{
  return v < 0 ? -__floatundidf(-(uint64_t)v) : __floatundidf((uint64_t)v);
}

int64_t __fixsfdi(float x) { return __fixdfdi(x); }
uint64_t __fixunssfdi(float x) { return __fixunsdfdi(x); }
float __floatdisf(int64_t v) { return (float)__floatdidf(v); }
float __floatundisf(uint64_t v) { return (float)__floatundidf(v); }
