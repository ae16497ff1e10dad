/* cksum [file...]: the POSIX checksum (CRC-32, polynomial 0x04C11DB7, the length appended)
 * and size of each file, as "crc size name". */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

static unsigned char buf[8192];
static unsigned table[256];

static unsigned step(unsigned crc, unsigned char b)
{
  return (crc << 8) ^ table[((crc >> 24) ^ b) & 0xff];
}

int main(int argc, char **argv)
{
  int status = 0;

  for (unsigned i = 0; i < 256; i++) {
    unsigned c = i << 24;
    for (int k = 0; k < 8; k++) c = c & 0x80000000u ? (c << 1) ^ 0x04c11db7u : c << 1;
    table[i] = c;
  }
  for (int i = 1; i < argc || i == 1; i++) {
    const char *name = i < argc ? argv[i] : 0;
    int fd = name ? open(name, O_RDONLY) : 0;
    if (fd < 0) {
      fprintf(stderr, "cksum: %s: %s\n", name, strerror(errno));
      status = 1;
      continue;
    }
    unsigned crc = 0;
    unsigned long long len = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
      for (ssize_t k = 0; k < n; k++) crc = step(crc, buf[k]);
      len += (unsigned long long)n;
    }
    if (n < 0) {
      fprintf(stderr, "cksum: %s: %s\n", name ? name : "stdin", strerror(errno));
      status = 1;
    }
    for (unsigned long long l = len; l != 0; l >>= 8) crc = step(crc, (unsigned char)l);
    crc = ~crc;
    if (name) printf("%u %llu %s\n", crc, len, name);
    else printf("%u %llu\n", crc, len);
    if (fd != 0) close(fd);
  }
  return status;
}
