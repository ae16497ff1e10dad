/* setjmp.h: non-local jumps; jmp_buf holds s0-s7, sp, fp, ra, gp and $f20-$f30. */
#ifndef _SETJMP_H
#define _SETJMP_H
typedef unsigned long long jmp_buf[13];
int setjmp(jmp_buf env) __attribute__((returns_twice));
__attribute__((noreturn)) void longjmp(jmp_buf env, int val);
#endif
