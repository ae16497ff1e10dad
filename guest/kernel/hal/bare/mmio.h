/* mmio.h (bare machine): uncached device register access through kseg1 and the device
 * bases read from the board-info block. */
#ifndef MMIO_H
#define MMIO_H

#include "types.h"
#include <machine/memory-map.h>

static inline u32 mmio_read(paddr_t pa) {
  return *(volatile u32 *)(VSEG_KSEG1 | pa);
}

static inline void mmio_write(paddr_t pa, u32 v) {
  *(volatile u32 *)(VSEG_KSEG1 | pa) = v;
}

static inline u32 board(u32 reg) {
  return mmio_read(DEVICE_BASE_BOARD_INFO + reg);
}

/* Physical base of device `id` (DEVICE_ID_*), from the board-info table. */
static inline paddr_t dev_base(u32 id) {
  return board(BOARD_INFO_REG_DEVICE_BASE_TABLE + 4 * id);
}

void intc_init(void);
void intc_cpu_init(int cpu);
void intc_enable_source(u32 source, int cpu);
void timer_cpu_init(int cpu);
void timer_ack(int cpu);
void uart_init(void);
void uart_intr(void);
void disk_intr(int unit);
void disk_hw_init(void);

#endif
