/* trap.c: exception and interrupt entry test: SYSCALL, BREAK, a conditional trap and an
 * overflow handled by registered handlers (EPC moved past the instruction, registers changed
 * through the frame), callee-saved registers intact across them, a software interrupt (IP0),
 * then an unhandled address error that must be reported and end with exit code 0xE0. */
#include "bm.h"

static volatile unsigned sys_count, bp_count, tr_count, ov_count, sw_irqs;

static int on_syscall(struct bm_frame *f) {
  sys_count++;
  f->regs[2] = f->regs[4] + 1; /* v0 = a0 + 1 */
  f->epc += 4;
  return 1;
}

static int on_break(struct bm_frame *f) {
  bp_count++;
  f->epc += 4;
  return 1;
}

static int on_trap(struct bm_frame *f) {
  tr_count++;
  f->epc += 4;
  return 1;
}

static int on_overflow(struct bm_frame *f) {
  ov_count++;
  f->epc += 4;
  return 1;
}

static void on_soft(unsigned cpu, unsigned line) {
  (void)cpu;
  sw_irqs++;
  uint32_t c = bm_read_cause() & ~BM_CAUSE_IP(line);
  __asm__ volatile("mtc0 %0, $13\n\tehb" : : "r"(c));
}

static uint32_t do_syscall(uint32_t x) {
  register uint32_t a0 __asm__("$4") = x;
  register uint32_t v0 __asm__("$2") = 0;
  __asm__ volatile("syscall" : "+r"(v0) : "r"(a0) : "memory");
  return v0;
}

int main(unsigned cpu) {
  if (cpu != 0) return 0;
  bm_set_exception_handler(BM_EXC_SYS, on_syscall);
  bm_set_exception_handler(BM_EXC_BP, on_break);
  bm_set_exception_handler(BM_EXC_TR, on_trap);
  bm_set_exception_handler(BM_EXC_OV, on_overflow);

  BM_CHECK_EQ(do_syscall(41), 42, "syscall handled, v0 set through the frame");
  __asm__ volatile("break 7" : : : "memory");
  BM_CHECK_EQ(bp_count, 1, "break handled");
  uint32_t one = 1;
  __asm__ volatile("teq %0, %0" : : "r"(one) : "memory");
  BM_CHECK_EQ(tr_count, 1, "teq trap handled");
  int32_t big = 0x7fffffff, result = 5;
  __asm__ volatile("add %0, %1, %1" : "+r"(result) : "r"(big));
  BM_CHECK_EQ(ov_count, 1, "overflow handled");
  BM_CHECK_EQ(result, 5, "overflowing add left rd unchanged");

  /* Registers survive an exception: s0..s7 and fp set in asm, a syscall in between. */
  uint32_t saved[9];
  __asm__ volatile(
      "li $16, 0x16161616\n li $17, 0x17171717\n li $18, 0x18181818\n li $19, 0x19191919\n"
      "li $20, 0x20202020\n li $21, 0x21212121\n li $22, 0x22222222\n li $23, 0x23232323\n"
      "li $30, 0x30303030\n syscall\n"
      "sw $16, 0(%0)\n sw $17, 4(%0)\n sw $18, 8(%0)\n sw $19, 12(%0)\n sw $20, 16(%0)\n"
      "sw $21, 20(%0)\n sw $22, 24(%0)\n sw $23, 28(%0)\n sw $30, 32(%0)\n"
      :
      : "r"(saved)
      : "$2", "$16", "$17", "$18", "$19", "$20", "$21", "$22", "$23", "$30", "memory");
  static const uint32_t want[9] = {0x16161616, 0x17171717, 0x18181818, 0x19191919, 0x20202020,
                                   0x21212121, 0x22222222, 0x23232323, 0x30303030};
  BM_CHECK(memcmp(saved, want, sizeof want) == 0, "callee-saved registers preserved");
  BM_CHECK_EQ(sys_count, 2, "syscall count");

  /* Software interrupt 0. */
  bm_set_irq_handler(0, on_soft);
  bm_irq_unmask(0);
  bm_irq_enable();
  uint32_t c = bm_read_cause() | BM_CAUSE_IP(0);
  __asm__ volatile("mtc0 %0, $13\n\tehb\n\tnop" : : "r"(c));
  BM_CHECK_EQ(sw_irqs, 1, "software interrupt taken");
  BM_CHECK((bm_read_status() & BM_STATUS_EXL) == 0, "back at exception level 0");

  /* Unhandled: an unaligned load is fatal (exit code 0xE0, reported on the console). */
  bm_printf("trap: faulting now\n");
  uint32_t bad = 0x80000003u, value;
  __asm__ volatile("lw %0, 0(%1)" : "=r"(value) : "r"(bad) : "memory"); /* a plain lw: AdEL */
  bm_printf("trap: loaded %x\n", value);
  bm_printf("trap: survived an unhandled exception\n");
  return 1;
}
