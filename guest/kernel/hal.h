/* hal.h: the hardware abstraction layer, the only interface between the portable kernel and
 * the machine it runs on. hal/bare/ implements it for the bare emulated machine (kernel mode,
 * kseg0, real devices); a port under the Disco monitor supplies another directory with the
 * same functions. The portable kernel never includes machine headers. Calls into the kernel
 * from the HAL (interrupt callbacks) are declared at the end. */
#ifndef HAL_H
#define HAL_H

#include "types.h"
#include "hal-port.h"   /* per port: KVA/KPA, USER_TOP, hal_cpu_id(), hal_page_zero(kva),
                            hal_cons_flush() (end of a console write) */

/* ---- boot and board ---------------------------------------------------------------- */
void hal_early_init(u32 board_info, u32 bootarg);   /* CPU 0, before anything else */
int hal_ncpu(void);
int hal_nnode(void);
int hal_cpu_node(int cpu);
/* RAM of node `node` usable by the kernel's page allocator: [*start, *end). */
void hal_node_ram(int node, paddr_t *start, paddr_t *end);
const char *hal_cmdline(void);                       /* boot argument string, or "" */
void hal_start_secondary(int cpu);                   /* release CPU `cpu` into the kernel */
void hal_cpu_init(int cpu);                          /* per CPU: vectors, TLB, timer, irqs */
void hal_poweroff(int code) __attribute__((noreturn));
void hal_reset(int code) __attribute__((noreturn));

/* ---- interrupts ------------------------------------------------------------------- */
/* Interrupt-mask bits (Status.IM) the kernel runs with. */
u32 hal_irq_mask(void);
/* Service every pending interrupt line in `cause` (Cause register of the trap). */
void hal_interrupt(u32 cause);
void hal_ipi_send(int cpu);

/* ---- time ------------------------------------------------------------------------- */
u64 hal_cycles(void);              /* monotonic machine cycles */
void hal_tick_enable(bool on);     /* this CPU's periodic tick on or off */
u32 hal_cycles_hz(void);
u64 hal_rtc_ns(void);              /* wall clock now, ns since the epoch */

/* ---- console ---------------------------------------------------------------------- */
void hal_cons_putc(int c);         /* polled transmit, never blocks for long */
void hal_cons_enable_rx(void);     /* start delivering input through cons_rx() */

/* ---- disks ------------------------------------------------------------------------ */
bool hal_disk_present(int unit);
u32 hal_disk_sectors(int unit);
/* Start a transfer of `count` 512-byte sectors at `sector` to/from physical `pa`. The
 * HAL calls disk_interrupt() when the controller interrupts; the kernel then (and whenever
 * it likes) asks hal_disk_poll(), which acknowledges a finished command. */
void hal_disk_start(int unit, u32 sector, u32 count, paddr_t pa, bool write);
void hal_disk_start_flush(int unit);
enum disk_state { DISK_BUSY, DISK_DONE, DISK_FAILED };
enum disk_state hal_disk_poll(int unit);

/* ---- TLB (the only code that writes it) -------------------------------------------- */
void hal_tlb_flush_all(void);
void hal_tlb_invalidate_page(u32 va, u32 asid);
void hal_tlb_set_asid(u32 asid);
/* Point the refill handler of this CPU at page directory `pgd` (kernel virtual). */
void hal_tlb_set_pgd(u32 *pgd);
void hal_icache_sync(u32 kva, u32 len);
void hal_set_tls(u32 value);       /* the thread pointer user code reads with rdhwr $29 */

/* ---- callbacks into the portable kernel -------------------------------------------- */
void clock_tick(void);             /* this CPU's periodic tick */
void cons_rx(int c);               /* a byte arrived on the console */
void disk_interrupt(int unit);
void ipi_received(void);

#endif
