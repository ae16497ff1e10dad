/* CPU-bound benchmark for the emulator speed comparison (bench/cpu-speed/run.mjs): a sieve, an
 * integer hash loop, an int matrix multiply and a string merge sort, SCALE rounds each (argv[1],
 * default 80; one round is about 42M MIPS instructions). Portable C with unsigned arithmetic
 * only, so every build (native, MIPS) prints the same checksum. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#define SIEVE_N 1000000
#define MAT_N 64
#define NSTR 6000
#define STRLEN 12

static uint8_t composite[SIEVE_N + 1];
static int32_t ma[MAT_N][MAT_N], mb[MAT_N][MAT_N], mc[MAT_N][MAT_N];
static char strs[NSTR][STRLEN + 1];
static char *ptrs[NSTR], *tmp[NSTR];

static uint32_t sieve(void) {
  memset(composite, 0, sizeof composite);
  uint32_t count = 0;
  for (uint32_t i = 2; i <= SIEVE_N; i++) {
    if (composite[i]) continue;
    count++;
    for (uint32_t j = i * 2; j <= SIEVE_N; j += i) composite[j] = 1;
  }
  return count;
}

static uint32_t hash_loop(uint32_t seed) {
  uint32_t h = 2166136261u ^ seed;
  for (uint32_t i = 0; i < 1500000; i++) {
    uint32_t k = i * 0xcc9e2d51u;
    k = (k << 15) | (k >> 17);
    k *= 0x1b873593u;
    h ^= k;
    h = ((h << 13) | (h >> 19)) * 5 + 0xe6546b64u;
  }
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  return h;
}

static uint32_t matmul(uint32_t seed) {
  uint32_t x = seed | 1;
  for (int i = 0; i < MAT_N; i++)
    for (int j = 0; j < MAT_N; j++) {
      x = x * 1103515245u + 12345u;
      ma[i][j] = (int32_t)(x >> 20) - 2048;
      x = x * 1103515245u + 12345u;
      mb[i][j] = (int32_t)(x >> 20) - 2048;
    }
  for (int i = 0; i < MAT_N; i++)
    for (int j = 0; j < MAT_N; j++) {
      int32_t s = 0;
      for (int k = 0; k < MAT_N; k++) s += ma[i][k] * mb[k][j];
      mc[i][j] = s;
    }
  uint32_t h = 0;
  for (int i = 0; i < MAT_N; i++)
    for (int j = 0; j < MAT_N; j++) h = h * 31 + (uint32_t)mc[i][j];
  return h;
}

static int scmp(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return (unsigned char)*a - (unsigned char)*b;
}

static void msort(char **a, char **t, int n) {
  if (n < 2) return;
  int m = n / 2;
  msort(a, t, m);
  msort(a + m, t, n - m);
  int i = 0, j = m, k = 0;
  while (i < m && j < n) t[k++] = scmp(a[i], a[j]) <= 0 ? a[i++] : a[j++];
  while (i < m) t[k++] = a[i++];
  while (j < n) t[k++] = a[j++];
  memcpy(a, t, (size_t)n * sizeof *a);
}

static uint32_t string_sort(uint32_t seed) {
  uint32_t x = seed | 1;
  for (int i = 0; i < NSTR; i++) {
    for (int j = 0; j < STRLEN; j++) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      strs[i][j] = (char)('a' + x % 6); /* small alphabet: long common prefixes */
    }
    strs[i][STRLEN] = 0;
    ptrs[i] = strs[i];
  }
  msort(ptrs, tmp, NSTR);
  uint32_t h = 0;
  for (int i = 0; i < NSTR; i += 7) h = h * 131 + (uint32_t)(ptrs[i] - &strs[0][0]);
  return h;
}

int main(int argc, char **argv) {
  int scale = argc > 1 ? atoi(argv[1]) : 80;
  if (scale < 1) scale = 1;
  uint32_t sum = 0, primes = 0;
  for (int r = 0; r < scale; r++) {
    primes = sieve();
    sum = sum * 33 + primes;
    sum = sum * 33 + hash_loop((uint32_t)r);
    sum = sum * 33 + matmul((uint32_t)r * 7919u);
    sum = sum * 33 + string_sort((uint32_t)r + 1u);
  }
  printf("cpu-speed: scale=%d primes=%u checksum=%08x\n", scale, primes, sum);
  return 0;
}
