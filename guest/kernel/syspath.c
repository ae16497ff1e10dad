/* syspath.c: system calls that take path names: open/openat, mkdir, mknod, unlink, rmdir,
 * rename, link, symlink, readlink, chdir/getcwd, the stat family (stat64, fstatat64, statx
 * and the old stat), access, truncate, chmod/chown, utimensat and statfs. */
#include "types.h"
#include "defs.h"
#include "fs.h"
#include "proc.h"

#define UTIME_NOW ((1 << 30) - 1)
#define UTIME_OMIT ((1 << 30) - 2)

/* Copy a user path into a fresh kernel buffer (kmfree it); ERR_PTR on failure. */
static char *getpath(uaddr_t upath) {
  char *path = kmalloc(MAXPATH);
  if (path == NULL) return ERR_PTR(-ENOMEM);
  int r = copyinstr(path, upath, MAXPATH);
  if (r < 0) {
    kmfree(path);
    return ERR_PTR(r);
  }
  return path;
}

/* Open a resolved, locked inode as a file description. */
static long open_inode(struct inode *ip, u32 flags) {
  struct proc *p = myproc();
  u16 mode = ip->d.i_mode;
  u32 acc = flags & O_ACCMODE;
  if ((flags & O_DIRECTORY) && !S_ISDIR(mode)) return iunlockput(ip), -ENOTDIR;
  if (S_ISDIR(mode) && acc != O_RDONLY) return iunlockput(ip), -EISDIR;
  if (S_ISLNK(mode)) return iunlockput(ip), -ELOOP;
  if (ip->dev >= DEV_NFS && (acc != O_RDONLY || (flags & O_TRUNC))) return iunlockput(ip), -EROFS;
  if ((S_ISFIFO(mode) || S_ISBLK(mode) || S_ISSOCK(mode)) && !(flags & O_PATH)) return iunlockput(ip), -ENXIO;
  struct file *f = filealloc();
  if (f == NULL) return iunlockput(ip), -ENFILE;
  f->flags = flags & (O_ACCMODE | O_APPEND | O_NONBLOCK);
  if (S_ISCHR(mode)) {
    u32 rdev = inode_rdev(ip);
    f->type = FD_DEV;
    f->major = (u16)(rdev >> 8);
    f->minor = (u16)(rdev & 0xff);
    if (!dev_exists(f->major, f->minor)) {
      fileclose(f);
      iunlockput(ip);
      return -ENXIO;
    }
    if (dev_is_tty(f)) tty_open(p, (flags & O_NOCTTY) != 0);
  } else if (ip->dev == DEV_PROC) {
    f->type = FD_PROC;
  } else {
    f->type = FD_INODE;
    if ((flags & O_TRUNC) && acc != O_RDONLY && S_ISREG(mode)) itrunc(ip, 0);
  }
  f->ip = ip;
  iunlock(ip);
  if (f->type == FD_PROC) {
    int r = procfs_open(f);
    if (r < 0) {
      fileclose(f);
      return r;
    }
  }
  int fd = fdalloc(f, 0, (flags & O_CLOEXEC) != 0);
  if (fd < 0) fileclose(f);
  return fd;
}

long sys_openat(int dirfd, uaddr_t upath, u32 flags, u32 mode) {
  struct proc *p = myproc();
  char *path = getpath(upath);
  if (IS_ERR(path)) return PTR_ERR(path);
  struct inode *ip = namei_at(dirfd, path, !(flags & O_NOFOLLOW));
  if (!IS_ERR(ip) && (flags & O_CREAT) && (flags & O_EXCL)) {
    iput(ip);
    ip = ERR_PTR(-EEXIST);
  } else if (IS_ERR(ip) && PTR_ERR(ip) == -ENOENT && (flags & O_CREAT)) {
    ip = create_at(dirfd, path, (u16)(S_IFREG | (mode & 07777 & ~p->umask)), 0, (flags & O_EXCL) != 0);
    if (!IS_ERR(ip)) iunlock(ip);
  }
  kmfree(path);
  if (IS_ERR(ip)) return PTR_ERR(ip);
  ilock(ip);
  return open_inode(ip, flags);
}

long sys_open(uaddr_t upath, u32 flags, u32 mode) { return sys_openat(AT_FDCWD, upath, flags, mode); }
long sys_creat(uaddr_t upath, u32 mode) { return sys_openat(AT_FDCWD, upath, O_CREAT | O_WRONLY | O_TRUNC, mode); }

