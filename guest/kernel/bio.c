/* bio.c: the disk request queue and the buffer cache. Requests for disk 0 are queued and
 * started one at a time; the requester sleeps until disk_complete() (from the HAL's
 * interrupt) marks its buffer done. The cache holds NBUF blocks of the file system's block
 * size in LRU order; a buffer is owned through its sleep lock between bread() and brelse().
 * Writes go to disk at once (write-through), so the disk is always consistent with the
 * cache. */
#include "types.h"
#include "defs.h"
#include "fs.h"
#include "hal.h"

#define DISK 0
#define B_FLUSH 0x100            /* queue entry: a flush command, no data */
#define B_PAGE 0x200             /* queue entry: read a whole page from sector blockno */

static struct spinlock disk_lock = SPINLOCK_INIT("disk");
static struct buf *queue;        /* head is in progress */
static u32 secs_per_block = 2;

#define NBHASH 512

static struct {
  struct spinlock lock;
  struct buf buf[NBUF];
  struct buf head;               /* head.next is the most recently used */
  struct buf *hash[NBHASH];
  u32 bsize;
} bcache;

static void unhash(struct buf *b) {
  if (!b->hashed) return;
  struct buf **pp = &bcache.hash[b->blockno % NBHASH];
  while (*pp != b) pp = &(*pp)->hnext;
  *pp = b->hnext;
  b->hashed = false;
}

static void disk_start(struct buf *b) {
  if (b->flags & B_FLUSH) hal_disk_start_flush(DISK);
#if HAL_DIRECT_PAGE_IO
  else if (b->flags & B_PAGE) hal_disk_start(DISK, b->blockno, PGSIZE / 512, KPA(b->data), false);
#endif
  else hal_disk_start(DISK, b->blockno * secs_per_block, secs_per_block, KPA(b->data), (b->flags & B_DIRTY) != 0);
}

/* If the request in progress has finished, complete it and start the next (disk_lock). */
static void disk_poll_locked(void) {
  while (queue != NULL) {
    enum disk_state st = hal_disk_poll(DISK);
    if (st == DISK_BUSY) return;
    struct buf *b = queue;
    queue = b->qnext;
    b->io_error = st == DISK_FAILED;
    b->io_done = true;
    if (!b->io_error && !(b->flags & B_FLUSH) && !(HAL_DIRECT_PAGE_IO && (b->flags & B_PAGE))) {
      b->flags &= ~B_DIRTY;
      b->flags |= B_VALID;
    }
    if (b->io_waiting) wakeup(b);
    if (queue != NULL) disk_start(queue);
  }
}

/* Queue b (read unless B_DIRTY) and wait until it completes. The controller may finish at
 * once (no modelled latency): then the request is completed here without sleeping. */
static int disk_rw(struct buf *b) {
  acquire(&disk_lock);
  b->io_done = false;
  b->io_error = false;
  b->io_waiting = false;
  b->qnext = NULL;
  struct buf **pp = &queue;
  while (*pp != NULL) pp = &(*pp)->qnext;
  *pp = b;
  if (queue == b) disk_start(b);
  disk_poll_locked();
  while (!b->io_done) {
    b->io_waiting = true;
    sleep(b, &disk_lock);
  }
  bool err = b->io_error;
  release(&disk_lock);
  return err ? -EIO : 0;
}

void disk_interrupt(int unit) {
  (void)unit;
  acquire(&disk_lock);
  disk_poll_locked();
  release(&disk_lock);
}

void disk_flush(void) {
  static struct buf fb;
  static struct sleeplock fl;
  static bool init;
  if (!init) {
    initsleeplock(&fl, "flush");
    init = true;
  }
  acquiresleep(&fl);
  fb.flags = B_FLUSH;
  disk_rw(&fb);
  releasesleep(&fl);
}

/* Read `bytes` at byte offset `off` of disk 0 into kernel memory, before the cache exists
 * (the superblock). Both must be multiples of 512; at most one page. */
