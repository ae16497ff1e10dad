/* entry.S: exception entry and exit, the context switch, user-memory copy routines with
 * fault recovery, and FPU register save/restore.
 *
 * trap_entry: reached from the general vector with EXL = 1. From user mode the frame goes at
 * the top of the current process's kernel stack (cpu_kstack_top[cpu], CPU number from
 * Context.PTEBase); from kernel mode it goes below the interrupted sp. The frame is the
 * struct trapframe of trapframe.h. The handler then leaves exception level (EXL = 0, still
 * kernel mode, interrupts off), so the C code may touch user memory and take TLB refills,
 * and calls trap(tf). trap_return(tf) restores a frame and erets. The privileged-register
 * accesses are the HAL_* macros of hal-cpu.h (CP0 instructions on the bare machine). */
#include "mips.h"
#include "trapframe.h"

        .set    noreorder
        .set    noat
        .set    mips32r2
        .text

        .globl  trap_entry
        .ent    trap_entry
trap_entry:
        HAL_TRAP_FROM_USER($k0)
        beqz    $k0, 1f                     /* from kernel mode: stay on this stack */
        move    $k1, $sp
        HAL_CPU_INDEX4($k0)                 /* from user mode: this CPU's kernel stack */
        lui     $sp, %hi(cpu_kstack_top)
        addu    $sp, $sp, $k0
        lw      $sp, %lo(cpu_kstack_top)($sp)
1:      addiu   $sp, $sp, -TF_SIZE
        sw      $k1, TF_REG(29)($sp)
        sw      $1, TF_REG(1)($sp)
        sw      $2, TF_REG(2)($sp)
        sw      $3, TF_REG(3)($sp)
        sw      $4, TF_REG(4)($sp)
        sw      $5, TF_REG(5)($sp)
        sw      $6, TF_REG(6)($sp)
        sw      $7, TF_REG(7)($sp)
        sw      $8, TF_REG(8)($sp)
        sw      $9, TF_REG(9)($sp)
        sw      $10, TF_REG(10)($sp)
        sw      $11, TF_REG(11)($sp)
        sw      $12, TF_REG(12)($sp)
        sw      $13, TF_REG(13)($sp)
        sw      $14, TF_REG(14)($sp)
        sw      $15, TF_REG(15)($sp)
        sw      $16, TF_REG(16)($sp)
        sw      $17, TF_REG(17)($sp)
        sw      $18, TF_REG(18)($sp)
        sw      $19, TF_REG(19)($sp)
        sw      $20, TF_REG(20)($sp)
        sw      $21, TF_REG(21)($sp)
        sw      $22, TF_REG(22)($sp)
        sw      $23, TF_REG(23)($sp)
        sw      $24, TF_REG(24)($sp)
        sw      $25, TF_REG(25)($sp)
        sw      $28, TF_REG(28)($sp)
        sw      $30, TF_REG(30)($sp)
        sw      $31, TF_REG(31)($sp)
        mfhi    $t0
        mflo    $t1
        sw      $t0, TF_HI($sp)
        sw      $t1, TF_LO($sp)
        HAL_READ_TRAP_REGS($t0, $t1, $t2, $t3)
        sw      $t0, TF_STATUS($sp)
        sw      $t1, TF_CAUSE($sp)
        sw      $t2, TF_EPC($sp)
        sw      $t3, TF_BADVADDR($sp)
        sw      $zero, TF_SYSNR($sp)
        li      $t4, ~(ST_EXL | ST_KSU | ST_IE)
        and     $t0, $t0, $t4
        HAL_LEAVE_EXL($t0, $t5)             /* kernel mode proper, interrupts still off */
        move    $a0, $sp
        jal     trap
        addiu   $sp, $sp, -16               /* o32 argument area */
        addiu   $sp, $sp, 16
