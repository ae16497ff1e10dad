/* disk.c (Disco monitor): the VM's disks by monitor call, one call per command: DISK_START
 * with the buffer's guest physical address (the monitor translates it through the pmap),
 * completion posted as VIRQ DISKn, DISK_POLL to read and acknowledge the result. The queue
 * polls right after starting a command, so a disk that finishes at once is handled without
 * an interrupt. */
#include "types.h"
#include "defs.h"
#include "hal.h"
#include "mcall.h"

#define UNITS 4

static bool start_failed[UNITS];

bool hal_disk_present(int unit) {
  return unit >= 0 && unit < UNITS && mcall(MCALL_DISK_INFO, (u32)unit, 0) >= 0;
}

u32 hal_disk_sectors(int unit) {
  long n = mcall(MCALL_DISK_INFO, (u32)unit, 0);
  return n < 0 ? 0 : (u32)n;
}

static void start(int unit, u32 op, u32 sector, u32 count, paddr_t pa) {
  start_failed[unit] = mcall5(MCALL_DISK_START, (u32)unit, op, sector, count, pa, NULL) < 0;
}

void hal_disk_start(int unit, u32 sector, u32 count, paddr_t pa, bool write) {
  start(unit, write ? DISK_OP_WRITE : DISK_OP_READ, sector, count, pa);
}

void hal_disk_start_flush(int unit) {
  start(unit, DISK_OP_FLUSH, 0, 0, 0);
}

/* A command the monitor refused fails at its first poll. */
enum disk_state hal_disk_poll(int unit) {
  if (start_failed[unit]) {
    start_failed[unit] = false;
    return DISK_FAILED;
  }
  long st = mcall(MCALL_DISK_POLL, (u32)unit, 0);
  if (st == DISK_STATE_BUSY || st == DISK_STATE_IDLE) return DISK_BUSY;
  /* Finished: the poll also acknowledged the completion's DISKn VIRQ (ABI); should it still
   * show in the page (fresh after the call), drop it rather than take an interrupt for it. */
  if (SPECIAL_WORD(SPECIAL_VIRQ_PENDING) & (VIRQ_DISK0 << unit)) mcall(MCALL_IRQ_ACK, VIRQ_DISK0 << unit, 0);
  return st == DISK_STATE_DONE ? DISK_DONE : DISK_FAILED;
}

void disk_virq(u32 virqs) {
  for (int u = 0; u < UNITS; u++)
    if (virqs & (VIRQ_DISK0 << u)) disk_interrupt(u);
}
