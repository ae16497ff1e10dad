/* Corpus: 32-bit integer arithmetic edge cases (signed/unsigned div and mod, shifts,
 * comparisons, widening multiply, saturation-free wraparound) with a running checksum. */
#include <stdio.h>
#include <stdint.h>
#include <limits.h>

static uint32_t sum = 0x12345678u;
static void mix(uint32_t v) { sum = (sum ^ v) * 0x01000193u + (sum >> 7); }

/* volatile keeps -O2 from folding everything at compile time */
static volatile int32_t svals[] = {0, 1, -1, 2, -2, 3, -3, 7, -7, 100, -100, 12345, -12345,
                                   0x7fff, -0x8000, 0x7fffffff, -0x7fffffff, INT_MIN, 65536, -65537};
static volatile uint32_t uvals[] = {0, 1, 2, 3, 7, 255, 256, 0xffff, 0x10000, 0x7fffffff,
                                    0x80000000u, 0x80000001u, 0xfffffffeu, 0xffffffffu, 0xdeadbeefu};
#define NS (int)(sizeof svals / sizeof svals[0])
#define NU (int)(sizeof uvals / sizeof uvals[0])

int main(void) {
  int fails = 0;
  for (int i = 0; i < NS; i++) {
    for (int j = 0; j < NS; j++) {
      int32_t a = svals[i], b = svals[j];
      mix((uint32_t)a + (uint32_t)b);
      mix((uint32_t)a - (uint32_t)b);
      mix((uint32_t)a * (uint32_t)b);
      int64_t wide = (int64_t)a * b;
      mix((uint32_t)(wide >> 32));
      mix((uint32_t)wide);
      if (b != 0 && !(a == INT_MIN && b == -1)) {
        int32_t q = a / b, r = a % b;
        if (q * b + r != a) fails++;
        if (r != 0 && ((r < 0) != (a < 0))) fails++; /* C99 truncation toward zero */
        mix((uint32_t)q);
        mix((uint32_t)r);
      }
      mix(a < b);
      mix(a >= b);
      mix((uint32_t)(a >> (b & 31)));
      mix((uint32_t)a << (b & 31));
    }
  }
  for (int i = 0; i < NU; i++) {
    for (int j = 0; j < NU; j++) {
      uint32_t a = uvals[i], b = uvals[j];
      uint64_t wide = (uint64_t)a * b;
      mix((uint32_t)(wide >> 32));
      mix((uint32_t)wide);
      if (b) {
        mix(a / b);
        mix(a % b);
        if ((a / b) * b + a % b != a) fails++;
      }
      mix(a < b);
      mix(a >> (b & 31));
    }
  }
  printf("div table:\n");
  for (int i = 0; i < 8; i++) {
    int32_t a = svals[i + 7], b = svals[(i * 3) % 7 + 1];
    printf("  %d / %d = %d rem %d\n", a, b, a / b, a % b);
  }
  printf("INT_MAX+1 wraps (unsigned): %u\n", (unsigned)INT_MAX + 1u);
  printf("-INT_MIN as unsigned: %u\n", 0u - (unsigned)INT_MIN);
  printf("0xdeadbeef >> 4 (signed): %d\n", (int32_t)0xdeadbeef >> 4);
  printf("0xdeadbeef >> 4 (unsigned): 0x%x\n", 0xdeadbeefu >> 4);
  printf("(signed char)100*2 = %d, (unsigned char)-56 = %u, (short)40000 = %d\n",
         (signed char)svals[9] * 2, (unsigned char)(signed char)-56, (short)(svals[9] * 400));
  long acc = 0;
  for (volatile int k = 1; k <= 100000; k++) acc += (k * 7919) % 1009 - 504;
  printf("loop acc = %ld\n", acc);
  printf("checksum = 0x%08x\n", sum);
  printf("fails = %d\n", fails);
  return fails ? 1 : 0;
}
