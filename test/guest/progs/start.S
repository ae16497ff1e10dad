/* start.S: entry of the kernel test programs (no libc): __start(argc at 0($sp), argv at
 * 4($sp)) calls main(argc, argv, envp) and exits with its result through exit_group. */
        .set    noreorder
        .text
        .globl  __start
__start:
        lw      $a0, 0($sp)
        addiu   $a1, $sp, 4
        sll     $t0, $a0, 2
        addu    $a2, $a1, $t0
        addiu   $a2, $a2, 4
        addiu   $sp, $sp, -32
        jal     main
        nop
        move    $a0, $v0
        li      $v0, 4246
        syscall
1:      b       1b
        nop
