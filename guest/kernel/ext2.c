/* ext2.c: the ext2 file system on disk 0: mount and clean unmount (superblock state), block
 * and inode allocation in the group bitmaps with the group-descriptor and superblock counts
 * kept exact (e2fsck must find the image clean), the inode cache (iget/ilock/iput), the
 * block map with indirect blocks, truncation, and reading and writing file contents.
 * Directories are in ext2dir.c, path names in namei.c. */
#include "types.h"
#include "defs.h"
#include "fs.h"
#include "net.h"
#include "proc.h"
#include "hal.h"

static struct {
  struct ext2_super sb;
  u32 bsize, ngroups, ipg, bpg, isize, first_data, gd_block, gd_per_block, nperblock;
  struct ext2_group *gd;
  struct sleeplock alloc;       /* serialises bitmap updates */
  bool mounted;
} fs;

#define NIHASH 256

static struct {
  struct spinlock lock;
  struct inode inode[NINODE];
  struct inode *hash[NIHASH];
  u32 hand;                     /* where the search for a free slot resumes */
} icache;

static u32 ihash(u32 dev, u32 inum) {
  return (inum * 31 + dev) % NIHASH;
}

/* ---- superblock and group descriptors -------------------------------------------------- */

static void write_super(void) {
  u32 blk = EXT2_SUPER_OFFSET / fs.bsize, off = EXT2_SUPER_OFFSET % fs.bsize;
  struct buf *b = bread(blk);
  memcpy(b->data + off, &fs.sb, sizeof fs.sb);
  bwrite(b);
  brelse(b);
}

static void write_group(u32 g) {
  u32 blk = fs.gd_block + g / fs.gd_per_block;
  struct buf *b = bread(blk);
  memcpy(b->data + (g % fs.gd_per_block) * sizeof(struct ext2_group), &fs.gd[g], sizeof(struct ext2_group));
  bwrite(b);
  brelse(b);
}

void ext2_mount(void) {
  if (disk_read_raw(EXT2_SUPER_OFFSET, &fs.sb, sizeof fs.sb) < 0) panic("ext2: cannot read the superblock");
  struct ext2_super *sb = &fs.sb;
  if (sb->s_magic != EXT2_MAGIC) panic("ext2: bad magic %x on disk 0", sb->s_magic);
  if (sb->s_feature_incompat & ~EXT2_FEATURE_INCOMPAT_FILETYPE)
    panic("ext2: unsupported incompatible features %x", sb->s_feature_incompat);
  if (sb->s_feature_ro_compat & ~(EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE))
    kprintf("ext2: warning: read-only-compatible features %x\n", sb->s_feature_ro_compat);
  fs.bsize = 1024u << sb->s_log_block_size;
  fs.ipg = sb->s_inodes_per_group;
  fs.bpg = sb->s_blocks_per_group;
  fs.isize = sb->s_rev_level >= 1 ? sb->s_inode_size : 128;
  fs.first_data = sb->s_first_data_block;
  fs.ngroups = (sb->s_blocks_count - fs.first_data + fs.bpg - 1) / fs.bpg;
  fs.gd_block = fs.first_data + 1;
  fs.gd_per_block = fs.bsize / sizeof(struct ext2_group);
  fs.nperblock = fs.bsize / 4;
  initsleeplock(&fs.alloc, "ext2alloc");
  binit(fs.bsize);
  fs.gd = kmalloc(fs.ngroups * sizeof(struct ext2_group));
  if (fs.gd == NULL) panic("ext2: group descriptors");
  for (u32 g = 0; g < fs.ngroups; g++) {
    struct buf *b = bread(fs.gd_block + g / fs.gd_per_block);
    memcpy(&fs.gd[g], b->data + (g % fs.gd_per_block) * sizeof(struct ext2_group), sizeof(struct ext2_group));
    brelse(b);
  }
  if (!(sb->s_state & EXT2_VALID_FS)) kprintf("ext2: file system was not cleanly unmounted\n");
  sb->s_state &= ~EXT2_VALID_FS;
  sb->s_mnt_count++;
  sb->s_mtime = now_seconds();
  write_super();
  fs.mounted = true;
  kprintf("ext2: %u blocks of %u bytes, %u inodes, %u groups, %u free blocks\n", sb->s_blocks_count, fs.bsize,
          sb->s_inodes_count, fs.ngroups, sb->s_free_blocks_count);
}

