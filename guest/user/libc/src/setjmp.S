/* setjmp.S: setjmp/longjmp. jmp_buf layout in bytes: s0-s7 at 0..28, sp 32, fp 36, ra 40,
 * gp 44, then the callee-saved doubles $f20,$f22,...,$f30 (o32 FPXX code uses only even
 * registers) at 48..88. jmp_buf is 8-byte aligned so sdc1/ldc1 are legal. */
	.text
	.set noreorder
	.globl setjmp
	.type setjmp, @function
setjmp:
	sw	$s0, 0($a0)
	sw	$s1, 4($a0)
	sw	$s2, 8($a0)
	sw	$s3, 12($a0)
	sw	$s4, 16($a0)
	sw	$s5, 20($a0)
	sw	$s6, 24($a0)
	sw	$s7, 28($a0)
	sw	$sp, 32($a0)
	sw	$fp, 36($a0)
	sw	$ra, 40($a0)
	sw	$gp, 44($a0)
	sdc1	$f20, 48($a0)
	sdc1	$f22, 56($a0)
	sdc1	$f24, 64($a0)
	sdc1	$f26, 72($a0)
	sdc1	$f28, 80($a0)
	sdc1	$f30, 88($a0)
	jr	$ra
	move	$v0, $zero
	.size setjmp, .-setjmp

	.globl longjmp
	.type longjmp, @function
longjmp:
	lw	$s0, 0($a0)
	lw	$s1, 4($a0)
	lw	$s2, 8($a0)
	lw	$s3, 12($a0)
	lw	$s4, 16($a0)
	lw	$s5, 20($a0)
	lw	$s6, 24($a0)
	lw	$s7, 28($a0)
	lw	$sp, 32($a0)
	lw	$fp, 36($a0)
	lw	$ra, 40($a0)
	lw	$gp, 44($a0)
	ldc1	$f20, 48($a0)
	ldc1	$f22, 56($a0)
	ldc1	$f24, 64($a0)
	ldc1	$f26, 72($a0)
	ldc1	$f28, 80($a0)
	ldc1	$f30, 88($a0)
	bnez	$a1, 1f
	move	$v0, $a1
	li	$v0, 1
1:	jr	$ra
	nop
	.size longjmp, .-longjmp
