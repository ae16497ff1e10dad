/* sysfile.c: system calls on file descriptors: read/write and their vector and positional
 * forms, lseek, dup*, fcntl, ioctl, pipe, getdents, fstat, poll/select, sendfile, fsync. */
#include "types.h"
#include "defs.h"
#include "fs.h"
#include "proc.h"
#include "net.h"
#include "hal.h"

#define MAXIOV 1024

int getdents_k(struct file *f, u8 *k, u32 cap);

static struct file *getf(int fd) {
  return fd_file(fd);
}

long sys_read(int fd, uaddr_t buf, u32 n) {
  struct file *f = getf(fd);
  if (f == NULL) return -EBADF;
  if ((s32)n < 0) return -EINVAL;
  return fileread(f, buf, n);
}

long sys_write(int fd, uaddr_t buf, u32 n) {
  struct file *f = getf(fd);
  if (f == NULL) return -EBADF;
  if ((s32)n < 0) return -EINVAL;
  return filewrite(f, buf, n);
}

static long rwv(int fd, uaddr_t iov, int cnt, bool write) {
  struct file *f = getf(fd);
  if (f == NULL) return -EBADF;
  if (cnt < 0 || cnt > MAXIOV) return -EINVAL;
  long total = 0;
  for (int i = 0; i < cnt; i++) {
    u32 v[2];
    if (copyin(v, iov + 8 * (u32)i, 8) < 0) return total ? total : -EFAULT;
    if (v[1] == 0) continue;
    long r = write ? filewrite(f, v[0], v[1]) : fileread(f, v[0], v[1]);
    if (r < 0) return total ? total : r;
    total += r;
    if ((u32)r < v[1]) break;
  }
  return total;
}

long sys_readv(int fd, uaddr_t iov, int cnt) { return rwv(fd, iov, cnt, false); }
long sys_writev(int fd, uaddr_t iov, int cnt) { return rwv(fd, iov, cnt, true); }

long sys_pread64(int fd, uaddr_t buf, u32 n, u32 pad, u32 lo, u32 hi) {
  (void)pad;
  struct file *f = getf(fd);
  if (f == NULL) return -EBADF;
  return file_pread(f, buf, n, ((u64)hi << 32) | lo, false);
}

long sys_pwrite64(int fd, uaddr_t buf, u32 n, u32 pad, u32 lo, u32 hi) {
  (void)pad;
  struct file *f = getf(fd);
  if (f == NULL) return -EBADF;
  return file_pread(f, buf, n, ((u64)hi << 32) | lo, true);
}

long sys_lseek(int fd, s32 off, int whence) {
  struct file *f = getf(fd);
  if (f == NULL) return -EBADF;
  s64 r = filelseek(f, off, whence);
  if (r > 0x7fffffff) return -EOVERFLOW;
  return (long)r;
}

long sys_llseek(int fd, u32 hi, u32 lo, uaddr_t result, int whence) {
  struct file *f = getf(fd);
  if (f == NULL) return -EBADF;
  s64 r = filelseek(f, (s64)(((u64)hi << 32) | lo), whence);
  if (r < 0) return (long)r;
  return copyout(result, &r, 8) < 0 ? -EFAULT : 0;
}

long sys_close(int fd) {
  return fdclose(fd);
}

long sys_dup(int fd) {
  struct file *f = getf(fd);
  if (f == NULL) return -EBADF;
  int nfd = fdalloc(f, 0, false);
  if (nfd >= 0) filedup(f);
  return nfd;
}

long sys_dup3(int oldfd, int newfd, u32 flags) {
  struct proc *p = myproc();
  struct file *f = getf(oldfd);
  if (f == NULL) return -EBADF;
  if (newfd < 0 || newfd >= NOFILE) return -EBADF;
  if (flags & ~O_CLOEXEC) return -EINVAL;
  if (oldfd == newfd) return -EINVAL;
  filedup(f);
  struct file *old = p->ofile[newfd];
  p->ofile[newfd] = f;
  if (flags & O_CLOEXEC) p->cloexec |= (u64)1 << newfd;
  else p->cloexec &= ~((u64)1 << newfd);
  if (old != NULL) fileclose(old);
  return newfd;
}

