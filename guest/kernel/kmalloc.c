/* kmalloc.c: small kernel objects (16 bytes to 2 KiB) carved out of whole pages, one free
 * list per power-of-two size class. Larger requests get whole pages (at most one page).
 * Freed objects go back to their class; pages are never returned to the page allocator. */
#include "types.h"
#include "defs.h"
#include "spinlock.h"

#define MIN_SHIFT 4
#define MAX_SHIFT 11
#define NCLASS (MAX_SHIFT - MIN_SHIFT + 1)

/* Each small object is preceded by a header naming its class, so it is never page
 * aligned; requests above the largest class get a whole page, which always is. */
struct hdr {
  u32 cls;
  u32 pad;
};

static struct spinlock lock = SPINLOCK_INIT("kmalloc");
static void *freelist[NCLASS];

static int class_of(size_t n) {
  int c = 0;
  while (((size_t)1 << (c + MIN_SHIFT)) < n) c++;
  return c;
}

void *kmalloc(size_t n) {
  if (n + sizeof(struct hdr) > ((size_t)1 << MAX_SHIFT)) {
    if (n > PGSIZE) panic("kmalloc: %u bytes", (u32)n);
    return kalloc();
  }
  n += sizeof(struct hdr);
  int c = class_of(n);
  size_t size = (size_t)1 << (c + MIN_SHIFT);
  acquire(&lock);
  if (freelist[c] == NULL) {
    u8 *pg = kalloc();
    if (pg == NULL) {
      release(&lock);
      return NULL;
    }
    for (size_t off = 0; off + size <= PGSIZE; off += size) {
      *(void **)(pg + off) = freelist[c];
      freelist[c] = pg + off;
    }
  }
  struct hdr *h = freelist[c];
  freelist[c] = *(void **)h;
  release(&lock);
  h->cls = (u32)c;
  return h + 1;
}

void *kzalloc(size_t n) {
  void *p = kmalloc(n);
  if (p != NULL) memset(p, 0, n);
  return p;
}

void kmfree(void *p) {
  if (p == NULL) return;
  if (((u32)p & (PGSIZE - 1)) == 0) {
    kfree(p);
    return;
  }
  struct hdr *h = (struct hdr *)p - 1;
  u32 c = h->cls;          /* read before the free-list link overwrites it */
  if (c >= NCLASS) panic("kmfree: bad object %p", p);
  acquire(&lock);
  *(void **)h = freelist[c];
  freelist[c] = h;
  release(&lock);
}
