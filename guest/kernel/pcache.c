/* pcache.c: a cache of whole file pages for read-only mappings (program text above all),
 * so every process running the same program shares one physical copy and an execve does
 * not read the file again. Keyed by (device, inode number, offset); the cache holds one
 * reference to each page. Entries go away when the file is written or truncated, and the
 * least recently inserted unmapped pages are evicted when the cache is full. */
#include "types.h"
#include "defs.h"
#include "fs.h"
#include "param.h"
#include "hal.h"
#include "net.h"

#define NHASH 1024

struct pcentry {
  u32 dev, inum, off;
  void *page;                 /* NULL: free slot */
  struct pcentry *hnext;
};

static struct spinlock lock = SPINLOCK_INIT("pcache");
static struct pcentry ents[NPCACHE];
static struct pcentry *hash[NHASH];
static u32 hand;

static u32 hkey(u32 dev, u32 inum, u32 off) {
  return (dev * 31 + inum * 2654435761u + (off >> PGSHIFT) * 40503u) % NHASH;
}

static struct pcentry *lookup(u32 dev, u32 inum, u32 off) {
  for (struct pcentry *e = hash[hkey(dev, inum, off)]; e != NULL; e = e->hnext)
    if (e->dev == dev && e->inum == inum && e->off == off) return e;
  return NULL;
}

static void unhash(struct pcentry *e) {
  struct pcentry **pp = &hash[hkey(e->dev, e->inum, e->off)];
  while (*pp != e) pp = &(*pp)->hnext;
  *pp = e->hnext;
  kfree(e->page);
  e->page = NULL;
}

/* A free slot, evicting an entry nobody maps if needed; NULL if all are mapped. */
static struct pcentry *slot(void) {
  for (u32 i = 0; i < NPCACHE; i++) {
    struct pcentry *e = &ents[(hand + i) % NPCACHE];
    if (e->page == NULL || page_refs(e->page) == 1) {
      hand = (hand + i + 1) % NPCACHE;
      if (e->page != NULL) unhash(e);
      return e;
    }
  }
  return NULL;
}

/* The page holding bytes [off, off + PGSIZE) of ip (zero past the end of the file), with a
 * reference for the caller. The caller must not hold ip's lock. NULL on error. */
void *pcache_get(struct inode *ip, u32 off) {
  if (nfs_dev(ip->dev)) return nfs_getpage(ip, off);   /* filled from the server (nfs.c) */
  acquire(&lock);
  struct pcentry *e = lookup(ip->dev, ip->inum, off);
  if (e != NULL) {
    page_get(e->page);
    release(&lock);
    return e->page;
  }
  release(&lock);
  void *page = kalloc();
  if (page == NULL) return NULL;
#if HAL_DIRECT_PAGE_IO
  /* A whole page in one disk read: under the monitor it may come from the disk cache. */
  ilock(ip);
  int r = PGSIZE;
  if (readpage_direct(ip, off, page) != 0) {
    hal_page_zero(page);
    r = readi(ip, false, (u32)page, off, PGSIZE);
  }
  iunlock(ip);
#else
  hal_page_zero(page);
  ilock(ip);
  int r = readi(ip, false, (u32)page, off, PGSIZE);
  iunlock(ip);
#endif
  if (r < 0) {
    kfree(page);
    return NULL;
  }
  acquire(&lock);
  e = lookup(ip->dev, ip->inum, off);
  if (e != NULL) {             /* another CPU read it meanwhile */
    page_get(e->page);
    release(&lock);
    kfree(page);
    return e->page;
  }
  e = slot();
  if (e != NULL) {
    e->dev = ip->dev;
    e->inum = ip->inum;
    e->off = off;
    e->page = page;
    page_get(page);            /* the cache's own reference */
    ip->pcached = true;
    u32 h = hkey(e->dev, e->inum, off);
    e->hnext = hash[h];
    hash[h] = e;
  }
  release(&lock);
  return page;
}

#if HAL_DIRECT_PAGE_IO
/* read(2) of whole file pages through the cache: copy n bytes (whole pages, inside the file)
 * at page-aligned off of ip to user address dst. The caller does not hold ip's lock. Bytes
 * copied, or -EFAULT / -EIO when nothing was. */
int pcache_read(struct inode *ip, uaddr_t dst, u32 off, u32 n) {
  u32 done = 0;
  while (done < n) {
    void *page = pcache_get(ip, off + done);
    if (page == NULL) return done ? (int)done : -EIO;
    int r = copyout(dst + done, page, PGSIZE);
    kfree(page);
    if (r < 0) return done ? (int)done : -EFAULT;
    done += PGSIZE;
  }
  return (int)done;
}
#endif

/* The cached page at off of ip with a reference for the caller, or NULL. */
void *pcache_lookup(struct inode *ip, u32 off) {
  acquire(&lock);
  struct pcentry *e = lookup(ip->dev, ip->inum, off);
  void *page = e != NULL ? e->page : NULL;
  if (page != NULL) page_get(page);
  release(&lock);
  return page;
}

/* Cache `page` (the caller's reference) as bytes [off, off + PGSIZE) of ip. Returns the page
 * now cached there with a reference for the caller: `page`, or the one another CPU cached
 * first (then `page` is freed). When the cache is full of mapped pages, `page` itself. */
void *pcache_insert(struct inode *ip, u32 off, void *page) {
  acquire(&lock);
  struct pcentry *e = lookup(ip->dev, ip->inum, off);
  if (e != NULL) {
    page_get(e->page);
    release(&lock);
    kfree(page);
    return e->page;
  }
  e = slot();
  if (e != NULL) {
    e->dev = ip->dev;
    e->inum = ip->inum;
    e->off = off;
    e->page = page;
    page_get(page);
    ip->pcached = true;
    u32 h = hkey(e->dev, e->inum, off);
    e->hnext = hash[h];
    hash[h] = e;
  }
  release(&lock);
  return page;
}

/* Forget every cached page of ip (its contents changed or it was freed). */
void pcache_invalidate(struct inode *ip) {
  if (!ip->pcached) return;
  acquire(&lock);
  ip->pcached = false;
  for (u32 i = 0; i < NPCACHE; i++) {
    struct pcentry *e = &ents[i];
    if (e->page != NULL && e->dev == ip->dev && e->inum == ip->inum) unhash(e);
  }
  release(&lock);
}

/* Give back up to n cached pages that no process maps (memory is short); how many. */
u32 pcache_shrink(u32 n) {
  u32 freed = 0;
  acquire(&lock);
  for (u32 i = 0; i < NPCACHE && freed < n; i++) {
    struct pcentry *e = &ents[i];
    if (e->page != NULL && page_refs(e->page) == 1) {
      unhash(e);
      freed++;
    }
  }
  release(&lock);
  return freed;
}