/* Mark the file system clean and make every write durable (poweroff, reboot, sync). */
void ext2_sync(bool unmount) {
  if (!fs.mounted) return;
  acquiresleep(&fs.alloc);
  if (unmount) fs.sb.s_state |= EXT2_VALID_FS;
  fs.sb.s_wtime = now_seconds();
  write_super();
  releasesleep(&fs.alloc);
  disk_flush();
}

u32 ext2_bsize(void) { return fs.bsize; }

void ext2_statfs(u32 *blocks, u32 *bfree, u32 *files, u32 *ffree, u32 *bsize) {
  *blocks = fs.sb.s_blocks_count;
  *bfree = fs.sb.s_free_blocks_count;
  *files = fs.sb.s_inodes_count;
  *ffree = fs.sb.s_free_inodes_count;
  *bsize = fs.bsize;
}

/* ---- bitmaps ---------------------------------------------------------------------------- */

/* First clear bit below `limit` in a bitmap block, set it; -1 if none. */
static int bitmap_take(u8 *map, u32 limit) {
  for (u32 i = 0; i < limit; i += 8) {
    if (map[i / 8] == 0xff) continue;
    for (u32 j = i; j < i + 8 && j < limit; j++) {
      if (!(map[j / 8] & (1 << (j % 8)))) {
        map[j / 8] |= (u8)(1 << (j % 8));
        return (int)j;
      }
    }
  }
  return -1;
}

static u32 blocks_in_group(u32 g) {
  u32 start = fs.first_data + g * fs.bpg;
  return MIN(fs.bpg, fs.sb.s_blocks_count - start);
}

/* Allocate a block, preferring group `goal`; zeroed if `zero`. 0 when the disk is full. */
static u32 balloc(u32 goal, bool zero) {
  acquiresleep(&fs.alloc);
  for (u32 k = 0; k < fs.ngroups; k++) {
    u32 g = (goal + k) % fs.ngroups;
    if (fs.gd[g].bg_free_blocks_count == 0) continue;
    struct buf *b = bread(fs.gd[g].bg_block_bitmap);
    int bit = bitmap_take(b->data, blocks_in_group(g));
    if (bit < 0) {
      brelse(b);
      continue;
    }
    bwrite(b);
    brelse(b);
    fs.gd[g].bg_free_blocks_count--;
    fs.sb.s_free_blocks_count--;
    write_group(g);
    write_super();
    releasesleep(&fs.alloc);
    u32 blk = fs.first_data + g * fs.bpg + (u32)bit;
    if (zero) {
      struct buf *z = bget_zero(blk);
      bwrite(z);
      brelse(z);
    }
    return blk;
  }
  releasesleep(&fs.alloc);
  return 0;
}

static void bfree(u32 blk) {
  if (blk < fs.first_data || blk >= fs.sb.s_blocks_count) panic("bfree: block %u", blk);
  u32 g = (blk - fs.first_data) / fs.bpg, bit = (blk - fs.first_data) % fs.bpg;
  acquiresleep(&fs.alloc);
  struct buf *b = bread(fs.gd[g].bg_block_bitmap);
  if (!(b->data[bit / 8] & (1 << (bit % 8)))) panic("bfree: block %u already free", blk);
  b->data[bit / 8] &= (u8) ~(1 << (bit % 8));
  bwrite(b);
  brelse(b);
  fs.gd[g].bg_free_blocks_count++;
  fs.sb.s_free_blocks_count++;
  write_group(g);
  write_super();
  releasesleep(&fs.alloc);
}

/* Allocate an inode number near group `goal`; 0 when none is free. */
static u32 ialloc_num(u32 goal, bool dir) {
  acquiresleep(&fs.alloc);
  for (u32 k = 0; k < fs.ngroups; k++) {
    u32 g = (goal + k) % fs.ngroups;
    if (fs.gd[g].bg_free_inodes_count == 0) continue;
    struct buf *b = bread(fs.gd[g].bg_inode_bitmap);
    int bit = bitmap_take(b->data, fs.ipg);
    if (bit < 0) {
      brelse(b);
      continue;
    }
    bwrite(b);
    brelse(b);
    fs.gd[g].bg_free_inodes_count--;
    if (dir) fs.gd[g].bg_used_dirs_count++;
    fs.sb.s_free_inodes_count--;
    write_group(g);
    write_super();
    releasesleep(&fs.alloc);
    return g * fs.ipg + (u32)bit + 1;
  }
  releasesleep(&fs.alloc);
  return 0;
}

