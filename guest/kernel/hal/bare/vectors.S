/* vectors.S (bare machine): the exception vectors at EBase = 0x80000000. The TLB refill
 * handler (offset 0) reloads the TLB in software from the current process's two-level page
 * table: Context.PTEBase holds the CPU number, pgd_current[cpu] the first-level table. An
 * empty first-level slot points at a table of zero entries, so the handler never branches;
 * a zero entry loads an invalid TLB entry and the retried access takes a TLB Invalid
 * exception to the general handler. Every other exception goes to trap_entry (entry.S). */
#include "mips.h"

        .set    noreorder
        .set    noat
        .set    mips32r2

        .section .vectors, "ax"
        .globl  exception_vectors
exception_vectors:

        .org    0x000                       /* TLB refill, EXL = 0 */
tlb_refill:
        mfc0    $k1, CP0_CONTEXT
        srl     $k1, $k1, CONTEXT_CPU_SHIFT
        sll     $k1, $k1, 2
        lui     $k0, %hi(pgd_current)
        addu    $k0, $k0, $k1
        lw      $k1, %lo(pgd_current)($k0)  /* first-level table of this CPU's process */
        mfc0    $k0, CP0_BADVADDR
        srl     $k0, $k0, 22
        sll     $k0, $k0, 2
        addu    $k1, $k1, $k0
        lw      $k1, 0($k1)                 /* second-level table (maybe the empty one) */
        mfc0    $k0, CP0_BADVADDR
        srl     $k0, $k0, 10
        andi    $k0, $k0, 0xff8             /* even entry of the pair: ((va >> 13) & 511) * 8 */
        addu    $k1, $k1, $k0
        lw      $k0, 0($k1)
        lw      $k1, 4($k1)
        mtc0    $k0, CP0_ENTRYLO0
        mtc0    $k1, CP0_ENTRYLO1
        ehb
        tlbwr
        eret

        .org    0x100                       /* cache error: not expected on this machine */
        j       trap_entry
        nop

        .org    0x180                       /* general exception */
        j       trap_entry
        nop

        .org    0x200                       /* interrupt with Cause.IV = 1 (unused) */
        j       trap_entry
        nop
