/* crt0.S: start-up of the bare-metal test programs. Every CPU enters _start with the boot
 * protocol's registers (a0 = CPU number, a1 = board-info base, a2 = argument; docs/machine.md),
 * takes the stack of its CPU number, and calls main(cpu, board_info, arg). CPU 0 clears .bss
 * first and powers the machine off with main's return value; other CPUs idle when main returns.
 * Also the exception vectors: every exception is fatal and reported by bm_exception(). */
#include <machine/memory-map.h>

#define CP0_BADVADDR $8
#define CP0_CAUSE    $13
#define CP0_EPC      $14

        .set    noreorder
        .set    mips32r2

        .section .text.start, "ax"
        .globl  _start
        .ent    _start
_start:
        move    $s0, $a0                /* keep the boot registers across the bss loop */
        move    $s1, $a1
        move    $s2, $a2
        la      $t0, __stacks_end       /* sp = __stacks_end - cpu * __bm_stack_bytes - 16 */
        la      $t1, __bm_stack_bytes
        mul     $t1, $a0, $t1
        subu    $sp, $t0, $t1
        addiu   $sp, $sp, -16           /* o32 argument save area */
        bnez    $s0, 2f
        nop
        la      $t0, __bss_start        /* CPU 0 only: clear .bss */
        la      $t1, __bss_end
1:      beq     $t0, $t1, 2f
        nop
        sw      $zero, 0($t0)
        b       1b
        addiu   $t0, $t0, 4
2:      move    $a0, $s0
        move    $a1, $s1
        jal     main
        move    $a2, $s2
        bnez    $s0, 3f
        nop
        jal     bm_poweroff             /* CPU 0: main's result is the exit code */
        move    $a0, $v0
3:      wait                            /* other CPUs: idle for good */
        b       3b
        nop
        .end    _start

/* Fatal exception path: bm_exception(cause, epc, badvaddr) on the current stack. */
        .text
        .globl  _bm_trap
        .ent    _bm_trap
_bm_trap:
        mfc0    $a0, CP0_CAUSE
        mfc0    $a1, CP0_EPC
        mfc0    $a2, CP0_BADVADDR
        jal     bm_exception
        nop
4:      b       4b
        nop
        .end    _bm_trap

/* Vectors with Status.BEV = 0 and EBase = 0x80000000: TLB refill, cache error, general,
 * interrupt (Cause.IV). */
        .section .vectors, "ax"
        .org    0x000
        j       _bm_trap
        nop
        .org    0x100
        j       _bm_trap
        nop
        .org    0x180
        j       _bm_trap
        nop
        .org    0x200
        j       _bm_trap
        nop
