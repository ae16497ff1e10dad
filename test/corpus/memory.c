/* Corpus: sub-word and unaligned memory access: packed structs (lwl/lwr/swl/swr), memcpy and
 * memmove at odd offsets, char/short sign and zero extension, byte order of stores. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

struct __attribute__((packed)) rec {
  uint8_t tag;
  uint32_t word;
  int16_t half;
  uint64_t dword;
  int32_t sword;
};

static uint32_t h = 2166136261u;
static void mix(uint32_t v) { h = (h ^ v) * 16777619u; }

static uint8_t buf[4096];

int main(void) {
  /* byte order */
  uint32_t w = 0x11223344;
  uint8_t *p = (uint8_t *)&w;
  printf("bytes of 0x11223344: %02x %02x %02x %02x\n", p[0], p[1], p[2], p[3]);
  uint16_t hw = 0xa1b2;
  printf("bytes of 0xa1b2: %02x %02x\n", ((uint8_t *)&hw)[0], ((uint8_t *)&hw)[1]);

  /* packed structs in an array: every field unaligned somewhere */
  static struct rec recs[7];
  printf("sizeof(struct rec) = %u\n", (unsigned)sizeof(struct rec));
  for (int i = 0; i < 7; i++) {
    recs[i].tag = (uint8_t)(0xf0 + i);
    recs[i].word = 0x01020304u * (uint32_t)(i + 1);
    recs[i].half = (int16_t)(-1000 * i - 1);
    recs[i].dword = 0x0102030405060708ULL * (uint64_t)(i + 3);
    recs[i].sword = -123456 * i;
  }
  for (int i = 0; i < 7; i++) {
    printf("rec %d: tag=%02x word=%08x half=%d dword=%016llx sword=%d\n", i, recs[i].tag,
           recs[i].word, recs[i].half, (unsigned long long)recs[i].dword, recs[i].sword);
  }
  const uint8_t *raw = (const uint8_t *)recs;
  for (unsigned i = 0; i < sizeof recs; i++) mix(raw[i]);
  printf("packed bytes hash = %08x\n", h);

  /* unaligned word loads/stores through memcpy at every offset */
  for (int i = 0; i < (int)sizeof buf; i++) buf[i] = (uint8_t)(i * 131 + 7);
  for (int off = 0; off < 8; off++) {
    uint32_t v32;
    uint16_t v16;
    uint64_t v64;
    memcpy(&v32, buf + 100 + off, 4);
    memcpy(&v16, buf + 200 + off, 2);
    memcpy(&v64, buf + 300 + off, 8);
    printf("off %d: u32=%08x u16=%04x u64=%016llx\n", off, v32, v16, (unsigned long long)v64);
    v32 = 0xcafebabe ^ (uint32_t)off;
    memcpy(buf + 400 + off * 9, &v32, 4);
  }
  h = 2166136261u;
  for (int i = 400; i < 480; i++) mix(buf[i]);
  printf("unaligned store hash = %08x\n", h);

  /* memmove overlaps, both directions, odd lengths */
  for (int len = 1; len < 70; len += 3) {
    memmove(buf + 1000 + 1, buf + 1000, (size_t)len);
    memmove(buf + 2000, buf + 2000 + 3, (size_t)len);
  }
  memcpy(buf + 3001, buf + 17, 555);
  memset(buf + 3333, 0x5a, 77);
  h = 2166136261u;
  for (int i = 0; i < (int)sizeof buf; i++) mix(buf[i]);
  printf("memmove/memcpy/memset hash = %08x\n", h);

  /* sign and zero extension of sub-word loads */
  static volatile int8_t sc[] = {-128, -1, 0, 1, 127};
  static volatile uint8_t uc[] = {0, 1, 127, 128, 255};
  static volatile int16_t ss[] = {-32768, -1, 0, 1, 32767};
  static volatile uint16_t us[] = {0, 1, 32767, 32768, 65535};
  for (int i = 0; i < 5; i++)
    printf("ext %d: sc=%d uc=%u ss=%d us=%u (int)sc>>1=%d\n", i, sc[i], uc[i], ss[i], us[i], sc[i] >> 1);
  /* a union keeps the sub-word views legal C (no strict-aliasing games) */
  static volatile union { uint32_t w; int8_t sb[4]; uint8_t ub[4]; int16_t sh[2]; uint16_t uh[2]; } u;
  u.w = 0x8081fffe;
  printf("lb: %d %d %d %d  lh: %d %d  lbu: %u  lhu: %u\n", u.sb[0], u.sb[1], u.sb[2], u.sb[3], u.sh[0], u.sh[1],
         u.ub[3], u.uh[1]);
  /* partial stores into a word */
  u.w = 0;
  u.ub[2] = 0xab;
  u.uh[0] = 0x1234;
  printf("after sb/sh: %08x\n", u.w);
  /* strings at odd offsets */
  char s1[64], s2[64];
  strcpy(s1 + 1, "The quick brown fox jumps over the lazy dog");
  strcpy(s2 + 3, s1 + 1);
  printf("odd-offset copy: %s (len %u, cmp %d)\n", s2 + 3, (unsigned)strlen(s2 + 3), strcmp(s1 + 1, s2 + 3) != 0);
  return 0;
}