restore:
        HAL_RESTORE_TRAP_REGS               /* EXL until eret: kernel, masked; EPC */
        lw      $t0, TF_HI($sp)
        lw      $t1, TF_LO($sp)
        mthi    $t0
        mtlo    $t1
        lw      $1, TF_REG(1)($sp)
        lw      $2, TF_REG(2)($sp)
        lw      $3, TF_REG(3)($sp)
        lw      $4, TF_REG(4)($sp)
        lw      $5, TF_REG(5)($sp)
        lw      $6, TF_REG(6)($sp)
        lw      $7, TF_REG(7)($sp)
        lw      $8, TF_REG(8)($sp)
        lw      $9, TF_REG(9)($sp)
        lw      $10, TF_REG(10)($sp)
        lw      $11, TF_REG(11)($sp)
        lw      $12, TF_REG(12)($sp)
        lw      $13, TF_REG(13)($sp)
        lw      $14, TF_REG(14)($sp)
        lw      $15, TF_REG(15)($sp)
        lw      $16, TF_REG(16)($sp)
        lw      $17, TF_REG(17)($sp)
        lw      $18, TF_REG(18)($sp)
        lw      $19, TF_REG(19)($sp)
        lw      $20, TF_REG(20)($sp)
        lw      $21, TF_REG(21)($sp)
        lw      $22, TF_REG(22)($sp)
        lw      $23, TF_REG(23)($sp)
        lw      $24, TF_REG(24)($sp)
        lw      $25, TF_REG(25)($sp)
        lw      $28, TF_REG(28)($sp)
        lw      $30, TF_REG(30)($sp)
        lw      $31, TF_REG(31)($sp)
        lw      $sp, TF_REG(29)($sp)
        eret
        .end    trap_entry

/* void trap_return(struct trapframe *tf): leave the kernel through tf (never returns). */
        .globl  trap_return
        .ent    trap_return
trap_return:
        b       restore
        move    $sp, $a0
        .end    trap_return

        .set    at

/* void swtch(struct context **old, struct context *new): save the callee-saved registers on
 * this stack, store the stack pointer in *old, switch to new and return on that stack. */
        .globl  swtch
        .ent    swtch
swtch:
        addiu   $sp, $sp, -CTX_SIZE
        sw      $s0, 0($sp)
        sw      $s1, 4($sp)
        sw      $s2, 8($sp)
        sw      $s3, 12($sp)
        sw      $s4, 16($sp)
        sw      $s5, 20($sp)
        sw      $s6, 24($sp)
        sw      $s7, 28($sp)
        sw      $fp, 32($sp)
        sw      $ra, 36($sp)
        sw      $gp, 40($sp)
        sw      $sp, 0($a0)
        move    $sp, $a1
        lw      $s0, 0($sp)
        lw      $s1, 4($sp)
        lw      $s2, 8($sp)
        lw      $s3, 12($sp)
        lw      $s4, 16($sp)
        lw      $s5, 20($sp)
        lw      $s6, 24($sp)
        lw      $s7, 28($sp)
        lw      $fp, 32($sp)
        lw      $ra, 36($sp)
        lw      $gp, 40($sp)
        jr      $ra
        addiu   $sp, $sp, CTX_SIZE
        .end    swtch

/* User-memory access. A fault inside [uaccess_start, uaccess_end) that the page-fault code
 * cannot resolve resumes at uaccess_fault, which returns -EFAULT from the routine (all of
 * them are leaf functions without a stack frame). Callers check the address range first. */
        .globl  uaccess_start
uaccess_start:

/* int copy_user(void *dst, const void *src, u32 n): 0, or -EFAULT. */
        .globl  copy_user
        .ent    copy_user
copy_user:
        or      $t0, $a0, $a1
        andi    $t0, $t0, 3
        bnez    $t0, 3f
        nop
1:      sltiu   $t1, $a2, 16
        bnez    $t1, 2f
        nop
        lw      $t2, 0($a1)
        lw      $t3, 4($a1)
        lw      $t4, 8($a1)
        lw      $t5, 12($a1)
        sw      $t2, 0($a0)
        sw      $t3, 4($a0)
        sw      $t4, 8($a0)
        sw      $t5, 12($a0)
        addiu   $a0, $a0, 16
        addiu   $a1, $a1, 16
        b       1b
        addiu   $a2, $a2, -16
2:      sltiu   $t1, $a2, 4
        bnez    $t1, 3f
        nop
        lw      $t2, 0($a1)
        sw      $t2, 0($a0)
        addiu   $a0, $a0, 4
        addiu   $a1, $a1, 4
        b       2b
        addiu   $a2, $a2, -4
