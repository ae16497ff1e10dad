/* nfs.c: DNFS, a small read-only NFS-like file service over the RPC layer (net.c).
 * Server: nfsservctl(NFSSVC_SERVE, "/dir") exports a directory of the ext2 root and serves
 * requests in the calling process until a signal (run several for parallelism). File
 * handles are ext2 inode numbers. READPAGES answers with pages of the server's page cache
 * (pcache.c) as whole page-aligned fragments, so the monitor remaps them into the client.
 * Client: mount("S:/dir", target, "dnfs", 0, opts) covers a local directory; inodes of the
 * mount have dev DEV_NFS + mount index and the server's inode numbers; attributes are
 * fetched once per in-memory inode (files are not expected to change on the server while
 * mounted). File pages go through the client's page cache: each READPAGES page is moved
 * into a cache page with hal_remap (the paper's bcopy -> remap), so client and server caches
 * share machine pages. Option "small" reads with unaligned 1000-byte inline transfers
 * instead (always copied). docs/guest.md ("Network and file service"). */
#include "types.h"
#include "defs.h"
#include "fs.h"
#include "hal.h"
#include "net.h"
#include "proc.h"

enum { NFS_MOUNT = 1, NFS_GETATTR, NFS_LOOKUP, NFS_READ, NFS_READPAGES, NFS_READDIR, NFS_READLINK };
#define NFSSVC_SERVE 1
#define SMALL_CHUNK 1000          /* "small" reads: deliberately not page-sized or aligned */

struct nfs_req {
  u32 op, fh, off, count;
  char name[MAXNAME + 1];
};
#define REQ_FIXED 16

struct nfs_attr {
  u32 mode, nlink, uid, gid, size, atime, mtime, ctime, blocks;
};

struct nfs_rep {
  s32 status;
  u32 fh;
  struct nfs_attr a;
  u32 count, next;
};
#define DATA_MAX (NET_INLINE_MAX - sizeof(struct nfs_rep))

struct mount {
  bool used;
  u32 station, rootfh;
  bool small;
  struct inode *mp, *mp_parent;
};
static struct mount mounts[NMOUNT];
static struct sleeplock mount_lock;
static bool mount_lock_init;

bool nfs_dev(u32 dev) {
  return dev >= DEV_NFS && dev < DEV_NFS + NMOUNT;
}

static struct mount *mount_of(u32 dev) {
  return nfs_dev(dev) && mounts[dev - DEV_NFS].used ? &mounts[dev - DEV_NFS] : NULL;
}

/* ---- server ------------------------------------------------------------------------------ */

static u32 export_ino;
static char export_path[MAXNAME + 1];
static struct net_ep srv_ep;
static bool srv_bound;
static struct spinlock srv_lock = SPINLOCK_INIT("nfsd");

static void attr_of(struct inode *ip, struct nfs_attr *a) {
  a->mode = ip->d.i_mode;
  a->nlink = ip->d.i_links_count;
  a->uid = ip->d.i_uid;
  a->gid = ip->d.i_gid;
  a->size = ip->d.i_size;
  a->atime = ip->d.i_atime;
  a->mtime = ip->d.i_mtime;
  a->ctime = ip->d.i_ctime;
  a->blocks = ip->d.i_blocks;
}

/* The locked, live inode of a file handle, or NULL. */
static struct inode *fh_inode(u32 fh) {
  u32 blocks, bfree, files, ffree, bsize;
  ext2_statfs(&blocks, &bfree, &files, &ffree, &bsize);
  if (fh == 0 || fh > files) return NULL;
  struct inode *ip = iget(DEV_ROOT, fh);
  ilock(ip);
  if (ip->d.i_mode == 0 || ip->d.i_links_count == 0) {
    iunlockput(ip);
    return NULL;
  }
  return ip;
}