static void ifree_num(u32 inum, bool dir) {
  u32 g = (inum - 1) / fs.ipg, bit = (inum - 1) % fs.ipg;
  acquiresleep(&fs.alloc);
  struct buf *b = bread(fs.gd[g].bg_inode_bitmap);
  if (!(b->data[bit / 8] & (1 << (bit % 8)))) panic("ifree: inode %u already free", inum);
  b->data[bit / 8] &= (u8) ~(1 << (bit % 8));
  bwrite(b);
  brelse(b);
  fs.gd[g].bg_free_inodes_count++;
  if (dir) fs.gd[g].bg_used_dirs_count--;
  fs.sb.s_free_inodes_count++;
  write_group(g);
  write_super();
  releasesleep(&fs.alloc);
}

/* ---- the inode cache ---------------------------------------------------------------------- */

void iinit(void) {
  initlock(&icache.lock, "icache");
  for (int i = 0; i < NINODE; i++) initsleeplock(&icache.inode[i].lock, "inode");
}

static void inode_pos(u32 inum, u32 *blk, u32 *off) {
  u32 g = (inum - 1) / fs.ipg, idx = (inum - 1) % fs.ipg;
  *blk = fs.gd[g].bg_inode_table + idx * fs.isize / fs.bsize;
  *off = idx * fs.isize % fs.bsize;
}

/* The in-memory inode for (dev, inum), with a new reference; not locked, maybe not read. */
/* An unreferenced inode keeps its contents (and its hash entry) until the slot is reused,
 * so a file opened again soon needs no disk read. */
struct inode *iget(u32 dev, u32 inum) {
  acquire(&icache.lock);
  for (struct inode *ip = icache.hash[ihash(dev, inum)]; ip != NULL; ip = ip->hnext) {
    if (ip->dev == dev && ip->inum == inum) {
      ip->ref++;
      release(&icache.lock);
      return ip;
    }
  }
  struct inode *empty = NULL;
  for (u32 i = 0; i < NINODE; i++) {
    struct inode *ip = &icache.inode[(icache.hand + i) % NINODE];
    if (ip->ref == 0) {
      empty = ip;
      icache.hand = (icache.hand + i + 1) % NINODE;
      break;
    }
  }
  if (empty == NULL) panic("iget: no inodes");
  if (empty->pcached) pcache_invalidate(empty);   /* its pages are keyed by the old identity */
  if (empty->inum != 0) {   /* unhash the slot's previous identity */
    struct inode **pp = &icache.hash[ihash(empty->dev, empty->inum)];
    while (*pp != empty) pp = &(*pp)->hnext;
    *pp = empty->hnext;
  }
  empty->dev = dev;
  empty->inum = inum;
  empty->ref = 1;
  empty->valid = false;
  empty->pcached = false;
  empty->hnext = icache.hash[ihash(dev, inum)];
  icache.hash[ihash(dev, inum)] = empty;
  release(&icache.lock);
  return empty;
}

struct inode *idup(struct inode *ip) {
  acquire(&icache.lock);
  ip->ref++;
  release(&icache.lock);
  return ip;
}

void ilock(struct inode *ip) {
  if (ip == NULL || ip->ref < 1) panic("ilock");
  acquiresleep(&ip->lock);
  if (ip->valid) return;
  if (ip->dev == DEV_PROC) {
    procfs_fill(ip);
  } else if (nfs_dev(ip->dev)) {
    if (nfs_fill(ip) < 0) return;   /* not valid: the next ilock asks the server again */
  } else {
    u32 blk, off;
    inode_pos(ip->inum, &blk, &off);
    struct buf *b = bread(blk);
    memcpy(&ip->d, b->data + off, sizeof ip->d);
    brelse(b);
  }
  ip->valid = true;
}

void iunlock(struct inode *ip) {
  if (ip == NULL || !holdingsleep(&ip->lock) || ip->ref < 1) panic("iunlock");
  releasesleep(&ip->lock);
}

