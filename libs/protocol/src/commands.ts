// Commands from the server to the machine worker: a closed union, one per operation. Every
// command carries a sequence number; the worker answers each with one WorkerReply.

/**
 * How the monitor runs a VM's disk (docs/monitor.md, "Copy-on-write disks"): 'private' (the
 * image file itself, persistent, used by one running VM at a time), 'cow' (copy-on-write over a
 * shared base image; the changes are dropped at power-off) or 'cow-persistent' (over a base
 * image, the changes kept in the VM's own overlay file).
 */
export const DISK_MODES = ['private', 'cow', 'cow-persistent'] as const;
export type DiskMode = (typeof DISK_MODES)[number];

/** A disk as the worker sees it, at a controller slot: host files and how they are used. */
export interface DiskSpec {
  slot: number;
  mode: DiskMode;
  /** 'private': the image file; 'cow' and 'cow-persistent': the base image. */
  path: string;
  /** 'private' only: attach it read-only. */
  readOnly: boolean;
  /** 'cow-persistent': the overlay file (created by the monitor when missing). */
  overlay?: string;
}

/** Everything the worker needs to run one VM. */
export interface VmSpec {
  vmId: string;
  runId: string;
  name: string;
  vcpus: number;
  memoryMiB: number;
  homeNode: number;
  /** Kernel ELF on the host. */
  kernelPath: string;
  cmdline: string;
  disks: DiskSpec[];
  /** Typed into the console once the first shell prompt appears ('' for nothing). */
  bootScript: string;
}

/**
 * The monitor's NUMA page placement (docs/monitor.md): 'disco' (the paper's migration and
 * replication policy), 'autonuma' (migrate on a second hint, never replicate) or 'off'.
 */
export const NUMA_MODES = ['disco', 'autonuma', 'off'] as const;
export type NumaMode = (typeof NUMA_MODES)[number];

/** The machine the worker builds at start (its workerData). */
export interface WorkerConfig {
  cpus: number;
  nodes: number;
  memoryMiB: number;
  /** Timed memory model: caches and NUMA latencies (slower to emulate). */
  timed: boolean;
  /** NUMA placement policy of the monitor (needs timed mode to do anything). */
  numa: NumaMode;
}

export type WorkerCommand =
  /** Power a VM on as a new run. */
  | { kind: 'start'; spec: VmSpec }
  /** Power off at once. */
  | { kind: 'stop'; vmId: string }
  /** Press the VM's power button (the guest powers off in order); stop it if it has not after `timeoutMs`. */
  | { kind: 'shutdown'; vmId: string; timeoutMs: number }
  /** Stop running the VM's CPUs (time stands still for it). */
  | { kind: 'pause'; vmId: string }
  | { kind: 'resume'; vmId: string }
  /** Hardware reset: the guest boots again, same run, same disks. */
  | { kind: 'reset'; vmId: string }
  /** Bytes typed on the VM's console. */
  | { kind: 'consoleInput'; vmId: string; data: Uint8Array }
  /** The VM's console window is now cols x rows (validated by the sender; the last one wins). */
  | { kind: 'consoleResize'; vmId: string; cols: number; rows: number }
  /** Report the machine's state (WorkerStatus). */
  | { kind: 'status' }
  /** Stop every VM and exit the worker. */
  | { kind: 'exit' };

export type WorkerCommandKind = WorkerCommand['kind'];

/** A command as it travels: with its sequence number. */
export type WorkerRequest = WorkerCommand & { seq: number };
