// Counters of one VM (and their sum for the machine), kept in a Float64Array indexed by the
// constants below so the monitor's paths update them without allocating. `snapshot()` turns
// them into a plain object readable at any time.

import { EXC_NAMES } from '../../machine/src/cp0/regs.js';
import { MCALL } from './abi/monitor-abi.js';
import type { VmFootprint } from './memory/footprint.js';

export const C = {
  CY_USER: 0,
  CY_KERNEL: 1,
  CY_MONITOR: 2,
  CY_IDLE: 3,
  IN_USER: 4,
  IN_KERNEL: 5,
  L2_HITS: 6,
  VTLB_HITS: 7,
  REFLECTED_REFILL: 8,
  SSEG_FILLS: 9,
  SPECIAL_FILLS: 10,
  PAGE_FAULTS: 11,
  INTERRUPTS: 12,
  VCPU_SWITCHES: 13,
  IPIS: 14,
  PHYS_IPIS: 15,
  DISK_READS: 16,
  DISK_WRITES: 17,
  DISK_SECTORS_READ: 18,
  DISK_SECTORS_WRITTEN: 19,
  DISK_FLUSHES: 20,
  CONSOLE_OUT: 21,
  CONSOLE_IN: 22,
  PAGES_ZEROED: 23,
  SHOOTDOWNS: 24,
  CACHE_LOCAL: 25,
  CACHE_REMOTE: 26,
  REFLECTED: 27,
  TLB_FLUSHES: 28,
  /** Copy-on-write faults that copied a shared page. */
  COW_COPIES: 29,
  /** Copy-on-write faults that took the shared page back (last reference), no copy. */
  COW_REUSED: 30,
  /** Guest pages mapped onto another page's machine page (remap, disk cache hits). */
  PAGES_REMAPPED: 31,
  /** NUMA (numa/): hot-page notifications handled, and what came of them. */
  NUMA_HOT: 32,
  NUMA_MIGRATIONS: 33,
  NUMA_REPLICATIONS: 34,
  /** Replicated pages collapsed back to one copy by a write. */
  NUMA_COLLAPSES: 35,
  /** Hot pages left alone: write-shared, at the move limit, no free page on the node. */
  NUMA_WRITE_SHARED: 36,
  NUMA_MOVE_LIMITED: 37,
  NUMA_NO_MEMORY: 38,
  /** Monitor cycles of all migrations / replications / collapses (copies, shootdowns, IPIs, bookkeeping). */
  NUMA_MIGRATE_CY: 39,
  NUMA_REPLICATE_CY: 40,
  NUMA_COLLAPSE_CY: 41,
  /** COW disk reads: whole pages mapped from the global disk cache / read from the base (and offered to the cache) / composed with the VM's overlay. */
  DCACHE_HITS: 42,
  DCACHE_MISSES: 43,
  DCACHE_OVERLAY: 44,
  COUNT: 45,
} as const;

/** Emulated privileged instructions, by kind. */
export const EMU = {
  mfc0: 0, mtc0: 1, tlbwi: 2, tlbwr: 3, tlbp: 4, tlbr: 5, eret: 6, wait: 7, cache: 8, di: 9, ei: 10, rdhwr: 11, other: 12,
} as const;
export const EMU_KINDS = 13;

/** Where monitor cycles go (the columns of the paper's Table 2, roughly). */
export const MON = {
  /** sseg direct-map and special-page refills: the guest kernel's TLB faults. */
  kernelTlb: 0,
  /** kuseg refills answered by the monitor (L2TLB, virtual TLB) or reflected to the guest's handler. */
  userTlb: 1,
  /** tlbwi/tlbwr/tlbp/tlbr emulation. */
  tlbWrite: 2,
  /** Other privileged instructions (mfc0/mtc0/eret/wait/di/ei/cache/rdhwr). */
  privileged: 3,
  /** Monitor calls (devices, timer, IPIs ...). */
  monitorCall: 4,
  /** Exceptions and interrupts reflected to the guest (syscalls, page faults, ...). */
  reflection: 5,
  /** Zeroing pages handed to the VM. */
  pageZero: 6,
  /** vCPU switches (register save/restore, TLB flush). */
  vcpuSwitch: 7,
  /** Copy-on-write copies of shared pages. */
  sharing: 8,
  /** NUMA: hot-page handling, migrations, replications, collapses (numa/). */
  numa: 9,
} as const;
export const MON_KINDS = 10;

