/* bm.h: the bare-metal runtime of the machine tests: uncached MMIO access to the devices
 * (through kseg1), console output, board queries, secondary-CPU start and poweroff, the
 * exception/interrupt dispatch of crt0.S + bm.c (handlers per CPU line, per intc source, for
 * IPIs and per exception code), interrupt enable/disable/wait helpers, CP0 timer access,
 * LL/SC spinlocks and atomics, and PASS/FAIL checks. Programs define
 * main(unsigned cpu[, uint32_t board_info, uint32_t arg]); see crt0.S. */
#ifndef BM_H
#define BM_H

#include <stddef.h>
#include <stdint.h>
#include <machine/memory-map.h>

/* ---- addresses -------------------------------------------------------------------------- */

/* Uncached kseg1 address of physical address `pa`. */
#define BM_KSEG1(pa) ((uintptr_t)(VSEG_KSEG1 | (uint32_t)(pa)))
/* Cached kseg0 address of physical address `pa`. */
#define BM_KSEG0(pa) ((uintptr_t)(VSEG_KSEG0 | (uint32_t)(pa)))
/* Physical (machine) address of a kseg0/kseg1 pointer, e.g. for DMA. */
#define BM_PHYS(ptr) ((uint32_t)(uintptr_t)(ptr) & VSEG_PHYS_MASK)

/* Results a program leaves for the host test to read from RAM: 64 words at physical 0xF000
 * (inside the 0x400..0xFFFF area link.ld keeps free; the boot command line sits at 0x400). */
#define BM_MAILBOX_PA 0x0000f000u
#define BM_MAILBOX ((volatile uint32_t *)BM_KSEG0(BM_MAILBOX_PA))

static inline uint32_t mmio_read32(uint32_t pa) {
  return *(volatile uint32_t *)BM_KSEG1(pa);
}

static inline void mmio_write32(uint32_t pa, uint32_t value) {
  *(volatile uint32_t *)BM_KSEG1(pa) = value;
}

/* Register `reg` of the board-info block. */
static inline uint32_t bm_board(uint32_t reg) {
  return mmio_read32(DEVICE_BASE_BOARD_INFO + reg);
}

/* ---- console ---------------------------------------------------------------------------- */

/* Write one byte to the console (no lock: bytes of several CPUs may interleave). */
static inline void bm_putc(char c) {
  while ((mmio_read32(DEVICE_BASE_UART + UART_REG_STATUS) & UART_STATUS_TX_READY) == 0) {
  }
  mmio_write32(DEVICE_BASE_UART + UART_REG_DATA, (uint8_t)c);
}

/* Write a NUL-terminated string (unlocked). */
void bm_puts(const char *s);
/* Write `value` as 0x followed by 8 hex digits (unlocked). */
void bm_puthex(uint32_t value);
/* Write `value` in decimal (unlocked). */
void bm_putdec(uint32_t value);
/* Formatted output, whole call under the console lock with interrupts off, so lines of several
 * CPUs do not interleave. Supports %s %c %d %u %x %p %%, with an optional 0 flag and width. */
void bm_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- board, CPUs, power ------------------------------------------------------------------ */

/* Number of CPUs on the board. */
unsigned bm_num_cpus(void);
/* Release CPU `cpu` into _start (it then calls main(cpu, board_info, arg)). */
void bm_start_secondary(unsigned cpu, uint32_t arg);
/* Power the machine off with exit code `code`. */
void bm_poweroff(int code) __attribute__((noreturn));
/* Ask the host for a reset with `code`. */
void bm_reset(int code) __attribute__((noreturn));

/* This CPU's number (EBase.CPUNum). */
static inline unsigned bm_cpu_id(void) {
  uint32_t v;
  __asm__ volatile("mfc0 %0, $15, 1" : "=r"(v));
  return v & 0x3ff;
}

/* ---- CP0 helpers ------------------------------------------------------------------------ */

#define BM_STATUS_IE  0x00000001u
#define BM_STATUS_EXL 0x00000002u
#define BM_STATUS_IM(line) (1u << (8 + (line)))
#define BM_CAUSE_EXCCODE(cause) (((cause) >> 2) & 31u)
#define BM_CAUSE_IP(line) (1u << (8 + (line)))

/* MIPS exception codes (Cause.ExcCode). */
#define BM_EXC_INT  0
#define BM_EXC_MOD  1
#define BM_EXC_TLBL 2
#define BM_EXC_TLBS 3
#define BM_EXC_ADEL 4
#define BM_EXC_ADES 5
#define BM_EXC_IBE  6
#define BM_EXC_DBE  7
#define BM_EXC_SYS  8
#define BM_EXC_BP   9
#define BM_EXC_RI   10
#define BM_EXC_CPU  11
#define BM_EXC_OV   12
#define BM_EXC_TR   13

