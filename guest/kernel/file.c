/* file.c: open file descriptions (struct file, shared after dup and fork) and the
 * per-process descriptor table: allocation, reference counts, and read/write/seek/stat
 * dispatched on the kind of file (inode, device, pipe, procfs text). */
#include "types.h"
#include "defs.h"
#include "fs.h"
#include "proc.h"
#include "hal.h"
#include "net.h"

static struct {
  struct spinlock lock;
  struct file file[NFILE];
} ftable;

int pollchan;               /* everyone in poll() sleeps on this */

void fileinit(void) {
  initlock(&ftable.lock, "ftable");
}

struct file *filealloc(void) {
  acquire(&ftable.lock);
  for (struct file *f = ftable.file; f < &ftable.file[NFILE]; f++) {
    if (f->ref == 0) {
      memset(f, 0, sizeof *f);
      f->ref = 1;
      release(&ftable.lock);
      return f;
    }
  }
  release(&ftable.lock);
  return NULL;
}

struct file *filedup(struct file *f) {
  acquire(&ftable.lock);
  if (f->ref < 1) panic("filedup");
  f->ref++;
  release(&ftable.lock);
  return f;
}

void fileclose(struct file *f) {
  acquire(&ftable.lock);
  if (f->ref < 1) panic("fileclose");
  if (--f->ref > 0) {
    release(&ftable.lock);
    return;
  }
  struct file ff = *f;
  f->ref = 0;
  f->type = FD_NONE;
  release(&ftable.lock);
  if (ff.type == FD_PIPE) pipeclose(ff.pipe, ff.pipe_write);
  if (ff.type == FD_DEV) dev_close(&ff);
  if (ff.ip != NULL) iput(ff.ip);
  if (ff.pdata != NULL) kmfree(ff.pdata);
}

/* ---- descriptors --------------------------------------------------------------------------- */

struct file *fd_file(int fd) {
  struct proc *p = myproc();
  if (fd < 0 || fd >= NOFILE) return NULL;
  return p->ofile[fd];
}

/* Install f at the lowest free descriptor >= minfd; -EMFILE if none. */
int fdalloc(struct file *f, int minfd, bool cloexec) {
  struct proc *p = myproc();
  for (int fd = minfd; fd < NOFILE; fd++) {
    if (p->ofile[fd] == NULL) {
      p->ofile[fd] = f;
      if (cloexec) p->cloexec |= (u64)1 << fd;
      else p->cloexec &= ~((u64)1 << fd);
      return fd;
    }
  }
  return -EMFILE;
}

int fdclose(int fd) {
  struct proc *p = myproc();
  struct file *f = fd_file(fd);
  if (f == NULL) return -EBADF;
  p->ofile[fd] = NULL;
  p->cloexec &= ~((u64)1 << fd);
  fileclose(f);
  return 0;
}

/* ---- I/O ---------------------------------------------------------------------------------- */

#define IO_CHUNK (64 * 1024)   /* user memory is faulted in and copied this much at a time */

static ssize_t inode_read(struct file *f, uaddr_t dst, u32 n) {
  struct inode *ip = f->ip;
  u32 done = 0;
  while (done < n) {
    ilock(ip);
    bool dir = S_ISDIR(ip->d.i_mode);
    u32 size = ip->d.i_size;
    iunlock(ip);
    if (dir) return -EISDIR;
    if (f->off >= size) break;
    u32 m = MIN(MIN(n - done, (u32)IO_CHUNK), size - (u32)f->off);
    if (vm_prefault(dst + done, m, true) < 0) return done ? (ssize_t)done : -EFAULT;
#if HAL_DIRECT_PAGE_IO
    /* Whole file pages come from the page cache (filled by page-sized disk reads that the
     * monitor shares between VMs); the rest through the buffer cache as before. */
    u32 pgoff = (u32)f->off % PGSIZE;
    if (pgoff == 0 && m >= PGSIZE && !nfs_dev(ip->dev) && S_ISREG(ip->d.i_mode)) {
      m &= ~(u32)(PGSIZE - 1);
      int r = pcache_read(ip, dst + done, (u32)f->off, m);
      ilock(ip);
      if (r > 0) f->off += (u32)r;
      iunlock(ip);
      if (r < 0) return done ? (ssize_t)done : r;
      done += (u32)r;
      if ((u32)r < m) break;
      continue;
    }
    if (pgoff != 0 && m > PGSIZE - pgoff) m = PGSIZE - pgoff;
#endif
    ilock(ip);
    int r = readi(ip, true, dst + done, (u32)f->off, m);
    if (r > 0) f->off += (u32)r;
    iunlock(ip);
    if (r < 0) return done ? (ssize_t)done : r;
    done += (u32)r;
    if ((u32)r < m) break;
  }
  return (ssize_t)done;
}

static ssize_t inode_write(struct file *f, uaddr_t src, u32 n) {
  struct inode *ip = f->ip;
  u32 done = 0;
  while (done < n) {
    u32 m = MIN(n - done, (u32)IO_CHUNK);
    if (vm_prefault(src + done, m, false) < 0) return done ? (ssize_t)done : -EFAULT;
    ilock(ip);
    if (f->flags & O_APPEND) f->off = ip->d.i_size;
    int r = writei(ip, true, src + done, (u32)f->off, m);
    if (r > 0) f->off += (u32)r;
    iunlock(ip);
    if (r < 0) return done ? (ssize_t)done : r;
    done += (u32)r;
    if ((u32)r < m) break;
  }
  return (ssize_t)done;
}

