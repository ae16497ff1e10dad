/* rt.h: a minimal runtime for the kernel's own test programs: raw o32 system calls (v0 =
 * number, a0-a3 + stack for more, a3 != 0 means v0 is an errno), a few helpers and print
 * functions. Errors come back as -errno. */
#ifndef RT_H
#define RT_H

typedef unsigned int u32;
typedef int s32;
typedef unsigned long long u64;

static inline long sys6(long n, long a, long b, long c, long d, long e, long f) {
  register long v0 __asm__("$2") = n;
  register long a0 __asm__("$4") = a;
  register long a1 __asm__("$5") = b;
  register long a2 __asm__("$6") = c;
  register long a3 __asm__("$7") = d;
  __asm__ volatile("addiu $sp, $sp, -32\n\tsw %6, 16($sp)\n\tsw %7, 20($sp)\n\tsyscall\n\taddiu $sp, $sp, 32"
                   : "+r"(v0), "+r"(a3), "+r"(a0), "+r"(a1), "+r"(a2)
                   : "0"(v0), "r"(e), "r"(f)
                   : "$1", "$3", "$8", "$9", "$10", "$11", "$12", "$13", "$14", "$15", "$24", "$25", "hi", "lo", "memory");
  return a3 ? -v0 : v0;
}
#define sys0(n) sys6(n, 0, 0, 0, 0, 0, 0)
#define sys1(n, a) sys6(n, (long)(a), 0, 0, 0, 0, 0)
#define sys2(n, a, b) sys6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(n, a, b, c) sys6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(n, a, b, c, d) sys6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

#define SYS_exit_group 4246
#define SYS_write 4004
#define SYS_read 4003
#define SYS_getpid 4020
#define SYS_kill 4037
#define SYS_clone 4120
#define SYS_wait4 4114
#define SYS_rt_sigaction 4194
#define SYS_rt_sigprocmask 4195
#define SYS_mmap2 4210
#define SYS_munmap 4091
#define SYS_mprotect 4125
#define SYS_sched_yield 4162
#define SYS_brk 4045

static inline u32 slen(const char *s) { u32 n = 0; while (s[n]) n++; return n; }
static inline void puts_(const char *s) { sys3(SYS_write, 1, s, slen(s)); }
static inline void putnum(long v) {
  char b[16];
  int i = 15;
  int neg = v < 0;
  unsigned long u = neg ? -v : v;
  b[i] = 0;
  do { b[--i] = '0' + u % 10; u /= 10; } while (u);
  if (neg) b[--i] = '-';
  puts_(b + i);
}
static inline void puthex(u32 v) {
  char b[11] = "0x";
  for (int i = 0; i < 8; i++) b[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 15];
  b[10] = 0;
  puts_(b);
}
static inline void exit_(int c) { sys1(SYS_exit_group, c); for (;;) {} }

struct ksigaction { u32 flags; void *handler; u32 mask[4]; };
#define SA_SIGINFO 0x8
#define SA_RESTART 0x10000000

static inline int sigaction_(int sig, void *handler, u32 flags) {
  struct ksigaction a = { flags, handler, { 0, 0, 0, 0 } };
  return (int)sys4(SYS_rt_sigaction, sig, &a, 0, 16);
}

#endif
