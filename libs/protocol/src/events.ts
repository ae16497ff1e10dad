// Events from the machine worker to the server: replies to commands, VM state changes,
// console bytes, ends of runs with their summaries, and metric samples.
import type { WorkerError } from './errors.js';
import type { ExitReason, VmState } from './vm-state.js';

/** Counters of a run so far (all boots of it). */
export interface RunCounters {
  instructions: number;
  /** Emulated cycles of the VM's machine (its time). */
  cycles: number;
  /** Host milliseconds spent running the VM's CPUs. */
  hostMs: number;
  /** Boots in this run: 1 + resets. */
  boots: number;
}

/** A running VM's station on the monitor's virtual subnet. */
export interface NetAddress {
  /** Station number (VM slot in the monitor + 1). */
  station: number;
  /** Link address, 02:44:49:53:hi:lo. */
  mac: string;
}

/**
 * The monitor's counters of a VM that a sample carries (the paper's figures), each a count over
 * the sample's interval: emulated cycles of the VM's vCPUs by mode (guest user, guest kernel,
 * monitor work charged to the VM, idle = vCPUs waiting for an interrupt), TLB misses the monitor
 * took (every refill: L2TLB hits, virtual-TLB hits, refills reflected to the guest, sseg and
 * special-page fills) and the part answered by the L2TLB, traps into the monitor (all
 * exception codes), cache misses served by the local / a remote node (timed mode only, else 0),
 * disk commands and sectors moved, console bytes out of and into the guest; NUMA placement
 * (timed mode with the policy on): hot-page notifications handled, pages migrated to and
 * replicated on the hot node, replicated pages collapsed by a write; page sharing: guest pages
 * remapped onto another page's machine page, copy-on-write copies; the virtual subnet: frames
 * sent and received, bytes copied into and remapped (whole pages) into the VM by frames, frames
 * dropped at the VM (no buffer, too big) or by it (no such station).
 */
export const MONITOR_COUNTERS = [
  'cyclesUser', 'cyclesKernel', 'cyclesMonitor', 'cyclesIdle', 'tlbMisses', 'l2tlbHits', 'traps',
  'cacheLocalMisses', 'cacheRemoteMisses', 'diskCommands', 'diskSectors', 'consoleBytesOut', 'consoleBytesIn',
  'numaHotPages', 'numaMigrations', 'numaReplications', 'numaCollapses',
  'pagesRemapped', 'cowCopies',
  'netFramesSent', 'netFramesReceived', 'netBytesCopied', 'netBytesRemapped', 'netDrops',
] as const;
export type MonitorCounterName = (typeof MONITOR_COUNTERS)[number];
export type MonitorCounters = Record<MonitorCounterName, number>;

/** A zeroed MonitorCounters. */
export function zeroCounters(): MonitorCounters {
  const c = {} as MonitorCounters;
  for (const k of MONITOR_COUNTERS) c[k] = 0;
  return c;
}

/**
 * Values of a VM at the end of a sample's interval (not counts: a roll-up keeps the bucket's
 * last value): replica pages it has now (NUMA replication, all nodes), guest pages that map a
 * shared machine page now (copy-on-write sharing: remapped network pages, the disk cache).
 */
export const MONITOR_GAUGES = ['replicaPages', 'sharedPages'] as const;
export type MonitorGaugeName = (typeof MONITOR_GAUGES)[number];
export type MonitorGauges = Record<MonitorGaugeName, number>;

/** A zeroed MonitorGauges. */
export function zeroGauges(): MonitorGauges {
  const g = {} as MonitorGauges;
  for (const k of MONITOR_GAUGES) g[k] = 0;
  return g;
}

/** Local share of the cache misses (local / (local + remote)), or null when none were counted. */
export function localMissRatio(c: Pick<MonitorCounters, 'cacheLocalMisses' | 'cacheRemoteMisses'>): number | null {
  const all = c.cacheLocalMisses + c.cacheRemoteMisses;
  return all > 0 ? c.cacheLocalMisses / all : null;
}

