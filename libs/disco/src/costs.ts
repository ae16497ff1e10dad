// The monitor's cost table: the cycles each monitor action charges to the physical CPU that did
// it. The monitor is TypeScript, so its work would otherwise take no emulated time; these
// numbers stand in for what the paper's hand-written MIPS handlers would have cost on the
// 200 MHz machine. docs/monitor.md ("Cost table") gives the reasoning for each row; every
// experiment prints the table it used (COST_TABLE_NAME plus any overrides).

export interface CostTable {
  /** Enter the monitor from a trap and leave it again (save/restore a few registers, dispatch, eret). */
  trapEntryExit: number;
  /** Decode and emulate one privileged instruction (mfc0/mtc0/di/ei/cache/rdhwr/eret/wait). */
  emulateInstr: number;
  /** Extra for a TLB write (tlbwi/tlbwr): pmap lookup, merge protection bits, L2TLB and physical TLB insert. */
  emulateTlbWrite: number;
  /** Extra for tlbp/tlbr: search of the virtual TLB. */
  emulateTlbProbe: number;
  /** A physical TLB refill answered from the L2TLB on the refill vector's fast path (no general trap entry): hash probe, tlbwr, eret. */
  l2tlbRefill: number;
  /** Extra when the L2TLB misses and the virtual TLB is searched. */
  vtlbSearch: number;
  /** Fast-path refill of an sseg direct-map or special-page translation (pmap index + tlbwr + eret). */
  ssegFill: number;
  /** Reflect an exception or interrupt to the guest (virtual EPC/Cause/Status, jump to its vector). */
  reflect: number;
  /** Base cost of a monitor call (argument decode, dispatch, result). */
  mcall: number;
  /** Per 4 KiB page a monitor call touches through the pmap (DMA map translation). */
  dmaPage: number;
  /** Per byte moved by the console calls. */
  consoleByte: number;
  /** Zero one 4 KiB machine page. */
  pageZero: number;
  /** Copy one 4 KiB page (copy-on-write, migration, replication). */
  pageCopy: number;
  /** Map a machine page read-only into another guest page instead of copying it (remap, disk cache hit). */
  pageRemap: number;
  /** Allocate a machine page (free-list pop, pmap and memmap update), besides zeroing it. */
  pageAlloc: number;
  /** Switch a physical CPU to another vCPU: save/restore registers and flush the physical TLB. */
  vcpuSwitch: number;
  /** Post a virtual interrupt to a vCPU loaded on another physical CPU (the physical IPI). */
  ipi: number;
  /** TLB shootdown of one machine page (memmap walk, per physical CPU reached). */
  shootdown: number;
  /** Per frame sent on the virtual subnet: descriptor checks, station lookup, receive-descriptor pop, completion, VIRQ. */
  netFrame: number;
  /** NUMA: take one hot-page notification and decide (read the page's per-node counters, memmap, pmap). */
  numaHotPage: number;
}

export const COST_TABLE_NAME = 'disco-1997-r10k-estimate-v4';

export const DEFAULT_COSTS: Readonly<CostTable> = Object.freeze({
  trapEntryExit: 40,
  emulateInstr: 15,
  emulateTlbWrite: 30,
  emulateTlbProbe: 20,
  l2tlbRefill: 20,
  vtlbSearch: 30,
  ssegFill: 20,
  reflect: 20,
  mcall: 40,
  dmaPage: 20,
  consoleByte: 2,
  pageZero: 600,
  pageCopy: 1200,
  pageRemap: 60,
  pageAlloc: 40,
  vcpuSwitch: 400,
  ipi: 150,
  shootdown: 200,
  netFrame: 150,
  numaHotPage: 120,
});

/** The table with `overrides` applied (unknown keys rejected, values must be non-negative integers). */
export function makeCostTable(overrides: Partial<CostTable> = {}): CostTable {
  const t: CostTable = { ...DEFAULT_COSTS };
  for (const [k, v] of Object.entries(overrides)) {
    if (!(k in DEFAULT_COSTS)) throw new RangeError(`unknown cost ${k}`);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new RangeError(`cost ${k} must be a non-negative integer`);
    (t as unknown as Record<string, number>)[k] = v;
  }
  return t;
}

/** One line naming the table and its values, for experiment output. */
export function describeCosts(t: CostTable): string {
  return `${COST_TABLE_NAME}: ` + Object.entries(t).map(([k, v]) => `${k}=${v}`).join(' ');
}
