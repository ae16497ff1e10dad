/* namei.c: path names. Resolution walks components from the root or a starting directory,
 * following symbolic links (on intermediate components always, on the last one when asked)
 * up to MAXSYMLINKS, crossing into procfs at /proc, and handling "." and "..". The
 * directory-changing operations (create, link, unlink, rename) are built on it here. */
#include "types.h"
#include "defs.h"
#include "fs.h"
#include "proc.h"
#include "net.h"

static struct inode *rootdir;     /* the ext2 root, with a permanent reference */
static struct sleeplock renamelock;

static void rename_lock(void) { acquiresleep(&renamelock); }
static void rename_unlock(void) { releasesleep(&renamelock); }

void namei_init(void) {
  initsleeplock(&renamelock, "rename");
  rootdir = iget(DEV_ROOT, EXT2_ROOT_INO);
}

struct inode *root_inode(void) {
  return rootdir;
}

/* Read a symlink's target (locked inode) into buf (MAXPATH bytes, NUL-terminated). */
int readlink_inode(struct inode *ip, char *buf, u32 cap) {
  if (ip->dev == DEV_PROC) return procfs_readlink(ip, buf, cap);
  if (nfs_dev(ip->dev)) return nfs_readlink(ip, buf, cap);
  if (!S_ISLNK(ip->d.i_mode)) return -EINVAL;
  u32 n = MIN(ip->d.i_size, cap - 1);
  if (ip->d.i_blocks == 0) {
    memcpy(buf, ip->d.i_block, MIN(n, sizeof ip->d.i_block));
  } else {
    int r = readi(ip, false, (u32)buf, 0, n);
    if (r < 0) return r;
    n = (u32)r;
  }
  buf[n] = '\0';
  return (int)n;
}

/* The child `name` of directory dp (locked): a new reference, or NULL. */
static struct inode *lookup(struct inode *dp, const char *name) {
  if (dp->dev == DEV_PROC) return procfs_lookup(dp, name);
  if (nfs_dev(dp->dev)) return nfs_lookup(dp, name);
  if (name[0] == '.' && name[1] == '\0') return idup(dp);
  if (dp == rootdir && strcmp(name, "..") == 0) return idup(dp);
  if (dp == rootdir && strcmp(name, "proc") == 0) return procfs_root();
  u32 inum = dirlookup(dp, name);
  return inum ? nfs_cross(iget(DEV_ROOT, inum)) : NULL;   /* a mount point: the mount's root */
}

/* Replace the path being resolved by a symlink's target followed by what was left (rest,
 * inside buf). Returns 0 or -errno. */
static int splice_link(struct inode *link, char *buf, const char *rest, bool trailing, char *tmp, int *links) {
  int n = readlink_inode(link, tmp, MAXPATH);
  if (n < 0) return n;
  if (++*links > MAXSYMLINKS) return -ELOOP;
  if (n == 0) return -ENOENT;
  u32 restlen = (u32)strlen(rest);
  if ((u32)n + 1 + restlen + 1 > MAXPATH) return -ENAMETOOLONG;
  memmove(buf + n + 1, rest, restlen + 1);
  memcpy(buf, tmp, (u32)n);
  buf[n] = restlen > 0 || trailing ? '/' : '\0';
  if (restlen == 0 && trailing) buf[n + 1] = '\0';
  return 0;
}

/* Copy the next component of *pp into comp, advance past it and its slashes. */
static int next_component(char **pp, char *comp, bool *trailing, bool *last) {
  char *name = *pp, *p = *pp;
  while (*p != '\0' && *p != '/') p++;
  u32 len = (u32)(p - name);
  *trailing = *p == '/';
  while (*p == '/') p++;
  *last = *p == '\0';
  *pp = p;
  if (len > MAXNAME) return -ENAMETOOLONG;
  memcpy(comp, name, len);
  comp[len] = '\0';
  return 0;
}

/* Resolve path from start (a referenced directory, consumed). With parent, stop before
 * the last component, copying it to last (MAXNAME + 1 bytes) and returning its directory.
 * Returns a referenced, unlocked inode or ERR_PTR(-errno). */
