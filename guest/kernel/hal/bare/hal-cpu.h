/* hal-cpu.h (bare machine): how the portable kernel reaches the privileged registers on its
 * hot paths: interrupt enable/disable and the idle wait (C), and the trap entry/exit registers
 * (entry.S). On the bare machine these are the CP0 instructions themselves; a port under the
 * monitor replaces them with loads and stores of its special page. Included at the end of
 * mips.h. */
#ifndef HAL_CPU_H
#define HAL_CPU_H

#ifndef __ASSEMBLER__
/* Disable interrupts and return the old Status. */
static inline u32 irq_save(void) {
  u32 old;
  __asm__ volatile("di %0\n\tehb" : "=r"(old) : : "memory");
  return old;
}
static inline void irq_enable(void) { __asm__ volatile("ei\n\tehb" : : : "memory"); }
static inline void irq_disable(void) { __asm__ volatile("di\n\tehb" : : : "memory"); }
static inline bool irq_enabled(void) { return (read_status() & ST_IE) != 0; }
static inline void cpu_wait(void) { __asm__ volatile("wait" : : : "memory"); }
/* The scheduler's idle wait (interrupts off): the interrupt is taken at the next irq_enable. */
static inline void hal_idle(void) { cpu_wait(); }

#else /* entry.S (.set noreorder, noat): none of these may sit in a delay slot */

/* r = Status & ST_UM: non-zero when the exception came from user mode (only k0/k1 free). */
#define HAL_TRAP_FROM_USER(r)                                                                   \
        mfc0    r, CP0_STATUS;                                                                  \
        andi    r, r, ST_UM
/* r = this CPU's number times 4 (Context.PTEBase holds the number). */
#define HAL_CPU_INDEX4(r)                                                                       \
        mfc0    r, CP0_CONTEXT;                                                                 \
        srl     r, r, CONTEXT_CPU_SHIFT;                                                        \
        sll     r, r, 2
/* The exception's Status, Cause, EPC and BadVAddr. */
#define HAL_READ_TRAP_REGS(st, cause, epc, bad)                                                 \
        mfc0    st, CP0_STATUS;                                                                 \
        mfc0    cause, CP0_CAUSE;                                                               \
        mfc0    epc, CP0_EPC;                                                                   \
        mfc0    bad, CP0_BADVADDR
/* Status = v, leaving exception level with interrupts off (tmp: a free register). */
#define HAL_LEAVE_EXL(v, tmp)                                                                   \
        mtc0    v, CP0_STATUS;                                                                  \
        ehb
/* Interrupts off, then Status = tf->status | EXL and EPC = tf->epc (tf = sp; t0-t3 free). */
#define HAL_RESTORE_TRAP_REGS                                                                   \
        di;                                                                                     \
        ehb;                                                                                    \
        lw      $t0, TF_STATUS($sp);                                                            \
        ori     $t0, $t0, ST_EXL;                                                               \
        mtc0    $t0, CP0_STATUS;                                                                \
        ehb;                                                                                    \
        lw      $t1, TF_EPC($sp);                                                               \
        mtc0    $t1, CP0_EPC
#endif

#endif
