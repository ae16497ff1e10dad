/* termios.h: the kernel's 40-byte struct termios (MIPS: NCCS 23, VMIN 4, VEOF 16) and
 * tcgetattr/tcsetattr over the TCGETS/TCSETS ioctls. */
#ifndef _TERMIOS_H
#define _TERMIOS_H
#define NCCS 23
typedef unsigned int tcflag_t;
typedef unsigned char cc_t;

struct termios {
  tcflag_t c_iflag, c_oflag, c_cflag, c_lflag;
  cc_t c_line;
  cc_t c_cc[NCCS];
};

#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VMIN 4
#define VTIME 5
#define VEOF 16
#define ICRNL 0x100
#define IXON 0x400
#define OPOST 0x1
#define ONLCR 0x4
#define ISIG 0x1
#define ICANON 0x2
#define ECHO 0x8
#define ECHOE 0x10
#define ECHOK 0x20
#define IEXTEN 0x100
#define TCSANOW 0
#define TCSADRAIN 1
#define TCSAFLUSH 2

int tcgetattr(int fd, struct termios *t);
int tcsetattr(int fd, int action, const struct termios *t);
#endif
