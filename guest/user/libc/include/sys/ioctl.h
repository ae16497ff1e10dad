/* sys/ioctl.h: ioctl(2) and the tty request numbers (MIPS encoding). */
#ifndef _SYS_IOCTL_H
#define _SYS_IOCTL_H
#define TCGETS 0x540d
#define TCSETS 0x540e
#define TCSETSW 0x540f
#define TCSETSF 0x5410
#define TIOCSCTTY 0x5480
#define TIOCGPGRP 0x40047477
#define TIOCSPGRP 0x80047476
#define TIOCGWINSZ 0x40087468
#define FIONREAD 0x467f

struct winsize {
  unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel;
};
int ioctl(int fd, unsigned long req, ...);
#endif
