/* procfs.c: a tiny /proc. Inode numbers encode the node kind (low byte) and a pid. It has
 * /proc/self (a link to the caller's pid directory), /proc/<pid>/exe (a link to the
 * program's path: busybox sh re-executes itself through /proc/self/exe), /proc/<pid>/cmdline
 * and stat, /proc/ps ("pid ppid state name" per line), meminfo, uptime, mounts and cpuinfo.
 * File contents are generated when the file is opened. */
#include "types.h"
#include "defs.h"
#include "fs.h"
#include "proc.h"
#include "hal.h"

#define PINUM(kind, pid) ((u32)(kind) | ((u32)(pid) << 8))
#define PKIND(inum) ((int)((inum) & 0xff))
#define PPID(inum) ((int)((inum) >> 8))

static const struct { const char *name; int kind; } rootfiles[] = {
  { "self", PROC_SELF }, { "ps", PROC_PS }, { "meminfo", PROC_MEMINFO }, { "uptime", PROC_UPTIME },
  { "mounts", PROC_MOUNTS }, { "cpuinfo", PROC_CPUINFO }, { "stat", PROC_SYSSTAT }, { "loadavg", PROC_LOADAVG },
};
static const struct { const char *name; int kind; } pidfiles[] = {
  { "exe", PROC_EXE }, { "cmdline", PROC_CMDLINE }, { "stat", PROC_STAT },
};

struct inode *procfs_root(void) {
  return iget(DEV_PROC, PINUM(PROC_ROOT, 0));
}

void procfs_fill(struct inode *ip) {
  int kind = PKIND(ip->inum);
  memset(&ip->d, 0, sizeof ip->d);
  ip->pkind = kind;
  ip->ppid_ = PPID(ip->inum);
  u32 now = now_seconds();
  ip->d.i_atime = ip->d.i_mtime = ip->d.i_ctime = now;
  if (kind == PROC_ROOT || kind == PROC_PIDDIR) {
    ip->d.i_mode = S_IFDIR | 0555;
    ip->d.i_links_count = 2;
  } else if (kind == PROC_SELF || kind == PROC_EXE) {
    ip->d.i_mode = S_IFLNK | 0777;
    ip->d.i_links_count = 1;
  } else {
    ip->d.i_mode = S_IFREG | 0444;
    ip->d.i_links_count = 1;
  }
}

static int parse_pid(const char *s) {
  int v = 0;
  if (*s == '\0') return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || v > 1000000) return -1;
    v = v * 10 + (*s - '0');
  }
  return v;
}

static bool pid_alive(int pid) {
  acquire(&ptable_lock);
  bool ok = proc_by_pid(pid) != NULL;
  release(&ptable_lock);
  return ok;
}

struct inode *procfs_lookup(struct inode *dp, const char *name) {
  if (strcmp(name, ".") == 0) return idup(dp);
  if (dp->pkind == PROC_ROOT) {
    if (strcmp(name, "..") == 0) return idup(root_inode());
    for (u32 i = 0; i < NELEM(rootfiles); i++)
      if (strcmp(name, rootfiles[i].name) == 0) return iget(DEV_PROC, PINUM(rootfiles[i].kind, 0));
    int pid = parse_pid(name);
    if (pid > 0 && pid_alive(pid)) return iget(DEV_PROC, PINUM(PROC_PIDDIR, pid));
    return NULL;
  }
  if (dp->pkind == PROC_PIDDIR) {
    if (strcmp(name, "..") == 0) return procfs_root();
    for (u32 i = 0; i < NELEM(pidfiles); i++)
      if (strcmp(name, pidfiles[i].name) == 0) return iget(DEV_PROC, PINUM(pidfiles[i].kind, dp->ppid_));
  }
  return NULL;
}

int procfs_readlink(struct inode *ip, char *buf, u32 cap) {
  if (ip->pkind == PROC_SELF) return snprintf(buf, cap, "%d", myproc()->pid);
  if (ip->pkind != PROC_EXE) return -EINVAL;
  acquire(&ptable_lock);
  struct proc *p = proc_by_pid(ip->ppid_);
  int n = -ENOENT;
  if (p != NULL && p->exe != NULL) {
    strlcpy(buf, p->exe, cap);
    n = (int)strlen(buf);
  }
  release(&ptable_lock);
  return n;
}