void iunlockput(struct inode *ip) {
  iunlock(ip);
  iput(ip);
}

/* Write the in-memory copy of a locked inode to disk. */
void iupdate(struct inode *ip) {
  if (ip->dev != DEV_ROOT) return;
  u32 blk, off;
  inode_pos(ip->inum, &blk, &off);
  struct buf *b = bread(blk);
  memcpy(b->data + off, &ip->d, sizeof ip->d);
  bwrite(b);
  brelse(b);
}

static bool has_blocks(struct ext2_dinode *d) {
  u16 t = d->i_mode & S_IFMT;
  return t == S_IFREG || t == S_IFDIR || (t == S_IFLNK && d->i_blocks != 0);
}

/* Drop a reference; the last one to a file with no links frees it. */
void iput(struct inode *ip) {
  if (ip == NULL) return;
  acquire(&icache.lock);
  if (ip->ref == 1 && ip->valid && ip->dev == DEV_ROOT && ip->d.i_links_count == 0) {
    release(&icache.lock);
    acquiresleep(&ip->lock);
    bool dir = S_ISDIR(ip->d.i_mode);
    itrunc(ip, 0);
    ip->d.i_dtime = now_seconds();
    ip->d.i_mode = 0;
    iupdate(ip);
    ifree_num(ip->inum, dir);
    ip->valid = false;
    releasesleep(&ip->lock);
    acquire(&icache.lock);
  }
  ip->ref--;
  release(&icache.lock);
}

static u32 group_of(struct inode *ip) {
  return (ip->inum - 1) / fs.ipg;
}

/* A fresh inode of type `mode` (permissions included), locked, one reference, links 0. */
struct inode *ialloc(struct inode *parent, u16 mode) {
  bool dir = S_ISDIR(mode);
  u32 goal = dir ? (parent->inum * 7) % fs.ngroups : group_of(parent);
  u32 inum = ialloc_num(goal, dir);
  if (inum == 0) return NULL;
  /* zero the whole on-disk inode (larger inodes carry extra fields) */
  u32 blk, off;
  inode_pos(inum, &blk, &off);
  struct buf *b = bread(blk);
  memset(b->data + off, 0, fs.isize);
  bwrite(b);
  brelse(b);
  struct inode *ip = iget(DEV_ROOT, inum);
  acquiresleep(&ip->lock);
  memset(&ip->d, 0, sizeof ip->d);
  u32 now = now_seconds();
  ip->d.i_mode = mode;
  ip->d.i_atime = ip->d.i_ctime = ip->d.i_mtime = now;
  ip->valid = true;
  iupdate(ip);
  return ip;
}

/* ---- the block map ----------------------------------------------------------------------- */

/* Entry `idx` of indirect block `blk`, allocating the next level if needed. */
static u32 indirect(struct inode *ip, u32 blk, u32 idx, bool alloc, bool zero) {
  struct buf *b = bread(blk);
  u32 *a = (u32 *)b->data;
  u32 v = a[idx];
  if (v == 0 && alloc) {
    v = balloc(group_of(ip), zero);
    if (v != 0) {
      a[idx] = v;
      bwrite(b);
      ip->d.i_blocks += fs.bsize / 512;
    }
  }
  brelse(b);
  return v;
}

/* Disk block of logical block bn of ip (locked); 0 for a hole (or if allocation fails). */
u32 bmap(struct inode *ip, u32 bn, bool alloc) {
  u32 n = fs.nperblock;
  u32 *slot;
  if (bn < EXT2_NDIR_BLOCKS) {
    slot = &ip->d.i_block[bn];
    if (*slot == 0 && alloc) {
      *slot = balloc(group_of(ip), false);
      if (*slot != 0) ip->d.i_blocks += fs.bsize / 512;
    }
    return *slot;
  }
  bn -= EXT2_NDIR_BLOCKS;
  int level;
  if (bn < n) {
    level = 1;
    slot = &ip->d.i_block[EXT2_IND_BLOCK];
  } else if ((bn -= n) < n * n) {
    level = 2;
    slot = &ip->d.i_block[EXT2_DIND_BLOCK];
  } else {
    bn -= n * n;
    level = 3;
    slot = &ip->d.i_block[EXT2_TIND_BLOCK];
  }
  if (*slot == 0) {
    if (!alloc) return 0;
    *slot = balloc(group_of(ip), true);
    if (*slot == 0) return 0;
    ip->d.i_blocks += fs.bsize / 512;
  }
  u32 blk = *slot;
  for (int l = level; l > 0; l--) {
    u32 span = 1;
    for (int k = 1; k < l; k++) span *= n;
    blk = indirect(ip, blk, bn / span, alloc, l > 1);
    if (blk == 0) return 0;
    bn %= span;
  }
  return blk;
}