/* Answer one request (m) with a reply built in buf (a page). */
static void serve(struct net_msg *m, u8 *buf) {
  struct nfs_req *q = (struct nfs_req *)m->data;
  struct nfs_rep *rep = (struct nfs_rep *)buf;
  u8 *data = buf + sizeof *rep;
  memset(rep, 0, sizeof *rep);
  void *pages[NET_PAGES];
  u32 npages = 0;
  if (m->len < REQ_FIXED) return;
  u32 namelen = m->len - REQ_FIXED;
  if (namelen > MAXNAME) namelen = MAXNAME;
  q->name[namelen] = '\0';
  struct inode *ip = NULL;
  if (q->op == NFS_MOUNT) {
    if (strcmp(q->name, export_path) != 0) rep->status = -EACCES;
    else if ((ip = fh_inode(export_ino)) == NULL) rep->status = -ENOENT;
    goto done;
  }
  ip = fh_inode(q->fh);
  if (ip == NULL) {
    rep->status = -ENOENT;
    goto done;
  }
  switch (q->op) {
  case NFS_GETATTR:
    break;
  case NFS_LOOKUP: {
    if (!S_ISDIR(ip->d.i_mode)) { rep->status = -ENOTDIR; break; }
    u32 inum;
    if (strcmp(q->name, ".") == 0 || (strcmp(q->name, "..") == 0 && ip->inum == export_ino)) inum = ip->inum;
    else inum = dirlookup(ip, q->name);
    if (inum == 0) { rep->status = -ENOENT; break; }
    iunlockput(ip);                 /* never two inode locks at once (other nfsd processes) */
    ip = fh_inode(inum);
    if (ip == NULL) rep->status = -ENOENT;
    break;
  }
  case NFS_READ: {
    if (S_ISDIR(ip->d.i_mode)) { rep->status = -EISDIR; break; }
    int r = readi(ip, false, (u32)data, q->off, MIN(q->count, (u32)DATA_MAX));
    if (r < 0) rep->status = r;
    else rep->count = (u32)r;
    break;
  }
  case NFS_READPAGES: {
    if (!S_ISREG(ip->d.i_mode)) { rep->status = -EINVAL; break; }
    if ((q->off & (PGSIZE - 1)) != 0 || q->count > NET_PAGES) { rep->status = -EINVAL; break; }
    u32 size = ip->d.i_size;
    u32 valid = q->off >= size ? 0 : MIN(q->count * PGSIZE, size - q->off);
    u32 want = (valid + PGSIZE - 1) / PGSIZE;
    iunlock(ip);                    /* pcache_get locks it to read what is not cached */
    for (; npages < want; npages++) {
      pages[npages] = pcache_get(ip, q->off + npages * PGSIZE);
      if (pages[npages] == NULL) break;
    }
    ilock(ip);
    if (npages < want) rep->status = -EIO;
    else rep->count = valid;
    break;
  }
  case NFS_READDIR: {
    if (!S_ISDIR(ip->d.i_mode)) { rep->status = -ENOTDIR; break; }
    u32 pos = q->off;
    int r = dirlist(ip, &pos, data, MIN(q->count, (u32)DATA_MAX));
    if (r < 0) rep->status = r;
    else {
      rep->count = (u32)r;
      rep->next = pos;
    }
    break;
  }
  case NFS_READLINK: {
    int r = readlink_inode(ip, (char *)data, DATA_MAX);
    if (r < 0) rep->status = r;
    else rep->count = (u32)r;
    break;
  }
  default:
    rep->status = -EINVAL;
  }
done:
  if (ip != NULL) {
    rep->fh = ip->inum;
    attr_of(ip, &rep->a);
    iunlockput(ip);
  }
  if (rep->status != 0) {
    rep->count = 0;
    for (u32 k = 0; k < npages; k++) kfree(pages[k]);
    npages = 0;
  }
  u32 inl = q->op == NFS_READPAGES ? 0 : rep->count;
  net_send(m->from, m->sport, NET_PORT_NFS, m->xid, rep, sizeof *rep + inl, pages, rep->status == 0 ? npages : 0);
  for (u32 k = 0; k < npages; k++) kfree(pages[k]);   /* the cache keeps its own reference */
}

long sys_nfsservctl(u32 cmd, uaddr_t upath, uaddr_t unused) {
  if (cmd != NFSSVC_SERVE) return -EINVAL;
  char *path = kmalloc(MAXPATH);
  if (path == NULL) return -ENOMEM;
  int r = copyinstr(path, upath, MAXPATH);
  if (r >= 0 && strlen(path) > MAXNAME) r = -ENAMETOOLONG;
  struct inode *ip = r < 0 ? ERR_PTR(r) : namei_at(AT_FDCWD, path, true);
  if (IS_ERR(ip)) {
    kmfree(path);
    return PTR_ERR(ip);
  }
  ilock(ip);
  bool dir = S_ISDIR(ip->d.i_mode) && ip->dev == DEV_ROOT;
  u32 inum = ip->inum;
  iunlockput(ip);
  r = dir ? net_start() : -ENOTDIR;
  acquire(&srv_lock);
  if (r == 0 && export_ino != 0 && (export_ino != inum || strcmp(export_path, path) != 0)) r = -EBUSY;
  bool bind = r == 0 && !srv_bound;
  if (r == 0) {
    export_ino = inum;
    strlcpy(export_path, path, sizeof export_path);
    srv_bound = true;
  }
  release(&srv_lock);
  kmfree(path);
  if (r < 0) return r;
  if (bind) net_bind(&srv_ep, NET_PORT_NFS);
  u8 *buf = kalloc();
  if (buf == NULL) return -ENOMEM;
  for (;;) {
    struct net_msg m;
    r = net_recv(&srv_ep, &m);
    if (r < 0) break;                 /* a signal: the server process goes away */
    serve(&m, buf);
    net_release(&m);
  }
  kfree(buf);
  return r;
}