int procfs_path(struct inode *ip, char *buf, u32 cap) {
  int n = ip->pkind == PROC_PIDDIR ? snprintf(buf, cap, "/proc/%d", ip->ppid_) : snprintf(buf, cap, "/proc");
  return (u32)n < cap ? n : -ERANGE;
}

static char state_char(enum procstate s) {
  switch (s) {
  case P_RUNNING:
  case P_RUNNABLE: return 'R';
  case P_SLEEPING: return 'S';
  case P_STOPPED: return 'T';
  case P_ZOMBIE: return 'Z';
  default: return '?';
  }
}

/* /proc/stat: busy and idle ticks, all CPUs and each. */
static u32 sysstat(char *out, u32 cap) {
  u64 busy = 0, all = 0;
  for (int c = 0; c < hal_ncpu(); c++) busy += cpus[c].busy_ticks, all += cpus[c].ticks;
  u32 n = snprintf(out, cap, "cpu  %u 0 0 %u 0 0 0 0 0 0\n", (u32)busy, (u32)(all - busy));
  for (int c = 0; c < hal_ncpu() && n < cap; c++)
    n += snprintf(out + n, cap - n, "cpu%d %u 0 0 %u 0 0 0 0 0 0\n", c, (u32)cpus[c].busy_ticks,
                  (u32)(cpus[c].ticks - cpus[c].busy_ticks));
  if (n < cap) n += snprintf(out + n, cap - n, "btime %u\nprocesses %d\n", now_seconds() - (u32)(jiffies / HZ), nprocs());
  return n;
}

/* /proc/<pid>/stat in Linux's 52-field format (what busybox ps and top parse). */
static u32 pidstat(int pid, char *out, u32 cap) {
  u32 n = 0;
  acquire(&ptable_lock);
  struct proc *p = proc_by_pid(pid);
  if (p != NULL) {
    u32 start = (u32)(p->start_cycles / (hal_cycles_hz() / HZ));
    n = snprintf(out, cap,
                 "%d (%s) %c %d %d %d 34817 %d 0 0 0 0 0 %u %u %u %u 20 0 1 0 %u %u %u 4294967295"
                 " 0 0 0 0 0 0 0 0 0 0 0 0 0 17 %d 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
                 p->pid, p->name, state_char(p->state), p->parent ? p->parent->pid : 0, p->pgid, p->sid,
                 p->pgid, (u32)p->utime, (u32)p->stime, (u32)p->cutime, (u32)p->cstime, start,
                 p->mm ? p->mm->rss * PGSIZE : 0, p->mm ? p->mm->rss : 0, p->cpu);
  }
  release(&ptable_lock);
  return n;
}

/* Generate the text of a procfs file into a page. */
static int generate(struct inode *ip, char *out, u32 cap) {
  u32 n = 0;
  switch (ip->pkind) {
  case PROC_PS:
    acquire(&ptable_lock);
    for (int i = 0; i < NPROC; i++) {
      struct proc *p = proc_slot(i);
      if (p->state == P_UNUSED || p->state == P_EMBRYO) continue;
      n += snprintf(out + n, cap - n, "%d %d %c %s\n", p->pid, p->parent ? p->parent->pid : 0,
                    state_char(p->state), p->name);
      if (n >= cap) break;
    }
    release(&ptable_lock);
    break;
  case PROC_MEMINFO: {
    u32 total, free;
    kmem_stats(&total, &free);
    n = snprintf(out, cap, "MemTotal: %u kB\nMemFree: %u kB\nMemAvailable: %u kB\n", total * 4, free * 4, free * 4);
    break;
  }
  case PROC_UPTIME: {
    u64 ns = monotonic_ns();
    u32 s = (u32)(ns / 1000000000ull), cs = (u32)(ns / 10000000ull % 100);
    n = snprintf(out, cap, "%u.%02u 0.00\n", s, cs);
    break;
  }
  case PROC_SYSSTAT:
    n = sysstat(out, cap);
    break;
  case PROC_LOADAVG:
    n = snprintf(out, cap, "0.00 0.00 0.00 1/%d %d\n", nprocs(), myproc()->pid);
    break;
  case PROC_MOUNTS:
    n = snprintf(out, cap, "/dev/root / ext2 rw 0 0\nproc /proc proc rw 0 0\n");
    break;
  case PROC_CPUINFO:
    for (int c = 0; c < hal_ncpu() && n < cap; c++)
      n += snprintf(out + n, cap - n, "processor\t: %d\ncpu model\t: MIPS 24K (disco emulated)\nnode\t\t: %d\n\n", c, hal_cpu_node(c));
    break;
  case PROC_CMDLINE: {
    acquire(&ptable_lock);    /* keeps p->mm alive: exit and exec swap it under the lock */
    struct proc *p = proc_by_pid(ip->ppid_);
    if (p != NULL && p->mm != NULL && p->arg_end > p->arg_start)
      n = mm_peek(p->mm, p->arg_start, out, MIN(p->arg_end - p->arg_start, cap));
    release(&ptable_lock);
    break;
  }
  case PROC_STAT:
    n = pidstat(ip->ppid_, out, cap);
    break;
  }
  return (int)MIN(n, cap);
}