static ssize_t proc_read(struct file *f, uaddr_t dst, u32 n) {
  if (f->pdata == NULL) return -EISDIR;
  if (f->off >= f->plen) return 0;
  u32 m = MIN(n, f->plen - (u32)f->off);
  if (copyout(dst, f->pdata + f->off, m) < 0) return -EFAULT;
  f->off += m;
  return (ssize_t)m;
}

ssize_t fileread(struct file *f, uaddr_t dst, u32 n) {
  if (!FMODE_READ(f)) return -EBADF;
  switch (f->type) {
  case FD_PIPE: return piperead(f, dst, n);
  case FD_DEV: return dev_read(f, dst, n);
  case FD_INODE: return inode_read(f, dst, n);
  case FD_PROC: return proc_read(f, dst, n);
  }
  return -EBADF;
}

ssize_t filewrite(struct file *f, uaddr_t src, u32 n) {
  if (!FMODE_WRITE(f)) return -EBADF;
  switch (f->type) {
  case FD_PIPE: return pipewrite(f, src, n);
  case FD_DEV: return dev_write(f, src, n);
  case FD_INODE: return inode_write(f, src, n);
  case FD_PROC: return -EACCES;
  }
  return -EBADF;
}

/* Positional read/write of an inode file (pread64/pwrite64): the offset stays. */
ssize_t file_pread(struct file *f, uaddr_t buf, u32 n, u64 off, bool write) {
  if (f->type != FD_INODE) return f->type == FD_PIPE || f->type == FD_DEV ? -ESPIPE : -EINVAL;
  if (write ? !FMODE_WRITE(f) : !FMODE_READ(f)) return -EBADF;
  if (off > 0x7fffffffu) return write ? -EFBIG : 0;
  u32 done = 0;
  while (done < n) {
    u32 m = MIN(n - done, (u32)IO_CHUNK);
    if (!write) {
      ilock(f->ip);
      u32 size = f->ip->d.i_size;
      iunlock(f->ip);
      if (off + done >= size) break;
      m = MIN(m, size - (u32)(off + done));
    }
    if (vm_prefault(buf + done, m, !write) < 0) return done ? (ssize_t)done : -EFAULT;
    ilock(f->ip);
    int r;
    if (S_ISDIR(f->ip->d.i_mode)) r = -EISDIR;
    else if (write) r = writei(f->ip, true, buf + done, (u32)off + done, m);
    else r = readi(f->ip, true, buf + done, (u32)off + done, m);
    iunlock(f->ip);
    if (r < 0) return done ? (ssize_t)done : r;
    done += (u32)r;
    if ((u32)r < m) break;
  }
  return (ssize_t)done;
}

s64 filelseek(struct file *f, s64 off, int whence) {
  if (f->type == FD_PIPE) return -ESPIPE;
  if (f->type == FD_DEV) return 0;     /* ttys and /dev/null: Linux accepts and ignores */
  s64 base = 0;
  if (whence == SEEK_CUR) base = (s64)f->off;
  else if (whence == SEEK_END) {
    if (f->type == FD_PROC) base = f->plen;
    else {
      ilock(f->ip);
      base = f->ip->d.i_size;
      iunlock(f->ip);
    }
  } else if (whence != SEEK_SET) return -EINVAL;
  s64 pos = base + off;
  if (pos < 0) return -EINVAL;
  f->off = (u64)pos;
  return pos;
}

int filestat(struct file *f, struct stat64 *st) {
  if (f->ip != NULL) {
    ilock(f->ip);
    stati(f->ip, st);
    iunlock(f->ip);
    if (f->type == FD_PROC && f->pdata) st->st_size = f->plen;
    return 0;
  }
  memset(st, 0, sizeof *st);
  if (f->type == FD_PIPE) {
    st->st_mode = S_IFIFO | 0600;
    st->st_dev = 3;
    st->st_ino = (u32)f->pipe;
  } else {
    st->st_mode = S_IFCHR | 0620;
    st->st_rdev = ((u32)f->major << 8) | f->minor;
  }
  st->st_nlink = 1;
  st->st_blksize = PGSIZE;
  return 0;
}

/* POLLIN/POLLOUT/POLLHUP/POLLERR readiness of f now. */
int filepoll(struct file *f) {
  switch (f->type) {
  case FD_PIPE: return pipepoll(f);
  case FD_DEV: return dev_poll(f);
  default: return POLLIN | POLLOUT;
  }
}

void poll_wakeup(void) {
  wakeup(&pollchan);
}

/* Write from a kernel buffer through the ordinary file paths (sendfile). */
ssize_t kernel_write(struct file *f, const void *buf, u32 n) {
  struct proc *p = myproc();
  p->kaddr_ok = true;
  ssize_t r = filewrite(f, (uaddr_t)buf, n);
  p->kaddr_ok = false;
  return r;
}
