/* disk.c (bare machine): the block controllers. A transfer is started by writing the
 * sector, count, DMA address and command registers; completion (DONE or ERROR) raises the
 * controller's interrupt source, routed to CPU 0, which tells the kernel's disk queue
 * (disk_interrupt); the queue reads and acknowledges the status with hal_disk_poll. */
#include "types.h"
#include "defs.h"
#include "hal.h"
#include "mmio.h"

#define BLK(unit, reg) (DEVICE_BASE_BLOCK0 + (u32)(unit) * (DEVICE_BASE_BLOCK1 - DEVICE_BASE_BLOCK0) + (reg))

void disk_hw_init(void) {
  for (int u = 0; u < BLOCK_UNITS; u++) {
    mmio_write(BLK(u, BLOCK_REG_STATUS), BLOCK_STATUS_DONE | BLOCK_STATUS_ERROR);
    if (!hal_disk_present(u)) continue;
    mmio_write(BLK(u, BLOCK_REG_IRQ_ENABLE), BLOCK_IRQ_COMPLETE);
    intc_enable_source(IRQ_SOURCE_BLOCK0 + (u32)u, 0);
  }
}

bool hal_disk_present(int unit) {
  return unit >= 0 && unit < BLOCK_UNITS && (mmio_read(BLK(unit, BLOCK_REG_STATUS)) & BLOCK_STATUS_MEDIA) != 0;
}

u32 hal_disk_sectors(int unit) {
  return mmio_read(BLK(unit, BLOCK_REG_CAPACITY));
}

void hal_disk_start(int unit, u32 sector, u32 count, paddr_t pa, bool write) {
  mmio_write(BLK(unit, BLOCK_REG_SECTOR), sector);
  mmio_write(BLK(unit, BLOCK_REG_COUNT), count);
  mmio_write(BLK(unit, BLOCK_REG_DMA_ADDR), pa);
  mmio_write(BLK(unit, BLOCK_REG_COMMAND), write ? BLOCK_COMMAND_WRITE : BLOCK_COMMAND_READ);
}

void hal_disk_start_flush(int unit) {
  mmio_write(BLK(unit, BLOCK_REG_COMMAND), BLOCK_COMMAND_FLUSH);
}

enum disk_state hal_disk_poll(int unit) {
  u32 st = mmio_read(BLK(unit, BLOCK_REG_STATUS));
  if ((st & (BLOCK_STATUS_DONE | BLOCK_STATUS_ERROR)) == 0) return DISK_BUSY;
  mmio_write(BLK(unit, BLOCK_REG_STATUS), st & (BLOCK_STATUS_DONE | BLOCK_STATUS_ERROR));
  return (st & BLOCK_STATUS_ERROR) ? DISK_FAILED : DISK_DONE;
}

void disk_intr(int unit) {
  disk_interrupt(unit);
}
