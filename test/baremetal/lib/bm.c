/* bm.c: the out-of-line part of bm.h: console formatting (with a console lock), CPU start,
 * poweroff/reset, trap() with the interrupt dispatch (IP2 device sources through the intc's
 * CLAIM register, IP3 IPIs, IP4 timer channel, IP7 CP0 timer, software lines) and the fatal
 * exception report, PASS/FAIL checks, and memset/memcpy & co for freestanding code. */
#include <stdarg.h>

#include "bm.h"

extern char _start[];

volatile uint32_t bm_spurious_irqs[MACHINE_MAX_CPUS];
volatile uint32_t bm_irq_count[MACHINE_MAX_CPUS];
volatile uint32_t bm_failures;

static bm_irq_handler irq_handlers[8];
static bm_device_handler device_handlers[INTC_SOURCES];
static bm_ipi_handler ipi_handler;
static bm_exc_handler exc_handlers[32];
static bm_spinlock_t console_lock = BM_SPINLOCK_INIT;

/* ---- console ---------------------------------------------------------------------------- */

void bm_puts(const char *s) {
  while (*s != '\0') bm_putc(*s++);
}

static void put_number(uint32_t value, unsigned base, int width, char pad) {
  static const char digits[] = "0123456789abcdef";
  char buf[12];
  int n = 0;
  do {
    buf[n++] = digits[value % base];
    value /= base;
  } while (value != 0);
  while (width-- > n) bm_putc(pad);
  while (n > 0) bm_putc(buf[--n]);
}

void bm_puthex(uint32_t value) {
  bm_puts("0x");
  put_number(value, 16, 8, '0');
}

void bm_putdec(uint32_t value) {
  put_number(value, 10, 0, ' ');
}

void bm_printf(const char *fmt, ...) {
  va_list ap;
  uint32_t s = bm_irq_disable();
  bm_spin_lock(&console_lock);
  va_start(ap, fmt);
  for (const char *p = fmt; *p != '\0'; p++) {
    if (*p != '%') {
      bm_putc(*p);
      continue;
    }
    p++;
    char pad = ' ';
    int width = 0;
    if (*p == '0') {
      pad = '0';
      p++;
    }
    while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
    switch (*p) {
      case 's': {
        const char *str = va_arg(ap, const char *);
        bm_puts(str != NULL ? str : "(null)");
        break;
      }
      case 'c':
        bm_putc((char)va_arg(ap, int));
        break;
      case 'd': {
        int v = va_arg(ap, int);
        if (v < 0) {
          bm_putc('-');
          put_number(-(uint32_t)v, 10, width > 0 ? width - 1 : 0, pad);
        } else {
          put_number((uint32_t)v, 10, width, pad);
        }
        break;
      }
      case 'u':
        put_number(va_arg(ap, uint32_t), 10, width, pad);
        break;
      case 'x':
        put_number(va_arg(ap, uint32_t), 16, width, pad);
        break;
      case 'p':
        bm_puthex((uint32_t)(uintptr_t)va_arg(ap, void *));
        break;
      case '%':
        bm_putc('%');
        break;
      case '\0':
        p--;
        break;
      default:
        bm_putc('%');
        bm_putc(*p);
        break;
    }
  }
  va_end(ap);
  bm_spin_unlock(&console_lock);
  bm_irq_restore(s);
}

/* ---- board, CPUs, power ------------------------------------------------------------------ */

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

void bm_reset(int code) {
  mmio_write32(DEVICE_BASE_POWER + POWER_REG_RESET, (uint32_t)code);
  for (;;) {
  }
}

/* ---- interrupts and exceptions ---------------------------------------------------------- */

void bm_irq_unmask(unsigned line) {
  uint32_t s = bm_irq_disable();
  bm_write_status((bm_read_status() | BM_STATUS_IM(line)) & ~BM_STATUS_IE);
  bm_irq_restore(s);
}

void bm_irq_mask(unsigned line) {
  uint32_t s = bm_irq_disable();
  bm_write_status(bm_read_status() & ~BM_STATUS_IM(line) & ~BM_STATUS_IE);
  bm_irq_restore(s);
}

void bm_set_irq_handler(unsigned line, bm_irq_handler fn) {
  if (line < 8) irq_handlers[line] = fn;
}

void bm_set_device_handler(unsigned source, bm_device_handler fn) {
  if (source < INTC_SOURCES) device_handlers[source] = fn;
}

void bm_intc_route(unsigned source, unsigned cpu) {
  mmio_write32(DEVICE_BASE_INTC + INTC_REG_ROUTE_TABLE + 4 * source, cpu);
  mmio_write32(DEVICE_BASE_INTC + INTC_REG_ENABLE_SET, 1u << source);
}

void bm_set_ipi_handler(bm_ipi_handler fn) {
  ipi_handler = fn;
}

void bm_ipi_send(uint32_t targets) {
  uint32_t block = DEVICE_BASE_INTC + INTC_REG_CPU_BLOCK + bm_cpu_id() * INTC_REG_CPU_STRIDE;
  mmio_write32(block + INTC_CPU_REG_IPI_SEND, targets);
}

void bm_set_exception_handler(unsigned code, bm_exc_handler fn) {
  if (code < 32) exc_handlers[code] = fn;
}

/* IP2: service every source routed to this CPU, lowest first, until CLAIM reports none. A
 * source without a handler is disabled in the intc (it would otherwise storm). */
