// The global disk cache (paper §2.5): machine pages holding the contents of base images, shared
// read-only by every VM that reads them through a copy-on-write disk. An entry is keyed by (base
// image, first sector) and holds one reference on a SHARED_OWNER machine page with the 8 sectors
// [sector, sector + 8) of the image. Entries are keyed by the first sector rather than by a
// page-aligned byte offset because the guest's ext2 uses 1 KiB blocks: a file page is 8
// contiguous sectors anywhere on disk, not necessarily on a 4 KiB boundary. Base images are
// never written while the monitor runs (COW writes go to each VM's overlay), so entries never go
// stale. The cache's references are the first memory given back when machine memory runs short
// (least recently used first); a page a guest still maps stays shared by its guests.

import type { BlockBackend } from '../../../machine/src/devices/block/block.backend.js';
import type { MachinePages } from '../memory/memmap.js';

/** What cache entries are keyed by: immutable contents, identified once per monitor. */
export interface CacheImage {
  /** Small integer, unique per monitor (part of the cache key). */
  readonly index: number;
  /** What identifies the contents (path and file identity, or a content hash). */
  readonly identity: string;
}

/** A base image: immutable disk contents shared by COW disks. */
export interface BaseImage extends CacheImage {
  readonly backend: BlockBackend;
  readonly sectors: number;
}

export const CACHE_PAGE_SECTORS = 8;

/** Cache key: image index * 2^32 + sector (exact in a double for index < 2^20). */
const key = (img: CacheImage, sector: number): number => img.index * 4294967296 + sector;

export interface DiskCacheStats {
  /** Entries (machine pages the cache holds a reference on). */
  pages: number;
  /** Entries no guest page maps any more (only the cache keeps them). */
  unmappedPages: number;
  limitPages: number;
  hits: number;
  misses: number;
  inserts: number;
  evictions: number;
}

export class DiskCache {
  /** key -> machine page, in least-recently-used-first order (Map insertion order). */
  private readonly entries = new Map<number, number>();
  hits = 0;
  misses = 0;
  inserts = 0;
  evictions = 0;

  /**
   * `limitPages`: most entries held at once; `lowWater`: when fewer machine pages than this
   * are free, inserting evicts first and reclaim() gives references back.
   */
  constructor(
    private readonly pages: MachinePages,
    public limitPages: number,
    public lowWater: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The cached machine page of (img, sector), marked recently used, or -1. */
  lookup(img: CacheImage, sector: number): number {
    const k = key(img, sector);
    const mp = this.entries.get(k);
    if (mp === undefined) {
      this.misses++;
      return -1;
    }
    this.entries.delete(k);
    this.entries.set(k, mp);
    this.hits++;
    return mp;
  }

  /** Whether (img, sector) is cached, without touching the LRU order or the counters. */
  has(img: CacheImage, sector: number): boolean {
    return this.entries.has(key(img, sector));
  }

  /**
   * Decide whether a new entry may be added (evicting the oldest when over the limit or low on
   * memory). The caller then takes the cache's reference (pmap.share(gp, 1)) and calls insert().
   */
  admit(): boolean {
    if (this.limitPages <= 0) return false;
    while (this.entries.size >= this.limitPages) if (!this.evictOldest()) return false;
    if (this.freePages() < this.lowWater) {
      this.reclaim(Math.max(16, this.lowWater - this.freePages()));
      if (this.freePages() < this.lowWater) return false;
    }
    return true;
  }

  /** Record machine page mp (the caller already added the cache's reference) for (img, sector). */
  insert(img: CacheImage, sector: number, mp: number): void {
    const k = key(img, sector);
    const old = this.entries.get(k);
    if (old !== undefined) {
      this.entries.delete(k);
      this.pages.unref(old);
    }
    this.entries.set(k, mp);
    this.inserts++;
  }

  /** Give back up to n of the cache's references, least recently used first; how many. */
  reclaim(n: number): number {
    let done = 0;
    while (done < n && this.evictOldest()) done++;
    return done;
  }

  /** Drop every entry of one image (no VM uses it any more); how many. */
  dropImage(index: number): number {
    let n = 0;
    for (const [k, mp] of this.entries) {
      if (Math.floor(k / 4294967296) !== index) continue;
      this.entries.delete(k);
      this.pages.unref(mp);
      this.evictions++;
      n++;
    }
    return n;
  }

  /** Drop every entry (e.g. the monitor shuts down). */
  clear(): void {
    while (this.evictOldest());
  }

  private evictOldest(): boolean {
    const first = this.entries.entries().next();
    if (first.done === true) return false;
    const [k, mp] = first.value;
    this.entries.delete(k);
    this.pages.unref(mp);
    this.evictions++;
    return true;
  }

  private freePages(): number {
    let f = 0;
    for (let n = 0; n < this.pages.nodes; n++) f += this.pages.freeOn(n);
    return f;
  }

  /** Machine pages held by the cache alone (refcount 1: no guest maps them). */
  unmappedPages(): number {
    let n = 0;
    for (const mp of this.entries.values()) if (this.pages.refs[mp] === 1) n++;
    return n;
  }

  /** Every machine page the cache holds. */
  machinePages(): IterableIterator<number> {
    return this.entries.values();
  }

  stats(): DiskCacheStats {
    return {
      pages: this.entries.size, unmappedPages: this.unmappedPages(), limitPages: this.limitPages,
      hits: this.hits, misses: this.misses, inserts: this.inserts, evictions: this.evictions,
    };
  }
}
