/* math.c: double-precision math for the workloads. sqrt is the sqrt.d instruction; the rest
 * reduce the argument exactly (Cody-Waite constants for pi/2 and ln 2) and evaluate short
 * Taylor/atanh series on the reduced interval: simple, a few ulp at worst, deterministic. */
#include <math.h>
#include <stdint.h>

union bits {
  double d;
  uint64_t u;
};

static const double PIO2_1 = 1.57079632673412561417e+00;   /* first 33 bits of pi/2 */
static const double PIO2_2 = 6.07710050630396597660e-11;   /* next 33 bits */
static const double PIO2_3 = 2.02226624879595063154e-21;   /* the rest */
static const double LN2_HI = 6.93147180369123816490e-01;   /* ln 2 with 11 trailing zero bits */
static const double LN2_LO = 1.90821492927058770002e-10;

double sqrt(double x)
{
  double r;

  __asm__("sqrt.d %0, %1" : "=f"(r) : "f"(x));
  return r;
}

double fabs(double x)
{
  union bits b = { x };

  b.u &= ~(1ull << 63);
  return b.d;
}

double trunc(double x)
{
  union bits b = { x };
  int e = (int)((b.u >> 52) & 0x7ff) - 1023;

  if (e >= 52)
    return x;
  if (e < 0) {
    b.u &= 1ull << 63;
    return b.d;
  }
  b.u &= ~((1ull << (52 - e)) - 1);
  return b.d;
}

double floor(double x)
{
  double t = trunc(x);

  return t > x ? t - 1.0 : t;
}

double ceil(double x)
{
  double t = trunc(x);

  return t < x ? t + 1.0 : t;
}

double round(double x)
{
  double t = trunc(x);

  if (fabs(x - t) >= 0.5)
    t += x < 0 ? -1.0 : 1.0;
  return t;
}

double modf(double x, double *ip)
{
  *ip = trunc(x);
  return x - *ip;
}

/* Exact: subtracts the largest y * 2^k that fits, until the remainder is below |y|. */
double fmod(double x, double y)
{
  double ax = fabs(x), ay = fabs(y);

  if (ay == 0 || isinf(x) || isnan(x) || isnan(y))
    return NAN;
  while (ax >= ay) {
    double t = ay;
    while (t * 2 <= ax)
      t *= 2;
    ax -= t;
  }
  return x < 0 ? -ax : ax;
}

double frexp(double x, int *e)
{
  union bits b = { x };
  int ex = (int)((b.u >> 52) & 0x7ff);

  if (x == 0 || ex == 0x7ff) {
    *e = 0;
    return x;
  }
  if (ex == 0) {                     /* subnormal: scale up first */
    b.d = x * 18014398509481984.0;   /* 2^54 */
    ex = (int)((b.u >> 52) & 0x7ff) - 54;
  }
  *e = ex - 1022;
  b.u = (b.u & ~(0x7ffull << 52)) | (1022ull << 52);
  return b.d;
}

/* 2^n as a double for -1022 <= n <= 1023. */
static double pow2(int n)
{
  union bits b;

  b.u = (uint64_t)(n + 1023) << 52;
  return b.d;
}

double ldexp(double x, int e)
{
  while (e > 1000) {
    x *= pow2(1000);
    e -= 1000;
  }
  while (e < -1000) {
    x *= pow2(-1000);
    e += 1000;
  }
  return x * pow2(e);
}

double exp(double x)
{
  double k, r, sum;
  int i;

  if (isnan(x))
    return x;
  if (x > 709.782712893384)
    return HUGE_VAL;
  if (x < -745.2)
    return 0;
  k = round(x / M_LN2);
  r = (x - k * LN2_HI) - k * LN2_LO;        /* |r| <= ln2/2 */
  sum = 1.0;                                 /* Horner: 1 + r(1 + r/2(1 + r/3(...))) */
  for (i = 17; i >= 1; i--)
    sum = 1.0 + r * sum / i;
  return ldexp(sum, (int)k);
}