struct inode *namex(struct inode *start, const char *path, bool follow, bool parent, char *last) {
  char *buf = kmalloc(MAXPATH), *tmp = kmalloc(MAXPATH);
  struct inode *dp = start, *result = NULL;
  int links = 0;
  if (buf == NULL || tmp == NULL) {
    result = ERR_PTR(-ENOMEM);
    goto out;
  }
  strlcpy(buf, path, MAXPATH);
  char *p = buf;
  if (*p == '\0') result = ERR_PTR(-ENOENT);
  while (result == NULL) {
    if (*p == '/') {
      iput(dp);
      dp = idup(rootdir);
      while (*p == '/') p++;
    }
    if (*p == '\0') {
      result = parent ? ERR_PTR(-EEXIST) : dp;
      if (!parent) dp = NULL;
      break;
    }
    char comp[MAXNAME + 1];
    bool trailing, is_last;
    int r = next_component(&p, comp, &trailing, &is_last);
    if (r < 0) {
      result = ERR_PTR(r);
      break;
    }
    if (parent && is_last) {
      strlcpy(last, comp, MAXNAME + 1);
      result = dp;
      dp = NULL;
      break;
    }
    ilock(dp);
    struct inode *next = S_ISDIR(dp->d.i_mode) ? lookup(dp, comp) : ERR_PTR(-ENOTDIR);
    iunlock(dp);
    if (next == NULL || IS_ERR(next)) {
      result = next == NULL ? ERR_PTR(-ENOENT) : next;
      break;
    }
    ilock(next);
    bool symlink = S_ISLNK(next->d.i_mode);
    if (symlink && (!is_last || follow || trailing)) {
      r = splice_link(next, buf, p, trailing, tmp, &links);
      iunlockput(next);
      if (r < 0) result = ERR_PTR(r);
      p = buf;              /* continue from dp, or from the root for an absolute target */
      continue;
    }
    if (is_last && trailing && !S_ISDIR(next->d.i_mode) && !symlink) {
      iunlockput(next);
      result = ERR_PTR(-ENOTDIR);
      break;
    }
    iunlock(next);
    iput(dp);
    dp = next;
  }
out:
  if (dp != NULL) iput(dp);
  kmfree(buf);
  kmfree(tmp);
  return result;
}

/* The directory a *at() call starts from: referenced inode or ERR_PTR. */
struct inode *start_dir(int dirfd, const char *path) {
  struct proc *p = myproc();
  if (path[0] == '/' || dirfd == AT_FDCWD) return idup(p->cwd);
  struct file *f = fd_file(dirfd);
  if (f == NULL) return ERR_PTR(-EBADF);
  if (f->ip == NULL || (f->type != FD_INODE && f->type != FD_PROC)) return ERR_PTR(-ENOTDIR);
  return idup(f->ip);
}

struct inode *namei_at(int dirfd, const char *path, bool follow) {
  struct inode *s = start_dir(dirfd, path);
  if (IS_ERR(s)) return s;
  return namex(s, path, follow, false, NULL);
}

struct inode *nameiparent_at(int dirfd, const char *path, char *last) {
  struct inode *s = start_dir(dirfd, path);
  if (IS_ERR(s)) return s;
  return namex(s, path, false, true, last);
}

static bool is_dot(const char *n) {
  return strcmp(n, ".") == 0 || strcmp(n, "..") == 0;
}

/* Create `path` of type mode (S_IFREG, S_IFDIR, S_IFLNK, device or FIFO) with rdev for
 * devices. excl: fail with EEXIST if it exists; else an existing regular file is returned.
 * Returns the new inode locked, or ERR_PTR. */
struct inode *create_at(int dirfd, const char *path, u16 mode, u32 rdev, bool excl) {
  char name[MAXNAME + 1];
  struct inode *dp = nameiparent_at(dirfd, path, name);
  if (IS_ERR(dp)) return dp;
  ilock(dp);
  if (dp->dev != DEV_ROOT) {
    iunlockput(dp);
    return ERR_PTR(-EACCES);
  }
  if (!S_ISDIR(dp->d.i_mode)) {
    iunlockput(dp);
    return ERR_PTR(-ENOTDIR);
  }
  struct inode *ip = is_dot(name) ? idup(dp) : lookup(dp, name);
  if (ip != NULL) {
    iunlockput(dp);
    if (excl) {
      iput(ip);
      return ERR_PTR(-EEXIST);
    }
    ilock(ip);
    return ip;
  }
  if (dp->d.i_links_count == 0) {
    iunlockput(dp);
    return ERR_PTR(-ENOENT);
  }
  ip = ialloc(dp, mode);
  if (ip == NULL) {
    iunlockput(dp);
    return ERR_PTR(-ENOSPC);
  }
  ip->d.i_links_count = 1;
  if (S_ISCHR(mode) || S_ISBLK(mode)) ip->d.i_block[0] = rdev;
  int r = 0;
  if (S_ISDIR(mode)) {
    ip->d.i_links_count = 2;
    r = dirinit(ip, dp->inum);
    if (r == 0) {
      dp->d.i_links_count++;
      iupdate(dp);
    }
  }
  iupdate(ip);
  if (r == 0) r = dirlink(dp, name, ip->inum, mode);
  if (r < 0) {
    if (S_ISDIR(mode) && dp->d.i_links_count > 2) {
      dp->d.i_links_count--;
      iupdate(dp);
    }
    ip->d.i_links_count = 0;
    iupdate(ip);
    iunlockput(ip);
    iunlockput(dp);
    return ERR_PTR(r);
  }
  iunlockput(dp);
  return ip;
}

