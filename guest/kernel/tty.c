/* tty.c: the console terminal and its line discipline. Bytes from the UART arrive through
 * cons_rx() (interrupt context). In canonical mode a line is edited in place (erase, kill,
 * echo) and becomes readable at newline or EOF (^D); in raw mode every byte is readable at
 * once. ^C, ^\ and ^Z send SIGINT, SIGQUIT and SIGTSTP to the foreground process group.
 * Output turns "\n" into "\r\n" (OPOST|ONLCR). termios ioctls use the 40-byte MIPS
 * struct termios; the window is 80x24 until the platform reports a size (cons_winsize). */
#include "types.h"
#include "defs.h"
#include "fs.h"
#include "proc.h"
#include "hal.h"

static struct {
  struct spinlock lock;
  struct ktermios t;
  u8 buf[TTYBUF];
  u32 r, w, e;                /* read, committed (readable up to), edit positions */
  int pgrp, sid;              /* foreground process group, controlling session */
  struct winsize ws;
} tty;

void tty_init(void) {
  initlock(&tty.lock, "tty");
  tty.t.c_iflag = ICRNL | IXON;
  tty.t.c_oflag = OPOST | ONLCR;
  tty.t.c_cflag = B38400 | CS8 | CREAD | HUPCL;
  tty.t.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
  static const u8 cc[NCCS] = { [VINTR] = 3, [VQUIT] = 0x1c, [VERASE] = 0x7f, [VKILL] = 0x15,
                               [VMIN] = 1, [VTIME] = 0, [VSTART] = 0x11, [VSTOP] = 0x13, [VSUSP] = 0x1a,
                               [VREPRINT] = 0x12, [VDISCARD] = 0x0f, [VWERASE] = 0x17, [VLNEXT] = 0x16,
                               [VEOF] = 4 };
  memcpy(tty.t.c_cc, cc, NCCS);
  tty.ws.ws_row = 24;
  tty.ws.ws_col = 80;
  hal_cons_enable_rx();
}

static void out_raw(int c) {
  if ((tty.t.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR) && c == '\n') hal_cons_putc('\r');
  hal_cons_putc(c);
}

static void echo(int c) {
  if (!(tty.t.c_lflag & ECHO)) {
    if (c == '\n' && (tty.t.c_lflag & ECHONL)) out_raw('\n');
    return;
  }
  if (c < 0x20 && c != '\n' && c != '\t' && (tty.t.c_lflag & ECHOCTL)) {
    out_raw('^');
    out_raw(c + '@');
  } else {
    out_raw(c);
  }
}

static void erase_one(void) {
  if (tty.e == tty.w) return;
  u8 c = tty.buf[(tty.e - 1) % TTYBUF];
  tty.e--;
  if (tty.t.c_lflag & ECHO) {
    int n = (c < 0x20 && (tty.t.c_lflag & ECHOCTL)) ? 2 : 1;
    for (int i = 0; i < n; i++) {
      out_raw('\b');
      out_raw(' ');
      out_raw('\b');
    }
  }
}

static void put_input(u8 c) {
  if (tty.e - tty.r < TTYBUF - 1) tty.buf[tty.e++ % TTYBUF] = c;
}

static void commit(void) {
  tty.w = tty.e;
  wakeup(&tty.r);
  poll_wakeup();
}

static void isig(int sig, int c) {
  if (!(tty.t.c_lflag & 0x80)) tty.e = tty.w = tty.r;   /* NOFLSH clear: flush input */
  echo(c);
  int pgrp = tty.pgrp;
  if (pgrp > 0) {
    release(&tty.lock);
    signal_pgrp(pgrp, sig);
    acquire(&tty.lock);
  }
}

/* The platform's console window has this size (interrupt context, or boot): TIOCGWINSZ returns
 * it from now on and, when it changed, the foreground process group gets SIGWINCH. */
void cons_winsize(int rows, int cols) {
  acquire(&tty.lock);
  bool changed = tty.ws.ws_row != rows || tty.ws.ws_col != cols;
  tty.ws.ws_row = (u16)rows;
  tty.ws.ws_col = (u16)cols;
  int pgrp = tty.pgrp;
  release(&tty.lock);
  if (changed && pgrp > 0) signal_pgrp(pgrp, SIGWINCH);
}

/* One received byte (interrupt context). */
void cons_rx(int c) {
  acquire(&tty.lock);
  cons_lock_acquire();
  struct ktermios *t = &tty.t;
  if (c == '\r' && (t->c_iflag & IGNCR)) goto out;
  if (c == '\r' && (t->c_iflag & ICRNL)) c = '\n';
  else if (c == '\n' && (t->c_iflag & INLCR)) c = '\r';
  if (t->c_lflag & ISIG) {
    int sig = c == t->c_cc[VINTR] ? SIGINT : c == t->c_cc[VQUIT] ? SIGQUIT : c == t->c_cc[VSUSP] ? SIGTSTP : 0;
    if (sig != 0 && c != 0) {
      cons_lock_release();
      isig(sig, c);
      release(&tty.lock);
      return;
    }
  }
  if (t->c_lflag & ICANON) {
    if (c == 0x10) {                     /* ^P: process table (debugging aid) */
      cons_lock_release();
      release(&tty.lock);
      procdump();
      return;
    }
    if (c == t->c_cc[VERASE] || c == '\b') {
      erase_one();
    } else if (c == t->c_cc[VKILL]) {
      while (tty.e != tty.w) erase_one();
    } else if (c == t->c_cc[VWERASE]) {
      while (tty.e != tty.w && tty.buf[(tty.e - 1) % TTYBUF] == ' ') erase_one();
      while (tty.e != tty.w && tty.buf[(tty.e - 1) % TTYBUF] != ' ') erase_one();
    } else if (c == t->c_cc[VEOF]) {
      put_input((u8)c);
      commit();
    } else {
      put_input((u8)c);
      echo(c);
      if (c == '\n' || tty.e - tty.r >= TTYBUF - 1) commit();
    }
  } else {
    put_input((u8)c);
    echo(c);
    commit();
  }
out:
  cons_lock_release();
  release(&tty.lock);
}

