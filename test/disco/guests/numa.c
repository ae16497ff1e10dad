/* numa.c: NUMA page migration, replication and collapse under the monitor (test/disco/numa.spec.ts).
 * Two vCPUs, meant to sit on two nodes; the whole image starts on vCPU 0's node. vCPU 0 prints
 * "ready <pa of hot> <pa of hotu> <pa of ro>", then reads command lines from the console, tells
 * vCPU 1 through a control page, takes part, and prints "done <cmd>" when both finished:
 *   m  vCPU 1 hammers page `hot` through sseg (reads and a write) and page `hotu` through a kuseg
 *      alias, sweeping a 32 KiB buffer in between so every pass misses (run with a 16 KiB cache)
 *   r  both read page `ro` in such passes: vCPU 0 through sseg, vCPU 1 through a kuseg alias
 *   w  vCPU 1 writes every word of `ro` through its kuseg alias; then both check every word
 *   e  end: the result (each vCPU checks the data it read in every phase)
 * The data never changes behind the guest's back: every sum is checked against its expected value. */
#include "dg.h"

#define WORDS 1024          /* one 4 KiB page */
#define LINE_WORDS 32       /* 128-byte cache lines */
#define PASSES 64
#define EVICT_WORDS 8192    /* 32 KiB: twice the test machine's cache */
#define UHOT 0x00400000u    /* kuseg alias of hotu (even half) */
#define URO 0x00800000u     /* kuseg alias of ro (even half) */

static volatile u32 hot[WORDS] __attribute__((aligned(4096)));
static volatile u32 hotu[WORDS] __attribute__((aligned(4096)));
static volatile u32 ro[WORDS] __attribute__((aligned(4096)));
static volatile u32 evict[2][EVICT_WORDS] __attribute__((aligned(4096)));
/* Control page: the command sequence, what vCPU 1 finished, its failures. */
static volatile struct { u32 seq; char cmd; u32 done; u32 bad; } ctl __attribute__((aligned(4096)));
static char line[16];

static void wait_line(void) {
  for (;;) {
    s32 n = mcall(MCALL_CONSOLE_READ, KPA(line), sizeof line);
    if (n > 0) return;
    __asm__ volatile("wait");
    mcall(MCALL_IRQ_ACK, VIRQ_CONSOLE_RX, 0);
  }
}

static void map_alias(u32 index, u32 va, volatile void *page) {
  mtc0(0, 0, index);
  mtc0(10, 0, va);
  mtc0(2, 0, ((KPA(page) >> 12) << 6) | (3 << 3) | 6); /* cacheable, dirty, valid */
  mtc0(3, 0, 0);
  __asm__ volatile("tlbwi");
}

static u32 sweep(int vcpu) {
  u32 s = 0;
  for (u32 i = 0; i < EVICT_WORDS; i += LINE_WORDS) s += evict[vcpu][i];
  return s;
}

/* One pass over a page, a word per line. */
static u32 lines(volatile u32 *p) {
  u32 s = 0;
  for (u32 i = 0; i < WORDS; i += LINE_WORDS) s += p[i];
  return s;
}

static u32 ro_value(u32 i, int written) { return written ? 0x5a000000u + i * 7 : 0x10000u + i * 3; }

static u32 ro_lines_sum(int written) {
  u32 s = 0;
  for (u32 i = 0; i < WORDS; i += LINE_WORDS) s += ro_value(i, written);
  return s;
}

/* The work of one phase on this vCPU; returns the number of wrong values seen. */
static u32 phase(int vcpu, char cmd) {
  u32 bad = 0;
  volatile u32 *uro = (volatile u32 *)URO;
  volatile u32 *uhot = (volatile u32 *)UHOT;
  if (cmd == 'm' && vcpu == 1) {
    for (u32 it = 0; it < PASSES; it++) {
      u32 want = 0;
      for (u32 i = 0; i < WORDS; i += LINE_WORDS) want += i == 0 ? hot[0] : i;
      if (lines(hot) != want) bad++;
      hot[0] = hot[0] + 1;
      u32 su = lines(uhot);
      if (su != (WORDS / LINE_WORDS) * 0x77u) bad++;
      sweep(vcpu);
    }
  } else if (cmd == 'r') {
    volatile u32 *p = vcpu == 0 ? ro : uro;
    for (u32 it = 0; it < PASSES; it++) {
      if (lines(p) != ro_lines_sum(0)) bad++;
      sweep(vcpu);
    }
  } else if (cmd == 'w' && vcpu == 1) {
    for (u32 i = 0; i < WORDS; i++) uro[i] = ro_value(i, 1);
  }
  return bad;
}

static u32 check_ro(volatile u32 *p) {
  u32 bad = 0;
  for (u32 i = 0; i < WORDS; i++) if (p[i] != ro_value(i, 1)) bad++;
  return bad;
}

int main(int vcpu, const char *cmdline, u32 mem) {
  (void)cmdline; (void)mem;
  if (vcpu == 1) {
    map_alias(0, UHOT, hotu);
    map_alias(1, URO, ro);
    u32 seen = 0;
    for (;;) {
      while (ctl.seq == seen) {}
      seen = ctl.seq;
      char cmd = ctl.cmd;
      if (cmd == 'e') break;
      ctl.bad += phase(1, cmd);
      if (cmd == 'w') ctl.bad += check_ro((volatile u32 *)URO);
      ctl.done = seen;
    }
    ctl.done = seen;
    return 0;
  }
  for (u32 i = 0; i < WORDS; i++) {
    hot[i] = i;
    hotu[i] = 0x77u;
    ro[i] = ro_value(i, 0);
  }
  mtc0(12, 0, mfc0(12, 0) | (1 << 10)); /* IM2: console input wakes wait (IE stays 0) */
  mcall5(MCALL_VCPU_START, 1, 0xC0010000, 0, 0, 0, 0);
  dg_puts("ready "); dg_puthex(KPA(hot)); dg_putc(' '); dg_puthex(KPA(hotu)); dg_putc(' '); dg_puthex(KPA(ro)); dg_putc('\n');
  u32 bad = 0, mphases = 0;
  for (;;) {
    wait_line();
    char cmd = line[0];
    if (cmd == 'm') mphases++;
    ctl.cmd = cmd;
    ctl.seq = ctl.seq + 1;
    if (cmd == 'e') break;
    bad += phase(0, cmd);
    while (ctl.done != ctl.seq) {}
    if (cmd == 'w') bad += check_ro(ro);
    dg_puts("done "); dg_putc(cmd); dg_putc('\n');
  }
  while (ctl.done != ctl.seq) {}
  dg_check_eq("vCPU 0 read the expected data", bad, 0);
  dg_check_eq("vCPU 1 read the expected data", ctl.bad, 0);
  dg_check_eq("hot page counted every pass", hot[0], mphases * PASSES);
  return dg_result();
}
