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
  totals: RunCounters;
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
}

export type WorkerEvent =
  /** The answer to command `seq`. */
  | { kind: 'reply'; seq: number; ok: true; status?: WorkerStatus }
  | { kind: 'reply'; seq: number; ok: false; error: WorkerError }
  /** The worker is up and takes commands. */
  | { kind: 'ready'; backend: string }
  | { kind: 'state'; vmId: string; runId: string; state: VmState }
  /** Console output since the last such event. */
  | { kind: 'console'; vmId: string; runId: string; data: Uint8Array }
  /** A run is over; the VM is stopped. */
  | { kind: 'ended'; vmId: string; runId: string; reason: ExitReason; exitCode: number | null; detail: string | null; totals: RunCounters }
  | { kind: 'metrics'; samples: MetricSample[] }
  /** Something worth a line in the server log. */
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; message: string };

export type WorkerEventKind = WorkerEvent['kind'];
