/* mips.h: MIPS32r2 CP0 register numbers and fields, and inline accessors. The names follow
 * ../shared/reference/mips32r2.md section 3. Usable from C and (the #defines) assembly. */
#ifndef MIPS_H
#define MIPS_H

/* CP0 register numbers (select 0 unless noted) */
#define CP0_INDEX    $0
#define CP0_RANDOM   $1
#define CP0_ENTRYLO0 $2
#define CP0_ENTRYLO1 $3
#define CP0_CONTEXT  $4
#define CP0_PAGEMASK $5
#define CP0_WIRED    $6
#define CP0_HWRENA   $7
#define CP0_BADVADDR $8
#define CP0_COUNT    $9
#define CP0_ENTRYHI  $10
#define CP0_COMPARE  $11
#define CP0_STATUS   $12
#define CP0_CAUSE    $13
#define CP0_EPC      $14
#define CP0_PRID     $15   /* EBase is $15, 1 */

/* Status */
#define ST_IE   0x00000001
#define ST_EXL  0x00000002
#define ST_ERL  0x00000004
#define ST_KSU  0x00000018
#define ST_UM   0x00000010   /* KSU = user */
#define ST_SM   0x00000008   /* KSU = supervisor */
#define ST_IM   0x0000ff00
#define ST_IM_SHIFT 8
#define ST_BEV  0x00400000
#define ST_FR   0x04000000
#define ST_CU0  0x10000000
#define ST_CU1  0x20000000

/* Cause */
#define CAUSE_EXC_MASK  0x0000007c
#define CAUSE_EXC_SHIFT 2
#define CAUSE_IP_MASK   0x0000ff00
#define CAUSE_IP_SHIFT  8
#define CAUSE_CE_SHIFT  28
#define CAUSE_BD        0x80000000

/* Exception codes */
#define EXC_INT   0
#define EXC_MOD   1
#define EXC_TLBL  2
#define EXC_TLBS  3
#define EXC_ADEL  4
#define EXC_ADES  5
#define EXC_IBE   6
#define EXC_DBE   7
#define EXC_SYS   8
#define EXC_BP    9
#define EXC_RI    10
#define EXC_CPU   11
#define EXC_OV    12
#define EXC_TR    13
#define EXC_FPE   15

/* EntryLo: PFN 29:6, C 5:3, D, V, G. Bits 31:30 are ignored by mtc0: we keep software
 * bits there in page-table entries. */
#define PTE_G       0x00000001
#define PTE_V       0x00000002
#define PTE_D       0x00000004
#define PTE_C_CACHED   (3 << 3)
#define PTE_C_UNCACHED (2 << 3)
#define PTE_PFN_SHIFT 6
#define PTE_SW_NOACC 0x80000000  /* software: present, but V clear (PROT_NONE) */
#define PTE_SW_FILE 0x40000000   /* software: page shared with the page cache, never written */
#define PTE_PA(pte) ((((pte) & 0x3fffffc0u) >> PTE_PFN_SHIFT) << 12)
#define PTE_PRESENT(pte) (((pte) & (PTE_V | PTE_SW_NOACC)) != 0)
#define PA_PTE(pa)  ((((pa) >> 12) << PTE_PFN_SHIFT))

/* EBase */
#define EBASE_CPUNUM 0x3ff

/* HWREna: user-readable hardware registers for rdhwr */
#define HWRENA_ULR  (1u << 29)
#define HWRENA_BASIC 0x0000000f   /* CPUNum, SYNCI_Step, CC, CCRes */

/* Context: PTEBase (bits 31:23) holds the CPU number, as Linux does on MIPS32 SMP. */
#define CONTEXT_CPU_SHIFT 23

#ifndef __ASSEMBLER__
#include "types.h"

#define mfc0(reg, sel) ({ u32 __v; \
  __asm__ volatile("mfc0 %0, $" #reg ", " #sel : "=r"(__v)); __v; })
#define mtc0(reg, sel, v) \
  __asm__ volatile("mtc0 %z0, $" #reg ", " #sel "\n\tehb" : : "Jr"((u32)(v)) : "memory")

static inline u32 read_status(void) { return mfc0(12, 0); }
static inline void write_status(u32 v) { mtc0(12, 0, v); }

static inline void mb(void) { __asm__ volatile("sync" : : : "memory"); }
#endif

/* Per port: interrupt enable/disable, wait, and the trap entry/exit register accesses. */
#include "hal-cpu.h"

#endif
