/* qsort.c: quicksort (median of three, recursing into the smaller side so the stack stays
 * O(log n)) with insertion sort below 12 elements; also bsearch, abs and rand. */
#include <stdlib.h>
#include <stdint.h>

typedef int (*cmp_fn)(const void *, const void *);

static void swap(char *a, char *b, size_t size)
{
  if (size == 4 && (((uintptr_t)a | (uintptr_t)b) & 3) == 0) {
    uint32_t t = *(uint32_t *)a;
    *(uint32_t *)a = *(uint32_t *)b;
    *(uint32_t *)b = t;
    return;
  }
  while (size--) {
    char t = *a;
    *a++ = *b;
    *b++ = t;
  }
}

static void insertion_sort(char *base, size_t n, size_t size, cmp_fn cmp)
{
  size_t i, j;

  for (i = 1; i < n; i++)
    for (j = i; j > 0 && cmp(base + (j - 1) * size, base + j * size) > 0; j--)
      swap(base + (j - 1) * size, base + j * size, size);
}

void qsort(void *b, size_t n, size_t size, cmp_fn cmp)
{
  char *base = b;

  while (n > 12) {
    char *lo = base, *hi = base + (n - 1) * size, *mid = base + (n / 2) * size;
    size_t i, j;

    /* Median of three, moved to the front as the pivot. */
    if (cmp(mid, lo) < 0)
      swap(mid, lo, size);
    if (cmp(hi, mid) < 0) {
      swap(hi, mid, size);
      if (cmp(mid, lo) < 0)
        swap(mid, lo, size);
    }
    swap(lo, mid, size);
    /* Hoare partition around base[0]. */
    i = 0;
    j = n;
    for (;;) {
      do i++; while (i < n && cmp(base + i * size, base) < 0);
      do j--; while (cmp(base + j * size, base) > 0);
      if (i >= j)
        break;
      swap(base + i * size, base + j * size, size);
    }
    swap(base, base + j * size, size);
    /* Now [0,j) <= pivot = [j] <= (j,n). Recurse on the smaller part, loop on the other. */
    if (j < n - j - 1) {
      qsort(base, j, size, cmp);
      base += (j + 1) * size;
      n -= j + 1;
    } else {
      qsort(base + (j + 1) * size, n - j - 1, size, cmp);
      n = j;
    }
  }
  insertion_sort(base, n, size, cmp);
}

void *bsearch(const void *key, const void *base, size_t n, size_t size, cmp_fn cmp)
{
  const char *b = base;

  while (n > 0) {
    const char *mid = b + (n / 2) * size;
    int c = cmp(key, mid);
    if (c == 0)
      return (void *)mid;
    if (c > 0) {
      b = mid + size;
      n -= n / 2 + 1;
    } else {
      n /= 2;
    }
  }
  return 0;
}

int abs(int x) { return x < 0 ? -x : x; }
long labs(long x) { return x < 0 ? -x : x; }

static unsigned long rand_state = 1;

void srand(unsigned seed) { rand_state = seed; }

int rand(void)
{
  rand_state = rand_state * 1103515245u + 12345u;
  return (int)((rand_state >> 1) & RAND_MAX);
}
