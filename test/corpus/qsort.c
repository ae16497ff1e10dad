/* Corpus: qsort and bsearch over ints, strings and structs with a deterministic PRNG;
 * exercises indirect calls through comparison callbacks and glibc's merge/quick sort. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

static uint32_t rng = 2463534242u;
static uint32_t next(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

struct item { char name[12]; int key; double weight; };
static int cmp_item(const void *a, const void *b) {
  const struct item *x = a, *y = b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return strcmp(x->name, y->name);
}

#define NI 20000
#define NS 2000
static int ints[NI];
static char strs[NS][16];
static char *sp[NS];
static struct item items[3000];

int main(void) {
  for (int i = 0; i < NI; i++) ints[i] = (int)(next() % 100000) - 50000;
  qsort(ints, NI, sizeof ints[0], cmp_int);
  int sorted = 1;
  for (int i = 1; i < NI; i++) sorted &= ints[i - 1] <= ints[i];
  uint32_t h = 0;
  for (int i = 0; i < NI; i++) h = h * 31 + (uint32_t)ints[i];
  printf("ints sorted=%d min=%d max=%d median=%d hash=%08x\n", sorted, ints[0], ints[NI - 1], ints[NI / 2], h);
  int found = 0;
  for (int k = -50000; k < 50000; k += 97) found += bsearch(&k, ints, NI, sizeof ints[0], cmp_int) != NULL;
  printf("bsearch hits=%d\n", found);

  for (int i = 0; i < NS; i++) {
    int len = 3 + (int)(next() % 10);
    for (int j = 0; j < len; j++) strs[i][j] = (char)('a' + next() % 26);
    strs[i][len] = 0;
    sp[i] = strs[i];
  }
  qsort(sp, NS, sizeof sp[0], cmp_str);
  printf("strings: first=%s second=%s last=%s\n", sp[0], sp[1], sp[NS - 1]);
  h = 0;
  for (int i = 0; i < NS; i++)
    for (const char *c = sp[i]; *c; c++) h = h * 131 + (uint8_t)*c;
  printf("strings hash=%08x\n", h);

  for (int i = 0; i < 3000; i++) {
    snprintf(items[i].name, sizeof items[i].name, "it%05u", next() % 100000);
    items[i].key = (int)(next() % 50);
    items[i].weight = (next() % 1000) / 8.0;
  }
  qsort(items, 3000, sizeof items[0], cmp_item);
  double wsum = 0;
  for (int i = 0; i < 3000; i += 300) printf("  item %4d: %s key=%d w=%.3f\n", i, items[i].name, items[i].key, items[i].weight);
  for (int i = 0; i < 3000; i++) wsum += items[i].weight * (i % 7);
  printf("weighted sum=%.3f\n", wsum);
  return sorted ? 0 : 1;
}
