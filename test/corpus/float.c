/* Corpus: hard-float FPU: float and double arithmetic, conversions, printf %f/%g/%e/%a,
 * strtod, math.h (sqrt, sin, exp, log, pow, floor, fmod, ...), FCSR flags and rounding modes. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <fenv.h>

static volatile double dv[] = {0.0, -0.0, 1.0, -1.5, 2.5, 3.141592653589793, 1e-300, 1e300,
                               123456.789, -0.1, 4.9406564584124654e-324, 1.7976931348623157e308};
static volatile float fv[] = {0.0f, 1.0f, -2.75f, 0.1f, 3.4028235e38f, 1.17549435e-38f, 1e-45f, 16777217.0f};
#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

static uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static uint64_t h = 1469598103934665603ULL;
static void mix(uint64_t v) { h = (h ^ v) * 1099511628211ULL; }

static void flags(const char *what) {
  int f = fetestexcept(FE_ALL_EXCEPT);
  printf("  %-18s flags:%s%s%s%s%s\n", what, f & FE_INEXACT ? " inexact" : "", f & FE_UNDERFLOW ? " underflow" : "",
         f & FE_OVERFLOW ? " overflow" : "", f & FE_DIVBYZERO ? " divbyzero" : "", f & FE_INVALID ? " invalid" : "");
  feclearexcept(FE_ALL_EXCEPT);
}

int main(void) {
  printf("double arithmetic:\n");
  for (int i = 0; i < N(dv); i++)
    for (int j = 0; j < N(dv); j++) {
      double a = dv[i], b = dv[j];
      mix(bits(a + b));
      mix(bits(a - b));
      mix(bits(a * b));
      mix(bits(a / b));
      mix((uint64_t)(a < b) | (uint64_t)(a == b) << 1 | (uint64_t)(a != a) << 2);
    }
  printf("  hash %016llx\n", (unsigned long long)h);
  h = 1469598103934665603ULL;
  for (int i = 0; i < N(fv); i++)
    for (int j = 0; j < N(fv); j++) {
      float a = fv[i], b = fv[j];
      mix(fbits(a + b));
      mix(fbits(a - b));
      mix(fbits(a * b));
      mix(fbits(a / b));
      mix(bits((double)a * (double)b));
    }
  printf("float arithmetic:\n  hash %016llx\n", (unsigned long long)h);

  printf("formatting:\n");
  for (int i = 0; i < N(dv); i++) printf("  %%f=%f %%g=%g %%e=%.12e %%a=%a\n", dv[i], dv[i], dv[i], dv[i]);
  for (int i = 0; i < N(fv); i++) printf("  float %.9g %a\n", (double)fv[i], (double)fv[i]);
  printf("  %.3f %.0f %.1f %10.4f|%-10.2e|%+g\n", 2.0005, 0.5, 0.25, -3.14159, 12345.678, 1e-5);
  printf("  inf=%f -inf=%g nan=%f\n", dv[7] * 10.0, -dv[7] * 10.0, dv[0] / dv[0] != 0 ? fabs(dv[0] / dv[0]) : 0.0);

  printf("strtod:\n");
  const char *nums[] = {"3.25", "-0.0", "1e-320", "0x1.8p3", "123456789012345678901234567890", "2.2250738585072014e-308",
                        "inf", "nan", "1.0000000000000002", "0.1"};
  for (int i = 0; i < N(nums); i++) {
    double d = strtod(nums[i], NULL);
    printf("  %-32s -> %.17g bits %016llx\n", nums[i], d, (unsigned long long)(bits(d) & (isnan(d) ? 0x7ff0000000000000ULL : ~0ULL)));
  }

  printf("conversions:\n");
  static volatile double cv[] = {0.5, 1.5, 2.5, -0.5, -1.5, 2147483647.0, -2147483648.0, 4294967295.0, 1e15, -7.9999};
  for (int i = 0; i < N(cv); i++) {
    double d = cv[i];
    printf("  %g: (int)=%d (long long)=%lld (unsigned)=%u (float)=%.9g lround=%ld rint=%g\n", d,
           (d >= -2147483648.0 && d < 2147483648.0) ? (int)d : -1, (long long)d,
           (d >= 0 && d < 4294967296.0) ? (unsigned)d : 0u, (double)(float)d, lround(d), rint(d));
  }
  static volatile int iv[] = {0, 1, -1, 16777217, 2147483647, -2147483647 - 1};
  for (int i = 0; i < N(iv); i++) printf("  int %d -> float %.9g double %.17g\n", iv[i], (double)(float)iv[i], (double)iv[i]);
  static volatile long long llv[] = {9007199254740993LL, -9007199254740993LL, 0x7fffffffffffffffLL};
  for (int i = 0; i < N(llv); i++) printf("  ll %lld -> double %.17g\n", llv[i], (double)llv[i]);

  printf("math.h:\n");
  static volatile double mv[] = {0.0, 0.5, 1.0, 2.0, 10.0, -3.7, 100.25, 1e-8};
  for (int i = 0; i < N(mv); i++) {
    double x = mv[i];
    printf("  x=%g sqrt=%.17g sin=%.17g cos=%.17g exp=%.17g log=%.17g\n", x, sqrt(fabs(x)), sin(x), cos(x), exp(x),
           x > 0 ? log(x) : -1.0);
    printf("        pow=%.17g floor=%g ceil=%g fmod=%.17g atan2=%.17g tanh=%.17g cbrt=%.17g\n", pow(fabs(x), 1.7),
           floor(x), ceil(x), fmod(x, 0.7), atan2(x, 1.3), tanh(x), cbrt(x));
    printf("        sqrtf=%.9g sinf=%.9g expf=%.9g hypot=%.17g round=%g trunc=%g\n", (double)sqrtf((float)fabs(x)),
           (double)sinf((float)x), (double)expf((float)x), hypot(x, 3.0), round(x), trunc(x));
  }
  int e;
  double m = frexp(1234.5, &e);
  double ip;
  double fp = modf(-12.375, &ip);
  printf("  frexp(1234.5)=%g*2^%d ldexp(0.75,10)=%g modf(-12.375)=%g,%g\n", m, e, ldexp(0.75, 10), ip, fp);

  printf("rounding modes:\n");
  static const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
  static const char *names[] = {"nearest", "upward", "downward", "towardzero"};
  for (int i = 0; i < 4; i++) {
    if (fesetround(modes[i]) != 0) { printf("  %s: unsupported\n", names[i]); continue; }
    volatile double one = 1.0, three = 3.0;
    double q = one / three, nq = -one / three;
    printf("  %-10s 1/3=%a -1/3=%a rint(2.5)=%g rint(-2.5)=%g nearbyint(1.5)=%g lrint(-0.5)=%ld (float)0.1=%a\n", names[i], q,
           nq, rint(dv[4]), rint(-dv[4]), nearbyint(1.5 + dv[0]), lrint(-0.5 + dv[0]), (double)(float)(dv[9] * -1.0));
  }
  fesetround(FE_TONEAREST);
  printf("  back to %s\n", fegetround() == FE_TONEAREST ? "nearest" : "?");

  printf("exception flags:\n");
  feclearexcept(FE_ALL_EXCEPT);
  volatile double z = 0.0, one = 1.0, big = 1e308, tiny = 1e-308;
  volatile double r;
  r = one / 3.0;
  flags("1/3");
  r = one / z;
  flags("1/0");
  r = big * 10.0;
  flags("1e308*10");
  r = tiny / 1e10;
  flags("1e-308/1e10");
  r = z / z;
  flags("0/0");
  r = sqrt(-one);
  flags("sqrt(-1)");
  r = 0.5 + 0.25;
  flags("0.5+0.25");
  (void)r;

  /* a little numerical kernel: Simpson integration of sin on [0, pi] and a Newton sqrt */
  double s = 0, step = M_PI / 1000;
  for (int k = 0; k <= 1000; k++) s += (k == 0 || k == 1000 ? 1 : (k & 1 ? 4 : 2)) * sin(k * step);
  s *= step / 3;
  double g = 1.0;
  for (int k = 0; k < 30; k++) g = 0.5 * (g + 2.0 / g);
  printf("simpson=%.17g newton_sqrt2=%.17g\n", s, g);
  return 0;
}
