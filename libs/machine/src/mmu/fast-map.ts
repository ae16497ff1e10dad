// The per-CPU fast translation table: one Int32Array entry per 4 KB virtual page holding the
// machine frame and access bits, filled from the architectural TLB (or the segment rules) on
// first use and cleared through a dirty list when the TLB, the ASID or ERL change.

/** Entry bits. An entry is (frame << FT_FRAME_SHIFT) | flags; 0 means "not cached". */
export const FT_VALID = 1;
/** Stores allowed (TLB D bit, or an unmapped segment). */
export const FT_WRITABLE = 2;
/** Only kernel mode may use it (kseg0, kseg1, kseg3). */
export const FT_KERNEL_ONLY = 4;
/** Kernel and supervisor may use it (sseg). */
export const FT_SUPERVISOR = 8;
/** Uncached (kseg1, C=2): timed mode charges memory latency without the cache. */
export const FT_UNCACHED = 16;
export const FT_FRAME_SHIFT = 5;

/** Required-bit masks per mode: (entry & mask) must equal FT_VALID (read) or VALID|WRITABLE (write). */
export const MODE_READ_MASK = [FT_VALID, FT_VALID | FT_KERNEL_ONLY, FT_VALID | FT_KERNEL_ONLY | FT_SUPERVISOR];
export const MODE_WRITE_MASK = [
  FT_VALID | FT_WRITABLE,
  FT_VALID | FT_WRITABLE | FT_KERNEL_ONLY,
  FT_VALID | FT_WRITABLE | FT_KERNEL_ONLY | FT_SUPERVISOR,
];

const PAGES = 1 << 20;
const DIRTY_CAPACITY = 8192;

export class FastMap {
  readonly entries = new Int32Array(PAGES);
  private readonly dirty = new Int32Array(DIRTY_CAPACITY);
  private dirtyCount = 0;
  private overflowed = false;

  set(vpn: number, entry: number): void {
    if (this.entries[vpn] === 0) {
      if (this.dirtyCount < DIRTY_CAPACITY) this.dirty[this.dirtyCount++] = vpn;
      else this.overflowed = true;
    }
    this.entries[vpn] = entry;
  }

  /** Forget every cached translation. */
  clear(): void {
    if (this.overflowed) {
      this.entries.fill(0);
      this.overflowed = false;
    } else {
      for (let i = 0; i < this.dirtyCount; i++) this.entries[this.dirty[i]] = 0;
    }
    this.dirtyCount = 0;
  }

  /** Forget the cached translations of the virtual pages [vpn, vpn + count). */
  clearRange(vpn: number, count: number): void {
    for (let i = 0; i < count; i++) this.entries[(vpn + i) & (PAGES - 1)] = 0;
  }
}
