/* chaos.c: a hostile, random guest. It fills a code page with random instructions (biased to
 * COP0 operations, TLB writes, syscalls = monitor calls with random arguments, loads/stores to
 * random addresses, cache, rdhwr) and runs them with random registers, in kernel or user mode;
 * every exception lands in a vector that re-randomizes everything and erets back into the page.
 * After ~N exceptions (cmdline digits, default 20000) it powers off with 0. The monitor must
 * neither throw nor let it out of its own memory. */
#include "dg.h"

#define CODE_PA 0x00300000u
static u32 rng = 0x2545f491;
u32 regs[32];
static volatile u32 exceptions, limit = 20000;
u32 chaos_stack[1024];

static u32 rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static u32 value(void) {
  switch (rnd() % 6) {
    case 0: return rnd() % 32;
    case 1: return 0xC0000000u + (rnd() % 0x400000);
    case 2: return rnd() & 0x7ffff000u;
    case 3: return GUEST_VSEG_SPECIAL_PAGE + (rnd() & 0xffc);
    case 4: return (rnd() % 0x800) << 6 | (rnd() & 0x3f);  /* EntryLo-like */
    default: return rnd();
  }
}

static u32 instr(void) {
  switch (rnd() % 10) {
    case 0: case 1: return 0x40000000u | (rnd() & 0x03ffffffu);             /* COP0, any */
    case 2: return 0x42000000u | (u32[]){1, 2, 6, 8, 0x18, 0x20}[rnd() % 6]; /* tlbr/tlbwi/tlbwr/tlbp/eret/wait */
    case 3: return 0x0000000cu;                                              /* syscall */
    case 4: return (rnd() & 1 ? 0x8c000000u : 0xac000000u) | (rnd() & 0x03ffffffu); /* lw / sw */
    case 5: return 0xbc000000u | (rnd() & 0x03ffffffu);                      /* cache */
    case 6: return 0x7c00003bu | ((rnd() % 32) << 16) | ((u32[]){0, 1, 2, 3, 29, 5}[rnd() % 6] << 11); /* rdhwr */
    case 7: return 0x40806000u | ((rnd() % 32) << 16);                       /* mtc0 rt, Status */
    default: return rnd();
  }
}

/* Called from the vector with a fresh stack: new registers, new code, back to the page. */
u32 chaos_next(void) {
  if (++exceptions >= limit) {
    mcall(MCALL_POWER, POWER_OP_OFF, 0);
  }
  /* a tick to leave any wait; acknowledge whatever is posted */
  mcall(MCALL_TIMER_SET, 20000 + rnd() % 50000, 0);
  mcall(MCALL_IRQ_ACK, 0xffffffffu, 0);
  volatile u32 *code = KVA(CODE_PA);
  for (int i = 0; i < 16; i++) code[rnd() % 1024] = instr();
  for (int i = 1; i < 32; i++) regs[i] = value();
  regs[2] = rnd() % 20;                    /* v0: a monitor call number, sometimes */
  u32 st = SP_WORD(SPECIAL_STATUS);
  if ((rnd() % 8) == 0) st = (st & ~0x18u) | 0x10;  /* sometimes return to user mode */
  else st &= ~0x18u;
  SP_WORD(SPECIAL_STATUS) = st | 2 | 0x1c00 | (rnd() & 1); /* EXL until the eret; IM2-4; IE sometimes */
  mtc0(15, 1, 0xC0001000);                 /* keep our vector */
  return 0xC0000000u + CODE_PA + (rnd() % 1024) * 4;
}

__asm__(
  ".set push\n.set noreorder\n.set noat\n"
  ".globl chaos_vector\nchaos_vector:\n"
  "la $sp, chaos_stack + 4096 - 16\n"
  "jal chaos_next\nnop\n"
  "li $k0, 0xdffff000\n"
  "sw $v0, 8($k0)\n"                        /* EPC */
  "la $k1, regs\n"
  "lw $1,4($k1)\nlw $2,8($k1)\nlw $3,12($k1)\nlw $4,16($k1)\nlw $5,20($k1)\nlw $6,24($k1)\nlw $7,28($k1)\n"
  "lw $8,32($k1)\nlw $9,36($k1)\nlw $10,40($k1)\nlw $11,44($k1)\nlw $12,48($k1)\nlw $13,52($k1)\nlw $14,56($k1)\n"
  "lw $15,60($k1)\nlw $16,64($k1)\nlw $17,68($k1)\nlw $18,72($k1)\nlw $19,76($k1)\nlw $20,80($k1)\nlw $21,84($k1)\n"
  "lw $22,88($k1)\nlw $23,92($k1)\nlw $24,96($k1)\nlw $25,100($k1)\nlw $28,112($k1)\nlw $29,116($k1)\nlw $30,120($k1)\n"
  "lw $31,124($k1)\n"
  "eret\n"
  ".set pop\n");
extern char chaos_vector[];

int main(int vcpu, const char *cmdline, u32 mem) {
  (void)vcpu; (void)mem;
  if (cmdline) {
    u32 n = 0;
    for (const char *p = cmdline; *p >= '0' && *p <= '9'; p++) n = n * 10 + (u32)(*p - '0');
    if (n) limit = n;
    rng ^= n * 2654435761u;
  }
  /* point both vectors at chaos_vector: patch the dg vectors with a jump */
  volatile u32 *vec = KVA(0x1000);
  u32 j = 0x08000000u | (((u32)chaos_vector >> 2) & 0x03ffffffu);
  vec[0] = j; vec[1] = 0;
  vec[0x180 / 4] = j; vec[0x180 / 4 + 1] = 0;
  volatile u32 *code = KVA(CODE_PA);
  for (int i = 0; i < 1024; i++) code[i] = instr();
  dg_puts("chaos starts\n");
  dg_flush();
  __asm__ volatile("syscall" : : "r"(0) : "memory");  /* v0 = whatever: a first trap, then chaos */
  u32 r = chaos_next();
  ((void (*)(void))r)();
  return 0;
}