static long make_node(int dirfd, uaddr_t upath, u16 mode, u32 rdev) {
  char *path = getpath(upath);
  if (IS_ERR(path)) return PTR_ERR(path);
  struct inode *ip = create_at(dirfd, path, mode, rdev, true);
  kmfree(path);
  if (IS_ERR(ip)) return PTR_ERR(ip);
  iunlockput(ip);
  return 0;
}

long sys_mkdirat(int dirfd, uaddr_t upath, u32 mode) {
  return make_node(dirfd, upath, (u16)(S_IFDIR | (mode & 07777 & ~myproc()->umask)), 0);
}
long sys_mkdir(uaddr_t upath, u32 mode) { return sys_mkdirat(AT_FDCWD, upath, mode); }

long sys_mknodat(int dirfd, uaddr_t upath, u32 mode, u32 dev) {
  u32 type = mode & S_IFMT;
  if (type == 0) type = S_IFREG;
  if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK && type != S_IFIFO) return -EINVAL;
  return make_node(dirfd, upath, (u16)(type | (mode & 07777 & ~myproc()->umask)), dev);
}
long sys_mknod(uaddr_t upath, u32 mode, u32 dev) { return sys_mknodat(AT_FDCWD, upath, mode, dev); }

long sys_unlinkat(int dirfd, uaddr_t upath, u32 flags) {
  char *path = getpath(upath);
  if (IS_ERR(path)) return PTR_ERR(path);
  long r = unlink_at(dirfd, path, (flags & AT_REMOVEDIR) != 0);
  kmfree(path);
  return r;
}
long sys_unlink(uaddr_t upath) { return sys_unlinkat(AT_FDCWD, upath, 0); }
long sys_rmdir(uaddr_t upath) { return sys_unlinkat(AT_FDCWD, upath, AT_REMOVEDIR); }

long sys_renameat2(int odfd, uaddr_t uold, int ndfd, uaddr_t unew, u32 flags) {
  if (flags != 0) return -EINVAL;
  char *o = getpath(uold);
  if (IS_ERR(o)) return PTR_ERR(o);
  char *n = getpath(unew);
  if (IS_ERR(n)) {
    kmfree(o);
    return PTR_ERR(n);
  }
  long r = rename_at(odfd, o, ndfd, n);
  kmfree(o);
  kmfree(n);
  return r;
}
long sys_renameat(int odfd, uaddr_t uold, int ndfd, uaddr_t unew) { return sys_renameat2(odfd, uold, ndfd, unew, 0); }
long sys_rename(uaddr_t uold, uaddr_t unew) { return sys_renameat2(AT_FDCWD, uold, AT_FDCWD, unew, 0); }

long sys_linkat(int odfd, uaddr_t uold, int ndfd, uaddr_t unew, u32 flags) {
  char *o = getpath(uold);
  if (IS_ERR(o)) return PTR_ERR(o);
  char *n = getpath(unew);
  if (IS_ERR(n)) {
    kmfree(o);
    return PTR_ERR(n);
  }
  long r = link_at(odfd, o, ndfd, n, (flags & AT_SYMLINK_FOLLOW) != 0);
  kmfree(o);
  kmfree(n);
  return r;
}
long sys_link(uaddr_t uold, uaddr_t unew) { return sys_linkat(AT_FDCWD, uold, AT_FDCWD, unew, 0); }

long sys_symlinkat(uaddr_t utarget, int dirfd, uaddr_t upath) {
  char *target = getpath(utarget);
  if (IS_ERR(target)) return PTR_ERR(target);
  char *path = getpath(upath);
  long r = 0;
  if (IS_ERR(path)) {
    kmfree(target);
    return PTR_ERR(path);
  }
  u32 len = (u32)strlen(target);
  struct inode *ip = create_at(dirfd, path, S_IFLNK | 0777, 0, true);
  if (IS_ERR(ip)) {
    r = PTR_ERR(ip);
  } else {
    if (len < sizeof ip->d.i_block) {
      memcpy(ip->d.i_block, target, len);
      ip->d.i_size = len;
      iupdate(ip);
    } else {
      int w = writei(ip, false, (u32)target, 0, len);
      if (w != (int)len) r = w < 0 ? w : -ENOSPC;
    }
    iunlockput(ip);
  }
  kmfree(target);
  kmfree(path);
  return r;
}
long sys_symlink(uaddr_t utarget, uaddr_t upath) { return sys_symlinkat(utarget, AT_FDCWD, upath); }

