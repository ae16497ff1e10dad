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
/** Owner of a machine page shared read-only (copy-on-write) by several guest pages or holders. */
export const SHARED_OWNER = -3;

/** Pages per allocation chunk: guest memory is handed out in 64 KiB machine-aligned chunks so the
 * monitor can map the sseg direct map with 64 KiB pages (fewer kernel TLB misses, paper §5.2). */
export const CHUNK_PAGES = 16;
export const CHUNK_SHIFT = 4;

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
  /** References to a SHARED_OWNER page: guest pages mapping it plus holders (the disk cache). */
  readonly refs: Uint32Array;
  /** Free whole chunks (first page numbers) and free single pages, per node, as stacks. */
  private readonly chunks: Int32Array[];
  private readonly chunkTop: Int32Array;
  private readonly loose: Int32Array[];
  private readonly looseTop: Int32Array;

  constructor(memoryBytes: number, nodes: number) {
    this.pages = memoryBytes >>> PAGE_SHIFT;
    this.nodes = nodes;
    this.pagesPerNode = this.pages / nodes;
    this.owner = new Int32Array(this.pages).fill(NO_OWNER);
    this.guestPage = new Int32Array(this.pages).fill(-1);
    this.backmap = new Int32Array(this.pages * BACKMAP_SLOTS);
    this.backmapCount = new Uint8Array(this.pages);
    this.refs = new Uint32Array(this.pages);
    this.chunks = [];
    this.loose = [];
    this.chunkTop = new Int32Array(nodes);
    this.looseTop = new Int32Array(nodes);
    for (let n = 0; n < nodes; n++) {
      const first = n * this.pagesPerNode;
      const count = Math.floor(this.pagesPerNode / CHUNK_PAGES);
      const stack = new Int32Array(count);
      // Highest chunks at the bottom of the stack: allocation hands out low addresses first.
      for (let k = 0; k < count; k++) stack[k] = first + (count - 1 - k) * CHUNK_PAGES;
      this.chunks.push(stack);
      this.chunkTop[n] = count;
      this.loose.push(new Int32Array(this.pagesPerNode));
    }
  }

  nodeOf(page: number): number {
    return Math.floor(page / this.pagesPerNode);
  }

  /** Free pages on a node. */
  freeOn(node: number): number {
    return this.chunkTop[node] * CHUNK_PAGES + this.looseTop[node];
  }

  private take(p: number, owner: number, guestPage: number): void {
    this.owner[p] = owner;
    this.guestPage[p] = guestPage;
    this.backmapCount[p] = 0;
  }

  /** A 64 KiB chunk (16 contiguous pages, aligned), preferably on `node`; its first page, or -1. */
  allocChunk(node: number, owner: number, firstGuestPage: number): number {
    for (let k = 0; k < this.nodes; k++) {
      const n = (node + k) % this.nodes;
      const top = this.chunkTop[n];
      if (top === 0) continue;
      const base = this.chunks[n][top - 1];
      this.chunkTop[n] = top - 1;
      for (let i = 0; i < CHUNK_PAGES; i++) this.take(base + i, owner, firstGuestPage < 0 ? -1 : firstGuestPage + i);
      return base;
    }
    return -1;
  }

  /**
   * Called when alloc() finds no free page anywhere: give back up to n pages held only by caches
   * (the global disk cache drops references); returns how many it released.
   */
  reclaim: ((n: number) => number) | null = null;

  /** One page, preferably on `node` (a loose page, else one split off a chunk); -1 when memory is exhausted. */
  alloc(node: number, owner: number, guestPage: number): number {
    const p = this.allocOnce(node, owner, guestPage);
    if (p >= 0 || this.reclaim === null) return p;
    // Cache references may free pages; a cached page still mapped by a guest frees nothing.
    for (let tries = 0; tries < 64; tries++) {
      if (this.reclaim(16) === 0) return -1;
      const q = this.allocOnce(node, owner, guestPage);
      if (q >= 0) return q;
    }
    return -1;
  }

  private allocOnce(node: number, owner: number, guestPage: number): number {
    for (let k = 0; k < this.nodes; k++) {
      const n = (node + k) % this.nodes;
      if (this.looseTop[n] === 0 && this.chunkTop[n] > 0) {
        const base = this.chunks[n][--this.chunkTop[n]];
        for (let i = CHUNK_PAGES - 1; i >= 0; i--) this.loose[n][this.looseTop[n]++] = base + i;
      }
      const top = this.looseTop[n];
      if (top > 0) {
        const p = this.loose[n][top - 1];
        this.looseTop[n] = top - 1;
        this.take(p, owner, guestPage);
        return p;
      }
    }
    return -1;
  }

  /** Turn a privately owned page into a shared one with `refs` references (its owner's mapping among them). */
  makeShared(page: number, refs: number): void {
    this.owner[page] = SHARED_OWNER;
    this.guestPage[page] = -1;
    this.refs[page] = refs;
  }

  /** One more reference to a shared page. */
  addRef(page: number): void {
    this.refs[page]++;
  }

  /** Drop a reference to a shared page; the last one frees it. Returns the references left. */
  unref(page: number): number {
    const left = this.refs[page] - 1;
    this.refs[page] = left > 0 ? left : 0;
    if (left <= 0) this.release(page);
    return left;
  }

  /** A shared page with one reference left becomes private to (owner, guestPage) again. */
  makePrivate(page: number, owner: number, guestPage: number): void {
    this.owner[page] = owner;
    this.guestPage[page] = guestPage;
    this.refs[page] = 0;
  }

  release(page: number): void {
    if (this.owner[page] === NO_OWNER) return;
    this.refs[page] = 0;
    this.owner[page] = NO_OWNER;
    this.guestPage[page] = -1;
    this.backmapCount[page] = 0;
    const n = this.nodeOf(page);
    this.loose[n][this.looseTop[n]++] = page;
  }

  /** Give back a whole chunk allocated by allocChunk. */
  releaseChunk(base: number): void {
    for (let i = 0; i < CHUNK_PAGES; i++) {
      this.owner[base + i] = NO_OWNER;
      this.guestPage[base + i] = -1;
      this.backmapCount[base + i] = 0;
    }
    const n = this.nodeOf(base);
    this.chunks[n][this.chunkTop[n]++] = base;
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