static inline uint32_t bm_read_status(void) {
  uint32_t v;
  __asm__ volatile("mfc0 %0, $12" : "=r"(v));
  return v;
}

static inline void bm_write_status(uint32_t v) {
  __asm__ volatile("mtc0 %0, $12\n\tehb" : : "r"(v) : "memory");
}

static inline uint32_t bm_read_cause(void) {
  uint32_t v;
  __asm__ volatile("mfc0 %0, $13" : "=r"(v));
  return v;
}

/* CP0 Count: increments every 2 CPU cycles. */
static inline uint32_t bm_read_count(void) {
  uint32_t v;
  __asm__ volatile("mfc0 %0, $9" : "=r"(v) : : "memory");
  return v;
}

/* Writing Compare also clears a pending CP0 timer interrupt. */
static inline void bm_write_compare(uint32_t v) {
  __asm__ volatile("mtc0 %0, $11\n\tehb" : : "r"(v) : "memory");
}

/* The cycle counter through RDHWR $2 (same rate as Count: RDHWR $3 = 2 cycles per tick). */
static inline uint32_t bm_rdhwr_cc(void) {
  uint32_t v;
  __asm__ volatile("rdhwr %0, $2" : "=r"(v) : : "memory");
  return v;
}

/* ---- interrupts ------------------------------------------------------------------------- */

/* Disable interrupts (Status.IE = 0); returns the previous Status for bm_irq_restore. */
static inline uint32_t bm_irq_disable(void) {
  uint32_t v;
  __asm__ volatile("di %0\n\tehb" : "=r"(v) : : "memory");
  return v;
}

static inline void bm_irq_enable(void) {
  __asm__ volatile("ei\n\tehb" : : : "memory");
}

/* Put Status.IE back as it was in `status` (from bm_irq_disable). */
static inline void bm_irq_restore(uint32_t status) {
  if ((status & BM_STATUS_IE) != 0) bm_irq_enable();
}

/* Unmask / mask CPU interrupt line `line` (Cause.IP number 0..7) in Status.IM. */
void bm_irq_unmask(unsigned line);
void bm_irq_mask(unsigned line);

/* WAIT: idle until an unmasked interrupt is pending (even with IE = 0). */
static inline void bm_wait(void) {
  __asm__ volatile("wait" : : : "memory");
}

/* Race-free sleep: call with interrupts disabled after finding nothing to do. Idles in WAIT
 * until an interrupt is pending, lets it be taken (briefly enabling interrupts), and returns
 * with interrupts disabled again. Use as: `bm_irq_disable(); while (!cond) bm_wait_irq();`. */
static inline void bm_wait_irq(void) {
  __asm__ volatile("wait\n\tei\n\tehb\n\tdi\n\tehb" : : : "memory");
}

/* The interrupted state, saved by crt0.S on the CPU's stack. A handler may change it: on
 * return every register and EPC are reloaded from the frame. */
struct bm_frame {
  uint32_t regs[32]; /* regs[29] = sp at the exception; regs[0], k0, k1 read as 0 */
  uint32_t hi, lo, epc, status, cause, badvaddr;
  uint32_t pad[2];
};

/* Handler of a CPU interrupt line (IP0..IP7); `cpu` is the CPU taking it. Defaults: IP2 device
 * dispatch, IP3 IPI dispatch, IP4 clears the CPU's timer channel, IP7 and unhandled lines are
 * masked in Status.IM and counted as spurious. */
typedef void (*bm_irq_handler)(unsigned cpu, unsigned line);
void bm_set_irq_handler(unsigned line, bm_irq_handler fn);

/* Handler of intc source `source` (must lower the source, e.g. by clearing the device's cause). */
typedef void (*bm_device_handler)(unsigned cpu, unsigned source);
void bm_set_device_handler(unsigned source, bm_device_handler fn);
/* Route intc source `source` to CPU `cpu` and enable it (the CPU still needs IP2 unmasked). */
void bm_intc_route(unsigned source, unsigned cpu);

/* IPI handler: `from` = the senders' bit mask, already cleared in IPI_PENDING. */
typedef void (*bm_ipi_handler)(unsigned cpu, uint32_t from);
void bm_set_ipi_handler(bm_ipi_handler fn);
/* Send an IPI from this CPU to every CPU in `targets`. */
void bm_ipi_send(uint32_t targets);

/* Handler of a synchronous exception code (BM_EXC_*): returns nonzero when it dealt with the
 * exception (after e.g. frame->epc += 4); zero falls through to the fatal report. */
