/* start.S (Disco monitor): the kernel's entry point. vCPU 0 enters _start with the VM boot
 * protocol's registers (BOOT_REG, docs/monitor.md): a0 = vCPU number, a1 = special page,
 * a2 = command line (sseg address or 0), a3 = guest memory bytes; secondary vCPUs enter it
 * from VCPU_START with a0 = vCPU number. Each vCPU takes its boot stack; vCPU 0 clears .bss
 * and calls main(memory_bytes, cmdline), the others call mpmain(vcpu). */
#include "param.h"

        .set    noreorder
        .set    mips32r2

        .section .text.start, "ax"
        .globl  _start
        .ent    _start
_start:
        move    $s0, $a0
        move    $s1, $a3
        move    $s2, $a2
        la      $t0, boot_stacks            /* sp = boot_stacks + (vcpu + 1) * BOOTSTACK_SIZE */
        addiu   $t1, $a0, 1
        li      $t2, BOOTSTACK_SIZE
        mul     $t1, $t1, $t2
        addu    $sp, $t0, $t1
        addiu   $sp, $sp, -16
        bnez    $s0, 2f
        nop
        la      $t0, __bss_start            /* vCPU 0 only: clear .bss */
        la      $t1, __bss_end
1:      beq     $t0, $t1, 3f
        nop
        sw      $zero, 0($t0)
        b       1b
        addiu   $t0, $t0, 4
3:      move    $a0, $s1
        jal     main
        move    $a1, $s2
4:      b       4b
        nop
2:      jal     mpmain
        move    $a0, $s0
5:      b       5b
        nop
        .end    _start

        .section .noinit, "aw", @nobits
        .balign 16
        .globl  boot_stacks
boot_stacks:
        .space  BOOTSTACK_SIZE * NCPU
