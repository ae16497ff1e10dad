/* bm.c: the out-of-line part of bm.h (console formatting, CPU start, poweroff, the default
 * fatal exception report) plus memset/memcpy for freestanding code. */
#include "bm.h"

extern char _start[];

void bm_puts(const char *s) {
  while (*s != '\0') bm_putc(*s++);
}

void bm_puthex(uint32_t value) {
  static const char digits[] = "0123456789abcdef";
  bm_putc('0');
  bm_putc('x');
  for (int shift = 28; shift >= 0; shift -= 4) bm_putc(digits[(value >> shift) & 0xf]);
}

void bm_putdec(uint32_t value) {
  char buf[10];
  int n = 0;
  do {
    buf[n++] = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n > 0) bm_putc(buf[--n]);
}

unsigned bm_num_cpus(void) {
  return bm_board(BOARD_INFO_REG_NUM_CPUS);
}

void bm_start_secondary(unsigned cpu, uint32_t arg) {
  uint32_t block = DEVICE_BASE_POWER + POWER_REG_START_BLOCK + cpu * POWER_REG_START_STRIDE;
  mmio_write32(block + POWER_START_REG_ARG, arg);
  mmio_write32(block + POWER_START_REG_PC, (uint32_t)(uintptr_t)_start);
}

void bm_poweroff(int code) {
  mmio_write32(DEVICE_BASE_POWER + POWER_REG_POWEROFF, (uint32_t)code);
  for (;;) {
  }
}

__attribute__((weak)) void bm_exception(uint32_t cause, uint32_t epc, uint32_t badvaddr) {
  bm_puts("\nbm: exception cause=");
  bm_puthex(cause);
  bm_puts(" epc=");
  bm_puthex(epc);
  bm_puts(" badvaddr=");
  bm_puthex(badvaddr);
  bm_putc('\n');
  bm_poweroff(BM_EXIT_EXCEPTION);
}

void *memset(void *dst, int c, size_t n) {
  unsigned char *d = dst;
  while (n-- > 0) *d++ = (unsigned char)c;
  return dst;
}

void *memcpy(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  while (n-- > 0) *d++ = *s++;
  return dst;
}