double log(double x)
{
  double m, s, z, sum, power;
  int e, i;

  if (isnan(x) || x < 0)
    return NAN;
  if (x == 0)
    return -HUGE_VAL;
  if (isinf(x))
    return x;
  m = frexp(x, &e);                 /* x = m * 2^e, m in [0.5, 1) */
  if (m < 0.70710678118654752440) {
    m *= 2;
    e--;
  }
  s = (m - 1) / (m + 1);            /* log m = 2 atanh s, |s| < 0.172 */
  z = s * s;
  sum = 0;
  power = s;
  for (i = 1; i <= 23; i += 2) {
    sum += power / i;
    power *= z;
  }
  return e * LN2_HI + (2 * sum + e * LN2_LO);
}

double log10(double x)
{
  return log(x) / 2.30258509299404568402;
}

double pow(double x, double y)
{
  if (y == 0 || x == 1)
    return 1;
  if (isnan(x) || isnan(y))
    return NAN;
  if (y == trunc(y) && fabs(y) < 2147483648.0) {    /* integer power: square and multiply */
    long long n = (long long)fabs(y);
    double r = 1, b = x;
    for (; n; n >>= 1, b *= b)
      if (n & 1)
        r *= b;
    return y < 0 ? 1 / r : r;
  }
  if (x < 0)
    return NAN;
  if (x == 0)
    return y > 0 ? 0 : HUGE_VAL;
  return exp(y * log(x));
}

/* sin r and cos r for |r| <= pi/4 (Taylor to r^17 and r^18). */
static double sin_kernel(double r)
{
  double z = r * r, t = 1.0, sum = 0;
  int i;

  for (i = 17; i >= 3; i -= 2)
    t = 1.0 - z / (i * (i - 1)) * t;
  sum = r * t;
  return sum;
}

static double cos_kernel(double r)
{
  double z = r * r, t = 1.0;
  int i;

  for (i = 18; i >= 2; i -= 2)
    t = 1.0 - z / (i * (i - 1)) * t;
  return t;
}

/* Reduces x to r in [-pi/4, pi/4] and returns the quadrant (x = r + q*pi/2). */
static int reduce_pio2(double x, double *r)
{
  double k = round(x * 0.63661977236758134308);   /* 2/pi */

  *r = ((x - k * PIO2_1) - k * PIO2_2) - k * PIO2_3;
  return (int)((long long)k & 3);
}

double sin(double x)
{
  double r;

  if (isnan(x) || isinf(x))
    return NAN;
  switch (reduce_pio2(x, &r)) {
  case 0: return sin_kernel(r);
  case 1: return cos_kernel(r);
  case 2: return -sin_kernel(r);
  default: return -cos_kernel(r);
  }
}

double cos(double x)
{
  double r;

  if (isnan(x) || isinf(x))
    return NAN;
  switch (reduce_pio2(x, &r)) {
  case 0: return cos_kernel(r);
  case 1: return -sin_kernel(r);
  case 2: return -cos_kernel(r);
  default: return sin_kernel(r);
  }
}

double tan(double x)
{
  return sin(x) / cos(x);
}

double atan(double x)
{
  double ax = fabs(x), base = 0, z, t = 0;
  int i;

  if (isnan(x))
    return x;
  if (ax > 1) {                          /* atan x = pi/2 - atan(1/x) */
    double r = M_PI / 2 - atan(1 / ax);
    return x < 0 ? -r : r;
  }
  if (ax > 0.41421356237309504880) {     /* tan(pi/8): shift by pi/4 */
    base = M_PI / 4;
    ax = (ax - 1) / (ax + 1);
  }
  z = ax * ax;
  for (i = 45; i >= 1; i -= 2)
    t = 1.0 / i - z * t;
  t = base + ax * t;
  return x < 0 ? -t : t;
}

double atan2(double y, double x)
{
  if (isnan(x) || isnan(y))
    return NAN;
  if (x > 0)
    return atan(y / x);
  if (x < 0)
    return y >= 0 ? atan(y / x) + M_PI : atan(y / x) - M_PI;
  return y > 0 ? M_PI / 2 : y < 0 ? -M_PI / 2 : 0;
}
