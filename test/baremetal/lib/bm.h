/* bm.h: helpers for bare-metal test programs: uncached MMIO access to the devices (through
 * kseg1), console output over the UART, board queries, secondary-CPU start and poweroff.
 * Programs define main(unsigned cpu[, uint32_t board_info, uint32_t arg]); see crt0.S. */
#ifndef BM_H
#define BM_H

#include <stddef.h>
#include <stdint.h>
#include <machine/memory-map.h>

/* Uncached kseg1 address of physical address `pa`. */
#define BM_KSEG1(pa) ((uintptr_t)(VSEG_KSEG1 | (uint32_t)(pa)))

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

/* Write one byte to the console. */
static inline void bm_putc(char c) {
  while ((mmio_read32(DEVICE_BASE_UART + UART_REG_STATUS) & UART_STATUS_TX_READY) == 0) {
  }
  mmio_write32(DEVICE_BASE_UART + UART_REG_DATA, (uint8_t)c);
}

/* Write a NUL-terminated string. */
void bm_puts(const char *s);
/* Write `value` as 0x followed by 8 hex digits. */
void bm_puthex(uint32_t value);
/* Write `value` in decimal. */
void bm_putdec(uint32_t value);

/* Number of CPUs on the board. */
unsigned bm_num_cpus(void);
/* Release CPU `cpu` into _start (it then calls main(cpu, board_info, arg)). */
void bm_start_secondary(unsigned cpu, uint32_t arg);
/* Power the machine off with exit code `code`. */
void bm_poweroff(int code) __attribute__((noreturn));
/* Called by crt0.S for any exception: prints the cause and powers off with BM_EXIT_EXCEPTION.
 * Weak: a program may define its own. */
void bm_exception(uint32_t cause, uint32_t epc, uint32_t badvaddr);

/* Exit code of a program stopped by an unexpected exception. */
#define BM_EXIT_EXCEPTION 0xe0

/* GCC may emit calls to these even in freestanding code. */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

#endif /* BM_H */
