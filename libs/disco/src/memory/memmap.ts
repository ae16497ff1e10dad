// Machine memory as the monitor sees it: a free list of 4 KiB machine pages per node and the
// memmap, one entry per machine page: which VM owns it, which guest physical page it backs, and
// up to BACKMAP_SLOTS virtual addresses that map it (for TLB shootdowns; more than that sets
// the overflow flag, and a shootdown then flushes every translation of the VM).

export const PAGE_SHIFT = 12;
export const PAGE_BYTES = 1 << PAGE_SHIFT;
export const BACKMAP_SLOTS = 4;

/** memmap owner of a free page. */
export const NO_OWNER = -1;
/** Owner of the monitor's own pages (special pages). */
export const MONITOR_OWNER = -2;

export class MachinePages {
  readonly pages: number;
  readonly nodes: number;
  readonly pagesPerNode: number;
  /** memmap: owner VM id (or NO_OWNER / MONITOR_OWNER). */
  readonly owner: Int32Array;
  /** memmap: guest physical page number backed by this machine page (-1 if none). */
  readonly guestPage: Int32Array;
  /** memmap backmaps: virtual page addresses (VA & ~0xfff) that have mapped the page. */
  readonly backmap: Int32Array;
  readonly backmapCount: Uint8Array;
  /** Free machine page numbers per node, used as a stack. */
  private readonly free: Int32Array[];
  private readonly freeTop: Int32Array;

  constructor(memoryBytes: number, nodes: number, reservedBytes = 0) {
    this.pages = memoryBytes >>> PAGE_SHIFT;
    this.nodes = nodes;
    this.pagesPerNode = this.pages / nodes;
    this.owner = new Int32Array(this.pages).fill(NO_OWNER);
    this.guestPage = new Int32Array(this.pages).fill(-1);
    this.backmap = new Int32Array(this.pages * BACKMAP_SLOTS);
    this.backmapCount = new Uint8Array(this.pages);
    this.free = [];
    this.freeTop = new Int32Array(nodes);
    const reserved = Math.ceil(reservedBytes / PAGE_BYTES);
    for (let n = 0; n < nodes; n++) {
      const stack = new Int32Array(this.pagesPerNode);
      let top = 0;
      // Highest pages at the bottom of the stack: allocation hands out low addresses first.
      for (let p = (n + 1) * this.pagesPerNode - 1; p >= n * this.pagesPerNode; p--) {
        if (p < reserved) continue;
        stack[top++] = p;
      }
      this.free.push(stack);
      this.freeTop[n] = top;
    }
  }

  nodeOf(page: number): number {
    return Math.floor(page / this.pagesPerNode);
  }

  freeOn(node: number): number {
    return this.freeTop[node];
  }

  /** Take a page, preferably on `node`, then on the nearest other nodes in order; -1 when memory is exhausted. */
  alloc(node: number, owner: number, guestPage: number): number {
    for (let k = 0; k < this.nodes; k++) {
      const n = (node + k) % this.nodes;
      const top = this.freeTop[n];
      if (top > 0) {
        const p = this.free[n][top - 1];
        this.freeTop[n] = top - 1;
        this.owner[p] = owner;
        this.guestPage[p] = guestPage;
        this.backmapCount[p] = 0;
        return p;
      }
    }
    return -1;
  }

  release(page: number): void {
    if (this.owner[page] === NO_OWNER) return;
    this.owner[page] = NO_OWNER;
    this.guestPage[page] = -1;
    this.backmapCount[page] = 0;
    const n = this.nodeOf(page);
    this.free[n][this.freeTop[n]++] = page;
  }

  /** Record that virtual page `va` maps machine page `page` (the count saturates at SLOTS+1 = overflow). */
  addBackmap(page: number, va: number): void {
    const n = this.backmapCount[page];
    const base = page * BACKMAP_SLOTS;
    const vpage = va & ~0xfff;
    const lim = n < BACKMAP_SLOTS ? n : BACKMAP_SLOTS;
    for (let i = 0; i < lim; i++) if (this.backmap[base + i] === vpage) return;
    if (n < BACKMAP_SLOTS) {
      this.backmap[base + n] = vpage;
      this.backmapCount[page] = n + 1;
    } else this.backmapCount[page] = BACKMAP_SLOTS + 1;
  }

  backmapOverflowed(page: number): boolean {
    return this.backmapCount[page] > BACKMAP_SLOTS;
  }
}