/* Session and foreground-group bookkeeping when a process opens the console. */
void tty_open(struct proc *p, bool noctty) {
  acquire(&tty.lock);
  if (!noctty && tty.sid == 0 && p->sid == p->pid) {
    tty.sid = p->sid;
    tty.pgrp = p->pgid;
  }
  release(&tty.lock);
}

ssize_t tty_read(struct file *f, uaddr_t dst, u32 n) {
  u8 kbuf[256];
  u32 done = 0;
  acquire(&tty.lock);
  bool canon = (tty.t.c_lflag & ICANON) != 0;
  while (tty.r == tty.w) {
    if (!canon && tty.t.c_cc[VMIN] == 0) {
      release(&tty.lock);
      return 0;
    }
    if (f->flags & O_NONBLOCK) {
      release(&tty.lock);
      return -EAGAIN;
    }
    if (sleep_on(&tty.r, &tty.lock, true, 0) == -EINTR) {
      release(&tty.lock);
      return -ERESTARTSYS;
    }
    canon = (tty.t.c_lflag & ICANON) != 0;
  }
  while (done < n && done < sizeof kbuf && tty.r != tty.w) {
    u8 c = tty.buf[tty.r % TTYBUF];
    if (canon && c == tty.t.c_cc[VEOF]) {
      if (done == 0) tty.r++;      /* EOF: consumed, read returns what it has (maybe 0) */
      break;
    }
    tty.r++;
    kbuf[done++] = c;
    if (canon && c == '\n') break;
  }
  release(&tty.lock);
  if (done > 0 && copyout(dst, kbuf, done) < 0) return -EFAULT;
  return (ssize_t)done;
}

ssize_t tty_write(struct file *f, uaddr_t src, u32 n) {
  (void)f;
  u8 kbuf[256];
  u32 done = 0;
  while (done < n) {
    u32 m = MIN(n - done, (u32)sizeof kbuf);
    if (copyin(kbuf, src + done, m) < 0) return done > 0 ? (ssize_t)done : -EFAULT;
    cons_lock_acquire();
    for (u32 i = 0; i < m; i++) out_raw(kbuf[i]);
    cons_lock_release();
    done += m;
  }
  return (ssize_t)done;
}

int tty_poll(struct file *f) {
  (void)f;
  acquire(&tty.lock);
  int m = POLLOUT | (tty.r != tty.w ? POLLIN : 0);
  release(&tty.lock);
  return m;
}

int tty_ioctl(struct file *f, u32 cmd, u32 arg) {
  struct proc *p = myproc();
  struct ktermios t;
  switch (cmd) {
  case TCGETS:
    return copyout(arg, &tty.t, sizeof tty.t) < 0 ? -EFAULT : 0;
  case TCSETS:
  case TCSETSW:
  case TCSETSF:
    if (copyin(&t, arg, sizeof t) < 0) return -EFAULT;
    acquire(&tty.lock);
    bool was_canon = (tty.t.c_lflag & ICANON) != 0;
    tty.t = t;
    if (cmd == TCSETSF) tty.r = tty.w = tty.e;
    if (was_canon && !(t.c_lflag & ICANON)) commit();   /* pending input becomes readable */
    release(&tty.lock);
    return 0;
  case TIOCGWINSZ:
    return copyout(arg, &tty.ws, sizeof tty.ws) < 0 ? -EFAULT : 0;
  case TIOCSWINSZ:
    return copyin(&tty.ws, arg, sizeof tty.ws) < 0 ? -EFAULT : 0;
  case TIOCGPGRP:
    return put_user32(arg, (u32)(tty.pgrp > 0 ? tty.pgrp : p->pgid)) < 0 ? -EFAULT : 0;
  case TIOCSPGRP: {
    u32 pg;
    if (get_user32(&pg, arg) < 0) return -EFAULT;
    if ((int)pg <= 0) return -EINVAL;
    tty.pgrp = (int)pg;
    return 0;
  }
  case TIOCGSID:
    return put_user32(arg, (u32)(tty.sid > 0 ? tty.sid : p->sid)) < 0 ? -EFAULT : 0;
  case TIOCSCTTY:
    tty.sid = p->sid;
    tty.pgrp = p->pgid;
    return 0;
  case TIOCNOTTY:
    return 0;
  case FIONREAD: {
    acquire(&tty.lock);
    u32 n = tty.w - tty.r;
    release(&tty.lock);
    return put_user32(arg, n) < 0 ? -EFAULT : 0;
  }
  case TCFLSH:
    acquire(&tty.lock);
    if (arg == 0 || arg == 2) tty.r = tty.w = tty.e;
    release(&tty.lock);
    return 0;
  case TCSBRK:
  case TCXONC:
    return 0;
  }
  (void)f;
  return -ENOTTY;
}
