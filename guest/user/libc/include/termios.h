/* termios.h: the kernel's 40-byte struct termios (MIPS: NCCS 23, VMIN 4, VEOF 16) and
 * tcgetattr/tcsetattr over the TCGETS/TCSETS ioctls; the bits are in uapi/termbits.h. */
#ifndef _TERMIOS_H
#define _TERMIOS_H
#include <uapi/termbits.h>

typedef unsigned int tcflag_t;
typedef unsigned char cc_t;

struct termios {
  tcflag_t c_iflag, c_oflag, c_cflag, c_lflag;
  cc_t c_line;
  cc_t c_cc[NCCS];
};

#define TCSANOW 0
#define TCSADRAIN 1
#define TCSAFLUSH 2

int tcgetattr(int fd, struct termios *t);
int tcsetattr(int fd, int action, const struct termios *t);
#endif