/* ---- client ------------------------------------------------------------------------------ */

/* One call to the server of mount mt: the reply (its net_msg to release) or -errno. */
static int call(struct mount *mt, struct nfs_req *q, u32 namelen, struct net_msg *m, struct nfs_rep **rep) {
  int r = rpc_call(mt->station, NET_PORT_NFS, q, REQ_FIXED + namelen, m);
  if (r < 0) return r;
  if (m->len < sizeof(struct nfs_rep)) {
    net_release(m);
    return -EIO;
  }
  *rep = (struct nfs_rep *)m->data;
  if ((*rep)->status < 0) {
    r = (*rep)->status;
    net_release(m);
    return r;
  }
  if ((*rep)->count > m->len - sizeof(struct nfs_rep) && q->op != NFS_READPAGES) {
    net_release(m);
    return -EIO;
  }
  return 0;
}

static void set_attr(struct inode *ip, struct nfs_attr *a) {
  memset(&ip->d, 0, sizeof ip->d);
  ip->d.i_mode = (u16)a->mode;
  ip->d.i_links_count = (u16)a->nlink;
  ip->d.i_uid = (u16)a->uid;
  ip->d.i_gid = (u16)a->gid;
  ip->d.i_size = a->size;
  ip->d.i_atime = a->atime;
  ip->d.i_mtime = a->mtime;
  ip->d.i_ctime = a->ctime;
  ip->d.i_blocks = a->blocks;
}

int nfs_fill(struct inode *ip) {
  struct mount *mt = mount_of(ip->dev);
  if (mt == NULL) return -ENOENT;
  struct nfs_req q = { .op = NFS_GETATTR, .fh = ip->inum };
  struct net_msg m;
  struct nfs_rep *rep;
  int r = call(mt, &q, 0, &m, &rep);
  if (r < 0) return r;
  set_attr(ip, &rep->a);
  net_release(&m);
  return 0;
}

struct inode *nfs_lookup(struct inode *dp, const char *name) {
  struct mount *mt = mount_of(dp->dev);
  if (mt == NULL) return ERR_PTR(-ENOENT);
  if (strcmp(name, ".") == 0) return idup(dp);
  if (strcmp(name, "..") == 0 && dp->inum == mt->rootfh) return idup(mt->mp_parent);
  struct nfs_req q = { .op = NFS_LOOKUP, .fh = dp->inum };
  u32 n = strlcpy(q.name, name, sizeof q.name);
  struct net_msg m;
  struct nfs_rep *rep;
  int r = call(mt, &q, n + 1, &m, &rep);
  if (r == -ENOENT) return NULL;
  if (r < 0) return ERR_PTR(r);
  u32 fh = rep->fh;
  struct nfs_attr a = rep->a;
  net_release(&m);
  if (fh == dp->inum) return idup(dp);
  struct inode *ip = iget(dp->dev, fh);
  if (!ip->valid) {                 /* the attributes came with the answer: no GETATTR */
    acquiresleep(&ip->lock);
    if (!ip->valid) {
      set_attr(ip, &a);
      ip->valid = true;
    }
    releasesleep(&ip->lock);
  }
  return ip;
}

/* A local directory covered by a mount gives the mount's root instead (consumes ip). */
struct inode *nfs_cross(struct inode *ip) {
  for (int i = 0; i < NMOUNT; i++) {
    struct mount *mt = &mounts[i];
    if (mt->used && mt->mp == ip) {
      iput(ip);
      return iget(DEV_NFS + i, mt->rootfh);
    }
  }
  return ip;
}

