/* malloc.c: the allocator. Small blocks (up to 64 KiB with the header) come in power-of-two
 * size classes carved from the brk heap and recycled through one free list per class;
 * larger blocks get their own anonymous mmap and are unmapped by free. Every block starts
 * with an 8-byte header, so user pointers are 8-byte aligned (doubles, long long). */
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/mman.h>

#define HDR 8
#define NCLASS 13                  /* 16 B << 0 .. 12 = 16 B .. 64 KiB */
#define MAXSMALL (16u << (NCLASS - 1))
#define HEAP_GROW (128u * 1024)
#define MAGIC_SMALL 0x5a11b10c
#define MAGIC_LARGE 0x1a29eb1c

struct hdr {
  uint32_t info;       /* small: the class; large: bytes mapped */
  uint32_t magic;
};

struct freeblk {
  struct hdr h;
  struct freeblk *next;
};

static struct freeblk *freelist[NCLASS];
static char *heap_cur, *heap_end;

/* Returns the smallest class whose blocks hold n user bytes, or -1 if n needs a mapping. */
static int size_class(size_t n)
{
  size_t need = n + HDR;
  int k = 0;

  if (need > MAXSMALL || n > MAXSMALL)
    return -1;
  while ((16u << k) < need)
    k++;
  return k;
}

/* Gets `bytes` (a multiple of 16) of fresh heap, from brk or, failing that, an mmap arena. */
static char *heap_take(size_t bytes)
{
  char *p;

  if (heap_cur + bytes > heap_end) {
    size_t grow = bytes > HEAP_GROW ? bytes : HEAP_GROW;
    char *top = sbrk(0);
    if (top != (char *)-1 && sbrk(grow + 16) != (void *)-1) {
      if (top != heap_end)     /* not contiguous with the old chunk: start afresh */
        heap_cur = (char *)(((uintptr_t)top + 15) & ~(uintptr_t)15);
      heap_end = top + grow + 16;
    } else {
      p = mmap(0, grow, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED)
        return 0;
      heap_cur = p;            /* the rest of the old chunk is abandoned */
      heap_end = p + grow;
    }
  }
  p = heap_cur;
  heap_cur += bytes;
  return p;
}

void *malloc(size_t n)
{
  int k = size_class(n);
  struct hdr *h;

  if (k < 0) {
    size_t len = (n + HDR + 4095) & ~(size_t)4095;
    if (len < n)
      return 0;
    h = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (h == MAP_FAILED)
      return 0;
    h->info = len;
    h->magic = MAGIC_LARGE;
    return (char *)h + HDR;
  }
  if (freelist[k]) {
    struct freeblk *b = freelist[k];
    freelist[k] = b->next;
    h = &b->h;
  } else {
    h = (struct hdr *)heap_take(16u << k);
    if (!h)
      return 0;
  }
  h->info = k;
  h->magic = MAGIC_SMALL;
  return (char *)h + HDR;
}

void free(void *p)
{
  struct hdr *h;

  if (!p)
    return;
  h = (struct hdr *)((char *)p - HDR);
  if (h->magic == MAGIC_LARGE) {
    h->magic = 0;
    munmap(h, h->info);
  } else if (h->magic == MAGIC_SMALL) {
    struct freeblk *b = (struct freeblk *)h;
    h->magic = 0;
    b->next = freelist[h->info];
    freelist[h->info] = b;
  } else {
    abort();                 /* double free or a wild pointer */
  }
}

/* Usable bytes in the block behind p. */
static size_t block_size(void *p)
{
  struct hdr *h = (struct hdr *)((char *)p - HDR);

  return h->magic == MAGIC_LARGE ? h->info - HDR : (16u << h->info) - HDR;
}

void *realloc(void *p, size_t n)
{
  void *q;
  size_t old;

  if (!p)
    return malloc(n);
  if (n == 0) {
    free(p);
    return 0;
  }
  old = block_size(p);
  if (n <= old)
    return p;
  q = malloc(n);
  if (!q)
    return 0;
  memcpy(q, p, old);
  free(p);
  return q;
}

void *calloc(size_t count, size_t size)
{
  size_t n = count * size;
  void *p;

  if (size && n / size != count)
    return 0;
  p = malloc(n);
  if (p && size_class(n) >= 0)
    memset(p, 0, n);        /* fresh mappings are already zero */
  return p;
}