long sys_readlinkat(int dirfd, uaddr_t upath, uaddr_t ubuf, s32 size) {
  if (size <= 0) return -EINVAL;
  char *path = getpath(upath);
  if (IS_ERR(path)) return PTR_ERR(path);
  struct inode *ip = namei_at(dirfd, path, false);
  kmfree(path);
  if (IS_ERR(ip)) return PTR_ERR(ip);
  char *buf = kmalloc(MAXPATH);
  long r = -ENOMEM;
  if (buf != NULL) {
    ilock(ip);
    r = S_ISLNK(ip->d.i_mode) ? readlink_inode(ip, buf, MAXPATH) : -EINVAL;
    iunlock(ip);
    if (r > size) r = size;
    if (r > 0 && copyout(ubuf, buf, (u32)r) < 0) r = -EFAULT;
    kmfree(buf);
  }
  iput(ip);
  return r;
}
long sys_readlink(uaddr_t upath, uaddr_t ubuf, s32 size) { return sys_readlinkat(AT_FDCWD, upath, ubuf, size); }

static long set_cwd(struct inode *ip) {
  struct proc *p = myproc();
  ilock(ip);
  if (!S_ISDIR(ip->d.i_mode)) {
    iunlockput(ip);
    return -ENOTDIR;
  }
  iunlock(ip);
  iput(p->cwd);
  p->cwd = ip;
  return 0;
}

long sys_chdir(uaddr_t upath) {
  char *path = getpath(upath);
  if (IS_ERR(path)) return PTR_ERR(path);
  struct inode *ip = namei_at(AT_FDCWD, path, true);
  kmfree(path);
  if (IS_ERR(ip)) return PTR_ERR(ip);
  return set_cwd(ip);
}

long sys_fchdir(int fd) {
  struct file *f = fd_file(fd);
  if (f == NULL) return -EBADF;
  if (f->ip == NULL) return -ENOTDIR;
  return set_cwd(idup(f->ip));
}

long sys_getcwd(uaddr_t ubuf, u32 size) {
  char *buf = kmalloc(MAXPATH);
  if (buf == NULL) return -ENOMEM;
  int n = path_of_dir(myproc()->cwd, buf, MAXPATH);
  long r = n;
  if (n >= 0) {
    if ((u32)n + 1 > size) r = -ERANGE;
    else r = copyout(ubuf, buf, (u32)n + 1) < 0 ? -EFAULT : n + 1;
  }
  kmfree(buf);
  return r;
}

/* ---- stat ------------------------------------------------------------------------------------ */

/* Resolve for the stat family: empty path with AT_EMPTY_PATH means dirfd itself. */
static int stat_at(int dirfd, uaddr_t upath, u32 flags, struct stat64 *st) {
  char *path = getpath(upath);
  if (IS_ERR(path)) return PTR_ERR(path);
  int r = 0;
  if (path[0] == '\0' && (flags & AT_EMPTY_PATH)) {
    struct file *f = dirfd == AT_FDCWD ? NULL : fd_file(dirfd);
    if (dirfd == AT_FDCWD) {
      ilock(myproc()->cwd);
      stati(myproc()->cwd, st);
      iunlock(myproc()->cwd);
    } else if (f == NULL) {
      r = -EBADF;
    } else {
      r = filestat(f, st);
    }
  } else {
    struct inode *ip = namei_at(dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW));
    if (IS_ERR(ip)) {
      r = PTR_ERR(ip);
    } else {
      ilock(ip);
      stati(ip, st);
      iunlockput(ip);
    }
  }
  kmfree(path);
  return r;
}

long sys_fstatat64(int dirfd, uaddr_t upath, uaddr_t ust, u32 flags) {
  struct stat64 st;
  int r = stat_at(dirfd, upath, flags, &st);
  if (r < 0) return r;
  return copyout(ust, &st, sizeof st) < 0 ? -EFAULT : 0;
}
long sys_stat64(uaddr_t upath, uaddr_t ust) { return sys_fstatat64(AT_FDCWD, upath, ust, 0); }
long sys_lstat64(uaddr_t upath, uaddr_t ust) { return sys_fstatat64(AT_FDCWD, upath, ust, AT_SYMLINK_NOFOLLOW); }

