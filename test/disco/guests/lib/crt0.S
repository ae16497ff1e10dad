/* crt0.S: start-up and exception entry of the monitor test guests (supervisor mode, sseg).
 * Boot protocol (docs/monitor.md): a0 = vCPU, a1 = special page, a2 = command line, a3 = memory
 * bytes. Each vCPU takes boot stack a0; vCPU 0 clears .bss; EBase is set to the vectors with
 * mtc0 (emulated). main(vcpu, cmdline, mem) runs; vCPU 0 powers off with its result, others
 * return to dg_secondary_done. Every exception goes to dg_trap(frame) with all registers
 * saved; from user mode the frame goes on this vCPU's kernel stack (dg_kstack_top[vcpu]). */
#include "disco/monitor-abi.h"

#define FRAME 160
#define R(n) ((n) * 4)

        .set    noreorder
        .set    noat
        .set    mips32r2

        .section .text.start, "ax"
        .globl  _start
        .ent    _start
_start:
        move    $s0, $a0
        move    $s1, $a2
        move    $s2, $a3
        la      $t0, __stacks_start          /* boot stack a0: stacks + (a0 + 1) * 16K */
        addiu   $t1, $a0, 1
        sll     $t1, $t1, 14
        addu    $sp, $t0, $t1
        addiu   $sp, $sp, -16
        la      $t0, dg_vectors
        mtc0    $t0, $15, 1                  /* EBase */
        bnez    $s0, 2f
        nop
        la      $t0, __bss_start
        la      $t1, __bss_end
1:      beq     $t0, $t1, 2f
        nop
        sw      $zero, 0($t0)
        b       1b
        addiu   $t0, $t0, 4
2:      la      $t0, __stacks_start          /* kernel stack for traps from user mode */
        addiu   $t1, $s0, 9
        sll     $t1, $t1, 14
        addu    $t1, $t0, $t1
        addiu   $t1, $t1, -16
        la      $t2, dg_kstack_top
        sll     $t3, $s0, 2
        addu    $t2, $t2, $t3
        sw      $t1, 0($t2)
        move    $a0, $s0
        move    $a1, $s1
        jal     main
        move    $a2, $s2
        bnez    $s0, 3f
        nop
        move    $a1, $v0                     /* vCPU 0: POWER(OFF, result) */
        li      $a0, POWER_OP_OFF
        li      $v0, MCALL_POWER
        syscall
3:      jal     dg_secondary_done
        move    $a0, $s0
4:      wait
        b       4b
        nop
        .end    _start

        .section .vectors, "ax"
        .globl  dg_vectors
dg_vectors:
        .org    0x000                        /* refill: dg_last_vector = 0 */
        lui     $k0, %hi(dg_last_vector)
        sw      $zero, %lo(dg_last_vector)($k0)
        j       dg_trap_entry
        nop
        .org    0x180                        /* general: dg_last_vector = 0x180 */
        lui     $k0, %hi(dg_last_vector)
        li      $k1, 0x180
        sw      $k1, %lo(dg_last_vector)($k0)
        j       dg_trap_entry
        nop

        .text
        .globl  dg_trap_entry
        .ent    dg_trap_entry
dg_trap_entry:
        move    $k1, $sp
        li      $k0, GUEST_VSEG_SPECIAL_PAGE
        lw      $k0, SPECIAL_STATUS($k0)
        andi    $k0, $k0, 0x18               /* KSU of the interrupted code (EXL = 1 now) */
        beqz    $k0, 1f
        nop
        li      $k0, GUEST_VSEG_SPECIAL_PAGE
        lw      $k0, SPECIAL_VCPU_ID($k0)
        sll     $k0, $k0, 2
        lui     $sp, %hi(dg_kstack_top)
        addu    $sp, $sp, $k0
        lw      $sp, %lo(dg_kstack_top)($sp)
1:      addiu   $sp, $sp, -FRAME
        sw      $k1, R(29)($sp)
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
        sw      $28, R(28)($sp)
        sw      $30, R(30)($sp)
        sw      $31, R(31)($sp)
        mfhi    $t0
        mflo    $t1
        sw      $t0, R(32)($sp)
        sw      $t1, R(33)($sp)
        move    $a0, $sp
        jal     dg_trap
        addiu   $sp, $sp, -16
        addiu   $sp, $sp, 16
        lw      $t0, R(32)($sp)
        lw      $t1, R(33)($sp)
        mthi    $t0
        mtlo    $t1
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
        eret
        .end    dg_trap_entry