long sys_dup2(int oldfd, int newfd) {
  if (oldfd == newfd) return getf(oldfd) ? newfd : -EBADF;
  return sys_dup3(oldfd, newfd, 0);
}

long sys_fcntl(int fd, int cmd, u32 arg) {
  struct proc *p = myproc();
  struct file *f = getf(fd);
  if (f == NULL) return -EBADF;
  switch (cmd) {
  case F_DUPFD:
  case F_DUPFD_CLOEXEC: {
    if (arg >= NOFILE) return -EINVAL;
    int nfd = fdalloc(f, (int)arg, cmd == F_DUPFD_CLOEXEC);
    if (nfd >= 0) filedup(f);
    return nfd;
  }
  case F_GETFD:
    return (p->cloexec >> fd) & 1 ? FD_CLOEXEC : 0;
  case F_SETFD:
    if (arg & FD_CLOEXEC) p->cloexec |= (u64)1 << fd;
    else p->cloexec &= ~((u64)1 << fd);
    return 0;
  case F_GETFL:
    return (long)(f->flags | O_LARGEFILE);
  case F_SETFL:
    f->flags = (f->flags & ~(O_APPEND | O_NONBLOCK)) | (arg & (O_APPEND | O_NONBLOCK));
    return 0;
  case F_GETLK:
  case F_GETLK64: {
    /* no other process ever holds a lock: report F_UNLCK */
    u16 t = F_UNLCK;
    return copyout(arg, &t, 2) < 0 ? -EFAULT : 0;
  }
  case F_SETLK:
  case F_SETLKW:
  case F_SETLK64:
  case F_SETLKW64:
    return 0;
  }
  return -EINVAL;
}

long sys_ioctl(int fd, u32 cmd, u32 arg) {
  struct proc *p = myproc();
  struct file *f = getf(fd);
  if (f == NULL) return -EBADF;
  switch (cmd) {
  case FIOCLEX:
    p->cloexec |= (u64)1 << fd;
    return 0;
  case FIONCLEX:
    p->cloexec &= ~((u64)1 << fd);
    return 0;
  case FIONBIO: {
    u32 on;
    if (get_user32(&on, arg) < 0) return -EFAULT;
    if (on) f->flags |= O_NONBLOCK;
    else f->flags &= ~O_NONBLOCK;
    return 0;
  }
  }
  if (f->type == FD_DEV) return dev_ioctl(f, cmd, arg);
  if (cmd == FIONREAD && f->type == FD_PIPE) return put_user32(arg, pipe_available(f)) < 0 ? -EFAULT : 0;
  return -ENOTTY;
}

static long do_pipe(uaddr_t fds, u32 flags, bool regs) {
  struct file *rf, *wf;
  if (flags & ~(O_CLOEXEC | O_NONBLOCK)) return -EINVAL;
  int r = pipealloc(&rf, &wf);
  if (r < 0) return r;
  rf->flags |= flags & O_NONBLOCK;
  wf->flags |= flags & O_NONBLOCK;
  int fd0 = fdalloc(rf, 0, flags & O_CLOEXEC);
  int fd1 = fd0 < 0 ? fd0 : fdalloc(wf, 0, flags & O_CLOEXEC);
  if (fd1 < 0) {
    if (fd0 >= 0) myproc()->ofile[fd0] = NULL;
    fileclose(rf);
    fileclose(wf);
    return -EMFILE;
  }
  if (regs) {
    myproc()->tf->regs[R_V1] = (u32)fd1;   /* pipe(2) on MIPS: fds in v0 and v1 */
    return fd0;
  }
  u32 v[2] = { (u32)fd0, (u32)fd1 };
  if (copyout(fds, v, 8) < 0) {
    fdclose(fd0);
    fdclose(fd1);
    return -EFAULT;
  }
  return 0;
}

long sys_pipe(void) { return do_pipe(0, 0, true); }
long sys_pipe2(uaddr_t fds, u32 flags) { return do_pipe(fds, flags, false); }

