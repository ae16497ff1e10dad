/* stat.c: stat/lstat/fstat through statx (4366), the call glibc uses too, converted to our
 * struct stat. statx's layout is the same on every architecture (256 bytes). */
#include <sys/stat.h>
#include <fcntl.h>
#include <string.h>
#include <stdint.h>
#include "internal.h"


struct statx_buf {
  uint32_t mask, blksize;
  uint64_t attributes;
  uint32_t nlink, uid, gid;
  uint16_t mode, pad0;
  uint64_t ino, size, blocks, attributes_mask;
  struct { int64_t sec; uint32_t nsec; int32_t pad; } atime, btime, ctime, mtime;
  uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
  uint64_t spare[14];
};

static int do_statx(int dirfd, const char *path, int flags, struct stat *st)
{
  struct statx_buf sx;
  long r;

  memset(&sx, 0, sizeof sx);
  r = __sys_statx(dirfd, path, flags | AT_NO_AUTOMOUNT, STATX_BASIC_STATS, &sx);
  if (r < 0)
    return __sysret(r);
  memset(st, 0, sizeof *st);
  st->st_dev = sx.dev_major << 8 | sx.dev_minor;
  st->st_ino = sx.ino;
  st->st_mode = sx.mode;
  st->st_nlink = sx.nlink;
  st->st_uid = sx.uid;
  st->st_gid = sx.gid;
  st->st_rdev = sx.rdev_major << 8 | sx.rdev_minor;
  st->st_size = (long long)sx.size;
  st->st_blksize = sx.blksize;
  st->st_blocks = (long long)sx.blocks;
  st->st_atime = (time_t)sx.atime.sec;
  st->st_mtime = (time_t)sx.mtime.sec;
  st->st_ctime = (time_t)sx.ctime.sec;
  return 0;
}

int stat(const char *path, struct stat *st) { return do_statx(AT_FDCWD, path, 0, st); }
int lstat(const char *path, struct stat *st) { return do_statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, st); }
int fstat(int fd, struct stat *st) { return do_statx(fd, "", AT_EMPTY_PATH, st); }