typedef int (*bm_exc_handler)(struct bm_frame *frame);
void bm_set_exception_handler(unsigned code, bm_exc_handler fn);

/* Called by crt0.S for every exception and interrupt. */
void trap(uint32_t cause, uint32_t epc, uint32_t badvaddr, struct bm_frame *frame);

/* Interrupts taken with nothing pending, or on a line without a handler, per CPU. */
extern volatile uint32_t bm_spurious_irqs[MACHINE_MAX_CPUS];
/* Interrupts taken, per CPU. */
extern volatile uint32_t bm_irq_count[MACHINE_MAX_CPUS];

/* Report an unhandled exception (Cause, EPC, BadVAddr) and power off with BM_EXIT_EXCEPTION.
 * Weak: a program may define its own. */
void bm_exception(uint32_t cause, uint32_t epc, uint32_t badvaddr);

/* Exit code of a program stopped by an unexpected exception. */
#define BM_EXIT_EXCEPTION 0xe0

/* ---- synchronisation -------------------------------------------------------------------- */

static inline void bm_sync(void) {
  __asm__ volatile("sync" : : : "memory");
}

typedef struct {
  volatile uint32_t locked;
} bm_spinlock_t;

#define BM_SPINLOCK_INIT {0}

/* LL/SC test-and-test-and-set lock. Not for use with the same lock in interrupt handlers
 * unless interrupts are disabled around it. */
static inline void bm_spin_lock(bm_spinlock_t *lock) {
  uint32_t tmp;
  __asm__ volatile(
      "   .set push\n"
      "   .set noreorder\n"
      "1: ll    %0, %1\n"
      "   bnez  %0, 2f\n"
      "   li    %0, 1\n"
      "   sc    %0, %1\n"
      "   beqz  %0, 1b\n"
      "   nop\n"
      "   b     3f\n"
      "   sync\n"
      "2: lw    %0, %1\n" /* spin on a plain load until it looks free */
      "   bnez  %0, 2b\n"
      "   nop\n"
      "   b     1b\n"
      "   nop\n"
      "3:\n"
      "   .set pop\n"
      : "=&r"(tmp), "+m"(lock->locked)
      :
      : "memory");
}

/* One attempt: nonzero when the lock was taken. */
static inline int bm_spin_trylock(bm_spinlock_t *lock) {
  uint32_t tmp, got;
  __asm__ volatile(
      "   .set push\n"
      "   .set noreorder\n"
      "1: ll    %0, %2\n"
      "   bnez  %0, 2f\n"
      "   li    %1, 0\n"
      "   li    %1, 1\n"
      "   sc    %1, %2\n"
      "   beqz  %1, 1b\n"
      "   nop\n"
      "   sync\n"
      "2:\n"
      "   .set pop\n"
      : "=&r"(tmp), "=&r"(got), "+m"(lock->locked)
      :
      : "memory");
  return (int)got;
}

static inline void bm_spin_unlock(bm_spinlock_t *lock) {
  __asm__ volatile("sync" : : : "memory");
  lock->locked = 0;
}

/* Atomically add `delta` to *p (LL/SC); returns the new value. */
static inline uint32_t bm_atomic_add(volatile uint32_t *p, uint32_t delta) {
  uint32_t old, tmp;
  __asm__ volatile(
      "   .set push\n"
      "   .set noreorder\n"
      "1: ll    %0, %2\n"
      "   addu  %1, %0, %3\n"
      "   sc    %1, %2\n"
      "   beqz  %1, 1b\n"
      "   nop\n"
      "   .set pop\n"
      : "=&r"(old), "=&r"(tmp), "+m"(*p)
      : "r"(delta)
      : "memory");
  return old + delta;
}

/* ---- self-checking ---------------------------------------------------------------------- */

/* Print "PASS name" or "FAIL name (detail)" and count failures. */
#define BM_CHECK(cond, name) bm_check((cond) != 0, (name), __FILE__, __LINE__)
/* Compare two values; a failure prints both. */
#define BM_CHECK_EQ(got, want, name) bm_check_eq((uint32_t)(got), (uint32_t)(want), (name), __LINE__)
int bm_check(int ok, const char *name, const char *file, int line);
int bm_check_eq(uint32_t got, uint32_t want, const char *name, int line);
/* Failures counted so far. */
extern volatile uint32_t bm_failures;
/* Print "RESULT PASS" (returns 0) or "RESULT FAIL n" (returns 1): main's return value. */
int bm_result(void);

/* ---- freestanding libc bits ------------------------------------------------------------- */

/* GCC may emit calls to these even in freestanding code. */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif /* BM_H */
