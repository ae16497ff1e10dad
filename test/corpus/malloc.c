/* Corpus: heap-heavy code: linked lists, a binary search tree, realloc growth and shrink,
 * calloc zeroing, many small and some large (mmap-sized) allocations, all freed again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

struct node { struct node *next; int value; char tag[20]; };
struct tree { struct tree *l, *r; int key; int count; };

static uint32_t rng = 88172645u;
static uint32_t next(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }

static struct tree *insert(struct tree *t, int key) {
  if (!t) {
    t = calloc(1, sizeof *t);
    if (!t) exit(2);
    t->key = key;
    t->count = 1;
    return t;
  }
  if (key < t->key) t->l = insert(t->l, key);
  else if (key > t->key) t->r = insert(t->r, key);
  else t->count++;
  return t;
}
static int height(const struct tree *t) {
  if (!t) return 0;
  int a = height(t->l), b = height(t->r);
  return 1 + (a > b ? a : b);
}
static long walk(const struct tree *t, long acc) {
  if (!t) return acc;
  acc = walk(t->l, acc);
  acc = acc * 3 + t->key * t->count;
  acc %= 1000000007L;
  return walk(t->r, acc);
}
static void freetree(struct tree *t) {
  if (!t) return;
  freetree(t->l);
  freetree(t->r);
  free(t);
}

int main(void) {
  /* linked list: build, reverse, filter, free */
  struct node *head = NULL;
  for (int i = 0; i < 8000; i++) {
    struct node *n = malloc(sizeof *n);
    if (!n) return 2;
    n->value = (int)(next() % 1000);
    n->tag[0] = 'n';
    for (int v = i, k = 1; k < 8; k++, v /= 10) n->tag[8 - k] = (char)('0' + v % 10);
    n->tag[8] = 0;
    n->next = head;
    head = n;
  }
  struct node *rev = NULL;
  while (head) { struct node *n = head; head = n->next; n->next = rev; rev = n; }
  long kept = 0, sum = 0;
  struct node **pp = &rev;
  while (*pp) {
    if ((*pp)->value % 3 == 0) { struct node *d = *pp; *pp = d->next; free(d); }
    else { sum += (*pp)->value; kept++; pp = &(*pp)->next; }
  }
  printf("list: kept=%ld sum=%ld first=%s\n", kept, sum, rev ? rev->tag : "-");
  while (rev) { struct node *n = rev; rev = n->next; free(n); }

  /* tree */
  struct tree *root = NULL;
  for (int i = 0; i < 8000; i++) root = insert(root, (int)(next() % 20000));
  printf("tree: height=%d walk=%ld\n", height(root), walk(root, 0));
  freetree(root);

  /* realloc growth of a string buffer and an int array */
  char *s = NULL;
  size_t len = 0;
  for (int i = 0; i < 5000; i++) {
    char piece[16];
    int n = snprintf(piece, sizeof piece, "%d,", i * i);
    char *t = realloc(s, len + (size_t)n + 1);
    if (!t) return 2;
    s = t;
    memcpy(s + len, piece, (size_t)n + 1);
    len += (size_t)n;
  }
  uint32_t h = 0;
  for (size_t i = 0; i < len; i++) h = h * 33 + (uint8_t)s[i];
  printf("realloc string: len=%u hash=%08x tail=%s\n", (unsigned)len, h, s + len - 20);
  s = realloc(s, 10);
  s[9] = 0;
  printf("shrunk: %s\n", s);
  free(s);

  int *arr = NULL;
  size_t cap = 0;
  for (size_t i = 0; i < 100000; i++) {
    if (i == cap) { cap = cap ? cap * 2 : 4; arr = realloc(arr, cap * sizeof *arr); if (!arr) return 2; }
    arr[i] = (int)(i * 2654435761u >> 7);
  }
  long long asum = 0;
  for (size_t i = 0; i < 100000; i++) asum += arr[i] % 1000;
  printf("realloc array: cap=%u sum=%lld\n", (unsigned)cap, asum);
  free(arr);

  /* calloc must zero, large blocks come from mmap */
  int zero = 1;
  for (int round = 0; round < 6; round++) {
    size_t n = (size_t)(1u << (10 + round * 2));
    unsigned char *b = calloc(n, 1);
    if (!b) return 2;
    for (size_t i = 0; i < n; i += 61) zero &= b[i] == 0;
    memset(b, 0xa5, n);
    free(b);
  }
  printf("calloc zeroed=%d\n", zero);

  /* churn: random sizes, random frees */
  void *slots[512] = {0};
  size_t live = 0;
  for (int i = 0; i < 30000; i++) {
    int k = (int)(next() % 512);
    if (slots[k]) { free(slots[k]); slots[k] = NULL; live--; }
    else {
      size_t n = 1 + next() % (next() % 8 == 0 ? 5000 : 200);
      slots[k] = malloc(n);
      if (!slots[k]) return 2;
      memset(slots[k], k, n);
      live++;
    }
  }
  for (int k = 0; k < 512; k++) free(slots[k]);
  printf("churn: live at end=%u\n", (unsigned)live);
  return 0;
}
