// The second-level software TLB of one vCPU (paper §4.2.2): recent virtual -> machine
// translations of the guest's TLB entries, already passed through the pmap. A physical TLB
// miss in kuseg is answered from here without entering the guest. 4-way set-associative on
// (VPN2, ASID); a global entry is stored under the pseudo-ASID 256.
//
// Correctness rules (docs/monitor.md): every guest TLB write replaces the entry of its VPN2/ASID;
// tlbwi drops the entry it overwrites; tlbwr keeps the overwritten entry here (it is evicted
// from the virtual TLB only: the "larger TLB"); tlbp drops the probed VPN2/ASID; TLB_FLUSH drops
// the ASID (or all); a pmap change drops the entries that map the guest page.

export const L2TLB_DEFAULT_SETS = 1024;
export const L2TLB_WAYS = 4;
export const L2_GLOBAL_ASID = 256;
export const L2_MISS = -1;

export class L2Tlb {
  readonly sets: number;
  /** Entries (sets * ways); a slot is set * WAYS + way. */
  readonly slots: number;
  readonly valid: Uint8Array;
  /** VPN2 (VA & ~0x1fff). */
  readonly vpn2: Int32Array;
  /** ASID 0..255 or L2_GLOBAL_ASID. */
  readonly asid: Int16Array;
  /** Machine EntryLo of each half (0 = invalid). */
  readonly mlo0: Int32Array;
  readonly mlo1: Int32Array;
  /** Guest EntryLo of each half, as the guest wrote it. */
  readonly glo0: Int32Array;
  readonly glo1: Int32Array;
  private readonly victim: Uint8Array;
  count = 0;
  private readonly mask: number;

  constructor(sets = L2TLB_DEFAULT_SETS) {
    if ((sets & (sets - 1)) !== 0) throw new RangeError('L2TLB sets must be a power of two');
    this.sets = sets;
    this.mask = sets - 1;
    const n = sets * L2TLB_WAYS;
    this.slots = n;
    this.valid = new Uint8Array(n);
    this.vpn2 = new Int32Array(n);
    this.asid = new Int16Array(n);
    this.mlo0 = new Int32Array(n);
    this.mlo1 = new Int32Array(n);
    this.glo0 = new Int32Array(n);
    this.glo1 = new Int32Array(n);
    this.victim = new Uint8Array(sets);
  }

  /** First slot of the set (vpn2, asid) maps to. */
  setOf(va: number, asid: number): number {
    return this.set(va & ~0x1fff, asid);
  }

  private set(vpn2: number, asid: number): number {
    return (((vpn2 >>> 13) ^ (vpn2 >>> 23) ^ (asid * 0x9d)) & this.mask) * L2TLB_WAYS;
  }

  private find(vpn2: number, asid: number): number {
    const b = this.set(vpn2, asid);
    for (let w = 0; w < L2TLB_WAYS; w++) {
      const s = b + w;
      if (this.valid[s] !== 0 && this.vpn2[s] === vpn2 && this.asid[s] === asid) return s;
    }
    return L2_MISS;
  }

  /** Slot holding (vpn2, asid), or a global entry for vpn2, else L2_MISS. */
  lookup(va: number, asid: number): number {
    const vpn2 = va & ~0x1fff;
    const s = this.find(vpn2, asid);
    return s !== L2_MISS ? s : this.find(vpn2, L2_GLOBAL_ASID);
  }

  insert(vpn2: number, asid: number, mlo0: number, mlo1: number, glo0: number, glo1: number): void {
    let s = this.find(vpn2, asid);
    if (s === L2_MISS) {
      const b = this.set(vpn2, asid);
      for (let w = 0; w < L2TLB_WAYS; w++) {
        if (this.valid[b + w] === 0) {
          s = b + w;
          break;
        }
      }
      if (s === L2_MISS) {
        const set = b / L2TLB_WAYS;
        s = b + this.victim[set];
        this.victim[set] = (this.victim[set] + 1) % L2TLB_WAYS;
      } else this.count++;
    }
    this.valid[s] = 1;
    this.vpn2[s] = vpn2;
    this.asid[s] = asid;
    this.mlo0[s] = mlo0;
    this.mlo1[s] = mlo1;
    this.glo0[s] = glo0;
    this.glo1[s] = glo1;
  }

  /** Drop (vpn2, asid) and a global entry for vpn2. */
  drop(vpn2: number, asid: number): void {
    vpn2 &= ~0x1fff;
    let s = this.find(vpn2, asid);
    if (s !== L2_MISS) this.kill(s);
    s = this.find(vpn2, L2_GLOBAL_ASID);
    if (s !== L2_MISS) this.kill(s);
  }

  /** Drop every entry of `asid` (global entries too when asid < 0: everything). */
  dropAsid(asid: number): void {
    for (let s = 0; s < this.slots; s++) {
      if (this.valid[s] !== 0 && (asid < 0 || this.asid[s] === asid)) this.kill(s);
    }
  }

  /** Drop the entry of (vpn2, asid) (L2_GLOBAL_ASID: the global one) if either half maps guest page `gp`; returns 1 if dropped. */
  dropMapping(vpn2: number, asid: number, gp: number): number {
    const s = this.find(vpn2 & ~0x1fff, asid);
    if (s === L2_MISS || ((this.glo0[s] >>> 6) !== gp && (this.glo1[s] >>> 6) !== gp)) return 0;
    this.kill(s);
    return 1;
  }

  /** Drop every entry mapping guest physical page `gp`; returns how many. */
  dropGuestPage(gp: number): number {
    let n = 0;
    for (let s = 0; s < this.slots; s++) {
      if (this.valid[s] === 0) continue;
      if ((this.glo0[s] >>> 6) === gp || (this.glo1[s] >>> 6) === gp) {
        this.kill(s);
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.valid.fill(0);
    this.count = 0;
  }

  private kill(s: number): void {
    this.valid[s] = 0;
    this.count--;
  }
}