/** Virtual-subnet counters (io/net.ts), in Counters.net. Copied/remapped bytes count at the receiver. */
export const NETC = {
  FRAMES_SENT: 0,
  FRAMES_RECEIVED: 1,
  BYTES_SENT: 2,
  BYTES_RECEIVED: 3,
  BYTES_COPIED: 4,
  PAGES_REMAPPED: 5,
  DROP_NO_STATION: 6,
  DROP_NO_BUFFER: 7,
  DROP_TOO_BIG: 8,
  BROADCASTS: 9,
  REMAP_PAGES: 10,
  REMAP_BYTES_COPIED: 11,
  COUNT: 12,
} as const;
const MON_NAMES = Object.keys(MON);
const EMU_NAMES = Object.keys(EMU);
const MCALL_NAMES: Record<number, string> = Object.fromEntries(Object.entries(MCALL).map(([k, v]) => [v, k]));

export class Counters {
  readonly c = new Float64Array(C.COUNT);
  /** Physical exceptions that entered the monitor, by ExcCode. */
  readonly traps = new Float64Array(32);
  readonly mcalls = new Float64Array(32);
  readonly emulated = new Float64Array(EMU_KINDS);
  /** Monitor cycles by MON category. */
  readonly monitor = new Float64Array(MON_KINDS);
  readonly net = new Float64Array(NETC.COUNT);

  reset(): void {
    this.monitor.fill(0);
    this.c.fill(0);
    this.traps.fill(0);
    this.mcalls.fill(0);
    this.emulated.fill(0);
    this.net.fill(0);
  }

  add(o: Counters): void {
    for (let i = 0; i < this.c.length; i++) this.c[i] += o.c[i];
    for (let i = 0; i < 32; i++) {
      this.traps[i] += o.traps[i];
      this.mcalls[i] += o.mcalls[i];
    }
    for (let i = 0; i < EMU_KINDS; i++) this.emulated[i] += o.emulated[i];
    for (let i = 0; i < MON_KINDS; i++) this.monitor[i] += o.monitor[i];
    for (let i = 0; i < NETC.COUNT; i++) this.net[i] += o.net[i];
  }
}

export interface MetricsSnapshot {
  cycles: { user: number; kernel: number; monitor: number; idle: number; total: number };
  instructions: { user: number; kernel: number };
  traps: Record<string, number>;
  monitorCalls: Record<string, number>;
  emulated: Record<string, number> & { total: number };
  /** Monitor cycles by category (kernelTlb, userTlb, tlbWrite, privileged, monitorCall, reflection, pageZero, vcpuSwitch). */
  monitorCycles: Record<string, number>;
  tlb: { l2tlbHits: number; vtlbHits: number; reflectedRefills: number; ssegFills: number; specialFills: number; flushes: number };
  pageFaults: number;
  reflected: number;
  interrupts: number;
  vcpuSwitches: number;
  ipis: { sent: number; physical: number };
  pagesPerNode: number[];
  pagesZeroed: number;
  shootdowns: number;
  /** Shared machine pages: guest pages mapping one now, remaps, copy-on-write copies and reuses. */
  sharing: {
    sharedPages: number; remapped: number; cowCopies: number; cowReused: number;
    /** COW disk reads by whole page: mapped from the disk cache, read from the base, composed with the overlay. */
    diskCacheHits: number; diskCacheMisses: number; overlayPages: number;
  };
  /** Virtual vs machine footprint by kind (memory/footprint.ts); filled by Monitor.vmMetrics. */
  footprint?: VmFootprint;
  cacheMisses: { local: number; remote: number };
  /**
   * NUMA placement (numa/): hot pages handled, migrations, replications, collapses, pages left
   * alone and why, replica pages per node now, the local share of cache misses, and the
   * average monitor cycles of each action (the paper's Table 3).
   */
  numa: {
    hotPages: number; migrations: number; replications: number; collapses: number;
    writeShared: number; moveLimited: number; noMemory: number;
    replicaPagesPerNode: number[]; localMissRatio: number;
    avgCycles: { migration: number; replication: number; collapse: number };
  };
  disk: { reads: number; writes: number; sectorsRead: number; sectorsWritten: number; flushes: number };
  console: { bytesOut: number; bytesIn: number };
  /** Virtual subnet: frames and bytes; bytes copied vs pages remapped into this VM (frames and REMAP calls). */
  net: {
    framesSent: number; framesReceived: number; bytesSent: number; bytesReceived: number; broadcasts: number;
    bytesCopied: number; pagesRemapped: number; bytesRemapped: number;
    drops: { noStation: number; noBuffer: number; tooBig: number };
    remapCall: { pagesRemapped: number; bytesCopied: number };
  };
}

/** a / b, 0 when b is 0. */
function ratio(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}

