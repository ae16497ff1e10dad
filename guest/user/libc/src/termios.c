/* termios.c: tcgetattr/tcsetattr via TCGETS/TCSETS{,W,F}; our struct termios is the
 * kernel's own 40-byte layout, so no conversion is needed. */
#include <termios.h>
#include <sys/ioctl.h>
#include <errno.h>

int tcgetattr(int fd, struct termios *t)
{
  return ioctl(fd, TCGETS, t);
}

int tcsetattr(int fd, int action, const struct termios *t)
{
  if (action < TCSANOW || action > TCSAFLUSH) {
    errno = EINVAL;
    return -1;
  }
  return ioctl(fd, TCSETS + action, (void *)t);
}
