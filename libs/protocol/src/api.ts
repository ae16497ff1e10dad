// What the REST API returns, as plain types for clients (the dashboard, scripts). The server's
// response DTOs implement these, so a change here breaks the server's build, not its clients.
import type { ErrorCode } from './errors.js';
import type { DiskMode, NumaMode } from './commands.js';
import type { CpuPlacement, IntervalMetrics, MetricSample, MonitorCounters, MonitorGauges, NetAddress, RunCounters } from './events.js';
import type { ExitReason, VmState } from './vm-state.js';

export type TokenRole = 'admin' | 'read';

export interface VmDiskView {
  slot: number;
  diskId: string;
  /** The disk image: for 'private' the VM's (or a shared persistent) disk, for 'cow'/'cow-persistent' the base image. */
  name: string;
  kind: 'base' | 'persistent';
  sizeBytes: number;
  /** How the monitor runs it: private, cow (changes dropped at power-off), cow-persistent (changes in the overlay). */
  mode: DiskMode;
  /** 'cow-persistent': the VM's overlay file under DISCO_DATA_DIR/overlays and its size now (0 before the first run). */
  overlay: { file: string; sizeBytes: number } | null;
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
  /** The VM's station on the monitor's virtual subnet while it is not stopped (null when stopped). */
  net: NetAddress | null;
  /** The open run, while the VM is not stopped. */
  runId: string | null;
  /** When the open run started (ISO 8601), while the VM is not stopped. */
  runStartedAt: string | null;
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

export interface MachineNodeView {
  node: number;
  cpus: number[];
  memoryMiB: number;
  /** Memory reserved by running VMs whose home is this node (their whole memoryMiB). */
  vmMemoryMiB: number;
  /** Machine memory the monitor has handed out on this node now (null before the first report). */
  monitorMemoryMiB: number | null;
  /** Machine memory free on this node now. */
  freeMiB: number | null;
  /**
   * Memory each running VM has on this node now (allocated on first touch, so at most its
   * memoryMiB): its pages here (masters, 4 KiB) and the NUMA replicas of its pages held here.
   */
  vmAllocations: { vmId: string; memoryMiB: number; pages: number; replicaPages: number }[];
  /** Replica pages on this node now, all VMs (null before the first report). */
  replicaPages: number | null;
  /** Local share of the cache misses of this node's CPUs since the machine started (null: none counted, or before the first report). */
  localMissRatio: number | null;
}

export interface MachineView {
  cpus: number;
  nodes: number;
  memoryMiB: number;
  timed: boolean;
  /** The monitor's NUMA page placement: 'disco' (migration and replication), 'autonuma' or 'off' (always off in fast mode). */
  numa: NumaMode;
  /** The backend running the VMs: "disco" (every VM under the monitor on this one machine). */
  backend: string;
  nodeList: MachineNodeView[];
  /** Every physical CPU: the vCPU loaded on it and how busy it was over the last second. */
  cpuList: CpuPlacement[];
  vms: { vmId: string; name: string; state: VmState; vcpus: number; memoryMiB: number; homeNode: number }[];
  /** Memory of the machine not reserved by running VMs (what a start checks against). */
  freeMemoryMiB: number;
}

/** GET /api/session: the token the request used. */
export interface SessionView {
  id: string;
  name: string;
  role: TokenRole;
}

/** A kernel or base disk image a VM may use (GET /api/images). */
export interface ImageView {
  name: string;
  kind: 'kernel' | 'base-disk';
  sizeBytes: number;
}

/** A point of stored metrics: sums over [at, at + stepSeconds). */
export interface HistoryPointView extends IntervalMetrics {
  /** Start of the interval (ISO time); the gauges are the last sample's in it. */
  at: string;
}

/** GET /api/vms/:id/metrics. */
export interface MetricsView {
  live: MetricSample | null;
  stepSeconds: number;
  tierSeconds: number;
  points: HistoryPointView[];
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

export type { CpuPlacement, DiskMode, ErrorCode, ExitReason, MetricSample, MonitorCounters, MonitorGauges, NetAddress, NumaMode, RunCounters, VmState };
