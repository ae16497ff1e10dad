/* share.c: shared read-only machine pages and copy-on-write. Two VMs run it ("a" and "b"); each
 * fills one page with its pattern, maps it also at a kuseg address, says "ready" and waits for
 * a line on the console. Between the two, the host remaps a's page into b's (both read-only on
 * one machine page). "b" then checks it sees a's data through sseg and kuseg and writes it (the
 * copy-on-write copy); "a", told after b, checks its page is unchanged and writes it too (the
 * last reference: no copy). */
#include "dg.h"

#define UVA 0x00400000u

static u32 page[1024] __attribute__((aligned(4096)));
static char line[16];

static void wait_line(void) {
  for (;;) {
    s32 n = mcall(MCALL_CONSOLE_READ, KPA(line), sizeof line);
    if (n > 0) return;
    __asm__ volatile("wait");
    mcall(MCALL_IRQ_ACK, VIRQ_CONSOLE_RX, 0);
  }
}

static u32 sum(volatile u32 *p) {
  u32 s = 0;
  for (u32 i = 0; i < 1024; i++) s = s * 31 + p[i];
  return s;
}

int main(int vcpu, const char *cmdline, u32 mem) {
  (void)vcpu; (void)mem;
  int b = cmdline != 0 && cmdline[0] == 'b';
  u32 base = b ? 0xB0000000u : 0xA0000000u;
  for (u32 i = 0; i < 1024; i++) page[i] = base + i;
  /* kuseg alias: even half of the pair at UVA, ASID 0, dirty + valid, cacheable */
  mtc0(0, 0, 0);
  mtc0(10, 0, UVA);
  mtc0(2, 0, ((KPA(page) >> 12) << 6) | (3 << 3) | 6);
  mtc0(3, 0, 0);
  __asm__ volatile("tlbwi");
  volatile u32 *u = (volatile u32 *)UVA;
  mtc0(12, 0, mfc0(12, 0) | (1 << 10)); /* IM2: console input wakes wait (IE stays 0) */
  dg_check_eq("own page through kuseg", u[5], base + 5);
  dg_puts("ready "); dg_puthex(KPA(page)); dg_putc('\n');
  wait_line();
  volatile u32 *k = page;
  if (b) {
    dg_check_eq("remapped: a's data through sseg", k[7], 0xA0000007u);
    dg_check_eq("remapped: a's data through kuseg", u[9], 0xA0000009u);
    u32 s = sum(k);
    dg_check_eq("sseg and kuseg agree", sum(u), s);
    k[0] = 0xBBBB0000u; /* copy-on-write */
    dg_check_eq("own write seen", k[0], 0xBBBB0000u);
    dg_check_eq("rest of the copy", k[1], 0xA0000001u);
    dg_check_eq("kuseg sees the copy", u[0], 0xBBBB0000u);
    u[2] = 0xCCCC0002u;
    dg_check_eq("kuseg write seen through sseg", k[2], 0xCCCC0002u);
    dg_puts("b-done\n");
  } else {
    dg_check_eq("unchanged by b", k[0], 0xA0000000u);
    dg_check_eq("unchanged by b (kuseg)", u[2], 0xA0000002u);
    u[3] = 0xAAAA0003u; /* last reference: taken back without a copy */
    dg_check_eq("own write", k[3], 0xAAAA0003u);
    dg_puts("a-done\n");
  }
  wait_line();
  return dg_result();
}