long sys_statx(int dirfd, uaddr_t upath, u32 flags, u32 mask, uaddr_t ubuf) {
  (void)mask;
  struct stat64 st;
  int r = stat_at(dirfd, upath, flags, &st);
  if (r < 0) return r;
  struct statx sx;
  memset(&sx, 0, sizeof sx);
  sx.stx_mask = STATX_BASIC_STATS;
  sx.stx_blksize = st.st_blksize;
  sx.stx_nlink = st.st_nlink;
  sx.stx_uid = st.st_uid;
  sx.stx_gid = st.st_gid;
  sx.stx_mode = (u16)st.st_mode;
  sx.stx_ino = st.st_ino;
  sx.stx_size = (u64)st.st_size;
  sx.stx_blocks = (u64)st.st_blocks;
  sx.stx_atime.tv_sec = st.st_atime;
  sx.stx_mtime.tv_sec = st.st_mtime;
  sx.stx_ctime.tv_sec = st.st_ctime;
  sx.stx_rdev_major = st.st_rdev >> 8;
  sx.stx_rdev_minor = st.st_rdev & 0xff;
  sx.stx_dev_major = 0;
  sx.stx_dev_minor = st.st_dev;
  return copyout(ubuf, &sx, sizeof sx) < 0 ? -EFAULT : 0;
}

/* The old 144-byte struct stat of stat(2)/lstat/fstat (4106-4108). */
static long put_oldstat(uaddr_t ubuf, const struct stat64 *st) {
  u32 o[36];
  memset(o, 0, sizeof o);
  o[0] = st->st_dev;
  o[4] = (u32)st->st_ino;
  o[5] = st->st_mode;
  o[6] = st->st_nlink;
  o[7] = st->st_uid;
  o[8] = st->st_gid;
  o[9] = st->st_rdev;
  o[12] = (u32)st->st_size;
  o[14] = (u32)st->st_atime;
  o[16] = (u32)st->st_mtime;
  o[18] = (u32)st->st_ctime;
  o[20] = st->st_blksize;
  o[21] = (u32)st->st_blocks;
  return copyout(ubuf, o, sizeof o) < 0 ? -EFAULT : 0;
}

long sys_stat(uaddr_t upath, uaddr_t ubuf) {
  struct stat64 st;
  int r = stat_at(AT_FDCWD, upath, 0, &st);
  return r < 0 ? r : put_oldstat(ubuf, &st);
}

long sys_lstat(uaddr_t upath, uaddr_t ubuf) {
  struct stat64 st;
  int r = stat_at(AT_FDCWD, upath, AT_SYMLINK_NOFOLLOW, &st);
  return r < 0 ? r : put_oldstat(ubuf, &st);
}

long sys_fstat(int fd, uaddr_t ubuf) {
  struct file *f = fd_file(fd);
  if (f == NULL) return -EBADF;
  struct stat64 st;
  filestat(f, &st);
  return put_oldstat(ubuf, &st);
}

/* ---- access, truncate, modes, times ---------------------------------------------------------------- */

long sys_faccessat2(int dirfd, uaddr_t upath, u32 mode, u32 flags) {
  struct stat64 st;
  if (mode & ~7u) return -EINVAL;
  int r = stat_at(dirfd, upath, flags & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH), &st);
  if (r < 0) return r;
  /* root: read and write always, execute if any x bit (or a directory) */
  if ((mode & X_OK) && !S_ISDIR(st.st_mode) && !(st.st_mode & 0111)) return -EACCES;
  return 0;
}
long sys_faccessat(int dirfd, uaddr_t upath, u32 mode) { return sys_faccessat2(dirfd, upath, mode, 0); }
long sys_access(uaddr_t upath, u32 mode) { return sys_faccessat2(AT_FDCWD, upath, mode, 0); }

static long trunc_inode(struct inode *ip, u64 len) {
  if (len > 0x7fffffffu) return -EFBIG;
  ilock(ip);
  long r = 0;
  if (S_ISDIR(ip->d.i_mode)) r = -EISDIR;
  else if (!S_ISREG(ip->d.i_mode) || ip->dev != DEV_ROOT) r = -EINVAL;
  else if (len < ip->d.i_size) itrunc(ip, (u32)len);
  else if (len > ip->d.i_size) {
    ip->d.i_size = (u32)len;   /* a hole: blocks are allocated when written */
    iupdate(ip);
  }
  iunlock(ip);
  return r;
}