3:      beqz    $a2, 4f
        nop
        lbu     $t2, 0($a1)
        sb      $t2, 0($a0)
        addiu   $a0, $a0, 1
        addiu   $a1, $a1, 1
        b       3b
        addiu   $a2, $a2, -1
4:      jr      $ra
        move    $v0, $zero
        .end    copy_user

/* int zero_user(void *dst, u32 n): 0, or -EFAULT. */
        .globl  zero_user
        .ent    zero_user
zero_user:
1:      beqz    $a1, 2f
        nop
        sb      $zero, 0($a0)
        addiu   $a0, $a0, 1
        b       1b
        addiu   $a1, $a1, -1
2:      jr      $ra
        move    $v0, $zero
        .end    zero_user

/* int strncpy_user(char *dst, const char *src, u32 max): the length of the string copied
 * (its NUL included in the copy), max if there was no NUL in the first max bytes, or -EFAULT. */
        .globl  strncpy_user
        .ent    strncpy_user
strncpy_user:
        move    $v0, $zero
1:      beq     $v0, $a2, 2f
        nop
        lbu     $t0, 0($a1)
        sb      $t0, 0($a0)
        beqz    $t0, 2f
        addiu   $a0, $a0, 1
        addiu   $a1, $a1, 1
        b       1b
        addiu   $v0, $v0, 1
2:      jr      $ra
        nop
        .end    strncpy_user

        .globl  uaccess_fault
uaccess_fault:
        jr      $ra
        li      $v0, -14                    /* -EFAULT */

        .globl  uaccess_end
uaccess_end:

/* FPU registers with Status.FR = 0: 16 sdc1/ldc1 move all 32 single registers.
 * void fpu_save(u64 regs[16], u32 *fcsr);  void fpu_restore(const u64 regs[16], u32 fcsr) */
        .set    hardfloat
        .globl  fpu_save
        .ent    fpu_save
fpu_save:
        mfc0    $t0, CP0_STATUS
        li      $t1, ST_CU1
        or      $t1, $t0, $t1
        mtc0    $t1, CP0_STATUS
        ehb
        sdc1    $f0, 0($a0)
        sdc1    $f2, 8($a0)
        sdc1    $f4, 16($a0)
        sdc1    $f6, 24($a0)
        sdc1    $f8, 32($a0)
        sdc1    $f10, 40($a0)
        sdc1    $f12, 48($a0)
        sdc1    $f14, 56($a0)
        sdc1    $f16, 64($a0)
        sdc1    $f18, 72($a0)
        sdc1    $f20, 80($a0)
        sdc1    $f22, 88($a0)
        sdc1    $f24, 96($a0)
        sdc1    $f26, 104($a0)
        sdc1    $f28, 112($a0)
        sdc1    $f30, 120($a0)
        cfc1    $t2, $31
        sw      $t2, 0($a1)
        mtc0    $t0, CP0_STATUS
        ehb
        jr      $ra
        nop
        .end    fpu_save

        .globl  fpu_restore
        .ent    fpu_restore
fpu_restore:
        mfc0    $t0, CP0_STATUS
        li      $t1, ST_CU1
        or      $t1, $t0, $t1
        mtc0    $t1, CP0_STATUS
        ehb
        ldc1    $f0, 0($a0)
        ldc1    $f2, 8($a0)
        ldc1    $f4, 16($a0)
        ldc1    $f6, 24($a0)
        ldc1    $f8, 32($a0)
        ldc1    $f10, 40($a0)
        ldc1    $f12, 48($a0)
        ldc1    $f14, 56($a0)
        ldc1    $f16, 64($a0)
        ldc1    $f18, 72($a0)
        ldc1    $f20, 80($a0)
        ldc1    $f22, 88($a0)
        ldc1    $f24, 96($a0)
        ldc1    $f26, 104($a0)
        ldc1    $f28, 112($a0)
        ldc1    $f30, 120($a0)
        li      $t2, 0xfffc0fff             /* clear Cause bits: they would trap at once */
        and     $a1, $a1, $t2
        ctc1    $a1, $31
        mtc0    $t0, CP0_STATUS
        ehb
        jr      $ra
        nop
        .end    fpu_restore
