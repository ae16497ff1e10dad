/* hal-port.h (bare machine): the inline part of the HAL. The kernel runs in kernel mode,
 * linked in kseg0, and reaches all of RAM (at most 496 MiB) through kseg0. */
#ifndef HAL_PORT_H
#define HAL_PORT_H

#include "types.h"

#define KERNBASE 0x80000000u
/* Kernel virtual address of physical address pa, and back. */
#define KVA(pa) ((void *)((u32)(pa) | KERNBASE))
#define KPA(va) ((paddr_t)((u32)(va) & 0x1fffffffu))
/* Lowest kernel-virtual address: user pointers must stay below it. */
#define USER_TOP 0x80000000u

/* Zero a whole page (kernel virtual address): the kernel does it itself. */
void *memset(void *dst, int c, size_t n);
static inline void hal_page_zero(void *kva) { memset(kva, 0, PGSIZE); }
/* No monitor: no memory hints, file pages go through the buffer cache (see hal/disco). */
#define HAL_PAGE_HINTS 0
#define HAL_DIRECT_PAGE_IO 0

/* Console output is not buffered: nothing to flush when the console lock is released. */
static inline void hal_cons_flush(void) {}

/* This CPU's number, from EBase.CPUNum. */
static inline int hal_cpu_id(void) {
  u32 v;
  __asm__ volatile("mfc0 %0, $15, 1" : "=r"(v));
  return (int)(v & 0x3ff);
}

#endif