long sys_truncate64(uaddr_t upath, u32 pad, u32 lo, u32 hi) {
  (void)pad;
  char *path = getpath(upath);
  if (IS_ERR(path)) return PTR_ERR(path);
  struct inode *ip = namei_at(AT_FDCWD, path, true);
  kmfree(path);
  if (IS_ERR(ip)) return PTR_ERR(ip);
  long r = trunc_inode(ip, ((u64)hi << 32) | lo);
  iput(ip);
  return r;
}
long sys_truncate(uaddr_t upath, u32 len) { return sys_truncate64(upath, 0, len, 0); }

long sys_ftruncate64(int fd, u32 pad, u32 lo, u32 hi) {
  (void)pad;
  struct file *f = fd_file(fd);
  if (f == NULL) return -EBADF;
  if (f->type != FD_INODE || !FMODE_WRITE(f)) return -EINVAL;
  return trunc_inode(f->ip, ((u64)hi << 32) | lo);
}
long sys_ftruncate(int fd, u32 len) { return sys_ftruncate64(fd, 0, len, 0); }

/* Apply fn to the inode named by (dirfd, path) or to fd's inode. */
static long with_inode(int dirfd, uaddr_t upath, bool follow, int fd, void (*fn)(struct inode *, u32, u32), u32 a, u32 b) {
  struct inode *ip;
  if (fd >= 0) {
    struct file *f = fd_file(fd);
    if (f == NULL) return -EBADF;
    if (f->ip == NULL) return 0;
    ip = idup(f->ip);
  } else {
    char *path = getpath(upath);
    if (IS_ERR(path)) return PTR_ERR(path);
    ip = namei_at(dirfd, path, follow);
    kmfree(path);
    if (IS_ERR(ip)) return PTR_ERR(ip);
  }
  ilock(ip);
  if (ip->dev == DEV_ROOT) {
    fn(ip, a, b);
    ip->d.i_ctime = now_seconds();
    iupdate(ip);
  }
  iunlockput(ip);
  return 0;
}

static void do_chmod(struct inode *ip, u32 mode, u32 unused) {
  (void)unused;
  ip->d.i_mode = (u16)((ip->d.i_mode & S_IFMT) | (mode & 07777));
}

static void do_chown(struct inode *ip, u32 uid, u32 gid) {
  if (uid != 0xffffffffu) ip->d.i_uid = (u16)uid;
  if (gid != 0xffffffffu) ip->d.i_gid = (u16)gid;
}

long sys_fchmodat(int dirfd, uaddr_t upath, u32 mode) { return with_inode(dirfd, upath, true, -1, do_chmod, mode, 0); }
long sys_chmod(uaddr_t upath, u32 mode) { return with_inode(AT_FDCWD, upath, true, -1, do_chmod, mode, 0); }
long sys_fchmod(int fd, u32 mode) { return with_inode(0, 0, true, fd, do_chmod, mode, 0); }
long sys_fchownat(int dirfd, uaddr_t upath, u32 uid, u32 gid, u32 flags) {
  return with_inode(dirfd, upath, !(flags & AT_SYMLINK_NOFOLLOW), -1, do_chown, uid, gid);
}
long sys_chown(uaddr_t upath, u32 uid, u32 gid) { return with_inode(AT_FDCWD, upath, true, -1, do_chown, uid, gid); }
long sys_fchown(int fd, u32 uid, u32 gid) { return with_inode(0, 0, true, fd, do_chown, uid, gid); }

static void do_times(struct inode *ip, u32 atime, u32 mtime) {
  if (atime != UTIME_OMIT) ip->d.i_atime = atime;
  if (mtime != UTIME_OMIT) ip->d.i_mtime = mtime;
}

static long set_times(int dirfd, uaddr_t upath, u32 flags, s64 at, s64 mt) {
  u32 now = now_seconds();
  u32 a = at == UTIME_NOW ? now : (u32)at, m = mt == UTIME_NOW ? now : (u32)mt;
  if (upath == 0) return with_inode(0, 0, true, dirfd, do_times, a, m);
  return with_inode(dirfd, upath, !(flags & AT_SYMLINK_NOFOLLOW), -1, do_times, a, m);
}

