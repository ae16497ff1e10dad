/* ext2dir.c: ext2 directories: linear lookup, adding an entry (reusing slack space or
 * appending a block), removing one (merging it into its predecessor), emptiness checks,
 * rewriting "..", and listing entries for getdents64. All take a locked directory inode. */
#include "types.h"
#include "defs.h"
#include "fs.h"

static u8 ftype_of(u16 mode) {
  switch (mode & S_IFMT) {
  case S_IFREG: return EXT2_FT_REG;
  case S_IFDIR: return EXT2_FT_DIR;
  case S_IFCHR: return EXT2_FT_CHRDEV;
  case S_IFBLK: return EXT2_FT_BLKDEV;
  case S_IFIFO: return EXT2_FT_FIFO;
  case S_IFSOCK: return EXT2_FT_SOCK;
  case S_IFLNK: return EXT2_FT_SYMLINK;
  }
  return EXT2_FT_UNKNOWN;
}

u8 dtype_of_ftype(u8 ft) {
  static const u8 map[] = { DT_UNKNOWN, DT_REG, DT_DIR, DT_CHR, DT_BLK, DT_FIFO, DT_SOCK, DT_LNK };
  return ft < NELEM(map) ? map[ft] : DT_UNKNOWN;
}

/* Is the entry at off inside a block of size bsize sane? */
static bool entry_ok(struct ext2_dirent *de, u32 off, u32 bsize) {
  return de->rec_len >= 8 && (de->rec_len & 3) == 0 && off + de->rec_len <= bsize &&
         EXT2_DIRENT_LEN(de->name_len) <= de->rec_len;
}

/* Walk every entry: fn returns true to stop (the buffer stays locked in *bp then). */
typedef bool (*dirfn)(struct ext2_dirent *de, struct ext2_dirent *prev, u32 pos, void *arg);

static int dir_walk(struct inode *dp, dirfn fn, void *arg, struct buf **bp, u32 *posp) {
  u32 bsize = ext2_bsize();
  for (u32 pos = 0; pos < dp->d.i_size; pos += bsize) {
    u32 blk = bmap(dp, pos / bsize, false);
    if (blk == 0) continue;
    struct buf *b = bread(blk);
    struct ext2_dirent *prev = NULL;
    for (u32 off = 0; off < bsize;) {
      struct ext2_dirent *de = (struct ext2_dirent *)(b->data + off);
      if (!entry_ok(de, off, bsize)) break;
      if (fn(de, prev, pos + off, arg)) {
        *bp = b;
        if (posp) *posp = pos + off;
        return 0;
      }
      prev = de;
      off += de->rec_len;
    }
    brelse(b);
  }
  return -ENOENT;
}

struct match {
  const char *name;
  u32 len;
  struct ext2_dirent *prev;
};

static bool match_name(struct ext2_dirent *de, struct ext2_dirent *prev, u32 pos, void *arg) {
  (void)pos;
  struct match *m = arg;
  if (de->inode == 0 || de->name_len != m->len || memcmp(de->name, m->name, m->len) != 0) return false;
  m->prev = prev;
  return true;
}

/* Inode number of `name` in dp, or 0. */
u32 dirlookup(struct inode *dp, const char *name) {
  struct match m = { name, (u32)strlen(name), NULL };
  struct buf *b;
  u32 pos;
  if (dir_walk(dp, match_name, &m, &b, &pos) < 0) return 0;
  struct ext2_dirent *de = (struct ext2_dirent *)(b->data + pos % ext2_bsize());
  u32 inum = de->inode;
  brelse(b);
  return inum;
}

struct room {
  u32 need;
  struct ext2_dirent *de;
};

static bool find_room(struct ext2_dirent *de, struct ext2_dirent *prev, u32 pos, void *arg) {
  (void)prev;
  (void)pos;
  struct room *r = arg;
  u32 used = de->inode ? EXT2_DIRENT_LEN(de->name_len) : 0;
  if (de->rec_len - used < r->need) return false;
  r->de = de;
  return true;
}

