/* hello.c: the smallest bare-metal program: CPU 0 prints a greeting over the UART and powers
 * the machine off with exit code 0 (crt0.S does the poweroff with main's return value). */
#include "bm.h"

int main(unsigned cpu) {
  bm_puts("hello from cpu ");
  bm_putdec(cpu);
  bm_putc('\n');
  return 0;
}
