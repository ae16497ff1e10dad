/* mcall.h (Disco monitor): monitor calls. `syscall` in (virtual) kernel mode enters the
 * monitor: v0 = call number, a0..a3 and t0 = arguments; v0 = result (>= 0) or a negative
 * MERR_*, v1 = second result; every other register is preserved. */
#ifndef MCALL_H
#define MCALL_H

#include "types.h"
#include <disco/monitor-abi.h>

static inline long mcall5(u32 nr, u32 a0, u32 a1, u32 a2, u32 a3, u32 t0, u32 *second) {
  register u32 v0 __asm__("$2") = nr;
  register u32 v1 __asm__("$3");
  register u32 r4 __asm__("$4") = a0;
  register u32 r5 __asm__("$5") = a1;
  register u32 r6 __asm__("$6") = a2;
  register u32 r7 __asm__("$7") = a3;
  register u32 r8 __asm__("$8") = t0;
  __asm__ volatile("syscall" : "+r"(v0), "=r"(v1) : "r"(r4), "r"(r5), "r"(r6), "r"(r7), "r"(r8) : "memory");
  if (second) *second = v1;
  return (long)v0;
}

static inline long mcall(u32 nr, u32 a0, u32 a1) { return mcall5(nr, a0, a1, 0, 0, 0, NULL); }

void timer_cpu_init(int cpu);
void console_rx(void);
void console_winsize(void);
void disk_virq(u32 virqs);

#endif
