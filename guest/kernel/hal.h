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

/* ---- network: a port on a virtual subnet (hal/disco); absent elsewhere ---------------- */
/* A frame is a scatter list of physical fragments: fragment 0 starts with the 14-byte link
 * header, fragment i of a sent frame lands in fragment i of the receiver's posted descriptor
 * (which must be big enough), lengths written back on delivery. */
#define HAL_NET_FRAGS 17
#define HAL_NET_HDR 14
struct hal_netfrag { u32 pa, len; };
struct hal_netdesc {
  u32 nfrag;                 /* fragments used */
  u32 len;                   /* received: frame bytes */
  u32 remapped;              /* received: bit i = fragment i was remapped, not copied */
  u32 from;                  /* received: sender's station */
  struct hal_netfrag frag[HAL_NET_FRAGS];
};
bool hal_net_present(void);
u32 hal_net_station(void);                         /* this machine's station number */
void hal_net_link_header(u8 *hdr, u32 station, u16 type);  /* 14 bytes to `station` */
int hal_net_send(struct hal_netdesc *d);           /* stations reached (0: dropped), -errno */
int hal_net_post(struct hal_netdesc *d);           /* post a receive descriptor: 0, -errno */
struct hal_netdesc *hal_net_recv(u32 *len);        /* next filled descriptor, or NULL */
/* bcopy of kernel memory that shares whole page-aligned pages instead of copying where the
 * platform can (the paper's HAL remap); returns the pages shared. */
u32 hal_remap(void *dst, const void *src, u32 len);

/* ---- callbacks into the portable kernel -------------------------------------------- */
void clock_tick(void);             /* this CPU's periodic tick */
void cons_rx(int c);               /* a byte arrived on the console */
void cons_winsize(int rows, int cols); /* the console window has this size (SIGWINCH on a change) */
void disk_interrupt(int unit);
void ipi_received(void);
void net_interrupt(void);          /* filled receive descriptors wait (hal_net_recv) */

#endif