/* unlink (dir = false) or rmdir (dir = true). */
int unlink_at(int dirfd, const char *path, bool dir) {
  char name[MAXNAME + 1];
  struct inode *dp = nameiparent_at(dirfd, path, name);
  if (IS_ERR(dp)) return PTR_ERR(dp);
  if (is_dot(name)) {
    iput(dp);
    return dir ? -EINVAL : -EISDIR;
  }
  ilock(dp);
  if (dp->dev != DEV_ROOT) {
    iunlockput(dp);
    return -EACCES;
  }
  u32 inum = S_ISDIR(dp->d.i_mode) ? dirlookup(dp, name) : 0;
  if (inum == 0) {
    iunlockput(dp);
    return S_ISDIR(dp->d.i_mode) ? -ENOENT : -ENOTDIR;
  }
  struct inode *ip = iget(DEV_ROOT, inum);
  ilock(ip);
  int r = 0;
  if (S_ISDIR(ip->d.i_mode) != dir) r = dir ? -ENOTDIR : -EISDIR;
  else if (dir && !dirempty(ip)) r = -ENOTEMPTY;
  else if (ip == rootdir) r = -EBUSY;
  if (r == 0) r = dirunlink(dp, name);
  if (r == 0) {
    if (dir) {
      dp->d.i_links_count--;
      iupdate(dp);
      ip->d.i_links_count = 0;
    } else {
      ip->d.i_links_count--;
    }
    ip->d.i_ctime = now_seconds();
    iupdate(ip);
  }
  iunlockput(ip);
  iunlockput(dp);
  return r;
}

int link_at(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, bool follow) {
  struct inode *ip = namei_at(olddirfd, oldpath, follow);
  if (IS_ERR(ip)) return PTR_ERR(ip);
  ilock(ip);
  if (S_ISDIR(ip->d.i_mode) || ip->dev != DEV_ROOT) {
    iunlockput(ip);
    return -EPERM;
  }
  iunlock(ip);
  char name[MAXNAME + 1];
  struct inode *dp = nameiparent_at(newdirfd, newpath, name);
  if (IS_ERR(dp)) {
    iput(ip);
    return PTR_ERR(dp);
  }
  ilock(dp);
  int r = 0;
  if (dp->dev != DEV_ROOT) r = -EXDEV;
  else if (is_dot(name) || dirlookup(dp, name) != 0) r = -EEXIST;
  else {
    ilock(ip);
    ip->d.i_links_count++;
    iupdate(ip);
    iunlock(ip);
    r = dirlink(dp, name, ip->inum, ip->d.i_mode);
    if (r < 0) {
      ilock(ip);
      ip->d.i_links_count--;
      iupdate(ip);
      iunlock(ip);
    }
  }
  iunlockput(dp);
  iput(ip);
  return r;
}

/* Is directory `anc` (inum) an ancestor of, or equal to, directory d? (rename loops) */
static bool is_ancestor(u32 anc, struct inode *d) {
  struct inode *cur = idup(d);
  for (int depth = 0; depth < 256; depth++) {
    if (cur->inum == anc) {
      iput(cur);
      return true;
    }
    if (cur->inum == EXT2_ROOT_INO) break;
    ilock(cur);
    u32 up = dirlookup(cur, "..");
    iunlockput(cur);
    if (up == 0) return false;
    cur = iget(DEV_ROOT, up);
  }
  iput(cur);
  return false;
}

/* The directory entries of a rename, resolved under the rename lock: ip is moving to
 * (ndp, nname), victim is what nname names now (or NULL). */
struct rename {
  struct inode *odp, *ndp, *ip, *victim;
  const char *oname, *nname;
  bool isdir;
  u16 mode;
};

static int rename_check(struct rename *rn) {
  ilock(rn->odp);
  u32 inum = dirlookup(rn->odp, rn->oname);
  iunlock(rn->odp);
  if (inum == 0) return -ENOENT;
  rn->ip = iget(DEV_ROOT, inum);
  ilock(rn->ip);
  rn->isdir = S_ISDIR(rn->ip->d.i_mode);
  rn->mode = rn->ip->d.i_mode;
  iunlock(rn->ip);
  if (rn->isdir && is_ancestor(inum, rn->ndp)) return -EINVAL;
  ilock(rn->ndp);
  u32 vnum = dirlookup(rn->ndp, rn->nname);
  iunlock(rn->ndp);
  if (vnum == inum) return 1;                 /* the same file: nothing to do */
  if (vnum == 0) return 0;
  rn->victim = iget(DEV_ROOT, vnum);
  ilock(rn->victim);
  int r = 0;
  if (S_ISDIR(rn->victim->d.i_mode) != rn->isdir) r = rn->isdir ? -ENOTDIR : -EISDIR;
  else if (rn->isdir && !dirempty(rn->victim)) r = -ENOTEMPTY;
  iunlock(rn->victim);
  return r;
}