/* Fill page pg with bytes [off, off + PGSIZE) by inline reads (zero past the end). */
static int fill_small(struct mount *mt, struct inode *ip, u32 off, u8 *pg, u32 len) {
  memset(pg, 0, len);
  u32 done = 0;
  while (done < len) {
    struct nfs_req q = { .op = NFS_READ, .fh = ip->inum, .off = off + done, .count = MIN((u32)SMALL_CHUNK, len - done) };
    struct net_msg m;
    struct nfs_rep *rep;
    int r = call(mt, &q, 0, &m, &rep);
    if (r < 0) return r;
    u32 got = rep->count;
    memcpy(pg + done, (u8 *)(rep + 1), got);
    net_release(&m);
    if (got == 0) break;
    done += got;
  }
  return (int)done;
}

void *nfs_getpage(struct inode *ip, u32 off) {
  struct mount *mt = mount_of(ip->dev);
  if (mt == NULL) return NULL;
  void *pg = pcache_lookup(ip, off);
  if (pg != NULL) return pg;
  if (mt->small) {
    pg = kalloc();
    if (pg == NULL) return NULL;
    if (fill_small(mt, ip, off, pg, PGSIZE) < 0) {
      kfree(pg);
      return NULL;
    }
    return pcache_insert(ip, off, pg);
  }
  u32 size = ip->d.i_size;
  u32 npg = off >= size ? 1 : MIN((u32)NET_PAGES, (size - off + PGSIZE - 1) / PGSIZE);
  struct nfs_req q = { .op = NFS_READPAGES, .fh = ip->inum, .off = off, .count = npg };
  struct net_msg m;
  struct nfs_rep *rep;
  if (call(mt, &q, 0, &m, &rep) < 0) return NULL;
  void *first = NULL;
  for (u32 k = 0; k < m.npages; k++) {
    if (m.pagelen[k] != PGSIZE) continue;
    void *cp = kalloc();
    if (cp == NULL) break;
    hal_remap(cp, m.page[k], PGSIZE);   /* shares the server's page where the HAL can */
    void *c = pcache_insert(ip, off + k * PGSIZE, cp);
    if (k == 0) first = c;
    else kfree(c);
  }
  net_release(&m);
  if (first == NULL && m.npages == 0 && (first = kalloc()) != NULL) {
    hal_page_zero(first);             /* past the end of the file */
    first = pcache_insert(ip, off, first);
  }
  return first;
}

int nfs_readi(struct inode *ip, bool user, u32 dst, u32 off, u32 n) {
  struct mount *mt = mount_of(ip->dev);
  if (mt == NULL) return -ENOENT;
  if (S_ISDIR(ip->d.i_mode)) return -EISDIR;
  u32 size = ip->d.i_size;
  if (off >= size) return 0;
  if (n > size - off) n = size - off;
  u32 done = 0;
  while (done < n) {
    int r;
    u32 m;
    if (mt->small) {
      /* unaligned inline transfers straight into the destination, no cache */
      u8 *tmp = kmalloc(SMALL_CHUNK);
      if (tmp == NULL) return done ? (int)done : -ENOMEM;
      m = MIN(n - done, (u32)SMALL_CHUNK);
      int got = fill_small(mt, ip, off, tmp, m);
      if (got <= 0) {
        kmfree(tmp);
        return done ? (int)done : got < 0 ? got : -EIO;
      }
      m = (u32)got;
      r = user ? copyout(dst, tmp, m) : (memcpy((void *)dst, tmp, m), 0);
      kmfree(tmp);
    } else {
      u32 poff = off & (PGSIZE - 1);
      m = MIN(n - done, PGSIZE - poff);
      u8 *pg = nfs_getpage(ip, off - poff);
      if (pg == NULL) return done ? (int)done : -EIO;
      r = user ? copyout(dst, pg + poff, m) : (memcpy((void *)dst, pg + poff, m), 0);
      kfree(pg);
    }
    if (r < 0) return done ? (int)done : -EFAULT;
    done += m;
    off += m;
    dst += m;
  }
  return (int)done;
}

int nfs_readdir(struct inode *dp, u32 *pos, u8 *buf, u32 cap) {
  struct mount *mt = mount_of(dp->dev);
  if (mt == NULL) return -ENOENT;
  struct nfs_req q = { .op = NFS_READDIR, .fh = dp->inum, .off = *pos, .count = MIN(cap, (u32)DATA_MAX) };
  struct net_msg m;
  struct nfs_rep *rep;
  int r = call(mt, &q, 0, &m, &rep);
  if (r < 0) return r;
  u32 n = MIN(rep->count, cap);
  memcpy(buf, rep + 1, n);
  *pos = rep->next;
  net_release(&m);
  return (int)n;
}

