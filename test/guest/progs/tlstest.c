/* tlstest: TLS as glibc uses it. set_thread_area stores the thread pointer, `rdhwr $3, $29`
 * (UserLocal) reads it back; it survives yields (context switches, possibly to another CPU),
 * a forked child inherits it, and the child changing its own leaves the parent's alone.
 * Prints "tlstest: OK" and exits 0 on success. */
#include "rt.h"

#define SYS_set_thread_area 4283
#define PARENT_TP 0x12345670u
#define CHILD_TP 0x0badf00du

static inline u32 thread_pointer(void) {
  register u32 v __asm__("$3");
  __asm__ volatile(".set push\n\t.set mips32r2\n\trdhwr $3, $29\n\t.set pop" : "=r"(v));
  return v;
}

static int fail(const char *what, u32 v) {
  puts_("tlstest: FAIL ");
  puts_(what);
  puts_(" ");
  puthex(v);
  puts_("\n");
  return 1;
}

int main(void) {
  int st = 0;
  if (sys1(SYS_set_thread_area, PARENT_TP) != 0) return fail("set_thread_area", 0);
  if (thread_pointer() != PARENT_TP) return fail("rdhwr after set", thread_pointer());
  for (int i = 0; i < 200; i++) {
    sys0(SYS_sched_yield);
    if (thread_pointer() != PARENT_TP) return fail("rdhwr after yield", thread_pointer());
  }
  long pid = sys6(SYS_clone, 18, 0, 0, 0, 0, 0);
  if (pid == 0) {
    if (thread_pointer() != PARENT_TP) exit_(2);
    sys1(SYS_set_thread_area, CHILD_TP);
    for (int i = 0; i < 100; i++) {
      sys0(SYS_sched_yield);
      if (thread_pointer() != CHILD_TP) exit_(3);
    }
    exit_(0);
  }
  if (pid < 0) return fail("fork", (u32)pid);
  for (int i = 0; i < 100; i++) {
    sys0(SYS_sched_yield);
    if (thread_pointer() != PARENT_TP) return fail("parent's rdhwr while the child runs", thread_pointer());
  }
  if (sys4(SYS_wait4, pid, &st, 0, 0) != pid || st != 0) return fail("child status", (u32)st);
  if (thread_pointer() != PARENT_TP) return fail("rdhwr at the end", thread_pointer());
  puts_("tlstest: OK\n");
  return 0;
}
