/* crt0.S: start-up and exception entry of the bare-metal test programs. Every CPU enters _start
 * with the boot protocol's registers (a0 = CPU number, a1 = board-info base, a2 = argument;
 * docs/machine.md), takes the stack of its CPU number, and calls main(cpu, board_info, arg).
 * CPU 0 clears .bss first and powers the machine off with main's return value; other CPUs idle
 * in `wait` when main returns. Every exception vector jumps to _bm_exc_entry, which saves the
 * interrupted registers in a struct bm_frame on the current (per-CPU) stack, calls
 * trap(cause, epc, badvaddr, frame) in bm.c, restores the registers (EPC from the frame, so a
 * handler may move it) and returns with ERET. */
#include <machine/memory-map.h>

#define CP0_BADVADDR $8
#define CP0_STATUS   $12
#define CP0_CAUSE    $13
#define CP0_EPC      $14

/* struct bm_frame in bm.h: regs[32], hi, lo, epc, status, cause, badvaddr (38 words), padded
 * to 160 bytes, above a 16-byte o32 argument area. */
#define ARGS        16
#define FRAME_BYTES (ARGS + 160)
#define R(n)        (ARGS + 4 * (n))
#define F_HI        R(32)
#define F_LO        R(33)
#define F_EPC       R(34)
#define F_STATUS    R(35)
#define F_CAUSE     R(36)
#define F_BADVADDR  R(37)

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

/* Common exception entry. k0/k1 are the only registers free to use before the frame is saved. */
        .text
        .globl  _bm_exc_entry
        .ent    _bm_exc_entry
_bm_exc_entry:
        .set    noat
        move    $k1, $sp
        addiu   $sp, $sp, -FRAME_BYTES
        sw      $zero, R(0)($sp)
        sw      $1, R(1)($sp)
        sw      $2, R(2)($sp)
        sw      $3, R(3)($sp)
        sw      $4, R(4)($sp)
        sw      $5, R(5)($sp)
        sw      $6, R(6)($sp)
        sw      $7, R(7)($sp)
        sw      $8, R(8)($sp)
        sw      $9, R(9)($sp)
        sw      $10, R(10)($sp)
        sw      $11, R(11)($sp)
        sw      $12, R(12)($sp)
        sw      $13, R(13)($sp)
        sw      $14, R(14)($sp)
        sw      $15, R(15)($sp)
        sw      $16, R(16)($sp)
        sw      $17, R(17)($sp)
        sw      $18, R(18)($sp)
        sw      $19, R(19)($sp)
        sw      $20, R(20)($sp)
        sw      $21, R(21)($sp)
        sw      $22, R(22)($sp)
        sw      $23, R(23)($sp)
        sw      $24, R(24)($sp)
        sw      $25, R(25)($sp)
        sw      $zero, R(26)($sp)       /* k0/k1 belong to the handler */
        sw      $zero, R(27)($sp)
        sw      $28, R(28)($sp)
        sw      $k1, R(29)($sp)         /* the interrupted sp */
        sw      $30, R(30)($sp)
        sw      $31, R(31)($sp)
        mfhi    $k0
        sw      $k0, F_HI($sp)
        mflo    $k0
        sw      $k0, F_LO($sp)
        mfc0    $a1, CP0_EPC
        sw      $a1, F_EPC($sp)
        mfc0    $k0, CP0_STATUS
        sw      $k0, F_STATUS($sp)
        mfc0    $a0, CP0_CAUSE
        sw      $a0, F_CAUSE($sp)
        mfc0    $a2, CP0_BADVADDR
        sw      $a2, F_BADVADDR($sp)
        jal     trap                    /* trap(cause, epc, badvaddr, frame) */
        addiu   $a3, $sp, ARGS

        lw      $k0, F_EPC($sp)         /* the handler may have moved EPC (e.g. past a syscall) */
        mtc0    $k0, CP0_EPC
        lw      $k0, F_HI($sp)
        mthi    $k0
        lw      $k0, F_LO($sp)
        mtlo    $k0
        lw      $1, R(1)($sp)
        lw      $2, R(2)($sp)
        lw      $3, R(3)($sp)
        lw      $4, R(4)($sp)
        lw      $5, R(5)($sp)
        lw      $6, R(6)($sp)
        lw      $7, R(7)($sp)
        lw      $8, R(8)($sp)
        lw      $9, R(9)($sp)
        lw      $10, R(10)($sp)
        lw      $11, R(11)($sp)
        lw      $12, R(12)($sp)
        lw      $13, R(13)($sp)
        lw      $14, R(14)($sp)
        lw      $15, R(15)($sp)
        lw      $16, R(16)($sp)
        lw      $17, R(17)($sp)
        lw      $18, R(18)($sp)
        lw      $19, R(19)($sp)
        lw      $20, R(20)($sp)
        lw      $21, R(21)($sp)
        lw      $22, R(22)($sp)
        lw      $23, R(23)($sp)
        lw      $24, R(24)($sp)
        lw      $25, R(25)($sp)
        lw      $28, R(28)($sp)
        lw      $30, R(30)($sp)
        lw      $31, R(31)($sp)
        lw      $sp, R(29)($sp)
        ehb
        eret
        nop
        .set    at
        .end    _bm_exc_entry

/* Vectors with Status.BEV = 0 and EBase = 0x80000000: TLB refill, cache error, general,
 * interrupt (Cause.IV). All share the one entry; trap() looks at Cause. */
        .section .vectors, "ax"
        .org    0x000
        j       _bm_exc_entry
        nop
        .org    0x100
        j       _bm_exc_entry
        nop
        .org    0x180
        j       _bm_exc_entry
        nop
        .org    0x200
        j       _bm_exc_entry
        nop
