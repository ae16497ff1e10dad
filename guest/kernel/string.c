/* string.c: the handful of C library string and memory routines the kernel uses (and that
 * GCC may call for structure copies). */
#include "types.h"
#include "defs.h"

/* Word loops unrolled by eight for the common whole-page and block cases. */
void *memset(void *dst, int c, size_t n) {
  u8 *d = dst;
  if ((((u32)d | n) & 3) == 0) {
    u32 w = (u8)c * 0x01010101u;
    u32 *p = (u32 *)d;
    for (; n >= 32; n -= 32, p += 8) {
      p[0] = w; p[1] = w; p[2] = w; p[3] = w;
      p[4] = w; p[5] = w; p[6] = w; p[7] = w;
    }
    for (; n > 0; n -= 4) *p++ = w;
    return dst;
  }
  while (n-- > 0) *d++ = (u8)c;
  return dst;
}

void *memcpy(void *dst, const void *src, size_t n) {
  u8 *d = dst;
  const u8 *s = src;
  if ((((u32)d | (u32)s | n) & 3) == 0) {
    u32 *dw = (u32 *)d;
    const u32 *sw = (const u32 *)s;
    for (; n >= 32; n -= 32, dw += 8, sw += 8) {
      u32 a = sw[0], b = sw[1], c = sw[2], e = sw[3], f = sw[4], g = sw[5], h = sw[6], i = sw[7];
      dw[0] = a; dw[1] = b; dw[2] = c; dw[3] = e; dw[4] = f; dw[5] = g; dw[6] = h; dw[7] = i;
    }
    for (; n > 0; n -= 4) *dw++ = *sw++;
    return dst;
  }
  while (n-- > 0) *d++ = *s++;
  return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
  u8 *d = dst;
  const u8 *s = src;
  if (d == s || n == 0) return dst;
  if (d < s || d >= s + n) return memcpy(dst, src, n);
  while (n-- > 0) d[n] = s[n];
  return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
  const u8 *x = a, *y = b;
  for (; n > 0; n--, x++, y++)
    if (*x != *y) return *x - *y;
  return 0;
}

size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n] != '\0') n++;
  return n;
}

int strcmp(const char *a, const char *b) {
  while (*a != '\0' && *a == *b) a++, b++;
  return (u8)*a - (u8)*b;
}

int strncmp(const char *a, const char *b, size_t n) {
  for (; n > 0; n--, a++, b++) {
    if (*a != *b) return (u8)*a - (u8)*b;
    if (*a == '\0') return 0;
  }
  return 0;
}

/* Copy at most n-1 bytes and always NUL-terminate (n > 0). */
size_t strlcpy(char *dst, const char *src, size_t n) {
  size_t len = strlen(src);
  if (n > 0) {
    size_t k = len < n - 1 ? len : n - 1;
    memcpy(dst, src, k);
    dst[k] = '\0';
  }
  return len;
}

char *strchr(const char *s, int c) {
  for (; *s != '\0'; s++)
    if (*s == (char)c) return (char *)s;
  return c == 0 ? (char *)s : NULL;
}

char *kstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = kmalloc(n);
  if (d != NULL) memcpy(d, s, n);
  return d;
}