int disk_read_raw(u32 off, void *dst, u32 bytes) {
  static struct buf rb;
  u8 *page = kalloc();
  if (page == NULL) return -ENOMEM;
  u32 save = secs_per_block;
  secs_per_block = bytes / 512;
  rb.flags = 0;
  rb.blockno = off / bytes;
  rb.data = page;
  if (off % bytes != 0) panic("disk_read_raw: alignment");
  int r = disk_rw(&rb);
  secs_per_block = save;
  if (r == 0) memcpy(dst, page, bytes);
  kfree(page);
  return r;
}

#if HAL_DIRECT_PAGE_IO
/* Read the page at `sector` of disk 0 (8 sectors) straight into the page-aligned `page`,
 * bypassing the buffer cache: one command the monitor may serve from its disk cache. */
int disk_read_page(u32 sector, void *page) {
  struct buf b;
  memset(&b, 0, sizeof b);
  b.flags = B_PAGE;
  b.blockno = sector;
  b.data = page;
  return disk_rw(&b);
}
#endif

u32 disk_blocks(u32 bsize) {
  return hal_disk_present(DISK) ? (u32)(((u64)hal_disk_sectors(DISK) * 512) / bsize) : 0;
}

void binit(u32 bsize) {
  initlock(&bcache.lock, "bcache");
  bcache.bsize = bsize;
  secs_per_block = bsize / 512;
  bcache.head.prev = bcache.head.next = &bcache.head;
  u8 *page = NULL;
  u32 used = PGSIZE;
  for (struct buf *b = bcache.buf; b < &bcache.buf[NBUF]; b++) {
    if (used + bsize > PGSIZE) {
      page = kalloc();
      if (page == NULL) panic("binit: out of memory");
      used = 0;
    }
    b->data = page + used;
    used += bsize;
    initsleeplock(&b->lock, "buffer");
    b->next = bcache.head.next;
    b->prev = &bcache.head;
    bcache.head.next->prev = b;
    bcache.head.next = b;
  }
}

/* The locked buffer for blockno, possibly without valid data. */
static struct buf *bget(u32 blockno) {
  acquire(&bcache.lock);
  for (struct buf *b = bcache.hash[blockno % NBHASH]; b != NULL; b = b->hnext) {
    if (b->blockno == blockno) {
      b->refcnt++;
      release(&bcache.lock);
      acquiresleep(&b->lock);
      return b;
    }
  }
  for (struct buf *b = bcache.head.prev; b != &bcache.head; b = b->prev) {
    if (b->refcnt == 0 && (b->flags & B_DIRTY) == 0) {
      unhash(b);
      b->blockno = blockno;
      b->flags = 0;
      b->refcnt = 1;
      b->hnext = bcache.hash[blockno % NBHASH];
      bcache.hash[blockno % NBHASH] = b;
      b->hashed = true;
      release(&bcache.lock);
      acquiresleep(&b->lock);
      return b;
    }
  }
  panic("bget: no buffers");
}

struct buf *bread(u32 blockno) {
  struct buf *b = bget(blockno);
  if (!(b->flags & B_VALID)) {
    if (disk_rw(b) < 0) kprintf("disk: read error at block %u\n", blockno);
  }
  return b;
}

/* A buffer for a block about to be overwritten completely: no read. */
struct buf *bget_zero(u32 blockno) {
  struct buf *b = bget(blockno);
  memset(b->data, 0, bcache.bsize);
  b->flags |= B_VALID;
  return b;
}

void bwrite(struct buf *b) {
  if (!holdingsleep(&b->lock)) panic("bwrite");
  b->flags |= B_DIRTY;
  if (disk_rw(b) < 0) kprintf("disk: write error at block %u\n", b->blockno);
}

void brelse(struct buf *b) {
  if (!holdingsleep(&b->lock)) panic("brelse");
  releasesleep(&b->lock);
  acquire(&bcache.lock);
  b->refcnt--;
  if (b->refcnt == 0) {
    b->next->prev = b->prev;
    b->prev->next = b->next;
    b->next = bcache.head.next;
    b->prev = &bcache.head;
    bcache.head.next->prev = b;
    bcache.head.next = b;
  }
  release(&bcache.lock);
}

u32 bcache_bsize(void) {
  return bcache.bsize;
}