static void fill(struct ext2_dirent *de, const char *name, u32 len, u32 inum, u16 mode) {
  de->inode = inum;
  de->name_len = (u8)len;
  de->file_type = ftype_of(mode);
  memcpy(de->name, name, len);
}

/* Add name -> inum (of type mode) to dp. */
int dirlink(struct inode *dp, const char *name, u32 inum, u16 mode) {
  u32 len = (u32)strlen(name);
  if (len > MAXNAME) return -ENAMETOOLONG;
  struct room r = { EXT2_DIRENT_LEN(len), NULL };
  struct buf *b;
  dp->d.i_flags &= ~EXT2_INDEX_FL;     /* we do not maintain an htree index */
  if (dir_walk(dp, find_room, &r, &b, NULL) == 0) {
    struct ext2_dirent *de = r.de;
    if (de->inode != 0) {
      u32 used = EXT2_DIRENT_LEN(de->name_len);
      struct ext2_dirent *n = (struct ext2_dirent *)((u8 *)de + used);
      n->rec_len = (u16)(de->rec_len - used);
      de->rec_len = (u16)used;
      de = n;
    }
    fill(de, name, len, inum, mode);
    bwrite(b);
    brelse(b);
  } else {
    u32 bsize = ext2_bsize();
    u32 bn = dp->d.i_size / bsize;
    u32 blk = bmap(dp, bn, true);
    if (blk == 0) return -ENOSPC;
    b = bget_zero(blk);
    struct ext2_dirent *de = (struct ext2_dirent *)b->data;
    de->rec_len = (u16)bsize;
    fill(de, name, len, inum, mode);
    bwrite(b);
    brelse(b);
    dp->d.i_size = (bn + 1) * bsize;
  }
  dp->d.i_mtime = dp->d.i_ctime = now_seconds();
  iupdate(dp);
  return 0;
}

/* Remove the entry `name` from dp. */
int dirunlink(struct inode *dp, const char *name) {
  struct match m = { name, (u32)strlen(name), NULL };
  struct buf *b;
  u32 pos;
  if (dir_walk(dp, match_name, &m, &b, &pos) < 0) return -ENOENT;
  struct ext2_dirent *de = (struct ext2_dirent *)(b->data + pos % ext2_bsize());
  if (m.prev != NULL) m.prev->rec_len = (u16)(m.prev->rec_len + de->rec_len);
  else de->inode = 0;
  bwrite(b);
  brelse(b);
  dp->d.i_flags &= ~EXT2_INDEX_FL;
  dp->d.i_mtime = dp->d.i_ctime = now_seconds();
  iupdate(dp);
  return 0;
}

/* Point the entry `name` of dp at inum instead (rename over an existing name). */
int dirretarget(struct inode *dp, const char *name, u32 inum, u16 mode) {
  struct match m = { name, (u32)strlen(name), NULL };
  struct buf *b;
  u32 pos;
  if (dir_walk(dp, match_name, &m, &b, &pos) < 0) return -ENOENT;
  struct ext2_dirent *de = (struct ext2_dirent *)(b->data + pos % ext2_bsize());
  de->inode = inum;
  de->file_type = ftype_of(mode);
  bwrite(b);
  brelse(b);
  return 0;
}

static bool not_dot(struct ext2_dirent *de, struct ext2_dirent *prev, u32 pos, void *arg) {
  (void)prev;
  (void)pos;
  (void)arg;
  if (de->inode == 0) return false;
  if (de->name_len == 1 && de->name[0] == '.') return false;
  if (de->name_len == 2 && de->name[0] == '.' && de->name[1] == '.') return false;
  return true;
}

bool dirempty(struct inode *dp) {
  struct buf *b;
  if (dir_walk(dp, not_dot, NULL, &b, NULL) < 0) return true;
  brelse(b);
  return false;
}

