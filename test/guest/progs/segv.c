/* segv: write to an unmapped address; the kernel must kill it with SIGSEGV (and survive). */
#include "rt.h"

int main(void) {
  puts_("segv: about to fault\n");
  *(volatile int *)0x10 = 1;
  puts_("segv: still alive?!\n");
  return 1;
}
