/* Corpus: 64-bit (long long) arithmetic, which o32 code does in register pairs and through
 * libgcc helpers (__divdi3, __udivdi3, __moddi3, __umoddi3), plus shifts and conversions. */
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>

static volatile int64_t sv[] = {0, 1, -1, 2, -3, 10, -10, 1000000007LL, -999999999999LL,
                                0x7fffffffLL, 0x80000000LL, 0xffffffffLL, 0x100000000LL,
                                -0x100000001LL, 0x123456789abcdefLL, INT64_MAX, INT64_MIN + 1};
static volatile uint64_t uv[] = {0, 1, 3, 0xffffffffULL, 0x100000000ULL, 0xfedcba9876543210ULL,
                                 0x8000000000000000ULL, UINT64_MAX, 12345678901234567ULL};
#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

static uint64_t h = 0xcbf29ce484222325ULL;
static void mix(uint64_t v) { h = (h ^ v) * 0x100000001b3ULL; }

int main(void) {
  int fails = 0;
  for (int i = 0; i < N(sv); i++)
    for (int j = 0; j < N(sv); j++) {
      int64_t a = sv[i], b = sv[j];
      mix((uint64_t)a + (uint64_t)b);
      mix((uint64_t)a - (uint64_t)b);
      mix((uint64_t)a * (uint64_t)b);
      if (b != 0) {
        int64_t q = a / b, r = a % b;
        if ((uint64_t)q * (uint64_t)b + (uint64_t)r != (uint64_t)a) fails++;
        mix((uint64_t)q);
        mix((uint64_t)r);
      }
      mix(a < b);
      mix(a == b);
    }
  for (int i = 0; i < N(uv); i++)
    for (int j = 0; j < N(uv); j++) {
      uint64_t a = uv[i], b = uv[j];
      if (b) {
        mix(a / b);
        mix(a % b);
        if ((a / b) * b + a % b != a) fails++;
      }
      mix(a > b);
    }
  for (int s = 0; s < 64; s++) {
    mix(uv[5] << s);
    mix(uv[5] >> s);
    mix((uint64_t)(sv[8] >> s));
  }
  printf("samples:\n");
  printf("  %" PRId64 " / %" PRId64 " = %" PRId64 " rem %" PRId64 "\n", sv[8], sv[7], sv[8] / sv[7], sv[8] % sv[7]);
  printf("  %" PRIu64 " / %" PRIu64 " = %" PRIu64 " rem %" PRIu64 "\n", uv[5], uv[8], uv[5] / uv[8], uv[5] % uv[8]);
  printf("  0x%" PRIx64 " * 0x%" PRIx64 " = 0x%" PRIx64 "\n", uv[5], uv[3], uv[5] * uv[3]);
  printf("  INT64_MAX = %" PRId64 ", INT64_MIN+1 = %" PRId64 "\n", sv[15], sv[16]);
  printf("  (int64)-1 >> 63 = %" PRId64 ", (uint64)-1 >> 63 = %" PRIu64 "\n", sv[2] >> 63, uv[7] >> 63);
  printf("  (int32)0x123456789abcdef = %d, (uint64)(int32)-5 = %" PRIu64 "\n", (int32_t)sv[14], (uint64_t)(int32_t)sv[4]);
  /* factorials and Fibonacci in 64 bits */
  uint64_t f = 1;
  for (int k = 1; k <= 20; k++) f *= (uint64_t)k;
  printf("  20! = %" PRIu64 "\n", f);
  uint64_t a = 0, b = 1;
  for (int k = 0; k < 90; k++) { uint64_t t = a + b; a = b; b = t; }
  printf("  fib(90) = %" PRIu64 "\n", a);
  /* a 64-bit LCG: exercises multiply-with-carry */
  uint64_t x = 42;
  for (int k = 0; k < 200000; k++) { x = x * 6364136223846793005ULL + 1442695040888963407ULL; mix(x >> 33); }
  printf("  lcg = 0x%016" PRIx64 "\n", x);
  /* decimal conversion via repeated division */
  char buf[32];
  int n = 0;
  uint64_t v = uv[5];
  do { buf[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  printf("  digits reversed: %.*s\n", n, buf);
  printf("hash = 0x%016" PRIx64 "\n", h);
  printf("fails = %d\n", fails);
  return fails ? 1 : 0;
}
