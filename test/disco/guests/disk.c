/* disk.c: DISK_INFO / DISK_START / DISK_POLL, completion interrupts, argument checks. Disk 0
 * is writable with sector k holding the word k at offset 0; disk 1 is read-only. */
#include "dg.h"

static u32 buf[2048] __attribute__((aligned(4096)));
static volatile u32 disk_irqs;
static int on_int(u32 code, struct dg_frame *f) {
  (void)code; (void)f;
  u32 p = SP_WORD(SPECIAL_VIRQ_PENDING);
  if (p & VIRQ_DISK0) disk_irqs++;
  mcall(MCALL_IRQ_ACK, p, 0);
  return 1;
}

static s32 start(u32 unit, u32 op, u32 sector, u32 count, u32 pa) { return mcall5(MCALL_DISK_START, unit, op, sector, count, pa, 0); }
static s32 wait_done(u32 unit) {
  for (;;) {
    s32 st = mcall(MCALL_DISK_POLL, unit, 0);
    if (st == DISK_STATE_DONE || st == DISK_STATE_FAILED) return st;
    __asm__ volatile("wait");
  }
}

int main(int vcpu, const char *cmdline, u32 mem) {
  (void)vcpu; (void)cmdline;
  dg_set_handler(0, on_int);
  mtc0(12, 0, mfc0(12, 0) | (1 << 10));  /* IM2 devices, IE stays 0: wait + poll */
  u32 ro;
  s32 n = mcall5(MCALL_DISK_INFO, 0, 0, 0, 0, 0, &ro);
  dg_check_eq("disk0 sectors", (u32)n, 64);
  dg_check_eq("disk0 writable", ro, 0);
  mcall5(MCALL_DISK_INFO, 1, 0, 0, 0, 0, &ro);
  dg_check_eq("disk1 read-only", ro, 1);
  dg_check_eq("disk2 absent", (u32)mcall(MCALL_DISK_INFO, 2, 0), (u32)MERR_NO_DEVICE);
  dg_check_eq("read 8 sectors", (u32)start(0, DISK_OP_READ, 8, 8, KPA(buf)), 0);
  dg_check_eq("poll done", (u32)wait_done(0), DISK_STATE_DONE);
  u32 ok = 1;
  for (u32 k = 0; k < 8; k++) ok &= buf[k * 128] == 8 + k;
  dg_check("data", ok);
  for (u32 k = 0; k < 4; k++) buf[k * 128] = 0xd00d0000 + k;
  dg_check_eq("write", (u32)start(0, DISK_OP_WRITE, 60, 4, KPA(buf)), 0);
  dg_check_eq("write done", (u32)wait_done(0), DISK_STATE_DONE);
  dg_check_eq("flush", (u32)start(0, DISK_OP_FLUSH, 0, 0, 0), 0);
  dg_check_eq("flush done", (u32)wait_done(0), DISK_STATE_DONE);
  dg_check_eq("poll idle", (u32)mcall(MCALL_DISK_POLL, 0, 0), DISK_STATE_IDLE);
  dg_check_eq("out of range", (u32)start(0, DISK_OP_READ, 60, 8, KPA(buf)), (u32)MERR_INVALID);
  dg_check_eq("count 0", (u32)start(0, DISK_OP_READ, 0, 0, KPA(buf)), (u32)MERR_INVALID);
  dg_check_eq("bad op", (u32)start(0, 9, 0, 1, KPA(buf)), (u32)MERR_INVALID);
  dg_check_eq("buffer beyond memory", (u32)start(0, DISK_OP_READ, 0, 8, mem - 512), (u32)MERR_BAD_ADDRESS);
  dg_check_eq("read-only write", (u32)start(1, DISK_OP_WRITE, 0, 1, KPA(buf)), (u32)MERR_READ_ONLY);
  dg_check_eq("no device", (u32)start(3, DISK_OP_READ, 0, 1, KPA(buf)), (u32)MERR_NO_DEVICE);
  dg_check("polled completions acknowledged their VIRQ", disk_irqs == 0 && (SP_WORD(SPECIAL_VIRQ_PENDING) & VIRQ_DISK0) == 0);
  /* a large read straddling pages, into the middle of memory */
  dg_check_eq("read 64 sectors", (u32)start(0, DISK_OP_READ, 0, 64, 0x200200), 0);
  dg_check_eq("poll", (u32)wait_done(0), DISK_STATE_DONE);
  volatile u32 *big = KVA(0x200200);
  ok = 1;
  for (u32 k = 0; k < 60; k++) ok &= big[k * 128] == k;
  for (u32 k = 0; k < 4; k++) ok &= big[(60 + k) * 128] == 0xd00d0000 + k;
  dg_check("large read", ok);
  /* interrupt-driven: start, take the completion interrupt, then poll */
  dg_check_eq("read for the interrupt", (u32)start(0, DISK_OP_READ, 1, 1, KPA(buf)), 0);
  __asm__ volatile("ei");
  while (disk_irqs == 0) __asm__ volatile("wait");
  __asm__ volatile("di");
  dg_check("disk interrupt taken", disk_irqs == 1);
  dg_check_eq("poll after the interrupt", (u32)mcall(MCALL_DISK_POLL, 0, 0), DISK_STATE_DONE);
  return dg_result();
}
