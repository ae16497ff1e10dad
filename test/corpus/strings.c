/* Corpus: string and character functions of glibc (many have hand-written MIPS assembly):
 * strlen/strcmp/strncmp/strchr/strrchr/strstr/strspn/strtok_r/memchr/memcmp, strtol family,
 * sprintf/snprintf/sscanf formatting, ctype conversions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <stdint.h>

/* the truncating snprintf below is deliberate */
#pragma GCC diagnostic ignored "-Wformat-truncation"

static const char *text =
    "It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of "
    "foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season of Light, "
    "it was the season of Darkness, it was the spring of hope, it was the winter of despair.";

int main(void) {
  printf("strlen=%u\n", (unsigned)strlen(text));
  /* strlen/strchr at every alignment and length */
  char buf[300];
  unsigned acc = 0;
  for (int off = 0; off < 8; off++)
    for (int len = 0; len < 40; len++) {
      memset(buf, 'x', sizeof buf);
      memcpy(buf + off, text + len, (size_t)len);
      buf[off + len] = 0;
      acc = acc * 7 + (unsigned)strlen(buf + off);
      const char *c = strchr(buf + off, 's');
      acc += c ? (unsigned)(c - buf) : 999u;
    }
  printf("strlen/strchr sweep=%u\n", acc);
  printf("strrchr(w)=%d strstr(epoch)=%d strstr(none)=%s\n", (int)(strrchr(text, 'w') - text),
         (int)(strstr(text, "epoch") - text), strstr(text, "nonexistent") ? "found" : "null");
  printf("strspn=%u strcspn=%u\n", (unsigned)strspn(text, "It wasthe"), (unsigned)strcspn(text, ",."));
  printf("memchr(D)=%d memcmp=%d,%d,%d\n", (int)((const char *)memchr(text, 'D', strlen(text)) - text),
         memcmp("abcd", "abce", 4) < 0, memcmp("abcd", "abcd", 4) == 0, memcmp("\xff", "\x01", 1) > 0);
  printf("strcmp: %d %d %d strncmp: %d %d\n", strcmp("apple", "apples") < 0, strcmp("b", "a") > 0, strcmp("", "") == 0,
         strncmp("abcdef", "abcxyz", 3) == 0, strncmp("abcdef", "abcxyz", 4) < 0);

  /* tokenize and count words, case-folded */
  char copy[512];
  strcpy(copy, text);
  int words = 0, longest = 0;
  char *save = NULL;
  char longword[32] = "";
  for (char *tok = strtok_r(copy, " ,.", &save); tok; tok = strtok_r(NULL, " ,.", &save)) {
    words++;
    for (char *q = tok; *q; q++) *q = (char)toupper((unsigned char)*q);
    if ((int)strlen(tok) > longest) { longest = (int)strlen(tok); strcpy(longword, tok); }
  }
  printf("words=%d longest=%s (%d)\n", words, longword, longest);

  /* strtol family */
  const char *ints[] = {"0", "-17", "+42", "0x7fffffff", "0xffffffff", "2147483648", "-2147483649", "0777", "  12abc", "zz"};
  for (int i = 0; i < 10; i++) {
    char *end;
    long v = strtol(ints[i], &end, 0);
    unsigned long u = strtoul(ints[i], NULL, 0);
    long long ll = strtoll(ints[i], NULL, 0);
    printf("  strtol(%-12s) = %ld (rest '%s') strtoul=%lu strtoll=%lld\n", ints[i], v, end, u, ll);
  }
  printf("atoi=%d atol=%ld strtol base36=%ld base2=%ld\n", atoi("-9876"), atol("123456789"), strtol("zz", NULL, 36),
         strtol("101101", NULL, 2));

  /* formatting */
  char out[256];
  int n = snprintf(out, sizeof out, "[%5d|%-5d|%05d|%x|%X|%o|%c|%s|%.3s|%10s|%-10s|%%|%p]", 42, 42, 42, 255, 255, 8, 'Q',
                   "str", "truncate", "right", "left", (void *)0);
  printf("%s n=%d\n", out, n);
  n = snprintf(out, 10, "%s", "this is far too long");
  printf("truncated='%s' would=%d\n", out, n);
  printf("[%hhd %hd %ld %lld %zu %jd]\n", (signed char)200, (short)70000, -1L, -1LL, sizeof(long long), (intmax_t)-5);

  int a, b;
  char word[16];
  float f;
  int got = sscanf("  12 0x1f  hello 3.5", "%d %i %15s %f", &a, &b, word, &f);
  printf("sscanf got=%d a=%d b=%d word=%s f=%g\n", got, a, b, word, (double)f);

  /* ctype over all of ASCII */
  unsigned classes = 0;
  for (int c = 0; c < 128; c++)
    classes = classes * 3 + (unsigned)(!!isalpha(c) + 2 * !!isdigit(c) + 4 * !!isspace(c) + 8 * !!ispunct(c) +
                                       16 * !!isupper(c) + 32 * !!isxdigit(c));
  printf("ctype hash=%u tolower(A)=%c toupper(z)=%c\n", classes, tolower('A'), toupper('z'));

  /* memmove-based string insert and reverse */
  strcpy(buf, "Hello World");
  memmove(buf + 6, buf + 5, strlen(buf + 5) + 1);
  buf[5] = ',';
  for (size_t i = 0, j = strlen(buf) - 1; i < j; i++, j--) { char t = buf[i]; buf[i] = buf[j]; buf[j] = t; }
  printf("reversed='%s'\n", buf);
  return 0;
}
