// The pmap of one VM: guest physical page -> machine page. Memory is allocated on first touch
// in 64 KiB chunks (16 guest pages backed by 16 contiguous, aligned machine pages) on the node
// the touching vCPU prefers, zeroed by the monitor; an intact chunk lets the monitor map the
// sseg direct map with 64 KiB pages. A page given back alone (PAGE_FREE) breaks its chunk,
// which is then mapped page by page. Backmaps (which virtual addresses map a page) live in the
// memmap entry of the machine page (memmap.ts).
//
// A guest page may be write-protected (PAGE_FLAG): its machine page is shared read-only with
// other guest pages or holders (SHARED: copy-on-write, the global disk cache, remapped network
// pages) or it has per-node replicas (REPLICATED: NUMA). Translations of a protected page never
// carry the D bit; the first write traps to the monitor (Monitor.writeFault), which makes the
// page private and writable again. A protected page always lives in a broken chunk, so the sseg
// direct map covers it with 4 KiB pages.

import { CHUNK_PAGES, CHUNK_SHIFT, MachinePages, PAGE_SHIFT } from './memmap.js';

/** Per guest page protection state (Pmap.flags). */
export const PAGE_FLAG = {
  /** Writes trap to the monitor: translations are installed without D. */
  WRITE_PROTECT: 1,
  /** The machine page is a SHARED_OWNER page (refcounted): a write copies it (copy-on-write). */
  SHARED: 2,
  /** The page has per-node replicas (NUMA replication): a write collapses them. */
  REPLICATED: 4,
} as const;

export const NOT_MAPPED = -1;
/** lookupOrAlloc() result when machine memory is exhausted. */
export const OUT_OF_MEMORY = -2;
/** chunkBase: never allocated / broken into single pages. */
const CHUNK_NONE = -1;
const CHUNK_BROKEN = -2;

export class Pmap {
  /** Machine page of each guest page, or NOT_MAPPED. */
  readonly machinePage: Int32Array;
  /** Per 64 KiB guest chunk: first machine page when intact, else CHUNK_NONE / CHUNK_BROKEN. */
  readonly chunkBase: Int32Array;
  readonly guestPages: number;
  /** Pages currently allocated, per node. */
  readonly pagesPerNode: Float64Array;
  /** PAGE_FLAG bits of each guest page. */
  readonly flags: Uint8Array;
  /** Guest pages currently mapping a shared machine page (not counted in pagesPerNode). */
  sharedMapped = 0;
  /** Pages zeroed by the last lookupOrAlloc (0 when the page was there already). */
  lastZeroed = 0;
  /** Called by drop() for a REPLICATED page before it goes (numa/ frees the replicas). */
  onDropReplicated: ((gp: number) => void) | null = null;

  constructor(
    readonly vmId: number,
    readonly memoryBytes: number,
    private readonly machine: MachinePages,
    private readonly ram: Uint8Array,
  ) {
    this.guestPages = memoryBytes >>> PAGE_SHIFT;
    this.machinePage = new Int32Array(this.guestPages).fill(NOT_MAPPED);
    this.chunkBase = new Int32Array(Math.ceil(this.guestPages / CHUNK_PAGES)).fill(CHUNK_NONE);
    this.pagesPerNode = new Float64Array(machine.nodes);
    this.flags = new Uint8Array(this.guestPages);
  }

  /** Machine page of guest page `gp` (which must be < guestPages), allocating it zeroed on `node`. */
  lookupOrAlloc(gp: number, node: number): number {
    this.lastZeroed = 0;
    const m = this.machinePage[gp];
    if (m !== NOT_MAPPED) return m;
    const c = gp >>> CHUNK_SHIFT;
    const first = c << CHUNK_SHIFT;
    if (this.chunkBase[c] === CHUNK_NONE && first + CHUNK_PAGES <= this.guestPages) {
      const base = this.machine.allocChunk(node, this.vmId, first);
      if (base >= 0) {
        this.ram.fill(0, base << PAGE_SHIFT, (base + CHUNK_PAGES) << PAGE_SHIFT);
        for (let i = 0; i < CHUNK_PAGES; i++) this.machinePage[first + i] = base + i;
        this.chunkBase[c] = base;
        this.pagesPerNode[this.machine.nodeOf(base)] += CHUNK_PAGES;
        this.lastZeroed = CHUNK_PAGES;
        return base + (gp - first);
      }
    }
    this.chunkBase[c] = CHUNK_BROKEN;
    const p = this.machine.alloc(node, this.vmId, gp);
    if (p < 0) return OUT_OF_MEMORY;
    this.ram.fill(0, p << PAGE_SHIFT, (p + 1) << PAGE_SHIFT);
    this.machinePage[gp] = p;
    this.pagesPerNode[this.machine.nodeOf(p)]++;
    this.lastZeroed = 1;
    return p;
  }

  /** First machine page of the intact chunk holding guest page gp, or -1. */
  intactChunk(gp: number): number {
    const b = this.chunkBase[gp >>> CHUNK_SHIFT];
    return b >= 0 ? b : -1;
  }

