/* main.c: the boot sequence. CPU 0 enters main() from start.S: board description, page
 * allocator, kernel VM, its own CPU (vectors, TLB, timer, interrupts), clocks, caches and
 * tables, the console tty, the first process; then it releases the other CPUs (mpmain) and
 * every CPU runs the scheduler. The first process mounts the root file system in its own
 * context (disk I/O sleeps) and executes init. */
#include "types.h"
#include "defs.h"
#include "proc.h"
#include "fs.h"
#include "hal.h"
#include "mips.h"

static char init_path[128];

static void parse_cmdline(const char *s) {
  while (*s) {
    while (*s == ' ') s++;
    const char *e = s;
    while (*e && *e != ' ') e++;
    u32 len = (u32)(e - s);
    if (len == 6 && strncmp(s, "strace", 6) == 0) syscall_trace = 1;
    if (len == 10 && strncmp(s, "strace=err", 10) == 0) syscall_trace = 2;
    if (len > 5 && strncmp(s, "init=", 5) == 0 && len - 5 < sizeof init_path) {
      memcpy(init_path, s + 5, len - 5);
      init_path[len - 5] = '\0';
    }
    s = e;
  }
}

static void cpu_setup(int id) {
  struct cpu *c = &cpus[id];
  c->id = id;
  c->asid_gen = 1;
  c->asid_last = 0;
  hal_cpu_init(id);
  mm_activate(NULL);
  c->started = true;
}

void main(u32 board_info, u32 bootarg) {
  hal_early_init(board_info, bootarg);
  kprintf("\ndisco guest kernel: %d CPUs, %d nodes\n", hal_ncpu(), hal_nnode());
  parse_cmdline(hal_cmdline());
  kinit();
  u32 total, free;
  kmem_stats(&total, &free);
  kprintf("memory: %u KiB free of %u KiB\n", free * 4, total * 4);
  vm_init();
  cpu_setup(0);
  time_init();
  random_init(hal_cycles(), hal_rtc_ns());
  iinit();
  fileinit();
  tty_init();
  userinit();
  for (int c = 1; c < hal_ncpu(); c++) hal_start_secondary(c);
  scheduler();
}

void mpmain(int cpu) {
  cpu_setup(cpu);
  scheduler();
}

/* In the first process, before its first return to user mode. */
void init_first_process(void) {
  struct proc *p = myproc();
  ext2_mount();
  namei_init();
  p->cwd = idup(root_inode());
  long fd = kernel_open("/dev/console", O_RDWR);
  if (fd < 0) {
    struct file *f = dev_open_anon(MAJOR_TTYAUX, 1, O_RDWR);
    fd = f ? fdalloc(f, 0, false) : -ENFILE;
    tty_open(p, false);
  }
  if (fd != 0) panic("init: no console (%d)", (int)fd);
  fdalloc(filedup(p->ofile[0]), 1, false);
  fdalloc(filedup(p->ofile[0]), 2, false);
  static char *const envp[] = { "HOME=/", "PATH=/sbin:/bin:/usr/sbin:/usr/bin", "TERM=vt100", NULL };
  static const char *const candidates[] = { "/sbin/init", "/bin/init", "/bin/sh" };
  if (init_path[0] != '\0') {
    char *const argv[] = { init_path, NULL };
    int r = kernel_execve(init_path, argv, envp);
    if (r == 0) return;
    kprintf("init: cannot run %s (error %d)\n", init_path, -r);
  }
  for (u32 i = 0; i < NELEM(candidates); i++) {
    char *const argv[] = { (char *)candidates[i], NULL };
    if (kernel_execve(candidates[i], argv, envp) == 0) return;
  }
  panic("no init found (tried /sbin/init, /bin/init, /bin/sh)");
}

void fs_sync(bool unmount) {
  ext2_sync(unmount);
}
