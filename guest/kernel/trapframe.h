/* trapframe.h: the register frame entry.S saves on the kernel stack at every exception, and
 * the callee-saved context swtch() keeps for a sleeping kernel thread. Offsets are shared
 * with the assembly. */
#ifndef TRAPFRAME_H
#define TRAPFRAME_H

#define TF_REG(n)   ((n) * 4)   /* GPR n; 0, 26, 27 unused */
#define TF_HI       128
#define TF_LO       132
#define TF_EPC      136
#define TF_STATUS   140
#define TF_CAUSE    144
#define TF_BADVADDR 148
#define TF_ORIG_A3  152         /* a3 at syscall entry (restarts) */
#define TF_SYSNR    156         /* syscall number while in a syscall, else 0 */
#define TF_SIZE     160

#define CTX_SIZE    48          /* s0-s7, fp, ra, gp, pad */

#ifndef __ASSEMBLER__
#include "types.h"

enum { R_ZERO, R_AT, R_V0, R_V1, R_A0, R_A1, R_A2, R_A3, R_T0, R_T1, R_T2, R_T3, R_T4,
       R_T5, R_T6, R_T7, R_S0, R_S1, R_S2, R_S3, R_S4, R_S5, R_S6, R_S7, R_T8, R_T9,
       R_K0, R_K1, R_GP, R_SP, R_FP, R_RA };

struct trapframe {
  u32 regs[32];
  u32 hi, lo, epc, status, cause, badvaddr;
  u32 orig_a3;
  u32 sysnr;
};
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "trapframe layout");

struct context {
  u32 s[8];
  u32 fp, ra, gp, pad;
};
_Static_assert(sizeof(struct context) == CTX_SIZE, "context layout");
#endif

#endif
