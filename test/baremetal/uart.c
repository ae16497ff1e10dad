/* uart.c: console UART test. Transmits a fixed byte sequence (printable text and raw bytes the
 * host checks verbatim), then receives a line the host feeds with uart.input(): interrupt driven
 * (RX IRQ enabled, intc source UART routed to CPU 0, IP2), idling in WAIT until it arrives. */
#include "bm.h"

#define UART(reg) (DEVICE_BASE_UART + UART_REG_##reg)

static volatile char line[128];
static volatile unsigned line_len;
static volatile unsigned lines_done;
static volatile unsigned rx_interrupts;

/* IP2 / source UART: drain the FIFO (which lowers the source). */
static void uart_rx(unsigned cpu, unsigned source) {
  (void)cpu;
  (void)source;
  rx_interrupts++;
  while ((mmio_read32(UART(STATUS)) & UART_STATUS_RX_READY) != 0) {
    char c = (char)mmio_read32(UART(DATA));
    if (c == '\n') {
      line[line_len] = '\0';
      lines_done++;
    } else if (line_len < sizeof line - 1) {
      line[line_len++] = c;
    }
  }
}

int main(unsigned cpu) {
  if (cpu != 0) return 0;
  /* Transmit: text, then raw bytes 0x00, 0x7f, 0x80, 0xff between markers. */
  bm_puts("uart: tx <");
  bm_putc('\0');
  bm_putc((char)0x7f);
  bm_putc((char)0x80);
  bm_putc((char)0xff);
  bm_puts(">\n");

  BM_CHECK(mmio_read32(UART(STATUS)) & UART_STATUS_TX_READY, "uart tx always ready");
  BM_CHECK_EQ(mmio_read32(UART(RX_COUNT)), 0, "uart rx fifo empty at boot");
  BM_CHECK_EQ(mmio_read32(UART(DATA)), 0, "uart empty read gives 0");

  /* Receive, interrupt driven. */
  bm_set_device_handler(IRQ_SOURCE_UART, uart_rx);
  bm_intc_route(IRQ_SOURCE_UART, 0);
  mmio_write32(UART(CONTROL), UART_CONTROL_RX_IRQ_ENABLE);
  bm_irq_unmask(CPU_IRQ_LINE_DEVICE);
  bm_printf("uart: ready\n");
  bm_irq_disable();
  while (lines_done == 0) bm_wait_irq();
  bm_irq_enable();

  bm_printf("uart: got [%s] %u bytes\n", (const char *)line, line_len);
  BM_CHECK(rx_interrupts > 0, "uart rx interrupt taken");
  BM_CHECK_EQ(mmio_read32(UART(RX_COUNT)), 0, "uart fifo drained");
  BM_CHECK_EQ(mmio_read32(DEVICE_BASE_INTC + INTC_REG_LEVEL) & (1u << IRQ_SOURCE_UART), 0, "uart source lowered");
  mmio_write32(UART(CONTROL), 0);
  return bm_result();
}
