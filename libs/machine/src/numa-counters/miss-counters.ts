// FLASH-style per-page cache-miss counters: for every 4 KiB machine page, one saturating miss
// count per node and one count of coherence writes (write misses and upgrades, which tell
// read-shared pages from write-shared ones), and a bounded ring of "hot page" notifications raised when a count reaches a
// programmable threshold. The monitor's migration/replication policy (libs/disco numa/) reads these.

/** Counters are kept per 4 KiB machine page (the MIPS base page; Disco maps 4 KB page pairs). */
export const MISS_PAGE_SHIFT = 12;
export const MISS_PAGE_SIZE = 1 << MISS_PAGE_SHIFT;
/** Default capacity of the hot-page ring (notifications the consumer has not polled yet). */
export const DEFAULT_HOT_RING_CAPACITY = 1024;
/** Largest accepted threshold: notifications carry the count in an Int32Array slot. */
export const MAX_MISS_THRESHOLD = 0x7fffffff;

export interface MissCountersConfig {
  /** Bytes of machine memory covered (a multiple of MISS_PAGE_SIZE). */
  readonly memoryBytes: number;
  /** Number of nodes: one counter per (page, node). At most 255. */
  readonly nodes: number;
  /** Hot-page threshold; 0 (the default) turns notifications off. */
  readonly threshold?: number;
  /** Ring capacity in notifications (default DEFAULT_HOT_RING_CAPACITY). */
  readonly ringCapacity?: number;
  /** Counter width: 16 (Uint16Array, saturating at 65535; default) or 32 bits. */
  readonly counterBits?: 16 | 32;
}

/** Receives one hot-page notification: `count` is the page's count for `node` when it crossed. */
export type HotPageCallback = (page: number, node: number, count: number) => void;

/** Words per notification in `pollHot`'s output array: [page, node, count]. */
export const HOT_RECORD_WORDS = 3;

export class MissCounters {
  readonly memoryBytes: number;
  readonly nodes: number;
  readonly pages: number;
  /** Saturation value of one counter (65535 or 4294967295). */
  readonly maxCount: number;
  /** Counts, indexed `page * nodes + node`. Read-only for consumers (the policy scans it). */
  readonly counts: Uint16Array | Uint32Array;
  /** Coherence writes (write misses and upgrades) per page, from any node; saturating. */
  readonly writes: Uint16Array | Uint32Array;
  readonly ringCapacity: number;

  private thresholdValue = 0;
  private readonly ringPage: Int32Array;
  private readonly ringNode: Uint8Array;
  private readonly ringCount: Uint32Array;
  /** Index of the oldest pending notification. */
  private ringHead = 0;
  /** Pending notifications. */
  private ringLength = 0;
  private overflowCount = 0;
  private raisedCount = 0;

  constructor(config: MissCountersConfig) {
    const { memoryBytes, nodes } = config;
    const ringCapacity = config.ringCapacity ?? DEFAULT_HOT_RING_CAPACITY;
    const bits = config.counterBits ?? 16;
    if (!Number.isInteger(memoryBytes) || memoryBytes <= 0 || memoryBytes % MISS_PAGE_SIZE !== 0) {
      throw new RangeError(`memoryBytes ${memoryBytes} must be a positive multiple of ${MISS_PAGE_SIZE}`);
    }
    if (!Number.isInteger(nodes) || nodes < 1 || nodes > 255) throw new RangeError(`nodes ${nodes} must be 1..255`);
    if (!Number.isInteger(ringCapacity) || ringCapacity < 1) throw new RangeError(`ringCapacity ${ringCapacity} must be >= 1`);
    if (bits !== 16 && bits !== 32) throw new RangeError(`counterBits ${String(bits)} must be 16 or 32`);
    this.memoryBytes = memoryBytes;
    this.nodes = nodes;
    this.pages = memoryBytes / MISS_PAGE_SIZE;
    this.counts = bits === 16 ? new Uint16Array(this.pages * nodes) : new Uint32Array(this.pages * nodes);
    this.writes = bits === 16 ? new Uint16Array(this.pages) : new Uint32Array(this.pages);
    this.maxCount = bits === 16 ? 0xffff : 0xffffffff;
    this.ringCapacity = ringCapacity;
    this.ringPage = new Int32Array(ringCapacity);
    this.ringNode = new Uint8Array(ringCapacity);
    this.ringCount = new Uint32Array(ringCapacity);
    this.threshold = config.threshold ?? 0;
  }

  /**
   * The hot-page threshold (0 = off). A notification is raised when a (page, node) count goes
   * from threshold - 1 to threshold, so once per crossing; lowering the threshold below counts
   * already reached raises nothing until those counts are reset.
   */
  get threshold(): number {
    return this.thresholdValue;
  }

