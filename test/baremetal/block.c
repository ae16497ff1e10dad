/* block.c: block device test on BLOCK0 (a MemoryBlockBackend from the host): DMA writes of
 * sectors 4..11 with a pattern (polled completion), interrupt-driven read-back and compare, a
 * host-prepared sector read, and refused commands: bad DMA addresses, out-of-range sectors, an
 * empty drive, a bad command, each an error status and code (never a crash). */
#include "bm.h"

#define BLK(unit, reg) (DEVICE_BASE_BLOCK0 + 0x1000u * (unit) + BLOCK_REG_##reg)
#define FIRST 4
#define COUNT 8

static uint8_t wbuf[COUNT * BLOCK_SECTOR_BYTES] __attribute__((aligned(128)));
static uint8_t rbuf[COUNT * BLOCK_SECTOR_BYTES] __attribute__((aligned(128)));
static volatile uint32_t irq_status, irq_error, irq_count;

static void block_irq(unsigned cpu, unsigned source) {
  (void)cpu;
  unsigned unit = source - IRQ_SOURCE_BLOCK0;
  irq_status = mmio_read32(BLK(unit, STATUS));
  irq_error = mmio_read32(BLK(unit, ERROR));
  mmio_write32(BLK(unit, STATUS), BLOCK_STATUS_DONE | BLOCK_STATUS_ERROR); /* lowers the source */
  irq_count++;
}

/* Issue a command and wait for its completion interrupt; returns the ERROR register. */
static uint32_t command_irq(unsigned unit, uint32_t sector, uint32_t count, uint32_t dma, uint32_t cmd) {
  uint32_t before = irq_count;
  mmio_write32(BLK(unit, SECTOR), sector);
  mmio_write32(BLK(unit, COUNT), count);
  mmio_write32(BLK(unit, DMA_ADDR), dma);
  bm_irq_disable();
  mmio_write32(BLK(unit, COMMAND), cmd);
  while (irq_count == before) bm_wait_irq();
  bm_irq_enable();
  return irq_error;
}

/* Issue a command and poll STATUS with interrupts off; returns the ERROR register (STATUS
 * cleared afterwards). */
static uint32_t command_poll(unsigned unit, uint32_t sector, uint32_t count, uint32_t dma, uint32_t cmd, uint32_t *status) {
  uint32_t irq = bm_irq_disable();
  mmio_write32(BLK(unit, SECTOR), sector);
  mmio_write32(BLK(unit, COUNT), count);
  mmio_write32(BLK(unit, DMA_ADDR), dma);
  mmio_write32(BLK(unit, COMMAND), cmd);
  uint32_t s;
  while (((s = mmio_read32(BLK(unit, STATUS))) & (BLOCK_STATUS_DONE | BLOCK_STATUS_ERROR)) == 0) {
  }
  *status = s;
  uint32_t e = mmio_read32(BLK(unit, ERROR));
  mmio_write32(BLK(unit, STATUS), BLOCK_STATUS_DONE | BLOCK_STATUS_ERROR);
  bm_irq_restore(irq);
  return e;
}

