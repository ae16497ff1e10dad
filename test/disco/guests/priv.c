/* priv.c: trap-and-emulate and reflection. A software-refilled kuseg region (refills reflected
 * to EBase+0, L2TLB answering the second pass), TLB invalid / Mod / bus error / address errors,
 * tlbp/tlbr/TLB_FLUSH, a user-mode program (syscall, CpU, AdEL, rdhwr), the virtual timer with
 * wait, IPIs, di/ei, interrupts enabled by a special-page store + IRQ_CHECK. */
#include "dg.h"

#define REGION 0x00400000u      /* 256 pages -> guest physical 0x200000 */
#define REGION_PA 0x00200000u
#define INVALID_VA 0x00500000u  /* V = 0 */
#define BEYOND_VA 0x00600000u   /* guest frame beyond memory */
#define RO_VA 0x00700000u       /* D = 0 */
#define ENTRYLO(pfn, d) (((pfn) << 6) | (3 << 3) | ((d) ? 4 : 0) | 2)

static volatile u32 refills, tlbinv, mods, dbes, adels, cpus_, sys_user, ticks, ipis, last_badva, last_ce;
static u32 user_v1;
static u32 saved[12];

static u32 pte(u32 va) {
  if (va >= REGION && va < REGION + 0x100000) return ENTRYLO((REGION_PA + (va - REGION)) >> 12, 1);
  if (va >= BEYOND_VA && va < BEYOND_VA + 0x2000) return ENTRYLO(0x10000 + ((va >> 12) & 1), 1);
  if (va >= RO_VA && va < RO_VA + 0x2000) return ENTRYLO((REGION_PA >> 12) + ((va >> 12) & 1), 0);
  return 0; /* INVALID_VA and everything else */
}

static void skip(void) { SP_WORD(SPECIAL_EPC) += 4; }

static int on_tlb(u32 code, struct dg_frame *f) {
  (void)f;
  u32 va = SP_WORD(SPECIAL_BADVADDR);
  last_badva = va;
  if (dg_last_vector == 0) {
    /* refill: EntryHi holds VPN2 | ASID of the miss */
    u32 vpn2 = SP_WORD(SPECIAL_ENTRYHI) & ~0x1fffu;
    if (vpn2 != (va & ~0x1fffu)) dg_check("refill entryhi vpn2 = badvaddr", 0);
    SP_WORD(SPECIAL_ENTRYLO0) = pte(vpn2);
    SP_WORD(SPECIAL_ENTRYLO1) = pte(vpn2 + 0x1000);
    __asm__ volatile("tlbwr");
    refills++;
    return 1;
  }
  (void)code;
  tlbinv++;
  skip();
  return 1;
}
static int on_mod(u32 code, struct dg_frame *f) { (void)code; (void)f; mods++; skip(); return 1; }
static int on_dbe(u32 code, struct dg_frame *f) { (void)code; (void)f; dbes++; skip(); return 1; }
static int on_adel(u32 code, struct dg_frame *f) { (void)code; (void)f; adels++; last_badva = SP_WORD(SPECIAL_BADVADDR); skip(); return 1; }
static int on_cpu(u32 code, struct dg_frame *f) { (void)code; (void)f; cpus_++; last_ce = (SP_WORD(SPECIAL_CAUSE) >> 28) & 3; skip(); return 1; }

