/* console.c (Disco monitor): the console by monitor call. Output is collected per vCPU and
 * sent with one CONSOLE_WRITE (guest physical address of the buffer) when the kernel ends a
 * console write (hal_cons_flush, when the console lock is released), when the buffer is
 * full, after an interrupt (echo) and before power-off. Input is read with CONSOLE_READ when
 * the monitor posts CONSOLE_RX. The window size (the host's last resize) is read with
 * CONSOLE_WINSIZE when the tty starts and whenever the monitor posts CONSOLE_WINSIZE. */
#include "types.h"
#include "defs.h"
#include "hal.h"
#include "mips.h"
#include "mcall.h"
#include "param.h"

#define OUTBUF 256

static struct outbuf {
  u32 n;
  char b[OUTBUF];
} __attribute__((aligned(64))) out[NCPU];

static bool rx_enabled;

static void flush(struct outbuf *o) {
  if (o->n == 0) return;
  mcall(MCALL_CONSOLE_WRITE, KPA(o->b), o->n);
  o->n = 0;
}

/* Interrupts off: an interrupt handler on this vCPU may print too (echo). */
void hal_cons_putc(int c) {
  u32 st = irq_save();
  struct outbuf *o = &out[hal_cpu_id()];
  o->b[o->n++] = (char)c;
  if (o->n == OUTBUF) flush(o);
  if (st & ST_IE) irq_enable();
}

void hal_cons_flush(void) {
  u32 st = irq_save();
  flush(&out[hal_cpu_id()]);
  if (st & ST_IE) irq_enable();
}

/* Everything that waits goes to the tty layer (input before the tty is ready stays queued
 * in the monitor). Several vCPUs may get CONSOLE_RX: one reads at a time. */
void console_rx(void) {
  static struct spinlock lock = SPINLOCK_INIT("console");
  static char buf[64];
  if (!rx_enabled) return;
  acquire(&lock);
  for (;;) {
    long n = mcall(MCALL_CONSOLE_READ, KPA(buf), sizeof buf);
    if (n <= 0) break;
    for (long i = 0; i < n; i++) cons_rx((u8)buf[i]);
  }
  release(&lock);
}

/* Before the tty is ready the size waits in the monitor (read when it starts). */
void console_winsize(void) {
  if (!rx_enabled) return;
  u32 cols;
  long rows = mcall5(MCALL_CONSOLE_WINSIZE, 0, 0, 0, 0, 0, &cols);
  if (rows > 0 && cols > 0) cons_winsize((int)rows, (int)cols);
}

void hal_cons_enable_rx(void) {
  rx_enabled = true;
  console_winsize();
  console_rx();
}
