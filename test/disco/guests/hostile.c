/* hostile.c: a guest that writes TLB entries with arbitrary frame numbers (tlbwi, every index)
 * and reads through them, looking for the other VM's secret. Frames beyond its own memory must
 * give bus errors; frames inside it must show only its own pages. Prints "FOUND n" and
 * "BUSERR n" and powers off with 0. With cmdline "victim" it fills its memory with the secret
 * instead and idles. */
#include "dg.h"

#define SECRET 0x5ec2e75au
#define WIN 0x00400000u
static volatile u32 dbes, ticks;
static int on_dbe(u32 code, struct dg_frame *f) { (void)code; f->r[2] = 0xdead; SP_WORD(SPECIAL_EPC) += 4; dbes++; return 1; }
static int on_int(u32 code, struct dg_frame *f) { (void)code; (void)f; ticks++; mcall(MCALL_IRQ_ACK, SP_WORD(SPECIAL_VIRQ_PENDING), 0); return 1; }

static u32 probe(u32 va) {
  register u32 v __asm__("$2");
  __asm__ volatile("lw $2, 0(%1)\n\tnop" : "=r"(v) : "r"(va) : "memory");
  return v;
}

static u32 rng = 12345;
static u32 next(void) { rng = rng * 1103515245u + 12345u; return rng; }

int main(int vcpu, const char *cmdline, u32 mem) {
  (void)vcpu;
  if (cmdline && dg_streq(cmdline, "victim")) {
    for (u32 pa = 0x100000; pa < mem; pa += 4096) {
      volatile u32 *p = KVA(pa);
      for (int i = 0; i < 1024; i += 64) p[i] = SECRET;
    }
    dg_puts("victim ready\n");
    for (;;) __asm__ volatile("wait");
  }
  dg_set_handler(7, on_dbe);
  dg_set_handler(6, on_dbe);
  dg_set_handler(0, on_int);
  /* let the victim fill its memory first */
  mtc0(12, 0, mfc0(12, 0) | (1 << 12) | 1);
  mcall(MCALL_TIMER_SET, 1000000, 0);
  while (ticks < 5) __asm__ volatile("wait");
  mcall(MCALL_TIMER_SET, 0, 0);
  __asm__ volatile("di");
  u32 found = 0, tries = 0, expect_dbe = 0;
  u32 mypages = mem >> 12;
  for (u32 k = 0; k < 6000; k++) {
    u32 pfn;
    if (k < 2048) pfn = k;                        /* the low frames: mine below mypages */
    else if (k < 4096) pfn = next() & 0xffffff;   /* anything a PFN field can say */
    else pfn = 0x400 + (next() & 0x7fff);         /* just above my memory */
    u32 idx = k & 63;
    mtc0(0, 0, idx);
    mtc0(10, 0, WIN | 1);
    mtc0(2, 0, (pfn << 6) | (3 << 3) | 2);
    mtc0(3, 0, 0);
    __asm__ volatile("tlbwi");
    mtc0(10, 0, 1);
    u32 before = dbes;
    u32 page_found = 0;
    for (u32 off = 0; off < 4096; off += 256) {
      u32 v = probe(WIN + off);
      if (dbes != before) break;
      if (v == SECRET) page_found = 1;
    }
    if (pfn >= mypages) expect_dbe++;
    found += page_found;
    tries++;
  }
  dg_puts("TRIES "); dg_putdec(tries); dg_putc('\n');
  dg_puts("FOUND "); dg_putdec(found); dg_putc('\n');
  dg_puts("BUSERR "); dg_putdec(dbes); dg_puts(" EXPECTED "); dg_putdec(expect_dbe); dg_putc('\n');
  dg_flush();
  return 0;
}