extern void run_user(u32 entry, u32 usp, u32 *save);
extern char run_user_return[];
__asm__(
  ".set push\n.set noreorder\n"
  ".globl run_user\nrun_user:\n"
  "sw $s0,0($a2)\nsw $s1,4($a2)\nsw $s2,8($a2)\nsw $s3,12($a2)\nsw $s4,16($a2)\nsw $s5,20($a2)\n"
  "sw $s6,24($a2)\nsw $s7,28($a2)\nsw $fp,32($a2)\nsw $ra,36($a2)\nsw $sp,40($a2)\nsw $gp,44($a2)\n"
  "li $t0, 0xdffff000\n"
  "sw $a0, 8($t0)\n"                 /* EPC */
  "lw $t1, 0($t0)\n"
  "ori $t1, $t1, 0x12\n"             /* KSU = user, EXL */
  "sw $t1, 0($t0)\n"
  "move $sp, $a1\n"
  "eret\n"
  ".globl run_user_return\nrun_user_return:\n"
  "la $a2, saved\n"
  "lw $s0,0($a2)\nlw $s1,4($a2)\nlw $s2,8($a2)\nlw $s3,12($a2)\nlw $s4,16($a2)\nlw $s5,20($a2)\n"
  "lw $s6,24($a2)\nlw $s7,28($a2)\nlw $fp,32($a2)\nlw $ra,36($a2)\nlw $sp,40($a2)\nlw $gp,44($a2)\n"
  "jr $ra\nnop\n"
  ".set pop\n");

static int on_sys(u32 code, struct dg_frame *f) {
  (void)code;
  if (f->r[2] == 99) {
    user_v1 = f->r[3];
    SP_WORD(SPECIAL_EPC) = (u32)run_user_return;
    SP_WORD(SPECIAL_STATUS) &= ~0x18u;  /* back to kernel mode at eret */
    return 1;
  }
  if (f->r[2] == 4001) sys_user++;
  skip();
  return 1;
}

static int on_int(u32 code, struct dg_frame *f) {
  (void)code; (void)f;
  u32 p = SP_WORD(SPECIAL_VIRQ_PENDING);
  if (p & VIRQ_TIMER) ticks++;
  if (p & VIRQ_IPI) ipis++;
  mcall(MCALL_IRQ_ACK, p, 0);
  return 1;
}

static u32 load(u32 va) { u32 v; __asm__ volatile("lw %0, 0(%1)\n\tnop" : "=r"(v) : "r"(va) : "memory"); return v; }
static void store(u32 va, u32 v) { __asm__ volatile("sw %0, 0(%1)\n\tnop" : : "r"(v), "r"(va) : "memory"); }

static const u32 user_prog[] = {
  0x24020fa1, /* li v0, 4001 */
  0x0000000c, /* syscall */
  0x40086000, /* mfc0 t0, $12 -> CpU */
  0x3c09c000, /* lui t1, 0xc000 */
  0x8d2a0000, /* lw t2, 0(t1) -> AdEL */
  0x7c03e83b, /* rdhwr v1, $29 */
  0x24020063, /* li v0, 99 */
  0x0000000c, /* syscall */
  0x1000ffff, /* b . */
  0x00000000,
};

