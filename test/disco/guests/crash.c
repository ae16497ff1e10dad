/* crash.c: guests that misbehave, chosen by the command line: "panic" (prints and powers off
 * with 0x7a), "spin" (interrupts off, loops forever), "garbage" (executes a page of garbage with
 * the exception base pointing into it too), "wild" (stores to kseg0/kseg1/devices and
 * unmapped memory, then garbage), "reboot" (counts boots on disk 0: resets until the third
 * boot, then powers off with the count). */
#include "dg.h"

static u32 buf[128] __attribute__((aligned(512)));

static int disk(u32 op) {
  if (mcall5(MCALL_DISK_START, 0, op, 0, 1, KPA(buf), 0) < 0) return -1;
  for (;;) {
    s32 st = mcall(MCALL_DISK_POLL, 0, 0);
    if (st == DISK_STATE_DONE) return 0;
    if (st == DISK_STATE_FAILED) return -1;
  }
}

static void store(u32 va, u32 v) { __asm__ volatile("sw %0, 0(%1)\n\tnop" : : "r"(v), "r"(va) : "memory"); }
static int skip_handler(u32 code, struct dg_frame *f) { (void)code; (void)f; SP_WORD(SPECIAL_EPC) += 4; return 1; }

int main(int vcpu, const char *cmdline, u32 mem) {
  (void)vcpu; (void)mem;
  if (dg_streq(cmdline, "panic")) {
    dg_puts("panic: the test guest gives up\n");
    dg_poweroff(0x7a);
  }
  if (dg_streq(cmdline, "spin")) {
    __asm__ volatile("di");
    dg_puts("spinning\n");
    dg_flush();
    for (;;) {}
  }
  if (dg_streq(cmdline, "garbage") || dg_streq(cmdline, "wild")) {
    if (dg_streq(cmdline, "wild")) {
      for (int c = 0; c < 32; c++) dg_set_handler((u32)c, skip_handler);
      store(0x80000000, 1);
      store(0xA0000000, 1);
      store(0xBF000000, 1);
      store(0xDF000000, 1);
      store(0x10000000, 1);
      dg_puts("wild stores survived\n");
      dg_flush();
    }
    volatile u32 *page = KVA(0x300000);
    for (int i = 0; i < 1024; i++) page[i] = 0xfc000000u | (u32)i * 0x1234567u; /* opcode 0x3f: reserved */
    mtc0(15, 1, 0xC0300000);
    ((void (*)(void))page)();
  }
  if (dg_streq(cmdline, "reboot")) {
    u32 info;
    s32 sectors = mcall5(MCALL_DISK_INFO, 0, 0, 0, 0, 0, &info);
    if (sectors <= 0 || disk(DISK_OP_READ) < 0) dg_poweroff(0xe1);
    buf[0]++;
    if (disk(DISK_OP_WRITE) < 0) dg_poweroff(0xe2);
    mcall5(MCALL_DISK_START, 0, DISK_OP_FLUSH, 0, 0, 0, 0);
    dg_puts("boot "); dg_putdec(buf[0]); dg_putc('\n'); dg_flush();
    if (buf[0] < 3) mcall(MCALL_POWER, POWER_OP_RESET, buf[0]);
    return (int)buf[0];
  }
  dg_puts("unknown mode\n");
  return 1;
}
