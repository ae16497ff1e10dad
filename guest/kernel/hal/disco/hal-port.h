/* hal-port.h (Disco monitor): the inline part of the HAL for a kernel running in supervisor
 * mode under the monitor (docs/monitor.md). The kernel is linked in the supervisor segment;
 * guest physical memory appears at 0xC0000000 + pa (the monitor fills those translations), and
 * the vCPU's privileged registers are words of the special page at 0xDFFFF000. */
#ifndef HAL_PORT_H
#define HAL_PORT_H

#include "types.h"
#include <disco/monitor-abi.h>

#define KERNBASE GUEST_VSEG_KSEG_BASE
/* Kernel virtual address of guest physical address pa, and back. */
#define KVA(pa) ((void *)((u32)(pa) + KERNBASE))
#define KPA(va) ((paddr_t)((u32)(va) - KERNBASE))
/* Lowest kernel-virtual address: user pointers must stay below it. */
#define USER_TOP GUEST_VSEG_USER_TOP

/* A word of this vCPU's special page (SPECIAL_* offsets): ordinary loads and stores. */
#define SPECIAL_WORD(off) (*(volatile u32 *)(GUEST_VSEG_SPECIAL_PAGE + (off)))

/* Zero a whole page: the monitor's zero-page hint (PAGE_ZERO), board.c. */
void hal_page_zero(void *kva);

/* The monitor's memory hints and page-sized disk I/O (the portable kernel checks these):
 * HAL_PAGE_HINTS: kfree tells the monitor with hal_page_free (PAGE_FREE), which takes the page
 * away at once, so free pages are linked outside the pages themselves (kalloc.c);
 * HAL_DIRECT_PAGE_IO: the page cache reads whole file pages from disk straight into the page
 * (one 8-sector command), which the monitor can serve from its global disk cache (pcache.c). */
#define HAL_PAGE_HINTS 1
#define HAL_DIRECT_PAGE_IO 1
void hal_page_free(void *kva);

/* Send this CPU's buffered console output (console.c): one CONSOLE_WRITE per flush. */
void hal_cons_flush(void);

static inline int hal_cpu_id(void) {
  return (int)SPECIAL_WORD(SPECIAL_VCPU_ID);
}

#endif