export function snapshot(k: Counters, pagesPerNode: ArrayLike<number>, sharedPages = 0, replicaPagesPerNode: ArrayLike<number> = []): MetricsSnapshot {
  const c = k.c;
  const named = (arr: Float64Array, names: Record<number, string>): Record<string, number> => {
    const out: Record<string, number> = {};
    for (let i = 0; i < arr.length; i++) if (arr[i] !== 0) out[names[i] ?? String(i)] = arr[i];
    return out;
  };
  const emulated: Record<string, number> & { total: number } = { total: 0 };
  for (let i = 0; i < EMU_KINDS; i++) {
    emulated[EMU_NAMES[i]] = k.emulated[i];
    emulated.total += k.emulated[i];
  }
  return {
    cycles: {
      user: c[C.CY_USER], kernel: c[C.CY_KERNEL], monitor: c[C.CY_MONITOR], idle: c[C.CY_IDLE],
      total: c[C.CY_USER] + c[C.CY_KERNEL] + c[C.CY_MONITOR] + c[C.CY_IDLE],
    },
    instructions: { user: c[C.IN_USER], kernel: c[C.IN_KERNEL] },
    traps: named(k.traps, EXC_NAMES),
    monitorCalls: named(k.mcalls, MCALL_NAMES),
    emulated,
    monitorCycles: Object.fromEntries(MON_NAMES.map((n, i) => [n, k.monitor[i]])),
    tlb: {
      l2tlbHits: c[C.L2_HITS], vtlbHits: c[C.VTLB_HITS], reflectedRefills: c[C.REFLECTED_REFILL],
      ssegFills: c[C.SSEG_FILLS], specialFills: c[C.SPECIAL_FILLS], flushes: c[C.TLB_FLUSHES],
    },
    pageFaults: c[C.PAGE_FAULTS],
    reflected: c[C.REFLECTED],
    interrupts: c[C.INTERRUPTS],
    vcpuSwitches: c[C.VCPU_SWITCHES],
    ipis: { sent: c[C.IPIS], physical: c[C.PHYS_IPIS] },
    pagesPerNode: Array.from(pagesPerNode),
    pagesZeroed: c[C.PAGES_ZEROED],
    shootdowns: c[C.SHOOTDOWNS],
    sharing: {
      sharedPages, remapped: c[C.PAGES_REMAPPED], cowCopies: c[C.COW_COPIES], cowReused: c[C.COW_REUSED],
      diskCacheHits: c[C.DCACHE_HITS], diskCacheMisses: c[C.DCACHE_MISSES], overlayPages: c[C.DCACHE_OVERLAY],
    },
    cacheMisses: { local: c[C.CACHE_LOCAL], remote: c[C.CACHE_REMOTE] },
    numa: {
      hotPages: c[C.NUMA_HOT], migrations: c[C.NUMA_MIGRATIONS], replications: c[C.NUMA_REPLICATIONS], collapses: c[C.NUMA_COLLAPSES],
      writeShared: c[C.NUMA_WRITE_SHARED], moveLimited: c[C.NUMA_MOVE_LIMITED], noMemory: c[C.NUMA_NO_MEMORY],
      replicaPagesPerNode: Array.from(replicaPagesPerNode),
      localMissRatio: ratio(c[C.CACHE_LOCAL], c[C.CACHE_LOCAL] + c[C.CACHE_REMOTE]),
      avgCycles: {
        migration: ratio(c[C.NUMA_MIGRATE_CY], c[C.NUMA_MIGRATIONS]),
        replication: ratio(c[C.NUMA_REPLICATE_CY], c[C.NUMA_REPLICATIONS]),
        collapse: ratio(c[C.NUMA_COLLAPSE_CY], c[C.NUMA_COLLAPSES]),
      },
    },
    disk: {
      reads: c[C.DISK_READS], writes: c[C.DISK_WRITES], sectorsRead: c[C.DISK_SECTORS_READ],
      sectorsWritten: c[C.DISK_SECTORS_WRITTEN], flushes: c[C.DISK_FLUSHES],
    },
    console: { bytesOut: c[C.CONSOLE_OUT], bytesIn: c[C.CONSOLE_IN] },
    net: {
      framesSent: k.net[NETC.FRAMES_SENT], framesReceived: k.net[NETC.FRAMES_RECEIVED],
      bytesSent: k.net[NETC.BYTES_SENT], bytesReceived: k.net[NETC.BYTES_RECEIVED], broadcasts: k.net[NETC.BROADCASTS],
      bytesCopied: k.net[NETC.BYTES_COPIED], pagesRemapped: k.net[NETC.PAGES_REMAPPED],
      bytesRemapped: k.net[NETC.PAGES_REMAPPED] * 4096,
      drops: { noStation: k.net[NETC.DROP_NO_STATION], noBuffer: k.net[NETC.DROP_NO_BUFFER], tooBig: k.net[NETC.DROP_TOO_BIG] },
      remapCall: { pagesRemapped: k.net[NETC.REMAP_PAGES], bytesCopied: k.net[NETC.REMAP_BYTES_COPIED] },
    },
  };
}
