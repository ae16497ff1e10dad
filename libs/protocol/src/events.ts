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

/**
 * The monitor's counters of a VM that a sample carries (the paper's figures), each a count over
 * the sample's interval: emulated cycles of the VM's vCPUs by mode (guest user, guest kernel,
 * monitor work charged to the VM, idle = vCPUs waiting for an interrupt), TLB misses the monitor
 * took (every refill: L2TLB hits, virtual-TLB hits, refills reflected to the guest, sseg and
 * special-page fills) and the part answered by the L2TLB, traps into the monitor (all
 * exception codes), cache misses served by the local / a remote node (timed mode only, else 0),
 * disk commands and sectors moved, console bytes out of and into the guest.
 */
export const MONITOR_COUNTERS = [
  'cyclesUser', 'cyclesKernel', 'cyclesMonitor', 'cyclesIdle', 'tlbMisses', 'l2tlbHits', 'traps',
  'cacheLocalMisses', 'cacheRemoteMisses', 'diskCommands', 'diskSectors', 'consoleBytesOut', 'consoleBytesIn',
] as const;
export type MonitorCounterName = (typeof MONITOR_COUNTERS)[number];
export type MonitorCounters = Record<MonitorCounterName, number>;

/** A zeroed MonitorCounters. */
export function zeroCounters(): MonitorCounters {
  const c = {} as MonitorCounters;
  for (const k of MONITOR_COUNTERS) c[k] = 0;
  return c;
}

/** One VM's activity over an interval (worker samples every second). */
export interface MetricSample {
  vmId: string;
  runId: string;
  /** End of the interval, ms since the epoch. */
  at: number;
  /** Interval length in host ms. */
  intervalMs: number;
  instructions: number;
  cycles: number;
  hostMs: number;
  /** Guest million instructions per host second over the interval. */
  mips: number;
  /** The monitor's counters over the interval. */
  counters: MonitorCounters;
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
  /** Pages each running VM has on this node (its pmap). */
  vms: { vmId: string; pages: number }[];
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
  | { kind: 'state'; vmId: string; runId: string; state: VmState }
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
