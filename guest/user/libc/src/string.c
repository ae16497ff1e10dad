/* string.c: memory and string functions. memcpy/memset move words when both ends are
 * aligned (the workloads copy megabytes); the rest are plain byte loops. */
#include <string.h>
#include <stdint.h>
#include <stdlib.h>

void *memcpy(void *dst, const void *src, size_t n)
{
  unsigned char *d = dst;
  const unsigned char *s = src;

  if ((((uintptr_t)d | (uintptr_t)s) & 3) == 0) {
    uint32_t *dw = (uint32_t *)d;
    const uint32_t *sw = (const uint32_t *)s;
    for (; n >= 16; n -= 16, dw += 4, sw += 4) {
      uint32_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];
      dw[0] = a;
      dw[1] = b;
      dw[2] = c;
      dw[3] = e;
    }
    for (; n >= 4; n -= 4)
      *dw++ = *sw++;
    d = (unsigned char *)dw;
    s = (const unsigned char *)sw;
  }
  while (n--)
    *d++ = *s++;
  return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
  unsigned char *d = dst;
  const unsigned char *s = src;

  if (d <= s || d >= s + n)
    return memcpy(dst, src, n);
  while (n--)
    d[n] = s[n];
  return dst;
}

void *memset(void *dst, int c, size_t n)
{
  unsigned char *d = dst;

  if (((uintptr_t)d & 3) == 0) {
    uint32_t w = (unsigned char)c * 0x01010101u;
    uint32_t *dw = (uint32_t *)d;
    for (; n >= 16; n -= 16, dw += 4) {
      dw[0] = w;
      dw[1] = w;
      dw[2] = w;
      dw[3] = w;
    }
    for (; n >= 4; n -= 4)
      *dw++ = w;
    d = (unsigned char *)dw;
  }
  while (n--)
    *d++ = (unsigned char)c;
  return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
  const unsigned char *x = a, *y = b;

  for (; n; n--, x++, y++)
    if (*x != *y)
      return *x - *y;
  return 0;
}

void *memchr(const void *s, int c, size_t n)
{
  const unsigned char *p = s;

  for (; n; n--, p++)
    if (*p == (unsigned char)c)
      return (void *)p;
  return 0;
}

size_t strlen(const char *s)
{
  const char *p = s;

  while (*p)
    p++;
  return p - s;
}

size_t strnlen(const char *s, size_t max)
{
  size_t n = 0;

  while (n < max && s[n])
    n++;
  return n;
}

int strcmp(const char *a, const char *b)
{
  while (*a && *a == *b)
    a++, b++;
  return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
  for (; n; n--, a++, b++) {
    if (*a != *b)
      return (unsigned char)*a - (unsigned char)*b;
    if (!*a)
      break;
  }
  return 0;
}

static int lower(int c)
{
  return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int strncasecmp(const char *a, const char *b, size_t n)
{
  for (; n; n--, a++, b++) {
    int x = lower((unsigned char)*a), y = lower((unsigned char)*b);
    if (x != y)
      return x - y;
    if (!x)
      break;
  }
  return 0;
}

int strcasecmp(const char *a, const char *b)
{
  return strncasecmp(a, b, (size_t)-1);
}

char *strcpy(char *dst, const char *src)
{
  char *d = dst;

  while ((*d++ = *src++))
    ;
  return dst;
}

char *strncpy(char *dst, const char *src, size_t n)
{
  size_t i = 0;

  for (; i < n && src[i]; i++)
    dst[i] = src[i];
  for (; i < n; i++)
    dst[i] = 0;
  return dst;
}

char *strcat(char *dst, const char *src)
{
  strcpy(dst + strlen(dst), src);
  return dst;
}

char *strncat(char *dst, const char *src, size_t n)
{
  char *d = dst + strlen(dst);

  while (n-- && *src)
    *d++ = *src++;
  *d = 0;
  return dst;
}

char *strchr(const char *s, int c)
{
  for (;; s++) {
    if (*s == (char)c)
      return (char *)s;
    if (!*s)
      return 0;
  }
}

char *strrchr(const char *s, int c)
{
  const char *last = 0;

  for (;; s++) {
    if (*s == (char)c)
      last = s;
    if (!*s)
      return (char *)last;
  }
}

char *strstr(const char *hay, const char *needle)
{
  size_t n = strlen(needle);

  for (; *hay; hay++)
    if (*hay == *needle && strncmp(hay, needle, n) == 0)
      return (char *)hay;
  return n == 0 ? (char *)hay : 0;
}

size_t strspn(const char *s, const char *accept)
{
  size_t n = 0;

  while (s[n] && strchr(accept, s[n]))
    n++;
  return n;
}

size_t strcspn(const char *s, const char *reject)
{
  size_t n = 0;

  while (s[n] && !strchr(reject, s[n]))
    n++;
  return n;
}

char *strpbrk(const char *s, const char *accept)
{
  s += strcspn(s, accept);
  return *s ? (char *)s : 0;
}

char *strtok_r(char *s, const char *delim, char **save)
{
  char *end;

  if (!s)
    s = *save;
  s += strspn(s, delim);
  if (!*s) {
    *save = s;
    return 0;
  }
  end = s + strcspn(s, delim);
  if (*end)
    *end++ = 0;
  *save = end;
  return s;
}

char *strtok(char *s, const char *delim)
{
  static char *save;

  return strtok_r(s, delim, &save);
}

char *strndup(const char *s, size_t n)
{
  size_t len = strnlen(s, n);
  char *p = malloc(len + 1);

  if (p) {
    memcpy(p, s, len);
    p[len] = 0;
  }
  return p;
}

char *strdup(const char *s)
{
  return strndup(s, (size_t)-1);
}