/* The first block of a new directory: "." and "..". */
int dirinit(struct inode *dp, u32 parent_inum) {
  u32 bsize = ext2_bsize();
  u32 blk = bmap(dp, 0, true);
  if (blk == 0) return -ENOSPC;
  struct buf *b = bget_zero(blk);
  struct ext2_dirent *d1 = (struct ext2_dirent *)b->data;
  d1->inode = dp->inum;
  d1->rec_len = 12;
  d1->name_len = 1;
  d1->file_type = EXT2_FT_DIR;
  d1->name[0] = '.';
  struct ext2_dirent *d2 = (struct ext2_dirent *)(b->data + 12);
  d2->inode = parent_inum;
  d2->rec_len = (u16)(bsize - 12);
  d2->name_len = 2;
  d2->file_type = EXT2_FT_DIR;
  d2->name[0] = d2->name[1] = '.';
  bwrite(b);
  brelse(b);
  dp->d.i_size = bsize;
  iupdate(dp);
  return 0;
}

/* Fill linux_dirent64 records into the kernel buffer buf (cap bytes) starting at directory
 * offset *pos; returns bytes filled (0 at the end) and advances *pos. */
int dirlist(struct inode *dp, u32 *pos, u8 *buf, u32 cap) {
  u32 bsize = ext2_bsize();
  u32 filled = 0;
  while (*pos < dp->d.i_size) {
    u32 blk = bmap(dp, *pos / bsize, false);
    if (blk == 0) {
      *pos = (*pos / bsize + 1) * bsize;
      continue;
    }
    struct buf *b = bread(blk);
    u32 off = *pos % bsize;
    bool full = false;
    while (off < bsize) {
      struct ext2_dirent *de = (struct ext2_dirent *)(b->data + off);
      if (!entry_ok(de, off, bsize)) {
        off = bsize;
        break;
      }
      if (de->inode != 0) {
        u32 reclen = ALIGN_UP(19u + de->name_len + 1, 8u);
        if (filled + reclen > cap) {
          full = true;
          break;
        }
        u8 *r = buf + filled;
        u64 ino = de->inode;
        s64 next = (s64)(*pos - *pos % bsize + off + de->rec_len);
        memcpy(r, &ino, 8);
        memcpy(r + 8, &next, 8);
        u16 rl = (u16)reclen;
        memcpy(r + 16, &rl, 2);
        r[18] = dtype_of_ftype(de->file_type);
        memcpy(r + 19, de->name, de->name_len);
        memset(r + 19 + de->name_len, 0, reclen - 19 - de->name_len);
        filled += reclen;
      }
      off += de->rec_len;
    }
    brelse(b);
    *pos = *pos - *pos % bsize + off;
    if (full) break;
  }
  return (int)filled;
}

struct byinum {
  u32 inum;
};

static bool match_inum(struct ext2_dirent *de, struct ext2_dirent *prev, u32 pos, void *arg) {
  (void)prev;
  (void)pos;
  struct byinum *m = arg;
  if (de->inode != m->inum) return false;
  if (de->name_len == 1 && de->name[0] == '.') return false;
  if (de->name_len == 2 && de->name[0] == '.' && de->name[1] == '.') return false;
  return true;
}

/* The name under which dp lists inode inum (getcwd); its length or -ENOENT. */
int dir_name_of(struct inode *dp, u32 inum, char *name) {
  struct byinum m = { inum };
  struct buf *b;
  u32 pos;
  if (dir_walk(dp, match_inum, &m, &b, &pos) < 0) return -ENOENT;
  struct ext2_dirent *de = (struct ext2_dirent *)(b->data + pos % ext2_bsize());
  memcpy(name, de->name, de->name_len);
  name[de->name_len] = '\0';
  int n = de->name_len;
  brelse(b);
  return n;
}
