/* ttytest: the console's ioctls. TCGETS on the console shows canonical mode with echo and
 * signals, TIOCGWINSZ an 80x24 window; TCSETS turns echo off and back on (checked by reading
 * the settings again); TCGETS on a pipe fails with ENOTTY. Prints "ttytest: OK". */
#include "rt.h"

#define SYS_ioctl 4054
#define SYS_pipe2 4328
#define TCGETS 0x540d
#define TCSETS 0x540e
#define TIOCGWINSZ 0x40087468
#define ENOTTY 25
#define ISIG 0x1
#define ICANON 0x2
#define ECHO 0x8

/* The kernel's o32 struct termios: iflag, oflag, cflag, lflag, line, cc[23] (40 bytes). */
struct ktermios { u32 iflag, oflag, cflag, lflag; unsigned char line, cc[23]; };
struct winsize { unsigned short row, col, xpixel, ypixel; };

static int fail(const char *what, long v) {
  puts_("ttytest: FAIL ");
  puts_(what);
  puts_(" ");
  putnum(v);
  puts_("\n");
  return 1;
}

int main(void) {
  struct ktermios t, t2;
  struct winsize ws = { 0, 0, 0, 0 };
  int fds[2];
  long r;

  if ((r = sys3(SYS_ioctl, 0, TCGETS, &t)) != 0) return fail("TCGETS", r);
  if ((t.lflag & (ISIG | ICANON | ECHO)) != (ISIG | ICANON | ECHO)) return fail("lflag", t.lflag);
  if ((r = sys3(SYS_ioctl, 1, TIOCGWINSZ, &ws)) != 0) return fail("TIOCGWINSZ", r);
  if (ws.row != 24 || ws.col != 80) return fail("window", ws.row * 1000 + ws.col);

  t2 = t;
  t2.lflag &= ~ECHO;
  if ((r = sys3(SYS_ioctl, 0, TCSETS, &t2)) != 0) return fail("TCSETS", r);
  t2.lflag = 0;
  sys3(SYS_ioctl, 0, TCGETS, &t2);
  if (t2.lflag & ECHO) return fail("echo still on", t2.lflag);
  if ((r = sys3(SYS_ioctl, 0, TCSETS, &t)) != 0) return fail("TCSETS restore", r);
  sys3(SYS_ioctl, 0, TCGETS, &t2);
  if (!(t2.lflag & ECHO)) return fail("echo still off", t2.lflag);

  if ((r = sys2(SYS_pipe2, fds, 0)) != 0) return fail("pipe2", r);
  if ((r = sys3(SYS_ioctl, fds[0], TCGETS, &t2)) != -ENOTTY) return fail("TCGETS on a pipe", r);

  puts_("ttytest: OK\n");
  return 0;
}