static void dispatch_devices(unsigned cpu) {
  uint32_t block = DEVICE_BASE_INTC + INTC_REG_CPU_BLOCK + cpu * INTC_REG_CPU_STRIDE;
  for (int guard = 0; guard < 64; guard++) {
    uint32_t source = mmio_read32(block + INTC_CPU_REG_CLAIM);
    if (source == INTC_NO_SOURCE) return;
    if (source < INTC_SOURCES && device_handlers[source] != NULL) {
      device_handlers[source](cpu, source);
    } else {
      mmio_write32(DEVICE_BASE_INTC + INTC_REG_ENABLE_CLEAR, 1u << (source & 31));
      bm_spurious_irqs[cpu]++;
    }
  }
}

/* IP3: read and clear this CPU's IPI pending word, then hand the senders to the handler. */
static void dispatch_ipi(unsigned cpu) {
  uint32_t block = DEVICE_BASE_INTC + INTC_REG_CPU_BLOCK + cpu * INTC_REG_CPU_STRIDE;
  uint32_t from = mmio_read32(block + INTC_CPU_REG_IPI_PENDING);
  mmio_write32(block + INTC_CPU_REG_IPI_PENDING, from);
  if (from == 0) {
    bm_spurious_irqs[cpu]++;
  } else if (ipi_handler != NULL) {
    ipi_handler(cpu, from);
  }
}

/* Default IP4: acknowledge this CPU's timer channel. */
static void ack_timer_channel(unsigned cpu) {
  uint32_t ch = DEVICE_BASE_TIMER + TIMER_REG_CHANNEL_BLOCK + cpu * TIMER_REG_CHANNEL_STRIDE;
  mmio_write32(ch + TIMER_CHANNEL_REG_STATUS, TIMER_STATUS_EXPIRED);
}

static void dispatch_interrupts(unsigned cpu, uint32_t cause, struct bm_frame *frame) {
  uint32_t pending = ((cause & frame->status) >> 8) & 0xff;
  bm_irq_count[cpu]++;
  if (pending == 0) {
    bm_spurious_irqs[cpu]++;
    return;
  }
  for (int line = 7; line >= 0; line--) {
    if ((pending & (1u << line)) == 0) continue;
    if (irq_handlers[line] != NULL) {
      irq_handlers[line](cpu, (unsigned)line);
    } else if (line == CPU_IRQ_LINE_DEVICE) {
      dispatch_devices(cpu);
    } else if (line == CPU_IRQ_LINE_IPI) {
      dispatch_ipi(cpu);
    } else if (line == CPU_IRQ_LINE_TIMER) {
      ack_timer_channel(cpu);
    } else {
      /* Software lines are cleared in Cause; any other unhandled line is masked. */
      if (line < 2) {
        uint32_t c = bm_read_cause() & ~BM_CAUSE_IP(line);
        __asm__ volatile("mtc0 %0, $13\n\tehb" : : "r"(c));
      } else {
        frame->status &= ~BM_STATUS_IM(line);
        bm_write_status(bm_read_status() & ~BM_STATUS_IM(line));
      }
      bm_spurious_irqs[cpu]++;
    }
  }
}

void trap(uint32_t cause, uint32_t epc, uint32_t badvaddr, struct bm_frame *frame) {
  unsigned code = BM_CAUSE_EXCCODE(cause);
  if (code == BM_EXC_INT) {
    dispatch_interrupts(bm_cpu_id(), cause, frame);
    return;
  }
  if (exc_handlers[code] != NULL && exc_handlers[code](frame)) return;
  bm_exception(cause, epc, badvaddr);
}

__attribute__((weak)) void bm_exception(uint32_t cause, uint32_t epc, uint32_t badvaddr) {
  /* Unlocked output: the console lock may be held by the code that faulted. */
  bm_puts("\nbm: exception code=");
  bm_putdec(BM_CAUSE_EXCCODE(cause));
  bm_puts(" cause=");
  bm_puthex(cause);
  bm_puts(" epc=");
  bm_puthex(epc);
  bm_puts(" badvaddr=");
  bm_puthex(badvaddr);
  bm_puts(" cpu=");
  bm_putdec(bm_cpu_id());
  bm_putc('\n');
  bm_poweroff(BM_EXIT_EXCEPTION);
}

/* ---- checks ------------------------------------------------------------------------------ */

int bm_check(int ok, const char *name, const char *file, int line) {
  if (ok) {
    bm_printf("PASS %s\n", name);
  } else {
    bm_atomic_add(&bm_failures, 1);
    bm_printf("FAIL %s (%s:%d)\n", name, file, line);
  }
  return ok;
}

int bm_check_eq(uint32_t got, uint32_t want, const char *name, int line) {
  if (got == want) {
    bm_printf("PASS %s\n", name);
    return 1;
  }
  bm_atomic_add(&bm_failures, 1);
  bm_printf("FAIL %s: got %u (0x%x), want %u (0x%x) (line %d)\n", name, got, got, want, want, line);
  return 0;
}

int bm_result(void) {
  if (bm_failures == 0) {
    bm_printf("RESULT PASS\n");
    return 0;
  }
  bm_printf("RESULT FAIL %u\n", bm_failures);
  return 1;
}

/* ---- libc bits -------------------------------------------------------------------------- */

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

int memcmp(const void *a, const void *b, size_t n) {
  const unsigned char *x = a, *y = b;
  for (size_t i = 0; i < n; i++) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n] != '\0') n++;
  return n;
}

int strcmp(const char *a, const char *b) {
  while (*a != '\0' && *a == *b) {
    a++;
    b++;
  }
  return (unsigned char)*a - (unsigned char)*b;
}
