/* hal-cpu.h (Disco monitor): the privileged-register accesses of the kernel's hot paths as
 * loads and stores of the special page instead of trapping CP0 instructions (the paper's
 * "a few critical places patched by hand"). A store to Status changes only the bits the
 * monitor lets the guest write (IE, EXL, KSU, IM); anything else still goes through mtc0,
 * which traps and is emulated. An interrupt unmasked by a store is delivered at the next
 * monitor entry, so irq_enable asks for it at once (IRQ_CHECK) when one is pending. */
#ifndef HAL_CPU_H
#define HAL_CPU_H

#include <disco/monitor-abi.h>

/* Status bits a special-page store may change. */
#define SPECIAL_STATUS_WRITABLE (ST_IE | ST_EXL | ST_KSU | ST_IM)

#ifndef __ASSEMBLER__
#include "hal-port.h"

static inline u32 irq_save(void) {
  u32 old = SPECIAL_WORD(SPECIAL_STATUS);
  SPECIAL_WORD(SPECIAL_STATUS) = old & ~ST_IE;
  __asm__ volatile("" : : : "memory");
  return old;
}
static inline void irq_disable(void) { (void)irq_save(); }
static inline void irq_enable(void) {
  __asm__ volatile("" : : : "memory");
  SPECIAL_WORD(SPECIAL_STATUS) |= ST_IE;
  if (SPECIAL_WORD(SPECIAL_PENDING) != 0) {   /* posted and unmasked by IM */
    register u32 v0 __asm__("$2") = MCALL_IRQ_CHECK;
    __asm__ volatile("syscall" : "+r"(v0) : : "$3", "memory");
  }
}
static inline bool irq_enabled(void) { return (SPECIAL_WORD(SPECIAL_STATUS) & ST_IE) != 0; }
/* The monitor deschedules the vCPU until an interrupt is posted to it (even with IE = 0). */
static inline void cpu_wait(void) { __asm__ volatile("wait" : : : "memory"); }
/* The scheduler's idle wait (interrupts off, no process): service what woke the vCPU right
 * here, as the interrupt taken at the next irq_enable would, without the reflection and the
 * IRQ_CHECK that taking it costs. */
void hal_interrupt(u32 cause);
static inline void hal_idle(void) {
  cpu_wait();
  hal_interrupt(0);
}

#else /* entry.S (.set noreorder, noat): none of these may sit in a delay slot */

#define SP_HI %hi(GUEST_VSEG_SPECIAL_PAGE)
#define SP_LO(off) %lo(GUEST_VSEG_SPECIAL_PAGE + (off))

#define HAL_TRAP_FROM_USER(r)                                                                   \
        lui     r, SP_HI;                                                                       \
        lw      r, SP_LO(SPECIAL_STATUS)(r);                                                    \
        andi    r, r, ST_UM
#define HAL_CPU_INDEX4(r)                                                                       \
        lui     r, SP_HI;                                                                       \
        lw      r, SP_LO(SPECIAL_VCPU_ID)(r);                                                   \
        sll     r, r, 2
#define HAL_READ_TRAP_REGS(st, cause, epc, bad)                                                 \
        lui     bad, SP_HI;                                                                     \
        lw      st, SP_LO(SPECIAL_STATUS)(bad);                                                 \
        lw      cause, SP_LO(SPECIAL_CAUSE)(bad);                                               \
        lw      epc, SP_LO(SPECIAL_EPC)(bad);                                                   \
        lw      bad, SP_LO(SPECIAL_BADVADDR)(bad)
#define HAL_LEAVE_EXL(v, tmp)                                                                   \
        lui     tmp, SP_HI;                                                                     \
        sw      v, SP_LO(SPECIAL_STATUS)(tmp)
/* Setting EXL by the store masks interrupts at once; when tf->status differs from the
 * current Status in a bit the store cannot change (CU1 after an FPU hand-over), mtc0 too. */
#define HAL_RESTORE_TRAP_REGS                                                                   \
        lw      $t0, TF_STATUS($sp);                                                            \
        ori     $t0, $t0, ST_EXL;                                                               \
        lui     $t2, SP_HI;                                                                     \
        lw      $t1, SP_LO(SPECIAL_STATUS)($t2);                                                \
        li      $t3, ~SPECIAL_STATUS_WRITABLE;                                                  \
        xor     $t1, $t1, $t0;                                                                  \
        and     $t1, $t1, $t3;                                                                  \
        beqz    $t1, 9f;                                                                        \
        sw      $t0, SP_LO(SPECIAL_STATUS)($t2);                                                \
        mtc0    $t0, CP0_STATUS;                                                                \
9:      lw      $t1, TF_EPC($sp);                                                               \
        sw      $t1, SP_LO(SPECIAL_EPC)($t2)
#endif

#endif