/* Free the blocks of the subtree rooted at blk (level 0 = a data block) covering logical
 * blocks [base, ...) that lie at or past `first`. True if blk itself was freed. */
static bool trunc_tree(struct inode *ip, u32 blk, int level, u32 base, u32 first) {
  u32 n = fs.nperblock;
  if (level == 0) {
    if (base < first) return false;
    bfree(blk);
    ip->d.i_blocks -= fs.bsize / 512;
    return true;
  }
  u32 span = 1;
  for (int k = 1; k < level; k++) span *= n;
  struct buf *b = bread(blk);
  u32 *a = (u32 *)b->data;
  bool changed = false;
  for (u32 i = 0; i < n; i++) {
    if (a[i] == 0 || base + (i + 1) * span <= first) continue;
    if (trunc_tree(ip, a[i], level - 1, base + i * span, first)) {
      a[i] = 0;
      changed = true;
    }
  }
  if (base >= first) {
    brelse(b);
    bfree(blk);
    ip->d.i_blocks -= fs.bsize / 512;
    return true;
  }
  if (changed) bwrite(b);
  brelse(b);
  return false;
}

/* Cut a locked inode to `size` bytes, freeing whole blocks past it. */
void itrunc(struct inode *ip, u32 size) {
  pcache_invalidate(ip);
  if (has_blocks(&ip->d)) {
    u32 n = fs.nperblock;
    u32 first = (size + fs.bsize - 1) / fs.bsize;
    for (u32 i = 0; i < EXT2_NDIR_BLOCKS; i++) {
      if (ip->d.i_block[i] != 0 && i >= first) {
        bfree(ip->d.i_block[i]);
        ip->d.i_blocks -= fs.bsize / 512;
        ip->d.i_block[i] = 0;
      }
    }
    u32 base[3] = { EXT2_NDIR_BLOCKS, EXT2_NDIR_BLOCKS + n, EXT2_NDIR_BLOCKS + n + n * n };
    for (int l = 0; l < 3; l++) {
      u32 *slot = &ip->d.i_block[EXT2_IND_BLOCK + l];
      if (*slot != 0 && trunc_tree(ip, *slot, l + 1, base[l], first)) *slot = 0;
    }
    /* a partial last block keeps stale bytes past the new end: clear them */
    if (size % fs.bsize != 0 && size < ip->d.i_size) {
      u32 blk = bmap(ip, size / fs.bsize, false);
      if (blk != 0) {
        struct buf *b = bread(blk);
        memset(b->data + size % fs.bsize, 0, fs.bsize - size % fs.bsize);
        bwrite(b);
        brelse(b);
      }
    }
  } else if (S_ISLNK(ip->d.i_mode) && size == 0) {
    memset(ip->d.i_block, 0, sizeof ip->d.i_block);
  }
  ip->d.i_size = size;
  ip->d.i_mtime = ip->d.i_ctime = now_seconds();
  iupdate(ip);
}

/* ---- contents ------------------------------------------------------------------------------ */

#if HAL_DIRECT_PAGE_IO
/* Fill `page` with bytes [off, off + PGSIZE) of a locked inode by one page-sized disk read,
 * when the file covers the whole page and its blocks there are consecutive on disk (as the
 * image writer lays files out). 0, or -1 when not possible (the caller uses readi). */
int readpage_direct(struct inode *ip, u32 off, void *page) {
  if (ip->dev == DEV_PROC || nfs_dev(ip->dev) || off % PGSIZE != 0) return -1;
  if (off + PGSIZE > ip->d.i_size || off + PGSIZE < off) return -1;
  u32 per = PGSIZE / fs.bsize;
  u32 first = bmap(ip, off / fs.bsize, false);
  if (first == 0) return -1;
  for (u32 i = 1; i < per; i++)
    if (bmap(ip, off / fs.bsize + i, false) != first + i) return -1;
  return disk_read_page(first * (fs.bsize / 512), page) == 0 ? 0 : -1;
}
#endif

