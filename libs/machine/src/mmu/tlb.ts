// The architectural R4000-style TLB: N dual-page entries (VPN2, ASID, G, PageMask, two EntryLo
// halves) kept as typed arrays, with the lookup and the TLBP/TLBR/TLBWI/TLBWR data moves.
// Exceptions are decided by the CPU from the lookup result; nothing here throws.

import { ENTRYHI, ENTRYLO, PAGEMASK_MASK } from '../cp0/regs.js';

export const DEFAULT_TLB_ENTRIES = 64;

/** Result of a lookup: a match gives the EntryLo word of the selected half (>= 0 index of entry). */
export const TLB_MISS = -1;

export class Tlb {
  /** EntryHi-style VPN2 (bits 31:13, masked by PageMask). */
  readonly vpn2: Int32Array;
  readonly asid: Uint8Array;
  readonly global: Uint8Array;
  /** PageMask bits 28:13. */
  readonly mask: Int32Array;
  readonly lo0: Int32Array;
  readonly lo1: Int32Array;

  constructor(readonly entries: number = DEFAULT_TLB_ENTRIES) {
    this.vpn2 = new Int32Array(entries);
    this.asid = new Uint8Array(entries);
    this.global = new Uint8Array(entries);
    this.mask = new Int32Array(entries);
    this.lo0 = new Int32Array(entries);
    this.lo1 = new Int32Array(entries);
    this.reset();
  }

  /** Every entry invalid and parked at a distinct kseg0 VPN2 that can never match. */
  reset(): void {
    for (let i = 0; i < this.entries; i++) {
      this.vpn2[i] = (0x80000000 + i * 0x2000) | 0;
      this.asid[i] = 0;
      this.global[i] = 0;
      this.mask[i] = 0;
      this.lo0[i] = 0;
      this.lo1[i] = 0;
    }
  }

  /**
   * Find the entry mapping `va` for `asid`; returns its index or TLB_MISS. Entries whose VPN2
   * lies in kseg0/kseg1 never match (the translator never asks for those addresses).
   */
  find(va: number, asid: number): number {
    for (let i = 0; i < this.entries; i++) {
      const m = ~(this.mask[i] | 0x1fff);
      if (((this.vpn2[i] ^ va) & m) === 0 && (this.global[i] !== 0 || this.asid[i] === asid)) return i;
    }
    return TLB_MISS;
  }

  /** The EntryLo half of entry `i` that maps `va` (even/odd page chosen by the page size). */
  half(i: number, va: number): number {
    const oddBit = (this.mask[i] + 0x2000) >>> 1; // 0x1000 for 4 KB pages, 0x4000 for 16 KB ...
    return (va & oddBit) === 0 ? this.lo0[i] : this.lo1[i];
  }

  /** Page size in bytes of entry i. */
  pageBytes(i: number): number {
    return (this.mask[i] + 0x2000) >>> 1;
  }

  /** TLBWI/TLBWR data move. */
  write(i: number, entryHi: number, entryLo0: number, entryLo1: number, pageMask: number): void {
    const mask = pageMask & PAGEMASK_MASK;
    this.mask[i] = mask;
    this.vpn2[i] = entryHi & ENTRYHI.VPN2_MASK & ~mask;
    this.asid[i] = entryHi & ENTRYHI.ASID_MASK;
    this.global[i] = entryLo0 & entryLo1 & ENTRYLO.G;
    this.lo0[i] = entryLo0 & ENTRYLO.WRITABLE_MASK & ~ENTRYLO.G;
    this.lo1[i] = entryLo1 & ENTRYLO.WRITABLE_MASK & ~ENTRYLO.G;
  }

  /** TLBP: index of the entry matching EntryHi's VPN2 and ASID, or TLB_MISS. */
  probe(entryHi: number): number {
    return this.find(entryHi & ENTRYHI.VPN2_MASK, entryHi & ENTRYHI.ASID_MASK);
  }

  readEntryHi(i: number): number {
    return this.vpn2[i] | this.asid[i];
  }
  readEntryLo0(i: number): number {
    return this.lo0[i] | this.global[i];
  }
  readEntryLo1(i: number): number {
    return this.lo1[i] | this.global[i];
  }
}
