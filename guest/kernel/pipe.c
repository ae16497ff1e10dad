/* pipe.c: pipes. A ring buffer of PIPESIZE bytes with reader and writer counts; readers
 * sleep while it is empty and writers while it is full; writing with no reader left
 * raises SIGPIPE and fails with EPIPE. Writes of at most PIPESIZE bytes are atomic. */
#include "types.h"
#include "defs.h"
#include "fs.h"
#include "proc.h"

struct pipe {
  struct spinlock lock;
  u32 nread, nwrite;          /* total bytes read / written */
  int readers, writers;       /* open ends */
  u8 *data;                   /* PIPESIZE bytes, a page of its own */
};

int pipealloc(struct file **rf, struct file **wf) {
  struct pipe *pi = kzalloc(sizeof *pi);
  u8 *data = kalloc();
  *rf = filealloc();
  *wf = *rf ? filealloc() : NULL;
  if (pi == NULL || data == NULL || *rf == NULL || *wf == NULL) {
    if (*rf) fileclose(*rf);
    if (*wf) fileclose(*wf);
    if (data) kfree(data);
    kmfree(pi);
    return -ENFILE;
  }
  pi->data = data;
  initlock(&pi->lock, "pipe");
  pi->readers = pi->writers = 1;
  (*rf)->type = (*wf)->type = FD_PIPE;
  (*rf)->pipe = (*wf)->pipe = pi;
  (*rf)->flags = O_RDONLY;
  (*wf)->flags = O_WRONLY;
  (*wf)->pipe_write = true;
  return 0;
}

void pipeclose(struct pipe *pi, bool writer) {
  acquire(&pi->lock);
  if (writer) pi->writers--;
  else pi->readers--;
  bool last = pi->readers == 0 && pi->writers == 0;
  wakeup(&pi->nread);
  wakeup(&pi->nwrite);
  release(&pi->lock);
  poll_wakeup();
  if (last) {
    kfree(pi->data);
    kmfree(pi);
  }
}

/* Copy through a kernel buffer: user memory is never touched with the pipe locked. */
ssize_t pipewrite(struct file *f, uaddr_t src, u32 n) {
  struct pipe *pi = f->pipe;
  u8 *kbuf = kmalloc(PIPESIZE);
  if (kbuf == NULL) return -ENOMEM;
  u32 done = 0;
  ssize_t err = 0;
  bool atomic = n <= PIPESIZE;
  while (done < n && err == 0) {
    u32 m = MIN(n - done, (u32)PIPESIZE);
    if (copyin(kbuf, src + done, m) < 0) {
      err = -EFAULT;
      break;
    }
    acquire(&pi->lock);
    u32 put = 0;
    while (put < m) {
      if (pi->readers == 0) {
        err = -EPIPE;
        break;
      }
      u32 space = PIPESIZE - (pi->nwrite - pi->nread);
      if (space == 0 || (atomic && put == 0 && space < m)) {
        if (f->flags & O_NONBLOCK) {
          err = -EAGAIN;
          break;
        }
        wakeup(&pi->nread);
        if (sleep_on(&pi->nwrite, &pi->lock, true, 0) == -EINTR) {
          err = -ERESTARTSYS;
          break;
        }
        continue;
      }
      u32 k = MIN(space, m - put);
      for (u32 i = 0; i < k; i++) pi->data[pi->nwrite++ % PIPESIZE] = kbuf[put + i];
      put += k;
      wakeup(&pi->nread);
    }
    release(&pi->lock);
    done += put;
  }
  kmfree(kbuf);
  poll_wakeup();
  if (err == -EPIPE) signal_send(myproc(), SIGPIPE);
  return done > 0 ? (ssize_t)done : err;
}

ssize_t piperead(struct file *f, uaddr_t dst, u32 n) {
  struct pipe *pi = f->pipe;
  u8 *kbuf = kmalloc(PIPESIZE);
  if (kbuf == NULL) return -ENOMEM;
  acquire(&pi->lock);
  while (pi->nread == pi->nwrite && pi->writers > 0) {
    int r = (f->flags & O_NONBLOCK) ? -EAGAIN : sleep_on(&pi->nread, &pi->lock, true, 0);
    if (r < 0) {
      release(&pi->lock);
      kmfree(kbuf);
      return r == -EAGAIN ? -EAGAIN : -ERESTARTSYS;
    }
  }
  u32 m = MIN(MIN(n, pi->nwrite - pi->nread), (u32)PIPESIZE);
  for (u32 i = 0; i < m; i++) kbuf[i] = pi->data[pi->nread++ % PIPESIZE];
  wakeup(&pi->nwrite);
  release(&pi->lock);
  poll_wakeup();
  int r = copyout(dst, kbuf, m);
  kmfree(kbuf);
  return r < 0 ? -EFAULT : (ssize_t)m;
}

int pipepoll(struct file *f) {
  struct pipe *pi = f->pipe;
  int m = 0;
  acquire(&pi->lock);
  if (!f->pipe_write) {
    if (pi->nread != pi->nwrite) m |= POLLIN;
    if (pi->writers == 0) m |= POLLHUP;
  } else {
    if (pi->nwrite - pi->nread < PIPESIZE) m |= POLLOUT;
    if (pi->readers == 0) m |= POLLERR;
  }
  release(&pi->lock);
  return m;
}

u32 pipe_available(struct file *f) {
  return f->pipe->nwrite - f->pipe->nread;
}
