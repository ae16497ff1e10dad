/* console.c (Disco monitor): the console by monitor call. Each byte written is one
 * CONSOLE_WRITE of a one-byte buffer on the kernel stack (given by its guest physical
 * address); input is read with CONSOLE_READ when the monitor posts CONSOLE_RX. */
#include "types.h"
#include "defs.h"
#include "hal.h"
#include "mcall.h"

static bool rx_enabled;

void hal_cons_putc(int c) {
  char ch = (char)c;
  mcall(MCALL_CONSOLE_WRITE, KPA(&ch), 1);
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

void hal_cons_enable_rx(void) {
  rx_enabled = true;
  console_rx();
}
