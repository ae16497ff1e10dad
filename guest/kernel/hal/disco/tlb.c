/* tlb.c (Disco monitor): every write to the virtual TLB outside the refill handler.
 * Flushing is one TLB_FLUSH call; invalidating a page is tlbp + tlbwi (both trap and are
 * emulated) with EntryHi, EntryLo0/1 and Index passed in the special page: the monitor reads
 * them at the instruction and sets the physical ASID from the page's EntryHi at every exit, so
 * the sequence keeps the ASID unchanged. An ASID switch is an mtc0 of EntryHi, which the
 * monitor sees at once (a store would reach the physical TLB only at the next monitor entry).
 * Invalid entries get distinct VPN2s in kseg0, which no supervisor-mode access can match. */
#include "types.h"
#include "defs.h"
#include "hal.h"
#include "mips.h"
#include "mcall.h"
#include "param.h"

u32 *pgd_current[NCPU];     /* read by the refill handler (vectors.S) */

void hal_tlb_flush_all(void) {
  mcall(MCALL_TLB_FLUSH, (u32)-1, 0);
}

void hal_tlb_invalidate_page(u32 va, u32 asid) {
  push_off();
  u32 hi = SPECIAL_WORD(SPECIAL_ENTRYHI);
  asid &= 0xff;
  SPECIAL_WORD(SPECIAL_ENTRYHI) = (va & ~(2 * PGSIZE - 1)) | asid;
  __asm__ volatile("tlbp" : : : "memory");
  u32 idx = SPECIAL_WORD(SPECIAL_INDEX);
  if ((idx & 0x80000000u) == 0) {
    SPECIAL_WORD(SPECIAL_ENTRYHI) = (0x80000000u + idx * 2 * PGSIZE) | asid;
    SPECIAL_WORD(SPECIAL_ENTRYLO0) = 0;
    SPECIAL_WORD(SPECIAL_ENTRYLO1) = 0;
    __asm__ volatile("tlbwi" : : : "memory");
  }
  if ((hi & 0xff) == asid) SPECIAL_WORD(SPECIAL_ENTRYHI) = hi;
  else mtc0(10, 0, hi);   /* the monitor took `asid` as the current one at the tlbp */
  pop_off();
}

void hal_tlb_set_asid(u32 asid) {
  mtc0(10, 0, asid & 0xff);
}

void hal_tlb_set_pgd(u32 *pgd) {
  pgd_current[hal_cpu_id()] = pgd;
}

void hal_set_tls(u32 value) {
  SPECIAL_WORD(SPECIAL_USERLOCAL) = value;   /* the monitor loads it on the way to user mode */
}
