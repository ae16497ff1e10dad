/* Corpus: bit manipulation: clz/ctz/popcount/parity builtins (clz, and software loops),
 * rotates (rotr in MIPS32r2), byte swaps (wsbh), bit-field insert/extract (ins/ext),
 * seb/seh sign extension, and CRC32 / a xorshift hash over a buffer. */
#include <stdio.h>
#include <stdint.h>

struct __attribute__((packed)) flags { unsigned a : 3, b : 7, c : 1, d : 13, e : 8; };

static inline uint32_t rotl(uint32_t x, unsigned r) { return (x << (r & 31)) | (x >> ((32 - r) & 31)); }
static inline uint32_t rotr(uint32_t x, unsigned r) { return (x >> (r & 31)) | (x << ((32 - r) & 31)); }

static uint32_t crc_table[256];
static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}
static uint32_t crc32(const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
  while (n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

static volatile uint32_t vals[] = {0, 1, 2, 3, 0x80000000u, 0x7fffffffu, 0xffffffffu, 0x00f000f0u, 0x12345678u, 0xdeadbeefu,
                                   0x00010000u, 0x55555555u};
#define N (int)(sizeof vals / sizeof vals[0])

int main(void) {
  for (int i = 0; i < N; i++) {
    uint32_t v = vals[i];
    printf("%08x: clz=%2d ctz=%2d pop=%2d par=%d clo=%2d bswap=%08x bswap16=%04x rotl7=%08x rotr13=%08x\n", v,
           v ? __builtin_clz(v) : 32, v ? __builtin_ctz(v) : 32, __builtin_popcount(v), __builtin_parity(v),
           ~v ? __builtin_clz(~v) : 32, __builtin_bswap32(v), __builtin_bswap16((uint16_t)v), rotl(v, 7), rotr(v, 13));
  }
  static volatile uint64_t v64 = 0x0123456789abcdefULL;
  printf("64-bit: clzll=%d ctzll=%d popll=%d bswap64=%016llx\n", __builtin_clzll(v64 >> 4), __builtin_ctzll(v64 << 8),
         __builtin_popcountll(v64), (unsigned long long)__builtin_bswap64(v64));

  /* bit fields: ins/ext */
  struct flags f = {0};
  uint32_t h = 0;
  for (uint32_t i = 0; i < 5000; i++) {
    f.a = i;
    f.b = i >> 3;
    f.c = i >> 1;
    f.d = i * 7;
    f.e = (uint8_t)(f.a + f.b + f.d);
    h = rotl(h, 5) ^ (f.a | f.b << 3 | (uint32_t)f.c << 10 | (uint32_t)f.d << 11) ^ f.e;
  }
  printf("bitfield hash=%08x sizeof=%u\n", h, (unsigned)sizeof f);

  /* masks and shifts by variable amounts */
  uint32_t acc = 0;
  for (unsigned s = 0; s < 32; s++) {
    uint32_t m = s ? (0xffffffffu >> (32 - s)) : 0;
    acc ^= rotl(m, s) + ((vals[9] >> s) & 0xf) * 0x01010101u;
    acc += (uint32_t)((int32_t)vals[9] >> s);
  }
  printf("shift mix=%08x\n", acc);

  /* sign extension of bytes and halves (seb/seh) */
  int32_t se = 0;
  for (int i = 0; i < 1000; i++) se += (int8_t)(i * 37) + (int16_t)(i * 40503);
  printf("seb/seh sum=%d\n", se);

  /* software popcount and bit reversal vs builtins */
  int mismatches = 0;
  uint32_t x = 0x9e3779b9u;
  for (int i = 0; i < 20000; i++) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    int c = 0;
    for (uint32_t t = x; t; t &= t - 1) c++;
    if (c != __builtin_popcount(x)) mismatches++;
    int lz = 0;
    while (lz < 32 && !(x & (0x80000000u >> lz))) lz++;
    if (x && lz != __builtin_clz(x)) mismatches++;
  }
  printf("software vs builtin mismatches=%d\n", mismatches);

  crc_init();
  static uint8_t data[65536];
  for (unsigned i = 0; i < sizeof data; i++) data[i] = (uint8_t)(i ^ (i >> 8) ^ (i * 29));
  printf("crc32(\"123456789\")=%08x crc32(64K)=%08x\n", crc32((const uint8_t *)"123456789", 9), crc32(data, sizeof data));
  return mismatches ? 1 : 0;
}
