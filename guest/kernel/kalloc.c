/* kalloc.c: the physical page allocator. RAM is described per NUMA node by the HAL; each
 * node keeps its own free list and lock, and every page has a small record (reference
 * count, node) so later NUMA work can place and migrate pages. Allocation prefers the node
 * of the calling CPU and falls back to the others. */
#include "types.h"
#include "defs.h"
#include "param.h"
#include "spinlock.h"
#include "proc.h"
#include "hal.h"

struct page {
  u32 ref;
  u16 node;
  u16 flags;
};

struct node_mem {
  struct spinlock lock;
  void *free;          /* singly linked through the first word of each free page */
  u32 nfree, total;
};

static struct page *pages;     /* indexed by physical page number */
static u32 npages;
#if HAL_PAGE_HINTS
/* Free lists are linked through this side array (indexed by page number) rather than through
 * the pages' first words: a freed page is handed back to the monitor (hal_page_free), so its
 * contents are gone, and building the list at boot touches no free page. */
static void **free_next;
#define NEXT_FREE(p) free_next[KPA(p) >> PGSHIFT]
#else
#define NEXT_FREE(p) (*(void **)(p))
#endif
static struct node_mem nodes[NNODE];
static int nnodes;

extern char _end[];

static struct page *page_of(paddr_t pa) {
  u32 pfn = pa >> PGSHIFT;
  if (pfn >= npages) panic("page_of: pa %x outside RAM", pa);
  return &pages[pfn];
}

void kinit(void) {
  nnodes = hal_nnode();
  paddr_t ram_end = 0;
  for (int n = 0; n < nnodes; n++) {
    paddr_t s, e;
    hal_node_ram(n, &s, &e);
    if (e > ram_end) ram_end = e;
  }
  npages = ram_end >> PGSHIFT;
  /* The page records sit right after the kernel image. */
  paddr_t first = PGROUNDUP(KPA(_end));
  pages = KVA(first);
#if HAL_PAGE_HINTS
  u32 bytes = PGROUNDUP(npages * (sizeof(struct page) + sizeof(void *)));
  memset(pages, 0, bytes);
  free_next = (void **)(pages + npages);
#else
  u32 bytes = PGROUNDUP(npages * sizeof(struct page));
  memset(pages, 0, bytes);
#endif
  paddr_t reserved_end = first + bytes;
  for (int n = 0; n < nnodes; n++) {
    struct node_mem *nm = &nodes[n];
    initlock(&nm->lock, "kmem");
    paddr_t s, e;
    hal_node_ram(n, &s, &e);
    if (s < reserved_end && e > first) s = reserved_end;
    for (paddr_t pa = PGROUNDDOWN(e) - PGSIZE; pa >= PGROUNDUP(s) && pa < e; pa -= PGSIZE) {
      pages[pa >> PGSHIFT].node = (u16)n;
      NEXT_FREE(KVA(pa)) = nm->free;
      nm->free = KVA(pa);
      nm->nfree++;
      if (pa == 0) break;
    }
    nm->total = nm->nfree;
  }
}

static void *take(struct node_mem *nm) {
  acquire(&nm->lock);
  void *p = nm->free;
  if (p != NULL) {
    nm->free = NEXT_FREE(p);
    nm->nfree--;
  }
  release(&nm->lock);
  return p;
}

/* One page from node `node` if possible, else from any node; NULL when RAM is full.
 * The page is not zeroed; its reference count is 1. */
void *kalloc_node(int node) {
  void *p = NULL;
  for (int attempt = 0; p == NULL && attempt < 2; attempt++) {
    if (attempt == 1 && pcache_shrink(64) == 0) break;   /* reclaim unmapped cached file pages */
    if (node >= 0 && node < nnodes) p = take(&nodes[node]);
    for (int i = 0; p == NULL && i < nnodes; i++) p = take(&nodes[i]);
  }
  if (p != NULL) page_of(KPA(p))->ref = 1;
  return p;
}

void *kalloc(void) {
  return kalloc_node(hal_cpu_node(hal_cpu_id()));
}

void *kzalloc_page(void) {
  void *p = kalloc();
  if (p != NULL) hal_page_zero(p);
  return p;
}

void page_get(void *kva) {
  struct page *pg = page_of(KPA(kva));
  __atomic_add_fetch(&pg->ref, 1, __ATOMIC_RELAXED);
}

u32 page_refs(void *kva) {
  return page_of(KPA(kva))->ref;
}

int page_node(paddr_t pa) {
  return page_of(pa)->node;
}

/* Drop a reference; the page returns to its node's free list at zero. */
void kfree(void *kva) {
  struct page *pg = page_of(KPA(kva));
  if (pg->ref == 0) panic("kfree: page %p not in use", kva);
  if (__atomic_sub_fetch(&pg->ref, 1, __ATOMIC_ACQ_REL) != 0) return;
  struct node_mem *nm = &nodes[pg->node];
#if HAL_PAGE_HINTS
  hal_page_free(kva);
#endif
  acquire(&nm->lock);
  NEXT_FREE(kva) = nm->free;
  nm->free = kva;
  nm->nfree++;
  release(&nm->lock);
}

void kmem_stats(u32 *total, u32 *free) {
  u32 t = 0, f = 0;
  for (int n = 0; n < nnodes; n++) {
    t += nodes[n].total;
    f += nodes[n].nfree;
  }
  *total = t;
  *free = f;
}
