/* net.c: network interface test. Sends a broadcast frame (the host's onTransmit sees it), checks
 * a bad length is refused, then arms a receive buffer and idles until the host's frame arrives
 * by DMA with an RX interrupt; checks it and answers with a "pong" frame to the sender. */
#include "bm.h"

#define NET(reg) (DEVICE_BASE_NET + NET_REG_##reg)
#define ETHERTYPE 0x88b5

static uint8_t tx[64] __attribute__((aligned(4)));
static uint8_t rx[1518 + 2] __attribute__((aligned(4)));
static volatile uint32_t rx_status, rx_len, rx_irqs;
static uint8_t mac[6];

static void net_irq(unsigned cpu, unsigned source) {
  (void)cpu;
  (void)source;
  uint32_t s = mmio_read32(NET(STATUS));
  if (s & (NET_STATUS_RX_DONE | NET_STATUS_RX_ERROR)) {
    rx_status = s;
    rx_len = mmio_read32(NET(RX_LEN));
    rx_irqs++;
  }
  mmio_write32(NET(STATUS), s & (NET_STATUS_RX_DONE | NET_STATUS_RX_ERROR | NET_STATUS_TX_DONE | NET_STATUS_TX_ERROR));
}

static uint32_t send(const uint8_t *frame, uint32_t len) {
  mmio_write32(NET(TX_ADDR), BM_PHYS(frame));
  mmio_write32(NET(TX_LEN), len);
  mmio_write32(NET(TX_COMMAND), NET_TX_COMMAND_SEND);
  uint32_t s = mmio_read32(NET(STATUS));
  mmio_write32(NET(STATUS), NET_STATUS_TX_DONE | NET_STATUS_TX_ERROR);
  return s;
}

int main(unsigned cpu) {
  if (cpu != 0) return 0;
  uint32_t lo = mmio_read32(NET(MAC_LO)), hi = mmio_read32(NET(MAC_HI));
  for (int i = 0; i < 4; i++) mac[i] = (uint8_t)(lo >> (8 * i));
  mac[4] = (uint8_t)hi;
  mac[5] = (uint8_t)(hi >> 8);
  bm_printf("net: mac %02x:%02x:%02x:%02x:%02x:%02x\n", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
  BM_CHECK_EQ(mmio_read32(NET(MAX_FRAME)), 1518, "net max frame");

  /* Transmit a 60-byte broadcast frame. */
  memset(tx, 0, sizeof tx);
  memset(tx, 0xff, 6);
  memcpy(tx + 6, mac, 6);
  tx[12] = ETHERTYPE >> 8;
  tx[13] = ETHERTYPE & 0xff;
  memcpy(tx + 14, "disco-net-tx", 12);
  uint32_t s = send(tx, 60);
  BM_CHECK((s & NET_STATUS_TX_DONE) && !(s & NET_STATUS_TX_ERROR), "net tx done");
  s = send(tx, 10);
  BM_CHECK(s & NET_STATUS_TX_ERROR, "net short frame refused");
  BM_CHECK_EQ(mmio_read32(NET(TX_ERROR)), NET_ERROR_BAD_LENGTH, "net tx error bad length");
  mmio_write32(NET(TX_ADDR), 0x1f000000);
  mmio_write32(NET(TX_LEN), 60);
  mmio_write32(NET(TX_COMMAND), NET_TX_COMMAND_SEND);
  BM_CHECK_EQ(mmio_read32(NET(TX_ERROR)), NET_ERROR_BAD_DMA, "net tx bad dma refused");
  mmio_write32(NET(STATUS), NET_STATUS_TX_DONE | NET_STATUS_TX_ERROR);

  /* Receive, interrupt driven. */
  bm_set_device_handler(IRQ_SOURCE_NET, net_irq);
  bm_intc_route(IRQ_SOURCE_NET, 0);
  mmio_write32(NET(IRQ_ENABLE), NET_IRQ_RX);
  bm_irq_unmask(CPU_IRQ_LINE_DEVICE);
  mmio_write32(NET(RX_ADDR), BM_PHYS(rx));
  mmio_write32(NET(RX_CAPACITY), 1518);
  mmio_write32(NET(RX_COMMAND), NET_RX_COMMAND_ARM);
  BM_CHECK(mmio_read32(NET(STATUS)) & NET_STATUS_RX_ARMED, "net rx armed");
  bm_printf("net: armed\n");
  bm_irq_disable();
  while (rx_irqs == 0) bm_wait_irq();
  bm_irq_enable();

  BM_CHECK(rx_status & NET_STATUS_RX_DONE, "net rx done");
  bm_printf("net: received %u bytes\n", rx_len);
  BM_CHECK(memcmp(rx, mac, 6) == 0, "net rx dst is our mac");
  BM_CHECK(rx[12] == (ETHERTYPE >> 8) && rx[13] == (ETHERTYPE & 0xff), "net rx ethertype");
  uint32_t payload = rx_len - 14;
  char text[64];
  if (payload > sizeof text - 1) payload = sizeof text - 1;
  memcpy(text, rx + 14, payload);
  text[payload] = '\0';
  bm_printf("net: payload [%s]\n", text);
  BM_CHECK(memcmp(text, "ping", 4) == 0, "net rx payload");

  /* Answer: to the sender, from us, "pong:" + its payload (padded to 60 bytes). */
  memset(tx, 0, sizeof tx);
  memcpy(tx, rx + 6, 6);
  memcpy(tx + 6, mac, 6);
  tx[12] = ETHERTYPE >> 8;
  tx[13] = ETHERTYPE & 0xff;
  memcpy(tx + 14, "pong:", 5);
  uint32_t n = payload > 40 ? 40 : payload;
  memcpy(tx + 19, text, n);
  s = send(tx, 60);
  BM_CHECK(s & NET_STATUS_TX_DONE, "net reply sent");
  return bm_result();
}
