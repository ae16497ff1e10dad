/* tlb.c (bare machine): every write to the TLB outside the refill handler: flushing all
 * entries, invalidating one page of one address space (tlbp + tlbwi), switching the
 * current ASID and pointing the refill handler at a page directory. Invalid entries get
 * distinct VPN2s in kseg0, which can never match. */
#include "types.h"
#include "defs.h"
#include "hal.h"
#include "mips.h"
#include "param.h"

u32 *pgd_current[NCPU];     /* read by the refill handler (vectors.S) */

static u32 tlb_entries(void) {
  u32 config1 = mfc0(16, 1);
  return ((config1 >> 25) & 0x3f) + 1;
}

static void write_invalid(u32 index) {
  mtc0(0, 0, index);
  mtc0(10, 0, KERNBASE + index * 2 * PGSIZE);
  mtc0(2, 0, 0);
  mtc0(3, 0, 0);
  __asm__ volatile("tlbwi\n\tehb" : : : "memory");
}

void hal_tlb_flush_all(void) {
  push_off();
  u32 hi = mfc0(10, 0);
  u32 n = tlb_entries();
  for (u32 i = 0; i < n; i++) write_invalid(i);
  mtc0(10, 0, hi);
  pop_off();
}

void hal_tlb_invalidate_page(u32 va, u32 asid) {
  push_off();
  u32 hi = mfc0(10, 0);
  mtc0(10, 0, (va & ~(2 * PGSIZE - 1)) | (asid & 0xff));
  __asm__ volatile("tlbp\n\tehb" : : : "memory");
  u32 idx = mfc0(0, 0);
  if ((idx & 0x80000000u) == 0) write_invalid(idx);
  mtc0(10, 0, hi);
  pop_off();
}

void hal_tlb_set_asid(u32 asid) {
  mtc0(10, 0, asid & 0xff);
}

void hal_tlb_set_pgd(u32 *pgd) {
  pgd_current[hal_cpu_id()] = pgd;
}

void hal_set_tls(u32 value) {
  mtc0(4, 2, value);    /* UserLocal */
}
