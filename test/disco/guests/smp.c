/* smp.c: vCPU 0 starts the other vCPUs (VCPU_START); each adds to a shared counter with LL/SC,
 * records rdhwr CPUNum and the special page's VCPU_ID, sends an IPI to vCPU 0 and parks in
 * wait. vCPU 0 sleeps in wait until all are done (IPIs wake it). */
#include "dg.h"

#define ROUNDS 2000
static volatile u32 counter, done, ipis;
static volatile u32 ids[8], cpunums[8];

static void atomic_add(volatile u32 *p, u32 n) {
  u32 t;
  __asm__ volatile("1: ll %0, 0(%1)\n\taddu %0, %0, %2\n\tsc %0, 0(%1)\n\tbeqz %0, 1b\n\tnop" : "=&r"(t) : "r"(p), "r"(n) : "memory");
}

static int on_int(u32 code, struct dg_frame *f) {
  (void)code; (void)f;
  u32 p = SP_WORD(SPECIAL_VIRQ_PENDING);
  if (p & VIRQ_IPI) ipis++;
  mcall(MCALL_IRQ_ACK, p, 0);
  return 1;
}

int main(int vcpu, const char *cmdline, u32 mem) {
  (void)cmdline; (void)mem;
  u32 cpunum;
  __asm__ volatile("rdhwr %0, $0" : "=r"(cpunum));
  cpunums[vcpu] = cpunum;
  ids[vcpu] = SP_WORD(SPECIAL_VCPU_ID);
  if (vcpu != 0) {
    for (int i = 0; i < ROUNDS; i++) atomic_add(&counter, 1);
    atomic_add(&done, 1);
    mcall(MCALL_IPI_SEND, 1, 0);
    return 0;
  }
  dg_set_handler(0, on_int);
  u32 n = SP_WORD(SPECIAL_NUM_VCPUS);
  for (u32 i = 1; i < n; i++) mcall5(MCALL_VCPU_START, i, 0xC0010000, 0, 0, 0, 0);
  dg_check_eq("VCPU_START twice fails", (u32)mcall5(MCALL_VCPU_START, 1, 0xC0010000, 0, 0, 0, 0), (u32)MERR_INVALID);
  for (int i = 0; i < ROUNDS; i++) atomic_add(&counter, 1);
  mtc0(12, 0, (mfc0(12, 0) | (1 << 11)) & ~1u);
  while (done != n - 1) {
    __asm__ volatile("wait");          /* IE = 0: wait returns once the IPI is posted */
    __asm__ volatile("ei\n\tehb\n\tdi");
  }
  __asm__ volatile("ei\n\tehb\n\tdi");   /* take an IPI posted before the loop */
  dg_check_eq("counter", counter, ROUNDS * n);
  dg_check("ipis received", ipis >= 1);
  u32 ok = 1;
  for (u32 i = 0; i < n; i++) ok &= ids[i] == i && cpunums[i] == i;
  dg_check("vcpu ids and rdhwr CPUNum", ok);
  return dg_result();
}