long sys_getdents64(int fd, uaddr_t buf, u32 n) {
  struct file *f = getf(fd);
  if (f == NULL) return -EBADF;
  u8 *k = kalloc();
  if (k == NULL) return -ENOMEM;
  int r = getdents_k(f, k, MIN(n, (u32)PGSIZE));
  if (r == 0 && n < 24) r = -EINVAL;
  if (r > 0 && copyout(buf, k, (u32)r) < 0) r = -EFAULT;
  kfree(k);
  return r;
}

/* The old getdents: struct linux_dirent {ino, off, reclen, name..., 0, type}. */
long sys_getdents(int fd, uaddr_t buf, u32 n) {
  struct file *f = getf(fd);
  if (f == NULL) return -EBADF;
  u8 *k = kalloc();
  u8 *out = kalloc();
  if (k == NULL || out == NULL) {
    if (k) kfree(k);
    if (out) kfree(out);
    return -ENOMEM;
  }
  u32 cap = MIN(n, (u32)PGSIZE) / 2;
  int r = getdents_k(f, k, cap);
  u32 o = 0;
  for (int i = 0; r > 0 && i < r;) {
    u16 reclen;
    memcpy(&reclen, k + i + 16, 2);
    const char *name = (const char *)k + i + 19;
    u32 len = (u32)strlen(name);
    u32 orl = ALIGN_UP(10u + len + 2, 4u);
    u32 v[2];
    memcpy(&v[0], k + i, 4);
    memcpy(&v[1], k + i + 8, 4);
    memcpy(out + o, v, 8);
    u16 ol = (u16)orl;
    memcpy(out + o + 8, &ol, 2);
    memcpy(out + o + 10, name, len + 1);
    out[o + orl - 1] = k[i + 18];
    o += orl;
    i += reclen;
  }
  if (r > 0) r = copyout(buf, out, o) < 0 ? -EFAULT : (int)o;
  kfree(k);
  kfree(out);
  return r;
}

/* Directory entries as linux_dirent64 records into kernel buffer k. */
int getdents_k(struct file *f, u8 *k, u32 cap) {
  if (f->ip == NULL) return -ENOTDIR;
  ilock(f->ip);
  int r;
  u32 pos = (u32)f->off;
  if (!S_ISDIR(f->ip->d.i_mode)) r = -ENOTDIR;
  else if (f->ip->dev == DEV_PROC) r = procfs_readdir(f->ip, &pos, k, cap);
  else if (nfs_dev(f->ip->dev)) r = nfs_readdir(f->ip, &pos, k, cap);
  else r = dirlist(f->ip, &pos, k, cap);
  f->off = pos;
  iunlock(f->ip);
  return r;
}

long sys_fstat64(int fd, uaddr_t ust) {
  struct file *f = getf(fd);
  if (f == NULL) return -EBADF;
  struct stat64 st;
  filestat(f, &st);
  return copyout(ust, &st, sizeof st) < 0 ? -EFAULT : 0;
}

long sys_fsync(int fd) {
  if (getf(fd) == NULL) return -EBADF;
  disk_flush();
  return 0;
}

long sys_sync(void) {
  fs_sync_all();
  return 0;
}

/* ---- poll and select ---------------------------------------------------------------------- */

#define MAXPOLL 256

/* Poll nfds entries of kernel array pfd until one is ready, the deadline passes (0: wait
 * forever, ~0: do not wait) or a signal arrives. */
static long do_poll(struct pollfd *pfd, u32 nfds, u64 deadline) {
  for (;;) {
    long ready = 0;
    for (u32 i = 0; i < nfds; i++) {
      pfd[i].revents = 0;
      if (pfd[i].fd < 0) continue;
      struct file *f = getf(pfd[i].fd);
      int m = f ? filepoll(f) : POLLNVAL;
      pfd[i].revents = (s16)(m & (pfd[i].events | POLLERR | POLLHUP | POLLNVAL));
      if (pfd[i].revents) ready++;
    }
    if (ready > 0 || deadline == ~0ull) return ready;
    acquire(&ptable_lock);
    int r = sleep_on(&pollchan, &ptable_lock, true, deadline);
    release(&ptable_lock);
    if (r == -ETIMEDOUT) return 0;
    if (r == -EINTR) return -ERESTARTNOHAND;
  }
}