static int rename_commit(struct rename *rn) {
  ilock(rn->ndp);
  int r = rn->victim ? dirretarget(rn->ndp, rn->nname, rn->ip->inum, rn->mode)
                     : dirlink(rn->ndp, rn->nname, rn->ip->inum, rn->mode);
  if (r == 0 && rn->isdir && !rn->victim) rn->ndp->d.i_links_count++;
  iupdate(rn->ndp);
  iunlock(rn->ndp);
  if (r < 0) return r;
  if (rn->victim) {
    ilock(rn->victim);
    /* a replaced directory: ndp's count stays (the victim's ".." pointed at it, the moved
     * directory's ".." will) */
    if (rn->isdir) rn->victim->d.i_links_count = 0;
    else rn->victim->d.i_links_count--;
    iupdate(rn->victim);
    iunlock(rn->victim);
  }
  ilock(rn->odp);
  dirunlink(rn->odp, rn->oname);
  if (rn->isdir) {
    rn->odp->d.i_links_count--;
    iupdate(rn->odp);
  }
  iunlock(rn->odp);
  if (rn->isdir && rn->odp != rn->ndp) {
    ilock(rn->ip);
    dirretarget(rn->ip, "..", rn->ndp->inum, S_IFDIR);
    iunlock(rn->ip);
  }
  return 0;
}

int rename_at(int olddirfd, const char *oldpath, int newdirfd, const char *newpath) {
  char oname[MAXNAME + 1], nname[MAXNAME + 1];
  struct rename rn = { .oname = oname, .nname = nname };
  rn.odp = nameiparent_at(olddirfd, oldpath, oname);
  if (IS_ERR(rn.odp)) return PTR_ERR(rn.odp);
  rn.ndp = nameiparent_at(newdirfd, newpath, nname);
  if (IS_ERR(rn.ndp)) {
    iput(rn.odp);
    return PTR_ERR(rn.ndp);
  }
  int r = 0;
  if (is_dot(oname) || is_dot(nname)) r = -EINVAL;
  else if (rn.odp->dev != DEV_ROOT || rn.ndp->dev != DEV_ROOT) r = -EXDEV;
  if (r == 0) {
    rename_lock();        /* one rename at a time keeps the directory locking simple */
    r = rename_check(&rn);
    r = r == 0 ? rename_commit(&rn) : r > 0 ? 0 : r;
    rename_unlock();
  }
  if (rn.ip) iput(rn.ip);
  if (rn.victim) iput(rn.victim);
  iput(rn.odp);
  iput(rn.ndp);
  return r;
}

/* The absolute path of directory ip (referenced), by walking ".." and searching each parent
 * for the child's inode number. */
int path_of_dir(struct inode *ip, char *buf, u32 cap) {
  char *tmp = kmalloc(MAXPATH);
  if (tmp == NULL) return -ENOMEM;
  u32 pos = MAXPATH - 1;
  tmp[pos] = '\0';
  struct inode *cur = idup(ip);
  int r = 0;
  if (cur->dev == DEV_PROC || nfs_dev(cur->dev)) {
    r = cur->dev == DEV_PROC ? procfs_path(cur, buf, cap) : nfs_path(cur, buf, cap);
    iput(cur);
    kmfree(tmp);
    return r;
  }
  while (cur->inum != EXT2_ROOT_INO) {
    ilock(cur);
    u32 up = dirlookup(cur, "..");
    iunlock(cur);
    if (up == 0) {
      r = -ENOENT;
      break;
    }
    struct inode *parent = iget(DEV_ROOT, up);
    ilock(parent);
    char name[MAXNAME + 1];
    int n = dir_name_of(parent, cur->inum, name);
    iunlock(parent);
    iput(cur);
    cur = parent;
    if (n < 0) {
      r = n;
      break;
    }
    if ((u32)n + 1 > pos) {
      r = -ENAMETOOLONG;
      break;
    }
    pos -= (u32)n;
    memcpy(tmp + pos, name, (u32)n);
    tmp[--pos] = '/';
  }
  iput(cur);
  if (r == 0) {
    if (tmp[pos] == '\0') tmp[--pos] = '/';
    u32 len = MAXPATH - 1 - pos;
    if (len + 1 > cap) r = -ERANGE;
    else {
      memcpy(buf, tmp + pos, len + 1);
      r = (int)len;
    }
  }
  kmfree(tmp);
  return r;
}
