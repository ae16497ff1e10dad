/* dg.h: helpers of the monitor test guests (supervisor mode under the Disco monitor). */
#ifndef DG_H
#define DG_H

#include "disco/monitor-abi.h"

typedef unsigned int u32;
typedef int s32;
typedef unsigned long long u64;
typedef unsigned char u8;

#define SP_WORD(off) (*(volatile u32 *)(GUEST_VSEG_SPECIAL_PAGE + (off)))
#define KVA(pa) ((void *)((u32)(pa) + GUEST_VSEG_KSEG_BASE))
#define KPA(va) ((u32)(va) - GUEST_VSEG_KSEG_BASE)

struct dg_frame { u32 r[32]; u32 hi, lo; };

/* Monitor call: v0 = n, a0..a3, t0; returns v0, *v1 if given. */
static inline s32 mcall5(u32 n, u32 a0, u32 a1, u32 a2, u32 a3, u32 t0, u32 *v1out) {
  register u32 v0 __asm__("$2") = n;
  register u32 v1 __asm__("$3");
  register u32 r4 __asm__("$4") = a0;
  register u32 r5 __asm__("$5") = a1;
  register u32 r6 __asm__("$6") = a2;
  register u32 r7 __asm__("$7") = a3;
  register u32 r8 __asm__("$8") = t0;
  __asm__ volatile("syscall" : "+r"(v0), "=r"(v1), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7), "+r"(r8) : : "memory");
  if (v1out) *v1out = v1;
  return (s32)v0;
}
#define mcall(n, a0, a1) mcall5((n), (a0), (a1), 0, 0, 0, 0)

#define mfc0(reg, sel) ({ u32 __v; __asm__ volatile("mfc0 %0, $" #reg ", " #sel : "=r"(__v)); __v; })
#define mtc0(reg, sel, v) __asm__ volatile("mtc0 %0, $" #reg ", " #sel "\n\tehb" : : "r"((u32)(v)) : "memory")

void dg_putc(int c);
void dg_puts(const char *s);
void dg_puthex(u32 v);
void dg_putdec(u32 v);
void dg_flush(void);
void dg_check(const char *name, int ok);
void dg_check_eq(const char *name, u32 got, u32 want);
int dg_result(void);
void dg_poweroff(int code) __attribute__((noreturn));
int dg_streq(const char *a, const char *b);

/* Exception handling: handler(code, frame) returns 1 if handled (EPC may be changed in the page). */
typedef int (*dg_handler)(u32 code, struct dg_frame *f);
void dg_set_handler(u32 code, dg_handler h);
extern u32 dg_kstack_top[8];
extern volatile u32 dg_last_vector;
extern volatile u32 dg_trap_count[32];
void dg_trap(struct dg_frame *f);
void dg_secondary_done(int vcpu);
int main(int vcpu, const char *cmdline, u32 mem);

#endif