static u64 deadline_after(s64 sec, s64 nsec) {
  if (sec < 0 || nsec < 0) return 0;
  if (sec == 0 && nsec == 0) return ~0ull;
  return hal_cycles() + ns_to_cycles((u64)sec * 1000000000ull + (u64)nsec);
}

static long poll_common(uaddr_t ufds, u32 nfds, u64 deadline) {
  if (nfds > MAXPOLL) return -EINVAL;
  struct pollfd *pfd = kmalloc(MAXPOLL * sizeof(struct pollfd));
  if (pfd == NULL) return -ENOMEM;
  long r = copyin(pfd, ufds, nfds * sizeof *pfd) < 0 ? -EFAULT : do_poll(pfd, nfds, deadline);
  if (r >= 0 && copyout(ufds, pfd, nfds * sizeof *pfd) < 0) r = -EFAULT;
  kmfree(pfd);
  return r;
}

long sys_poll(uaddr_t ufds, u32 nfds, s32 timeout_ms) {
  u64 dl = timeout_ms < 0 ? 0 : deadline_after(timeout_ms / 1000, (s64)(timeout_ms % 1000) * 1000000);
  return poll_common(ufds, nfds, dl);
}

static long ppoll_common(uaddr_t ufds, u32 nfds, u64 dl, uaddr_t usig) {
  struct proc *p = myproc();
  if (usig != 0) {
    ksigset_t s;
    if (copyin(&s, usig, sizeof s) < 0) return -EFAULT;
    p->saved_mask = p->sigblocked;
    p->restore_mask = true;
    p->sigblocked = s;
  }
  long r = poll_common(ufds, nfds, dl);
  if (usig != 0 && r != -ERESTARTNOHAND) {
    p->sigblocked = p->saved_mask;
    p->restore_mask = false;
  }
  return r;
}

long sys_ppoll(uaddr_t ufds, u32 nfds, uaddr_t uts, uaddr_t usig, u32 sigsz) {
  (void)sigsz;
  u64 dl = 0;
  if (uts != 0) {
    struct timespec32 ts;
    if (copyin(&ts, uts, sizeof ts) < 0) return -EFAULT;
    dl = deadline_after(ts.tv_sec, ts.tv_nsec);
  }
  return ppoll_common(ufds, nfds, dl, usig);
}

long sys_ppoll64(uaddr_t ufds, u32 nfds, uaddr_t uts, uaddr_t usig, u32 sigsz) {
  (void)sigsz;
  u64 dl = 0;
  if (uts != 0) {
    struct timespec64 ts;
    if (copyin(&ts, uts, sizeof ts) < 0) return -EFAULT;
    dl = deadline_after(ts.tv_sec, (s32)ts.tv_nsec);
  }
  return ppoll_common(ufds, nfds, dl, usig);
}

/* select via poll: fd_sets of up to NOFILE descriptors. */
static long select_common(int n, uaddr_t rd, uaddr_t wr, uaddr_t ex, u64 dl) {
  if (n < 0) return -EINVAL;
  if (n > NOFILE) n = NOFILE;
  u32 sets[3][2] = { { 0, 0 }, { 0, 0 }, { 0, 0 } };
  uaddr_t addrs[3] = { rd, wr, ex };
  u32 bytes = (u32)((n + 7) / 8);
  for (int k = 0; k < 3; k++)
    if (addrs[k] && copyin(sets[k], addrs[k], bytes) < 0) return -EFAULT;
  struct pollfd pfd[NOFILE];
  u32 np = 0;
  for (int fd = 0; fd < n; fd++) {
    short ev = 0;
    if ((sets[0][fd / 32] >> (fd % 32)) & 1) ev |= POLLIN;
    if ((sets[1][fd / 32] >> (fd % 32)) & 1) ev |= POLLOUT;
    if ((sets[2][fd / 32] >> (fd % 32)) & 1) ev |= POLLPRI;
    if (ev == 0) continue;
    if (getf(fd) == NULL) return -EBADF;
    pfd[np].fd = fd;
    pfd[np].events = ev;
    np++;
  }
  long r = do_poll(pfd, np, dl);
  if (r < 0) return r;
  u32 out[3][2] = { { 0, 0 }, { 0, 0 }, { 0, 0 } };
  long count = 0;
  for (u32 i = 0; i < np; i++) {
    int fd = pfd[i].fd;
    short re = pfd[i].revents;
    if ((re & (POLLIN | POLLHUP | POLLERR)) && (pfd[i].events & POLLIN)) out[0][fd / 32] |= 1u << (fd % 32), count++;
    if ((re & (POLLOUT | POLLERR)) && (pfd[i].events & POLLOUT)) out[1][fd / 32] |= 1u << (fd % 32), count++;
    if ((re & POLLPRI) && (pfd[i].events & POLLPRI)) out[2][fd / 32] |= 1u << (fd % 32), count++;
  }
  for (int k = 0; k < 3; k++)
    if (addrs[k] && copyout(addrs[k], out[k], bytes) < 0) return -EFAULT;
  return count;
}

