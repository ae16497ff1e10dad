/* dev.c: character devices by major number: the memory devices (/dev/null, /dev/zero,
 * /dev/random, /dev/urandom) and the console terminal (tty.c) under majors 4 and 5. */
#include "types.h"
#include "defs.h"
#include "fs.h"
#include "proc.h"

static ssize_t mem_read(struct file *f, uaddr_t dst, u32 n) {
  switch (f->minor) {
  case 3: return 0;                                   /* null */
  case 5: return clear_user(dst, n) < 0 ? -EFAULT : (ssize_t)n;   /* zero */
  case 8:
  case 9: {                                           /* random, urandom */
    u8 kbuf[64];
    u32 done = 0;
    while (done < n) {
      u32 m = MIN(n - done, (u32)sizeof kbuf);
      random_bytes(kbuf, m);
      if (copyout(dst + done, kbuf, m) < 0) return done ? (ssize_t)done : -EFAULT;
      done += m;
    }
    return (ssize_t)done;
  }
  }
  return -ENXIO;
}

static ssize_t mem_write(struct file *f, uaddr_t src, u32 n) {
  (void)src;
  return f->minor == 3 || f->minor == 5 || f->minor == 8 || f->minor == 9 ? (ssize_t)n : -ENXIO;
}

static int mem_poll(struct file *f) {
  (void)f;
  return POLLIN | POLLOUT;
}

static const struct devsw devsw[] = {
  [MAJOR_MEM] = { mem_read, mem_write, NULL, mem_poll },
  [MAJOR_TTY] = { tty_read, tty_write, tty_ioctl, tty_poll },
  [MAJOR_TTYAUX] = { tty_read, tty_write, tty_ioctl, tty_poll },
};

static const struct devsw *dev_of(struct file *f) {
  if (f->major >= NELEM(devsw) || devsw[f->major].read == NULL) return NULL;
  return &devsw[f->major];
}

bool dev_exists(u32 major, u32 minor) {
  if (major == MAJOR_MEM) return minor == 3 || minor == 5 || minor == 8 || minor == 9;
  if (major == MAJOR_TTY) return minor < 64;
  if (major == MAJOR_TTYAUX) return minor <= 1;
  return false;
}

bool dev_is_tty(struct file *f) {
  return f->type == FD_DEV && (f->major == MAJOR_TTY || f->major == MAJOR_TTYAUX);
}

ssize_t dev_read(struct file *f, uaddr_t dst, u32 n) {
  const struct devsw *d = dev_of(f);
  return d ? d->read(f, dst, n) : -ENXIO;
}

ssize_t dev_write(struct file *f, uaddr_t src, u32 n) {
  const struct devsw *d = dev_of(f);
  return d ? d->write(f, src, n) : -ENXIO;
}

int dev_ioctl(struct file *f, u32 cmd, u32 arg) {
  const struct devsw *d = dev_of(f);
  return d && d->ioctl ? d->ioctl(f, cmd, arg) : -ENOTTY;
}

int dev_poll(struct file *f) {
  const struct devsw *d = dev_of(f);
  return d ? d->poll(f) : POLLERR;
}

void dev_close(struct file *f) {
  (void)f;
}

/* An open file on device (major, minor) without an inode (the console for init when the
 * image has no /dev). */
struct file *dev_open_anon(u32 major, u32 minor, u32 flags) {
  struct file *f = filealloc();
  if (f == NULL) return NULL;
  f->type = FD_DEV;
  f->major = (u16)major;
  f->minor = (u16)minor;
  f->flags = flags;
  return f;
}

/* ---- randomness: xorshift128+ seeded from the clocks ------------------------------------------ */

static u64 rs[2];
static struct spinlock rlock = SPINLOCK_INIT("random");

void random_init(u64 seed1, u64 seed2) {
  rs[0] = seed1 ^ 0x9e3779b97f4a7c15ull;
  rs[1] = seed2 ^ 0xbf58476d1ce4e5b9ull;
  if (rs[0] == 0 && rs[1] == 0) rs[1] = 1;
}

static u64 next64(void) {
  u64 s1 = rs[0];
  const u64 s0 = rs[1];
  rs[0] = s0;
  s1 ^= s1 << 23;
  rs[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
  return rs[1] + s0;
}

void random_bytes(void *buf, u32 n) {
  u8 *b = buf;
  acquire(&rlock);
  while (n > 0) {
    u64 v = next64();
    for (int i = 0; i < 8 && n > 0; i++, n--) {
      *b++ = (u8)v;
      v >>= 8;
    }
  }
  release(&rlock);
}
