/* nosys: system calls the kernel does not implement (and numbers outside the o32 range)
 * must fail with ENOSYS (89) instead of crashing anything. */
#include "rt.h"

int main(void) {
  static const long nrs[] = { 4000 + 26 /* ptrace */, 4000 + 183 /* socket */, 4000 + 436 /* close_range */,
                              4000 + 999, 3999, 6000, 0x7fffffff };
  for (unsigned i = 0; i < sizeof nrs / sizeof nrs[0]; i++) {
    long r = sys6(nrs[i], 1, 2, 3, 4, 5, 6);
    if (r != -89) {
      puts_("nosys: syscall ");
      putnum(nrs[i]);
      puts_(" returned ");
      putnum(r);
      puts_("\n");
      return 1;
    }
  }
  puts_("nosys: ENOSYS ok\n");
  return 0;
}