int main(int vcpu, const char *cmdline, u32 mem) {
  (void)vcpu; (void)cmdline; (void)mem;
  dg_set_handler(2, on_tlb);
  dg_set_handler(3, on_tlb);
  dg_set_handler(1, on_mod);
  dg_set_handler(7, on_dbe);
  dg_set_handler(6, on_dbe);
  dg_set_handler(4, on_adel);
  dg_set_handler(5, on_adel);
  dg_set_handler(11, on_cpu);
  dg_set_handler(8, on_sys);
  dg_set_handler(0, on_int);
  mtc0(10, 0, 5); /* ASID 5 */

  /* 1. first pass: every pair refilled by the guest handler */
  for (u32 i = 0; i < 256; i++) store(REGION + i * 4096, 0x1000 + i);
  dg_check_eq("first pass refills", refills, 128);
  /* 2. second pass: the virtual TLB holds 64 entries, the L2TLB the rest: no refills */
  u32 ok = 1;
  for (u32 i = 0; i < 256; i++) ok &= load(REGION + i * 4096) == 0x1000 + i;
  dg_check("second pass data", ok);
  dg_check_eq("second pass refills (L2TLB)", refills, 128);
  ok = 1;
  for (u32 i = 0; i < 256; i++) ok &= *(volatile u32 *)KVA(REGION_PA + i * 4096) == 0x1000 + i;
  dg_check("kuseg pages are the guest physical pages", ok);

  /* 3. invalid, read-only, beyond memory, address errors */
  load(INVALID_VA);
  dg_check_eq("tlb invalid reflected", tlbinv, 1);
  dg_check_eq("tlb invalid badvaddr", last_badva, INVALID_VA);
  store(RO_VA, 1);
  dg_check_eq("mod reflected", mods, 1);
  load(BEYOND_VA);
  dg_check_eq("frame beyond memory: bus error", dbes, 1);
  load(0x80000000);
  dg_check_eq("kseg0 from supervisor: AdEL", adels, 1);
  load(0xD0000000);
  dg_check_eq("sseg hole: AdEL", adels, 2);
  load(0xDFFFE000);
  dg_check_eq("special pair other half: AdEL", adels, 3);

  /* 4. tlbp / tlbr see guest frames; TLB_FLUSH forgets everything */
  mtc0(10, 0, REGION | 5);
  __asm__ volatile("tlbp");
  mtc0(10, 0, ((REGION + 255 * 4096) & ~0x1fffu) | 5);
  __asm__ volatile("tlbp");
  u32 idx = mfc0(0, 0);
  if ((idx & 0x80000000u) == 0) {
    __asm__ volatile("tlbr");
    dg_check_eq("tlbr: guest frame", mfc0(2, 0) >> 6, (REGION_PA + 254 * 4096) >> 12);
  } else dg_check("tlbp of a recent entry", 0);
  mtc0(10, 0, 5);
  u32 before = refills;
  mcall(MCALL_TLB_FLUSH, (u32)-1, 0);
  load(REGION);
  dg_check_eq("after TLB_FLUSH: refill", refills, before + 1);
  /* tlbp drops the L2TLB entry too: an evicted pair probed is refilled by the guest */
  mtc0(10, 0, (REGION + 0x80000) | 5);
  __asm__ volatile("tlbp");
  mtc0(10, 0, 5);
  before = refills;
  load(REGION + 0x80000);
  dg_check_eq("after tlbp: refill", refills, before + 1);

  /* 4b. PAGE_FREE takes the machine page away (shootdown of the kuseg mapping, the L2TLB entry
   * and the 64 KiB sseg mapping of its chunk); the next touch sees a fresh zero page */
  store(REGION + 0x3000, 0xabcd1234);
  dg_check_eq("before PAGE_FREE", *(volatile u32 *)KVA(REGION_PA + 0x3000), 0xabcd1234);
  dg_check_eq("PAGE_FREE", (u32)mcall(MCALL_PAGE_FREE, REGION_PA + 0x3000, 0), 0);
  dg_check_eq("after PAGE_FREE: kuseg sees zero", load(REGION + 0x3000), 0);
  dg_check_eq("after PAGE_FREE: sseg sees zero", *(volatile u32 *)KVA(REGION_PA + 0x3000), 0);
  dg_check_eq("neighbour page kept", *(volatile u32 *)KVA(REGION_PA + 0x2000), 0x1002);
  store(REGION + 0x3000, 0x5555);
  dg_check_eq("new page shared by both views", *(volatile u32 *)KVA(REGION_PA + 0x3000), 0x5555);
  store(REGION + 0x4000, 0x7777);
  dg_check_eq("PAGE_ZERO", (u32)mcall(MCALL_PAGE_ZERO, REGION_PA + 0x4000, 0), 0);
  dg_check_eq("after PAGE_ZERO", load(REGION + 0x4000), 0);
  dg_check_eq("PAGE_ZERO unaligned", (u32)mcall(MCALL_PAGE_ZERO, REGION_PA + 4, 0), (u32)MERR_INVALID);

  /* 4c. trapping instructions in branch delay slots: emulated mtc0, a monitor call, and a load
   * whose TLB refill goes to the guest (the branch is re-executed after the eret) */
  u32 out, v0;
  __asm__ volatile(".set push\n.set noreorder\n"
                   "li %0, 0\n"
                   "b 1f\n"
                   "mtc0 %1, $14\n"
                   "li %0, 99\n"
                   "1: addiu %0, %0, 1\n"
                   ".set pop" : "=&r"(out) : "r"(0x13572468));
  dg_check_eq("mtc0 in a delay slot: branch taken", out, 1);
  dg_check_eq("mtc0 in a delay slot: emulated", mfc0(14, 0), 0x13572468);
  __asm__ volatile(".set push\n.set noreorder\n"
                   "li $2, 0\n"
                   "li %0, 0\n"
                   "b 1f\n"
                   "syscall\n"
                   "li %0, 99\n"
                   "1: move %1, $2\n"
                   ".set pop" : "=&r"(out), "=r"(v0) : : "$2", "$3", "memory");
  dg_check_eq("monitor call in a delay slot: skipped nothing", out, 0);
  dg_check_eq("monitor call in a delay slot: result", v0, ABI_VERSION);
  mcall(MCALL_TLB_FLUSH, (u32)-1, 0);
  before = refills;
  __asm__ volatile(".set push\n.set noreorder\n"
                   "li %0, 0\n"
                   "bal 1f\n"
                   "lw %0, 0(%1)\n"
                   "li %0, 99\n"
                   "1: nop\n"
                   ".set pop" : "=&r"(out) : "r"(REGION + 0x5000) : "$31", "memory");
  dg_check_eq("load in a delay slot after a reflected refill", out, 0x1005);
  dg_check_eq("its refill went to the guest", refills, before + 1);

  /* 5. user mode */
  volatile u32 *code = KVA(REGION_PA + 0x10000);
  for (u32 i = 0; i < sizeof user_prog / 4; i++) code[i] = user_prog[i];
  mtc0(7, 0, 1u << 29);                 /* HWREna.ULR */
  SP_WORD(SPECIAL_USERLOCAL) = 0x7777;  /* by store */
  adels = 0;
  cpus_ = 0;
  run_user(REGION + 0x10000, REGION + 0x20000, saved);
  dg_check_eq("user syscall reflected", sys_user, 1);
  dg_check_eq("user mfc0: CpU", cpus_, 1);
  dg_check_eq("user CpU CE", last_ce, 0);
  dg_check_eq("user sseg access: AdEL", adels, 1);
  dg_check_eq("user AdEL badvaddr", last_badva, 0xC0000000);
  dg_check_eq("user rdhwr ULR", user_v1, 0x7777);
  dg_check_eq("back in kernel mode", (mfc0(12, 0) >> 3) & 3, 0);

  /* 6. di / ei */
  u32 st;
  __asm__ volatile("di %0" : "=r"(st));
  dg_check_eq("di: IE clear", mfc0(12, 0) & 1, 0);
  __asm__ volatile("ei %0" : "=r"(st));
  dg_check_eq("ei returns old status (IE=0)", st & 1, 0);
  __asm__ volatile("di");

  /* 7. virtual timer + wait */
  mtc0(12, 0, mfc0(12, 0) | (1 << 12) | (1 << 11));  /* IM4 timer, IM3 ipi */
  mcall(MCALL_TIMER_SET, 200000, 0);
  __asm__ volatile("ei");
  while (ticks < 3) __asm__ volatile("wait");
  mcall(MCALL_TIMER_SET, 0, 0);
  dg_check("timer ticks with wait", ticks >= 3);

  /* 8. IPI to self: delivered when the call returns */
  mcall(MCALL_IPI_SEND, 1, 0);
  dg_check_eq("self IPI delivered", ipis, 1);

  /* 9. interrupts enabled by a store: PENDING + IRQ_CHECK */
  SP_WORD(SPECIAL_STATUS) &= ~1u;
  mcall(MCALL_IPI_SEND, 1, 0);
  dg_check_eq("IE=0: not delivered", ipis, 1);
  dg_check("PENDING set", SP_WORD(SPECIAL_PENDING) != 0);
  SP_WORD(SPECIAL_STATUS) |= 1u;
  if (SP_WORD(SPECIAL_PENDING)) mcall(MCALL_IRQ_CHECK, 0, 0);
  dg_check_eq("IRQ_CHECK delivered", ipis, 2);
  __asm__ volatile("di");
  return dg_result();
}
