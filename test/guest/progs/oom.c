/* oom: touch far more anonymous memory than the machine has. The kernel must kill this
 * process (SIGSEGV when a page cannot be allocated) and give all the memory back. */
#include "rt.h"

int main(void) {
  const u32 len = 512u << 20;
  char *p = (char *)sys6(SYS_mmap2, 0, len, 3, 0x802, -1, 0);
  if ((long)p < 0) {
    puts_("oom: mmap failed\n");
    return 1;
  }
  for (u32 off = 0; off < len; off += 4096) p[off] = 1;
  puts_("oom: survived?!\n");
  return 2;
}
