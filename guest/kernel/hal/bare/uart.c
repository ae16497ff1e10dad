/* uart.c (bare machine): the console UART. Transmit is polled (the device never blocks);
 * receive is interrupt driven: every byte goes to the tty layer through cons_rx(). */
#include "types.h"
#include "defs.h"
#include "hal.h"
#include "mmio.h"

void uart_init(void) {
  mmio_write(DEVICE_BASE_UART + UART_REG_CONTROL, 0);
}

/* Called once the tty layer is ready for input. */
void hal_cons_enable_rx(void) {
  mmio_write(DEVICE_BASE_UART + UART_REG_CONTROL, UART_CONTROL_RX_IRQ_ENABLE);
  intc_enable_source(IRQ_SOURCE_UART, 0);
}

void hal_cons_putc(int c) {
  while ((mmio_read(DEVICE_BASE_UART + UART_REG_STATUS) & UART_STATUS_TX_READY) == 0) {
  }
  mmio_write(DEVICE_BASE_UART + UART_REG_DATA, (u8)c);
}

void uart_intr(void) {
  while (mmio_read(DEVICE_BASE_UART + UART_REG_STATUS) & UART_STATUS_RX_READY)
    cons_rx((int)(mmio_read(DEVICE_BASE_UART + UART_REG_DATA) & 0xff));
}