/* Read n bytes at off of a locked inode to dst (a user address if user). Bytes read, or
 * -EFAULT if the destination faulted before anything was copied. */
int readi(struct inode *ip, bool user, u32 dst, u32 off, u32 n) {
  if (ip->dev == DEV_PROC) return -EINVAL;
  if (nfs_dev(ip->dev)) return nfs_readi(ip, user, dst, off, n);
  u32 size = ip->d.i_size;
  if (off >= size) return 0;
  if (n > size - off) n = size - off;
  u32 done = 0;
  while (done < n) {
    u32 bn = off / fs.bsize, boff = off % fs.bsize;
    u32 m = MIN(n - done, fs.bsize - boff);
    u32 blk = bmap(ip, bn, false);
    int r;
    if (blk == 0) {
      r = user ? clear_user(dst, m) : (memset((void *)dst, 0, m), 0);
    } else {
      struct buf *b = bread(blk);
      r = user ? copyout(dst, b->data + boff, m) : (memcpy((void *)dst, b->data + boff, m), 0);
      brelse(b);
    }
    if (r < 0) return done > 0 ? (int)done : -EFAULT;
    done += m;
    off += m;
    dst += m;
  }
  return (int)done;
}

/* Write n bytes from src (user address if user) at off of a locked inode, growing it.
 * Bytes written, -ENOSPC/-EFAULT/-EFBIG if nothing could be written. */
int writei(struct inode *ip, bool user, u32 src, u32 off, u32 n) {
  if (ip->dev != DEV_ROOT) return -EINVAL;
  if ((u64)off + n > 0x7fffffffu) return -EFBIG;
  if (ip->pcached) pcache_invalidate(ip);
  u32 done = 0;
  int err = 0;
  while (done < n) {
    u32 bn = off / fs.bsize, boff = off % fs.bsize;
    u32 m = MIN(n - done, fs.bsize - boff);
    u32 blk = bmap(ip, bn, true);
    if (blk == 0) {
      err = -ENOSPC;
      break;
    }
    bool whole = boff == 0 && m == fs.bsize;
    struct buf *b = whole ? bget_zero(blk) : bread(blk);
    int r = user ? copyin(b->data + boff, src, m) : (memcpy(b->data + boff, (void *)src, m), 0);
    if (r < 0) {
      brelse(b);
      err = -EFAULT;
      break;
    }
    bwrite(b);
    brelse(b);
    done += m;
    off += m;
    src += m;
  }
  if (done > 0) {
    if (off > ip->d.i_size) ip->d.i_size = off;
    ip->d.i_mtime = ip->d.i_ctime = now_seconds();
  }
  iupdate(ip);
  return done > 0 ? (int)done : err;
}

/* Fill a stat64 from a locked inode. */
void stati(struct inode *ip, struct stat64 *st) {
  memset(st, 0, sizeof *st);
  st->st_dev = ip->dev;
  st->st_ino = ip->inum;
  st->st_mode = ip->d.i_mode;
  st->st_nlink = ip->d.i_links_count;
  st->st_uid = ip->d.i_uid;
  st->st_gid = ip->d.i_gid;
  if (S_ISCHR(ip->d.i_mode) || S_ISBLK(ip->d.i_mode)) st->st_rdev = inode_rdev(ip);
  st->st_size = ip->d.i_size;
  st->st_atime = (s32)ip->d.i_atime;
  st->st_mtime = (s32)ip->d.i_mtime;
  st->st_ctime = (s32)ip->d.i_ctime;
  st->st_blksize = ip->dev == DEV_ROOT ? fs.bsize : 1024;
  st->st_blocks = ip->d.i_blocks;
}

/* Device number of a device inode, Linux encoding (major << 8 | minor for small numbers). */
u32 inode_rdev(struct inode *ip) {
  if (ip->d.i_block[0] != 0) return ip->d.i_block[0];
  u32 n = ip->d.i_block[1];
  u32 major = (n >> 8) & 0xfff, minor = (n & 0xff) | ((n >> 12) & 0xfff00);
  return (major << 8) | minor;
}