/* Prepare an opened procfs file: regular files get their text now. */
int procfs_open(struct file *f) {
  struct inode *ip = f->ip;
  if (S_ISDIR(ip->d.i_mode)) return 0;
  char *page = kalloc();
  if (page == NULL) return -ENOMEM;
  f->plen = (u32)generate(ip, page, PGSIZE);
  f->pdata = page;
  return 0;
}

static int emit(u8 *buf, u32 cap, u32 *filled, u64 ino, u32 idx, u8 type, const char *name) {
  u32 len = (u32)strlen(name);
  u32 reclen = ALIGN_UP(19u + len + 1, 8u);
  if (*filled + reclen > cap) return -1;
  u8 *r = buf + *filled;
  s64 next = idx + 1;
  u16 rl = (u16)reclen;
  memcpy(r, &ino, 8);
  memcpy(r + 8, &next, 8);
  memcpy(r + 16, &rl, 2);
  r[18] = type;
  memcpy(r + 19, name, len);
  memset(r + 19 + len, 0, reclen - 19 - len);
  *filled += reclen;
  return 0;
}

/* getdents64 on a procfs directory; *pos counts entries. */
int procfs_readdir(struct inode *dp, u32 *pos, u8 *buf, u32 cap) {
  u32 filled = 0;
  for (;;) {
    u32 i = *pos;
    char name[16];
    u64 ino;
    u8 type;
    if (i == 0) ino = dp->inum, type = DT_DIR, strlcpy(name, ".", sizeof name);
    else if (i == 1) ino = 1, type = DT_DIR, strlcpy(name, "..", sizeof name);
    else if (dp->pkind == PROC_ROOT && i - 2 < NELEM(rootfiles)) {
      ino = PINUM(rootfiles[i - 2].kind, 0);
      type = rootfiles[i - 2].kind == PROC_SELF ? DT_LNK : DT_REG;
      strlcpy(name, rootfiles[i - 2].name, sizeof name);
    } else if (dp->pkind == PROC_ROOT) {
      u32 slot = i - 2 - NELEM(rootfiles);
      if (slot >= NPROC) break;
      struct proc *p = proc_slot((int)slot);
      int pid = (p->state == P_UNUSED || p->state == P_EMBRYO) ? 0 : p->pid;
      if (pid == 0) {
        (*pos)++;
        continue;
      }
      ino = PINUM(PROC_PIDDIR, pid);
      type = DT_DIR;
      snprintf(name, sizeof name, "%d", pid);
    } else if (dp->pkind == PROC_PIDDIR && i - 2 < NELEM(pidfiles)) {
      ino = PINUM(pidfiles[i - 2].kind, dp->ppid_);
      type = pidfiles[i - 2].kind == PROC_EXE ? DT_LNK : DT_REG;
      strlcpy(name, pidfiles[i - 2].name, sizeof name);
    } else {
      break;
    }
    if (emit(buf, cap, &filled, ino, i, type, name) < 0) break;
    (*pos)++;
  }
  return (int)filled;
}
