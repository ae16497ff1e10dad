/* memtest: anonymous mmap, munmap, mprotect and brk; copy-on-write after fork (the child's
 * writes must not show in the parent); a store to a read-only page must fault. Prints
 * "memtest: OK" on success. */
#include "rt.h"

static int check(int cond, const char *what) {
  if (!cond) {
    puts_("memtest: FAIL ");
    puts_(what);
    puts_("\n");
  }
  return cond;
}

static volatile int faulted;
static void on_segv(int sig) { (void)sig; faulted = 1; exit_(faulted ? 7 : 8); }

int main(void) {
  int ok = 1;
  char *p = (char *)sys6(SYS_mmap2, 0, 64 * 4096, 3, 0x802, -1, 0);
  ok &= check((long)p > 0, "mmap");
  for (int i = 0; i < 64 * 4096; i += 4096) p[i] = (char)(i >> 12);
  ok &= check(p[5 * 4096] == 5, "mmap contents");
  static int shared_global = 100;
  long pid = sys6(SYS_clone, 18, 0, 0, 0, 0, 0);
  if (pid == 0) {
    shared_global = 200;
    p[4096] = 99;
    exit_(shared_global == 200 && p[4096] == 99 ? 0 : 1);
  }
  int status = -1;
  sys4(SYS_wait4, pid, &status, 0, 0);
  ok &= check(status == 0, "child");
  ok &= check(shared_global == 100 && p[4096] == 1, "copy-on-write");
  ok &= check(sys2(SYS_munmap, p + 8 * 4096, 8 * 4096) == 0, "munmap");
  u32 brk0 = (u32)sys1(SYS_brk, 0);
  u32 brk1 = (u32)sys1(SYS_brk, brk0 + 100000);
  ok &= check(brk1 == brk0 + 100000, "brk grow");
  ((char *)brk0)[99999] = 1;
  ok &= check(sys3(SYS_mprotect, p, 4096, 1) == 0, "mprotect");
  ok &= check(p[0] == 0, "read after mprotect");
  pid = sys6(SYS_clone, 18, 0, 0, 0, 0, 0);
  if (pid == 0) {
    sigaction_(11, (void *)on_segv, 0);
    p[0] = 1;
    exit_(9);
  }
  sys4(SYS_wait4, pid, &status, 0, 0);
  ok &= check(status == (7 << 8), "write to read-only page faults");
  puts_(ok ? "memtest: OK\n" : "memtest: FAIL\n");
  return ok ? 0 : 1;
}
