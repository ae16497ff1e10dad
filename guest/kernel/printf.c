/* printf.c: formatted output for the kernel: kprintf to the console (whole call under one
 * lock, so lines of different CPUs do not mix), snprintf for procfs text, and panic(). */
#include "types.h"
#include "defs.h"
#include "spinlock.h"
#include "proc.h"
#include "hal.h"
#include "mips.h"

static struct spinlock cons_lock = SPINLOCK_INIT("cons");
static volatile bool panicked;

struct sink {
  void (*put)(struct sink *s, char c);
  char *buf;
  size_t len, cap;
};

static void put_num(struct sink *s, u64 v, int base, bool neg, int width, char pad) {
  char tmp[24];
  int n = 0;
  do {
    u64 r;
    v = udivmod64(v, base, &r);
    tmp[n++] = "0123456789abcdef"[r];
  } while (v != 0);
  if (neg) tmp[n++] = '-';
  for (int i = n; i < width; i++) s->put(s, pad);
  while (n > 0) s->put(s, tmp[--n]);
}

/* %d %u %x %s %c %p %%, with an optional '0' flag, width and 'l'/'ll' (64-bit with ll). */
static void vformat(struct sink *s, const char *fmt, va_list ap) {
  for (; *fmt != '\0'; fmt++) {
    if (*fmt != '%') {
      s->put(s, *fmt);
      continue;
    }
    fmt++;
    char pad = ' ';
    int width = 0, longs = 0;
    if (*fmt == '0') pad = '0', fmt++;
    while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
    while (*fmt == 'l') longs++, fmt++;
    switch (*fmt) {
    case 'd': {
      s64 v = longs >= 2 ? va_arg(ap, s64) : va_arg(ap, s32);
      put_num(s, v < 0 ? -(u64)v : (u64)v, 10, v < 0, width, pad);
      break;
    }
    case 'u':
      put_num(s, longs >= 2 ? va_arg(ap, u64) : va_arg(ap, u32), 10, false, width, pad);
      break;
    case 'x':
      put_num(s, longs >= 2 ? va_arg(ap, u64) : va_arg(ap, u32), 16, false, width, pad);
      break;
    case 'p':
      s->put(s, '0'), s->put(s, 'x');
      put_num(s, va_arg(ap, u32), 16, false, 8, '0');
      break;
    case 'c':
      s->put(s, (char)va_arg(ap, int));
      break;
    case 's': {
      const char *str = va_arg(ap, const char *);
      if (str == NULL) str = "(null)";
      int len = (int)strlen(str);
      for (int i = len; i < width; i++) s->put(s, ' ');
      while (*str) s->put(s, *str++);
      break;
    }
    case '%':
      s->put(s, '%');
      break;
    default:
      s->put(s, '%');
      if (*fmt == '\0') return;
      s->put(s, *fmt);
    }
  }
}

static void cons_put(struct sink *s, char c) {
  (void)s;
  if (c == '\n') hal_cons_putc('\r');
  hal_cons_putc(c);
}

void kprintf(const char *fmt, ...) {
  struct sink s = { cons_put, NULL, 0, 0 };
  va_list ap;
  bool locking = !panicked;
  if (locking) acquire(&cons_lock);
  va_start(ap, fmt);
  vformat(&s, fmt, ap);
  va_end(ap);
  hal_cons_flush();
  if (locking) release(&cons_lock);
}

static void buf_put(struct sink *s, char c) {
  if (s->len + 1 < s->cap) s->buf[s->len] = c;
  s->len++;
}

int vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap) {
  struct sink s = { buf_put, buf, 0, cap };
  vformat(&s, fmt, ap);
  if (cap > 0) buf[s.len < cap ? s.len : cap - 1] = '\0';
  return (int)s.len;
}

int snprintf(char *buf, size_t cap, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, cap, fmt, ap);
  va_end(ap);
  return n;
}

/* Console lock for the tty layer's output (echo and user writes). */
void cons_lock_acquire(void) { acquire(&cons_lock); }
void cons_lock_release(void) {
  hal_cons_flush();
  release(&cons_lock);
}

void panic(const char *fmt, ...) {
  irq_disable();
  if (panicked) {          /* a second CPU: stop quietly, the first one reports */
    for (;;) cpu_wait();
  }
  panicked = true;
  struct sink s = { cons_put, NULL, 0, 0 };
  va_list ap;
  kprintf("\npanic: ");
  va_start(ap, fmt);
  vformat(&s, fmt, ap);
  va_end(ap);
  struct proc *p = myproc();
  kprintf("\n  cpu %d, pid %d (%s)\n", hal_cpu_id(), p ? p->pid : 0, p ? p->name : "-");
  hal_poweroff(PANIC_EXIT_CODE);
}