  /** Give guest page `gp` back (its machine page becomes free, or loses a reference). Returns the machine page or NOT_MAPPED. */
  drop(gp: number): number {
    const m = this.machinePage[gp];
    if (m === NOT_MAPPED) return m;
    if ((this.flags[gp] & PAGE_FLAG.REPLICATED) !== 0) this.onDropReplicated?.(gp);
    this.chunkBase[gp >>> CHUNK_SHIFT] = CHUNK_BROKEN;
    this.machinePage[gp] = NOT_MAPPED;
    if ((this.flags[gp] & PAGE_FLAG.SHARED) !== 0) {
      this.sharedMapped--;
      this.machine.unref(m);
    } else {
      this.pagesPerNode[this.machine.nodeOf(m)]--;
      this.machine.release(m);
    }
    this.flags[gp] = 0;
    return m;
  }

  /**
   * Make the VM's own page gp shared read-only with `extraRefs` further references (the caller
   * takes them: another guest page, the disk cache). The caller shoots down its writable
   * translations. Returns the machine page, or NOT_MAPPED when gp has none.
   */
  share(gp: number, extraRefs: number): number {
    const m = this.machinePage[gp];
    if (m === NOT_MAPPED) return m;
    if ((this.flags[gp] & PAGE_FLAG.SHARED) !== 0) {
      for (let i = 0; i < extraRefs; i++) this.machine.addRef(m);
      return m;
    }
    this.chunkBase[gp >>> CHUNK_SHIFT] = CHUNK_BROKEN;
    this.pagesPerNode[this.machine.nodeOf(m)]--;
    this.machine.makeShared(m, 1 + extraRefs);
    this.flags[gp] |= PAGE_FLAG.SHARED | PAGE_FLAG.WRITE_PROTECT;
    this.sharedMapped++;
    return m;
  }

  /**
   * Map guest page gp onto shared machine page `m`, whose reference the caller hands over
   * (taken with share() or held by the disk cache). The old page of gp is dropped; the caller
   * shoots down its translations first.
   */
  mapShared(gp: number, m: number): void {
    this.drop(gp);
    this.chunkBase[gp >>> CHUNK_SHIFT] = CHUNK_BROKEN;
    this.machinePage[gp] = m;
    this.flags[gp] = PAGE_FLAG.SHARED | PAGE_FLAG.WRITE_PROTECT;
    this.sharedMapped++;
  }

  /**
   * Guest page gp (SHARED) becomes private again on machine page `m`: either a fresh page the
   * caller filled with a copy, or the shared page itself when gp held its last reference.
   */
  unshare(gp: number, m: number): void {
    const old = this.machinePage[gp];
    this.sharedMapped--;
    if (m === old) this.machine.makePrivate(m, this.vmId, gp);
    else this.machine.unref(old);
    this.machinePage[gp] = m;
    this.flags[gp] &= ~(PAGE_FLAG.SHARED | PAGE_FLAG.WRITE_PROTECT);
    this.pagesPerNode[this.machine.nodeOf(m)]++;
  }

  /** The chunk of guest page gp is mapped page by page from now on (before protecting or moving gp). */
  breakChunk(gp: number): void {
    this.chunkBase[gp >>> CHUNK_SHIFT] = CHUNK_BROKEN;
  }

  /**
   * Private guest page gp now lives on machine page `m` (allocated for it by the caller, which
   * copied the data and shot down the old translations): NUMA migration, or a replica kept at
   * a collapse. The old machine page is released; returns it.
   */
  migrate(gp: number, m: number): number {
    const old = this.machinePage[gp];
    this.chunkBase[gp >>> CHUNK_SHIFT] = CHUNK_BROKEN;
    this.machinePage[gp] = m;
    this.pagesPerNode[this.machine.nodeOf(old)]--;
    this.pagesPerNode[this.machine.nodeOf(m)]++;
    this.machine.release(old);
    return old;
  }

  /** Free every page (VM shutdown or reboot). */
  clear(): void {
    for (let c = 0; c < this.chunkBase.length; c++) {
      const b = this.chunkBase[c];
      const first = c << CHUNK_SHIFT;
      if (b >= 0) {
        // An intact chunk never holds protected pages.
        this.machine.releaseChunk(b);
        this.pagesPerNode[this.machine.nodeOf(b)] -= CHUNK_PAGES;
        for (let i = 0; i < CHUNK_PAGES; i++) this.machinePage[first + i] = NOT_MAPPED;
      } else {
        for (let gp = first; gp < first + CHUNK_PAGES && gp < this.guestPages; gp++) if (this.machinePage[gp] !== NOT_MAPPED) this.drop(gp);
      }
      this.chunkBase[c] = CHUNK_NONE;
    }
  }

  allocatedPages(): number {
    let n = 0;
    for (let i = 0; i < this.pagesPerNode.length; i++) n += this.pagesPerNode[i];
    return n;
  }
}