int main(unsigned cpu) {
  if (cpu != 0) return 0;
  uint32_t status;
  uint32_t capacity = mmio_read32(BLK(0, CAPACITY));
  uint32_t ram = bm_board(BOARD_INFO_REG_RAM_BYTES);
  bm_printf("block: capacity %u sectors\n", capacity);
  BM_CHECK(mmio_read32(BLK(0, STATUS)) & BLOCK_STATUS_MEDIA, "block0 has media");
  BM_CHECK_EQ(mmio_read32(BLK(0, SECTOR_SIZE)), BLOCK_SECTOR_BYTES, "block sector size");
  BM_CHECK_EQ(mmio_read32(BLK(0, MAX_SECTORS)), BLOCK_MAX_SECTORS, "block max sectors");
  BM_CHECK_EQ(bm_board(BOARD_INFO_REG_NUM_DISKS), 1, "one disk on the board");

  /* Polled DMA write of sectors FIRST..FIRST+COUNT-1. */
  for (unsigned i = 0; i < sizeof wbuf; i++) {
    unsigned sector = FIRST + i / BLOCK_SECTOR_BYTES, off = i % BLOCK_SECTOR_BYTES;
    wbuf[i] = (uint8_t)(sector * 31 + off * 7 + 5);
  }
  uint32_t e = command_poll(0, FIRST, COUNT, BM_PHYS(wbuf), BLOCK_COMMAND_WRITE, &status);
  BM_CHECK_EQ(e, BLOCK_ERROR_NONE, "block write ok");
  BM_CHECK((status & BLOCK_STATUS_DONE) && !(status & BLOCK_STATUS_ERROR), "block write done");

  /* Interrupt-driven read-back. */
  bm_set_device_handler(IRQ_SOURCE_BLOCK0, block_irq);
  bm_set_device_handler(IRQ_SOURCE_BLOCK1, block_irq);
  bm_intc_route(IRQ_SOURCE_BLOCK0, 0);
  bm_intc_route(IRQ_SOURCE_BLOCK1, 0);
  mmio_write32(BLK(0, IRQ_ENABLE), BLOCK_IRQ_COMPLETE);
  mmio_write32(BLK(1, IRQ_ENABLE), BLOCK_IRQ_COMPLETE);
  bm_irq_unmask(CPU_IRQ_LINE_DEVICE);
  bm_irq_enable();
  memset(rbuf, 0xaa, sizeof rbuf);
  e = command_irq(0, FIRST, COUNT, BM_PHYS(rbuf), BLOCK_COMMAND_READ);
  BM_CHECK_EQ(e, BLOCK_ERROR_NONE, "block read ok (irq)");
  BM_CHECK(irq_status & BLOCK_STATUS_DONE, "block read done status in irq");
  BM_CHECK(memcmp(rbuf, wbuf, sizeof rbuf) == 0, "block read back matches");

  /* A sector the host prepared: byte i = (i * 3 + 1) & 0xff. */
  e = command_irq(0, capacity - 1, 1, BM_PHYS(rbuf), BLOCK_COMMAND_READ);
  int host_ok = e == BLOCK_ERROR_NONE;
  for (unsigned i = 0; i < BLOCK_SECTOR_BYTES; i++) host_ok &= rbuf[i] == (uint8_t)(i * 3 + 1);
  BM_CHECK(host_ok, "block host sector contents");

  /* Refused commands: error status and code, nothing moved. */
  memset(rbuf, 0x55, sizeof rbuf);
  e = command_irq(0, FIRST, 1, DEVICE_BASE_UART, BLOCK_COMMAND_READ);
  BM_CHECK_EQ(e, BLOCK_ERROR_BAD_DMA, "block dma to device area refused");
  BM_CHECK(irq_status & BLOCK_STATUS_ERROR, "block bad dma error status");
  e = command_irq(0, FIRST, 2, ram - BLOCK_SECTOR_BYTES, BLOCK_COMMAND_READ);
  BM_CHECK_EQ(e, BLOCK_ERROR_BAD_DMA, "block dma past end of ram refused");
  e = command_poll(0, FIRST, 1, 0xfffffe00u, BLOCK_COMMAND_WRITE, &status);
  BM_CHECK_EQ(e, BLOCK_ERROR_BAD_DMA, "block dma at 0xfffffe00 refused (polled)");
  BM_CHECK(status & BLOCK_STATUS_ERROR, "block polled error status");
  e = command_irq(0, capacity - 1, 2, BM_PHYS(rbuf), BLOCK_COMMAND_READ);
  BM_CHECK_EQ(e, BLOCK_ERROR_OUT_OF_RANGE, "block read past the end refused");
  e = command_irq(0, 0, 0, BM_PHYS(rbuf), BLOCK_COMMAND_READ);
  BM_CHECK_EQ(e, BLOCK_ERROR_OUT_OF_RANGE, "block zero count refused");
  e = command_irq(0, 0, 1, BM_PHYS(rbuf), 9);
  BM_CHECK_EQ(e, BLOCK_ERROR_BAD_COMMAND, "block bad command refused");
  e = command_irq(1, 0, 1, BM_PHYS(rbuf), BLOCK_COMMAND_READ);
  BM_CHECK_EQ(e, BLOCK_ERROR_NO_MEDIA, "block1 without disk: no media");
  BM_CHECK(rbuf[0] == 0x55 && rbuf[BLOCK_SECTOR_BYTES - 1] == 0x55, "refused commands moved nothing");

  e = command_irq(0, 0, 0, 0, BLOCK_COMMAND_FLUSH);
  BM_CHECK_EQ(e, BLOCK_ERROR_NONE, "block flush ok");
  BM_CHECK_EQ(mmio_read32(DEVICE_BASE_INTC + INTC_REG_LEVEL) & (1u << IRQ_SOURCE_BLOCK0), 0, "block source lowered");
  return bm_result();
}
