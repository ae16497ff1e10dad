/* spinlock.h: spinning mutual exclusion on LL/SC (interrupts off while held), and sleeping
 * locks for long holds (buffers, inodes) that may block on I/O. */
#ifndef SPINLOCK_H
#define SPINLOCK_H

#include "types.h"

struct spinlock {
  volatile u32 locked;
  const char *name;
  int cpu;                 /* holder, for debugging and holding() */
};

struct sleeplock {
  bool locked;             /* protected by lk */
  bool wanted;             /* someone sleeps waiting for it */
  struct spinlock lk;
  int pid;                 /* holder */
};

#define SPINLOCK_INIT(n) { 0, (n), -1 }

#endif
