/* dg.c: console output through CONSOLE_WRITE, checks, trap dispatch. */
#include "dg.h"

static char obuf[512];
static u32 olen;
static int failures;
u32 dg_kstack_top[8];
volatile u32 dg_last_vector;
volatile u32 dg_trap_count[32];
static dg_handler handlers[32];

void dg_flush(void) {
  if (olen) mcall(MCALL_CONSOLE_WRITE, KPA(obuf), olen);
  olen = 0;
}
void dg_putc(int c) {
  obuf[olen++] = (char)c;
  if (olen == sizeof obuf || c == '\n') dg_flush();
}
void dg_puts(const char *s) { while (*s) dg_putc(*s++); }
void dg_puthex(u32 v) {
  dg_puts("0x");
  for (int i = 28; i >= 0; i -= 4) dg_putc("0123456789abcdef"[(v >> i) & 15]);
}
void dg_putdec(u32 v) {
  char b[12];
  int n = 0;
  do { b[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) dg_putc(b[--n]);
}
int dg_streq(const char *a, const char *b) {
  while (*a && *a == *b) { a++; b++; }
  return *a == *b;
}
void dg_check(const char *name, int ok) {
  dg_puts(ok ? "PASS " : "FAIL ");
  dg_puts(name);
  dg_putc('\n');
  if (!ok) failures++;
}
void dg_check_eq(const char *name, u32 got, u32 want) {
  if (got == want) { dg_check(name, 1); return; }
  dg_puts("FAIL "); dg_puts(name); dg_puts(" got "); dg_puthex(got); dg_puts(" want "); dg_puthex(want); dg_putc('\n');
  failures++;
}
int dg_result(void) {
  dg_puts(failures ? "RESULT FAIL " : "RESULT PASS");
  if (failures) dg_putdec((u32)failures);
  dg_putc('\n');
  dg_flush();
  return failures;
}
void dg_poweroff(int code) {
  dg_flush();
  mcall(MCALL_POWER, POWER_OP_OFF, (u32)code);
  for (;;) {}
}
void dg_set_handler(u32 code, dg_handler h) { handlers[code & 31] = h; }
void dg_trap(struct dg_frame *f) {
  u32 cause = SP_WORD(SPECIAL_CAUSE);
  u32 code = (cause >> 2) & 31;
  dg_trap_count[code]++;
  if (handlers[code] && handlers[code](code, f)) return;
  dg_puts("FATAL exception "); dg_putdec(code);
  dg_puts(" epc "); dg_puthex(SP_WORD(SPECIAL_EPC));
  dg_puts(" badvaddr "); dg_puthex(SP_WORD(SPECIAL_BADVADDR));
  dg_putc('\n');
  dg_poweroff(0xe0);
}
__attribute__((weak)) void dg_secondary_done(int vcpu) { (void)vcpu; }
