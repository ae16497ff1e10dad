/* dirent.c: opendir/readdir/closedir over getdents64 (records: ino u64, off s64,
 * reclen u16, type u8, name). */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdint.h>
#include "internal.h"

struct DIR {
  int fd;
  int pos, len;
  struct dirent ent;
  char buf[4096];
};

DIR *opendir(const char *path)
{
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d;

  if (fd < 0)
    return 0;
  d = malloc(sizeof *d);
  if (!d) {
    close(fd);
    return 0;
  }
  d->fd = fd;
  d->pos = d->len = 0;
  return d;
}

struct dirent *readdir(DIR *d)
{
  unsigned char *rec;
  uint16_t reclen;
  uint64_t ino;

  if (d->pos >= d->len) {
    long n = __sysret(__sys_getdents64(d->fd, d->buf, sizeof d->buf));
    if (n <= 0)
      return 0;
    d->len = (int)n;
    d->pos = 0;
  }
  rec = (unsigned char *)d->buf + d->pos;
  memcpy(&ino, rec, 8);
  memcpy(&reclen, rec + 16, 2);
  d->pos += reclen;
  d->ent.d_ino = ino;
  d->ent.d_type = rec[18];
  strncpy(d->ent.d_name, (char *)rec + 19, sizeof d->ent.d_name - 1);
  d->ent.d_name[sizeof d->ent.d_name - 1] = 0;
  return &d->ent;
}

int closedir(DIR *d)
{
  int r = close(d->fd);

  free(d);
  return r;
}
