// What the REST API returns, as plain types for clients (the dashboard, scripts). The server's
// response DTOs implement these, so a change here breaks the server's build, not its clients.
import type { ErrorCode } from './errors.js';
import type { MetricSample, RunCounters } from './events.js';
import type { ExitReason, VmState } from './vm-state.js';

export type TokenRole = 'admin' | 'read';

export interface VmDiskView {
  slot: number;
  diskId: string;
  name: string;
  kind: 'base' | 'persistent';
  sizeBytes: number;
}

export interface VmView {
  id: string;
  name: string;
  vcpus: number;
  memoryMiB: number;
  kernel: string;
  cmdline: string;
  homeNode: number;
  autostart: boolean;
  bootScript: string;
  disks: VmDiskView[];
  state: VmState;
  /** The open run, while the VM is not stopped. */
  runId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RunView {
  id: string;
  vmId: string;
  startedAt: string;
  endedAt: string | null;
  exitReason: ExitReason | null;
  exitCode: number | null;
  detail: string | null;
  counters: RunCounters;
  consoleBytes: number;
  consoleTruncated: boolean;
}

export interface RunWithConsoleView extends RunView {
  /** The run's console output, latin-1 decoded (one character per byte). */
  console: string;
}

export interface EventView {
  id: number;
  at: string;
  actor: string;
  kind: string;
  vmId: string | null;
  runId: string | null;
  detail: Record<string, unknown>;
}

export interface MachineView {
  cpus: number;
  nodes: number;
  memoryMiB: number;
  timed: boolean;
  /** The backend running the VMs ("bare": each VM on its own bare machine, until the monitor lands). */
  backend: string;
  nodeList: { node: number; cpus: number[]; memoryMiB: number; vmMemoryMiB: number }[];
  vms: { vmId: string; name: string; state: VmState; vcpus: number; memoryMiB: number; homeNode: number }[];
  /** Memory of the machine not given to running VMs. */
  freeMemoryMiB: number;
}

export interface HealthView {
  status: 'ok' | 'degraded';
  version: string;
  uptimeSeconds: number;
  worker: 'ready' | 'starting' | 'down';
  database: 'ok';
}

export interface TokenView {
  id: string;
  name: string;
  role: TokenRole;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface NewTokenView extends TokenView {
  /** The token itself: shown once, only its hash is stored. */
  token: string;
}

export type { ErrorCode, ExitReason, MetricSample, RunCounters, VmState };
