/* vectors.S (Disco monitor): the guest's exception vectors at EBase = 0xC0000000, to which
 * the monitor reflects exceptions (virtual EXL = 1, virtual EPC/Cause/BadVAddr/Context set
 * in the special page). The TLB refill handler (offset 0; the monitor sends misses on user
 * addresses that neither its L2TLB nor the virtual TLB can answer) walks the current
 * process's two-level page table as on the bare machine, but reads BadVAddr and the vCPU
 * number from the special page and writes EntryLo0/1 there with ordinary loads and stores;
 * only tlbwr and eret trap (and are emulated). With two registers, the pair's address is
 * parked in the EntryLo1 word while EntryLo0 is stored. Every other exception goes to
 * trap_entry (entry.S). */
#include "mips.h"

#define SP_HI %hi(GUEST_VSEG_SPECIAL_PAGE)
#define SP_LO(off) %lo(GUEST_VSEG_SPECIAL_PAGE + (off))

        .set    noreorder
        .set    noat
        .set    mips32r2

        .section .vectors, "ax"
        .globl  exception_vectors
exception_vectors:

        .org    0x000                       /* TLB refill, virtual EXL = 0 */
tlb_refill:
        lui     $k1, SP_HI
        lw      $k0, SP_LO(SPECIAL_VCPU_ID)($k1)
        sll     $k0, $k0, 2
        lui     $k1, %hi(pgd_current)
        addu    $k1, $k1, $k0
        lw      $k1, %lo(pgd_current)($k1)  /* first-level table of this vCPU's process */
        lui     $k0, SP_HI
        lw      $k0, SP_LO(SPECIAL_BADVADDR)($k0)
        srl     $k0, $k0, 22
        sll     $k0, $k0, 2
        addu    $k1, $k1, $k0
        lw      $k1, 0($k1)                 /* second-level table (maybe the empty one) */
        lui     $k0, SP_HI
        lw      $k0, SP_LO(SPECIAL_BADVADDR)($k0)
        srl     $k0, $k0, 10
        andi    $k0, $k0, 0xff8             /* even entry of the pair: ((va >> 13) & 511) * 8 */
        addu    $k1, $k1, $k0
        lui     $k0, SP_HI
        sw      $k1, SP_LO(SPECIAL_ENTRYLO1)($k0)
        lw      $k1, 0($k1)
        sw      $k1, SP_LO(SPECIAL_ENTRYLO0)($k0)
        lw      $k1, SP_LO(SPECIAL_ENTRYLO1)($k0)
        lw      $k1, 4($k1)
        sw      $k1, SP_LO(SPECIAL_ENTRYLO1)($k0)
        tlbwr
        eret

        .org    0x100                       /* cache error: not expected */
        j       trap_entry
        nop

        .org    0x180                       /* general exception */
        j       trap_entry
        nop

        .org    0x200                       /* interrupt with Cause.IV = 1 (unused) */
        j       trap_entry
        nop
