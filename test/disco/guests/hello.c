/* hello.c: the boot protocol, the special page, the simplest monitor calls and mfc0/mtc0. */
#include "dg.h"

int main(int vcpu, const char *cmdline, u32 mem) {
  dg_puts("hello from vcpu ");
  dg_putdec((u32)vcpu);
  dg_putc('\n');
  dg_check_eq("version", (u32)mcall(MCALL_VERSION, 0, 0), ABI_VERSION);
  dg_check_eq("boot a3 = memory", mem, SP_WORD(SPECIAL_MEMORY_BYTES));
  dg_check_eq("special vcpu id", SP_WORD(SPECIAL_VCPU_ID), 0);
  dg_check("special num vcpus >= 1", SP_WORD(SPECIAL_NUM_VCPUS) >= 1);
  dg_check_eq("special tlb entries", SP_WORD(SPECIAL_TLB_ENTRIES), 64);
  dg_check("cmdline", cmdline != 0 && dg_streq(cmdline, "hello world"));
  /* mfc0 is emulated against the same words as the page */
  dg_check_eq("mfc0 status = page", mfc0(12, 0), SP_WORD(SPECIAL_STATUS));
  dg_check_eq("mfc0 ebase cpunum", mfc0(15, 1) & 0x3ff, 0);
  dg_check_eq("mfc0 ebase base", mfc0(15, 1) & ~0xfffu, 0xC0001000);
  dg_check_eq("config1 mmu size", ((mfc0(16, 1) >> 25) & 0x3f) + 1, 64);
  mtc0(14, 0, 0x12345678);
  dg_check_eq("mtc0 epc -> page", SP_WORD(SPECIAL_EPC), 0x12345678);
  SP_WORD(SPECIAL_EPC) = 0xC0ffee00;
  dg_check_eq("page store -> mfc0 epc", mfc0(14, 0), 0xC0ffee00);
  mtc0(4, 2, 0xabcd);
  u32 ulr;
  __asm__ volatile("rdhwr %0, $29" : "=r"(ulr));
  dg_check_eq("rdhwr ulr", ulr, 0xabcd);
  u32 cpunum;
  __asm__ volatile("rdhwr %0, $0" : "=r"(cpunum));
  dg_check_eq("rdhwr cpunum = vcpu", cpunum, 0);
  u32 hi1, hi2;
  u32 lo1 = (u32)mcall5(MCALL_CLOCK_READ, 0, 0, 0, 0, 0, &hi1);
  u32 lo2 = (u32)mcall5(MCALL_CLOCK_READ, 0, 0, 0, 0, 0, &hi2);
  dg_check("clock monotonic", hi2 > hi1 || (hi2 == hi1 && lo2 > lo1));
  u32 ns;
  u32 sec = (u32)mcall5(MCALL_RTC_READ, 0, 0, 0, 0, 0, &ns);
  dg_check("rtc", sec >= 1700000000u && ns < 1000000000u);
  u32 c1 = mfc0(9, 0);
  for (volatile int i = 0; i < 1000; i++) {}
  dg_check("count advances", mfc0(9, 0) != c1);
  dg_check_eq("unknown call", (u32)mcall(99, 0, 0), (u32)MERR_NO_CALL);
  dg_check_eq("console bad address", (u32)mcall(MCALL_CONSOLE_WRITE, 0x7ffffff0, 100), (u32)MERR_BAD_ADDRESS);
  __asm__ volatile("cache 0x14, 0(%0)" : : "r"(0xC0010000));
  dg_check("cache op is a nop", 1);
  return dg_result();
}