  set threshold(value: number) {
    const limit = Math.min(this.maxCount, MAX_MISS_THRESHOLD);
    if (!Number.isInteger(value) || value < 0 || value > limit) {
      throw new RangeError(`threshold ${value} must be an integer in 0..${limit}`);
    }
    this.thresholdValue = value;
  }

  /**
   * One cache miss to machine address `pa` from a CPU on `node` (a write miss also counts as a
   * coherence write). Addresses outside RAM are ignored.
   */
  record(pa: number, node: number, isWrite = false): void {
    const page = pa >>> MISS_PAGE_SHIFT;
    if (page >= this.pages) return;
    if (isWrite && this.writes[page] !== this.maxCount) this.writes[page]++;
    const i = page * this.nodes + node;
    const counts = this.counts;
    const c = counts[i];
    if (c === this.maxCount) return; // saturated
    counts[i] = c + 1;
    if (c + 1 === this.thresholdValue) this.push(page, node, c + 1);
  }

  /** A write hit on a shared line (an upgrade): a coherence write without a miss. */
  recordWrite(pa: number): void {
    const page = pa >>> MISS_PAGE_SHIFT;
    if (page < this.pages && this.writes[page] !== this.maxCount) this.writes[page]++;
  }

  /** Coherence writes to `page` since its counters were last reset. */
  writeCount(page: number): number {
    return this.writes[page];
  }

  /** The miss count of `page` (page number, not address) for `node`. */
  count(page: number, node: number): number {
    return this.counts[page * this.nodes + node];
  }

  /** The sum of `page`'s counts over all nodes. */
  pageTotal(page: number): number {
    const counts = this.counts;
    const base = page * this.nodes;
    let sum = 0;
    for (let n = 0; n < this.nodes; n++) sum += counts[base + n];
    return sum;
  }

  /** Zero every counter (the policy's periodic reset). Pending notifications are kept. */
  resetCounters(): void {
    this.counts.fill(0);
    this.writes.fill(0);
  }

  /** Zero one page's counters for all nodes (e.g. after the page was migrated or replicated). */
  resetPage(page: number): void {
    const base = page * this.nodes;
    this.counts.fill(0, base, base + this.nodes);
    this.writes[page] = 0;
  }

  /**
   * Zero one page's count for one node only (after that node got its own replica: its misses
   * now go to the replica, while the other nodes' counts toward their own copies stand).
   */
  resetPageNode(page: number, node: number): void {
    this.counts[page * this.nodes + node] = 0;
  }

  /** Back to power-on: counters, ring, overflow and raised totals zeroed; threshold kept. */
  reset(): void {
    this.resetCounters();
    this.clearHot();
    this.overflowCount = 0;
    this.raisedCount = 0;
  }

  /** Notifications waiting in the ring. */
  get pendingHot(): number {
    return this.ringLength;
  }

  /** Notifications dropped because the ring was full. */
  get droppedHot(): number {
    return this.overflowCount;
  }

  /** Notifications raised in total (delivered, pending or dropped). */
  get raisedHot(): number {
    return this.raisedCount;
  }

  /** Drop every pending notification (the dropped counter is not touched). */
  clearHot(): void {
    this.ringHead = 0;
    this.ringLength = 0;
  }

  /** Hand every pending notification to `callback`, oldest first; returns how many. */
  drainHot(callback: HotPageCallback): number {
    let n = 0;
    while (this.ringLength > 0) {
      const h = this.ringHead;
      const page = this.ringPage[h];
      const node = this.ringNode[h];
      const count = this.ringCount[h];
      // Pop before the callback, so a callback that causes new misses sees a consistent ring.
      this.ringHead = h + 1 === this.ringCapacity ? 0 : h + 1;
      this.ringLength--;
      n++;
      callback(page, node, count);
    }
    return n;
  }

  /**
   * Move up to floor(out.length / 3) pending notifications, oldest first, into `out` as
   * [page, node, count] triples; returns the number of notifications written.
   */
  pollHot(out: Int32Array): number {
    const room = (out.length / HOT_RECORD_WORDS) | 0;
    let n = 0;
    while (n < room && this.ringLength > 0) {
      const h = this.ringHead;
      const o = n * HOT_RECORD_WORDS;
      out[o] = this.ringPage[h];
      out[o + 1] = this.ringNode[h];
      out[o + 2] = this.ringCount[h];
      this.ringHead = h + 1 === this.ringCapacity ? 0 : h + 1;
      this.ringLength--;
      n++;
    }
    return n;
  }

  private push(page: number, node: number, count: number): void {
    this.raisedCount++;
    if (this.ringLength === this.ringCapacity) {
      this.overflowCount++;
      return;
    }
    let t = this.ringHead + this.ringLength;
    if (t >= this.ringCapacity) t -= this.ringCapacity;
    this.ringPage[t] = page;
    this.ringNode[t] = node;
    this.ringCount[t] = count;
    this.ringLength++;
  }
}
