/* fs.h: in-memory inodes (ext2 files and the synthetic procfs ones), the buffer cache's
 * blocks, open files, pipes and the character-device switch. */
#ifndef FS_H
#define FS_H

#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "ext2.h"

enum { DEV_ROOT = 1, DEV_PROC = 2, DEV_NFS = 3 };   /* st_dev: ext2, procfs, DNFS mounts (nfs.c) */
#define NMOUNT 4            /* DNFS mounts: devs DEV_NFS .. DEV_NFS + NMOUNT - 1 */

/* procfs node kinds (inode numbers encode kind and pid, see procfs.c) */
enum { PROC_ROOT = 1, PROC_SELF, PROC_PS, PROC_MEMINFO, PROC_UPTIME, PROC_PIDDIR, PROC_EXE,
       PROC_CMDLINE, PROC_STAT, PROC_MOUNTS, PROC_CPUINFO, PROC_SYSSTAT, PROC_LOADAVG };

struct inode {
  u32 dev;                  /* icache_lock: dev, inum, ref, hnext */
  u32 inum;
  int ref;
  struct inode *hnext;
  struct sleeplock lock;    /* protects everything below */
  bool valid;               /* d has been read from disk */
  bool pcached;             /* pages of it may sit in the page cache (pcache lock) */
  struct ext2_dinode d;     /* ext2: a copy of the disk inode */
  int pkind;                /* procfs: PROC_* */
  int ppid_;                /* procfs: the pid a per-process node is about */
};

#define B_VALID 0x1         /* data holds the block's contents */
#define B_DIRTY 0x2         /* data must be written to disk */
struct buf {
  u32 flags;
  u32 blockno;              /* in file-system blocks */
  struct sleeplock lock;
  u32 refcnt;               /* bcache lock */
  struct buf *prev, *next;  /* LRU list, bcache lock */
  struct buf *hnext;        /* hash chain by blockno, bcache lock */
  bool hashed;
  struct buf *qnext;        /* disk queue, disk lock */
  bool io_done, io_error;   /* disk lock */
  bool io_waiting;          /* disk lock: the requester sleeps */
  u8 *data;
};

enum { FD_NONE, FD_PIPE, FD_INODE, FD_DEV, FD_PROC };
struct file {
  int type;
  int ref;                  /* ftable lock */
  u32 flags;                /* O_ACCMODE | O_APPEND | O_NONBLOCK ... (F_SETFL) */
  struct pipe *pipe;        /* FD_PIPE */
  bool pipe_write;          /* FD_PIPE: the write end */
  struct inode *ip;         /* FD_INODE, FD_DEV (may be NULL), FD_PROC */
  u64 off;                  /* FD_INODE/FD_PROC: under ip->lock; FD_DEV: unused */
  u16 major, minor;         /* FD_DEV */
  char *pdata;              /* FD_PROC: the text, generated at open */
  u32 plen;
};

#define FMODE_READ(f)  (((f)->flags & O_ACCMODE) != O_WRONLY)
#define FMODE_WRITE(f) (((f)->flags & O_ACCMODE) != O_RDONLY)

struct devsw {
  ssize_t (*read)(struct file *f, uaddr_t dst, u32 n);
  ssize_t (*write)(struct file *f, uaddr_t src, u32 n);
  int (*ioctl)(struct file *f, u32 cmd, u32 arg);
  int (*poll)(struct file *f);         /* POLLIN/POLLOUT/POLLHUP now ready */
};

/* device numbers */
#define MAJOR_MEM 1     /* minor 3 null, 5 zero, 8 random, 9 urandom */
#define MAJOR_TTY 4     /* tty0.. : all the console */
#define MAJOR_TTYAUX 5  /* minor 0 /dev/tty, 1 /dev/console */

#endif