/** What a VM did over an interval: a live sample and a stored history point alike. */
export interface IntervalMetrics {
  instructions: number;
  cycles: number;
  hostMs: number;
  /** Guest million instructions per host second over the interval. */
  mips: number;
  /** The monitor's counters over the interval. */
  counters: MonitorCounters;
  /** The monitor's gauges at the end of the interval. */
  gauges: MonitorGauges;
  /** Local share of the interval's cache misses (localMissRatio(counters)); null when none. */
  localMissRatio: number | null;
}

/** One VM's activity over an interval (worker samples every second). */
export interface MetricSample extends IntervalMetrics {
  vmId: string;
  runId: string;
  /** End of the interval, ms since the epoch. */
  at: number;
  /** Interval length in host ms. */
  intervalMs: number;
  totals: RunCounters;
}

/** Which vCPU is loaded on a physical CPU, and how busy the CPU was over the last second. */
export interface CpuPlacement {
  cpu: number;
  node: number;
  /** The VM whose vCPU is loaded on the CPU (it may be waiting), or null. */
  vmId: string | null;
  vcpu: number | null;
  /** Percent of the CPU's cycles over the last sample interval spent running a vCPU (monitor work included). */
  busyPct: number;
}

/** One node's machine memory as the monitor has handed it out, in 4 KiB pages. */
export interface NodeMemory {
  node: number;
  totalPages: number;
  freePages: number;
  /** The monitor's own pages: special pages, L2TLB tables. */
  monitorPages: number;
  /** Machine pages backing several guest pages (copy-on-write sharing), counted once. */
  sharedPages: number;
  /** Replica pages on this node (NUMA replication), all VMs. */
  replicaPages: number;
  /** Cache misses of this node's CPUs since the machine started (timed mode), local and remote. */
  localMisses: number;
  remoteMisses: number;
  /** Pages each running VM has on this node (its pmap: masters), and its replica pages here. */
  vms: { vmId: string; pages: number; replicaPages: number }[];
}

/** The machine as the worker sees it, once a second. */
export interface MachineSnapshot {
  at: number;
  /** Machine time in cycles. */
  cycles: number;
  cpus: CpuPlacement[];
  nodes: NodeMemory[];
}

/** One running VM in the worker's status. */
export interface WorkerVmStatus {
  vmId: string;
  runId: string;
  state: VmState;
  vcpus: number;
  memoryMiB: number;
  homeNode: number;
  backend: string;
  totals: RunCounters;
  /** Its station on the virtual subnet (null for a backend without one). */
  net: NetAddress | null;
}

export interface WorkerStatus {
  backend: string;
  vms: WorkerVmStatus[];
  machine: MachineSnapshot | null;
}

export type WorkerEvent =
  /** The answer to command `seq`. */
  | { kind: 'reply'; seq: number; ok: true; status?: WorkerStatus }
  | { kind: 'reply'; seq: number; ok: false; error: WorkerError }
  /** The worker is up and takes commands. */
  | { kind: 'ready'; backend: string }
  /** The worker could not build its machine (bad topology); it exits after this. */
  | { kind: 'failed'; message: string }
  /** `net`: the VM's station on the virtual subnet, sent with the first `running` of a run. */
  | { kind: 'state'; vmId: string; runId: string; state: VmState; net?: NetAddress }
  /** Console output since the last such event. */
  | { kind: 'console'; vmId: string; runId: string; data: Uint8Array }
  /** A run is over; the VM is stopped. */
  | { kind: 'ended'; vmId: string; runId: string; reason: ExitReason; exitCode: number | null; detail: string | null; totals: RunCounters }
  | { kind: 'metrics'; samples: MetricSample[] }
  /** Placement and memory, once a second while VMs run (and once after the last one ended). */
  | { kind: 'machine'; snapshot: MachineSnapshot }
  /** Something worth a line in the server log. */
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; message: string };

export type WorkerEventKind = WorkerEvent['kind'];