long sys_select(int n, uaddr_t rd, uaddr_t wr, uaddr_t ex, uaddr_t utv) {
  u64 dl = 0;
  if (utv != 0) {
    struct timeval32 tv;
    if (copyin(&tv, utv, sizeof tv) < 0) return -EFAULT;
    dl = deadline_after(tv.tv_sec, (s64)tv.tv_usec * 1000);
  }
  return select_common(n, rd, wr, ex, dl);
}

long sys_pselect6(int n, uaddr_t rd, uaddr_t wr, uaddr_t ex, uaddr_t uts, uaddr_t usig) {
  (void)usig;
  u64 dl = 0;
  if (uts != 0) {
    struct timespec32 ts;
    if (copyin(&ts, uts, sizeof ts) < 0) return -EFAULT;
    dl = deadline_after(ts.tv_sec, ts.tv_nsec);
  }
  return select_common(n, rd, wr, ex, dl);
}

long sys_pselect6_64(int n, uaddr_t rd, uaddr_t wr, uaddr_t ex, uaddr_t uts, uaddr_t usig) {
  (void)usig;
  u64 dl = 0;
  if (uts != 0) {
    struct timespec64 ts;
    if (copyin(&ts, uts, sizeof ts) < 0) return -EFAULT;
    dl = deadline_after(ts.tv_sec, (s32)ts.tv_nsec);
  }
  return select_common(n, rd, wr, ex, dl);
}

/* ---- sendfile ------------------------------------------------------------------------------- */

static long do_sendfile(int out, int in, uaddr_t uoff, u32 count, bool off64) {
  struct file *fo = getf(out), *fi = getf(in);
  if (fo == NULL || fi == NULL) return -EBADF;
  if (fi->type != FD_INODE) return -EINVAL;
  u64 off = fi->off;
  if (uoff != 0) {
    if (off64) {
      if (copyin(&off, uoff, 8) < 0) return -EFAULT;
    } else {
      u32 o;
      if (get_user32(&o, uoff) < 0) return -EFAULT;
      off = o;
    }
  }
  u8 *k = kalloc();
  if (k == NULL) return -ENOMEM;
  long total = 0;
  while ((u32)total < count) {
    u32 m = MIN(count - (u32)total, (u32)PGSIZE);
    ilock(fi->ip);
    int r = readi(fi->ip, false, (u32)k, (u32)off, m);
    iunlock(fi->ip);
    if (r <= 0) break;
    long w = kernel_write(fo, k, (u32)r);
    if (w < 0) {
      if (total == 0) total = w;
      break;
    }
    total += w;
    off += (u32)w;
    if (w < r) break;
  }
  kfree(k);
  if (total >= 0) {
    if (uoff == 0) fi->off = off;
    else if (off64) copyout(uoff, &off, 8);
    else put_user32(uoff, (u32)off);
  }
  return total;
}

long sys_sendfile(int out, int in, uaddr_t uoff, u32 count) { return do_sendfile(out, in, uoff, count, false); }
long sys_sendfile64(int out, int in, uaddr_t uoff, u32 count) { return do_sendfile(out, in, uoff, count, true); }
