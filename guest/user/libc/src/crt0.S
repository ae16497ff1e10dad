/* crt0.S: o32 process entry. The kernel leaves $sp pointing at argc (then argv[], NULL,
 * envp[], NULL, auxv pairs); every other register is 0. We keep a pointer to that block,
 * align the stack, leave the 16-byte o32 argument home area, and call __libc_start(sp),
 * which calls main and exit and never returns. */
	.text
	.globl __start
	.type __start, @function
	.set noreorder
__start:
	move	$a0, $sp
	li	$t0, -16
	and	$sp, $sp, $t0
	addiu	$sp, $sp, -32
	move	$fp, $zero
	jal	__libc_start
	nop
1:	b	1b
	break	0
	.set reorder
	.size __start, .-__start