long sys_utimensat(int dirfd, uaddr_t upath, uaddr_t uts, u32 flags) {
  s64 at = UTIME_NOW, mt = UTIME_NOW;
  if (uts != 0) {
    struct timespec32 ts[2];
    if (copyin(ts, uts, sizeof ts) < 0) return -EFAULT;
    at = ts[0].tv_nsec == UTIME_NOW || ts[0].tv_nsec == UTIME_OMIT ? ts[0].tv_nsec : ts[0].tv_sec;
    mt = ts[1].tv_nsec == UTIME_NOW || ts[1].tv_nsec == UTIME_OMIT ? ts[1].tv_nsec : ts[1].tv_sec;
  }
  return set_times(dirfd, upath, flags, at, mt);
}

long sys_utimensat64(int dirfd, uaddr_t upath, uaddr_t uts, u32 flags) {
  s64 at = UTIME_NOW, mt = UTIME_NOW;
  if (uts != 0) {
    struct timespec64 ts[2];
    if (copyin(ts, uts, sizeof ts) < 0) return -EFAULT;
    at = ts[0].tv_nsec == UTIME_NOW || ts[0].tv_nsec == UTIME_OMIT ? ts[0].tv_nsec : ts[0].tv_sec;
    mt = ts[1].tv_nsec == UTIME_NOW || ts[1].tv_nsec == UTIME_OMIT ? ts[1].tv_nsec : ts[1].tv_sec;
  }
  return set_times(dirfd, upath, flags, at, mt);
}

long sys_utimes(uaddr_t upath, uaddr_t utv) {
  s64 at = UTIME_NOW, mt = UTIME_NOW;
  if (utv != 0) {
    struct timeval32 tv[2];
    if (copyin(tv, utv, sizeof tv) < 0) return -EFAULT;
    at = tv[0].tv_sec;
    mt = tv[1].tv_sec;
  }
  return set_times(AT_FDCWD, upath, 0, at, mt);
}

long sys_utime(uaddr_t upath, uaddr_t ut) {
  s64 at = UTIME_NOW, mt = UTIME_NOW;
  if (ut != 0) {
    s32 t[2];
    if (copyin(t, ut, sizeof t) < 0) return -EFAULT;
    at = t[0];
    mt = t[1];
  }
  return set_times(AT_FDCWD, upath, 0, at, mt);
}

/* ---- statfs ------------------------------------------------------------------------------------- */

static void fill_statfs(u32 *w, bool wide) {
  u32 blocks, bfree, files, ffree, bsize;
  ext2_statfs(&blocks, &bfree, &files, &ffree, &bsize);
  memset(w, 0, 24 * 4);
  w[0] = 0xef53;
  w[1] = bsize;
  w[2] = bsize;
  if (wide) {   /* struct statfs64: u64 counts from word 4 */
    w[4] = blocks;
    w[6] = bfree;
    w[8] = files;
    w[10] = ffree;
    w[12] = bfree;
    w[16] = MAXNAME;
  } else {
    w[3] = blocks;
    w[4] = bfree;
    w[5] = files;
    w[6] = ffree;
    w[7] = bfree;
    w[10] = MAXNAME;
  }
}

long sys_statfs(uaddr_t upath, uaddr_t ubuf) {
  (void)upath;
  u32 w[24];
  fill_statfs(w, false);
  return copyout(ubuf, w, 64) < 0 ? -EFAULT : 0;
}
long sys_fstatfs(int fd, uaddr_t ubuf) { return fd_file(fd) ? sys_statfs(0, ubuf) : -EBADF; }
long sys_statfs64(uaddr_t upath, u32 size, uaddr_t ubuf) {
  (void)upath;
  u32 w[24];
  fill_statfs(w, true);
  return copyout(ubuf, w, MIN(size, (u32)sizeof w)) < 0 ? -EFAULT : 0;
}
long sys_fstatfs64(int fd, u32 size, uaddr_t ubuf) { return fd_file(fd) ? sys_statfs64(0, size, ubuf) : -EBADF; }

/* open() for the kernel itself (the first process's console). */
long kernel_open(const char *path, u32 flags) {
  struct inode *ip = namei_at(AT_FDCWD, path, true);
  if (IS_ERR(ip)) return PTR_ERR(ip);
  ilock(ip);
  return open_inode(ip, flags);
}