int nfs_readlink(struct inode *ip, char *buf, u32 cap) {
  struct mount *mt = mount_of(ip->dev);
  if (mt == NULL) return -ENOENT;
  if (!S_ISLNK(ip->d.i_mode)) return -EINVAL;
  struct nfs_req q = { .op = NFS_READLINK, .fh = ip->inum };
  struct net_msg m;
  struct nfs_rep *rep;
  int r = call(mt, &q, 0, &m, &rep);
  if (r < 0) return r;
  u32 n = MIN(rep->count, cap - 1);
  memcpy(buf, rep + 1, n);
  buf[n] = '\0';
  net_release(&m);
  return (int)n;
}

/* The path of an NFS directory: its mount point's for the mount's root; deeper directories
 * are not named (getcwd there fails with ENOENT). */
int nfs_path(struct inode *ip, char *buf, u32 cap) {
  struct mount *mt = mount_of(ip->dev);
  if (mt == NULL || ip->inum != mt->rootfh) return -ENOENT;
  return path_of_dir(mt->mp, buf, cap);
}

/* mount(2) for fstype "dnfs": source "STATION:/dir", data "small" or NULL. */
long sys_mount(uaddr_t usource, uaddr_t utarget, uaddr_t utype, u32 flags, uaddr_t udata) {
  char *src = kmalloc(MAXPATH), *tgt = kmalloc(MAXPATH), type[16], opts[32];
  int r = src && tgt ? 0 : -ENOMEM;
  if (r == 0) r = copyinstr(type, utype, sizeof type);
  if (r >= 0 && strcmp(type, "dnfs") != 0) r = -ENODEV;
  if (r >= 0) r = copyinstr(src, usource, MAXPATH);
  if (r >= 0) r = copyinstr(tgt, utarget, MAXPATH - 4);
  opts[0] = '\0';
  if (r >= 0 && udata != 0) r = copyinstr(opts, udata, sizeof opts);
  u32 station = 0;
  char *path = src;
  if (r >= 0) {
    while (*path >= '0' && *path <= '9') station = station * 10 + (u32)(*path++ - '0');
    if (*path != ':' || station == 0 || station > 0xfffe || path[1] != '/' || strlen(path + 1) > MAXNAME) r = -EINVAL;
    else path++;
  }
  if (r >= 0) r = net_start();
  push_off();
  if (!mount_lock_init) {
    initsleeplock(&mount_lock, "mount");
    mount_lock_init = true;
  }
  pop_off();
  struct inode *mp = NULL, *parent = NULL;
  if (r >= 0) {
    mp = namei_at(AT_FDCWD, tgt, true);
    if (IS_ERR(mp)) {
      r = PTR_ERR(mp);
      mp = NULL;
    } else {
      ilock(mp);
      if (!S_ISDIR(mp->d.i_mode) || mp->dev != DEV_ROOT) r = -ENOTDIR;
      iunlock(mp);
    }
  }
  if (r >= 0) {
    strlcpy(tgt + strlen(tgt), "/..", 4);
    parent = namei_at(AT_FDCWD, tgt, true);
    if (IS_ERR(parent)) {
      r = PTR_ERR(parent);
      parent = NULL;
    }
  }
  acquiresleep(&mount_lock);
  int slot = -1;
  for (int i = 0; i < NMOUNT && r >= 0; i++) {
    if (mounts[i].used && mounts[i].mp == mp) r = -EBUSY;
    else if (!mounts[i].used && slot < 0) slot = i;
  }
  if (r >= 0 && slot < 0) r = -ENOSPC;
  if (r >= 0) {
    struct mount *mt = &mounts[slot];
    mt->station = station;
    mt->small = strcmp(opts, "small") == 0;
    struct nfs_req q = { .op = NFS_MOUNT };
    u32 n = strlcpy(q.name, path, sizeof q.name);
    struct net_msg m;
    struct nfs_rep *rep;
    r = call(mt, &q, n + 1, &m, &rep);
    if (r >= 0) {
      mt->rootfh = rep->fh;
      mt->mp = mp;
      mt->mp_parent = parent;
      mt->used = true;
      mp = parent = NULL;           /* the mount keeps the references */
      net_release(&m);
      r = 0;
    }
  }
  releasesleep(&mount_lock);
  if (mp) iput(mp);
  if (parent) iput(parent);
  kmfree(src);
  kmfree(tgt);
  return r;
}
