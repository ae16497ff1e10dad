// What the machine worker needs from whatever runs its VMs: one machine that runs all of them
// at once (MonitorBackend: the Disco monitor on one emulated cc-NUMA machine). The scheduler
// (scheduler.ts) paces `run` to the wall clock and turns each VM's `end()` into the end of its run.
import type { MachineSnapshot, MonitorCounters, MonitorGauges, NetAddress, VmSpec } from '../../../../libs/protocol/src/index.js';

/** Why a VM stopped by itself (or was stopped by the backend). */
export type VmEnd =
  /** The guest powered off. */
  | { kind: 'poweroff'; code: number }
  /** The guest kernel panicked (it printed "panic: ..." and powered off with the panic code). */
  | { kind: 'panic'; message: string }
  /** The monitor stopped it: a guest fault (watchdog, broken vectors, out of memory) or an emulator error. */
  | { kind: 'fault'; reason: string };

export interface VmHandle {
  /** Emulated cycles of the VM's vCPUs since the run began (all modes, idle included). */
  readonly cycles: number;
  /** Guest instructions retired since the run began (all boots). */
  readonly instructions: number;
  /** vCPU cycles spent running (user + kernel + monitor) since the run began. */
  readonly busyCycles: number;
  /** Boots so far: 1 + resets (by the guest or by the operator). */
  readonly boots: number;
  /** How the VM ended, or null while it runs (a guest reboot is followed, not an end). */
  end(): VmEnd | null;
  /** Queue bytes for the console. */
  input(data: Uint8Array): void;
  /** The console window is now cols x rows (the guest gets SIGWINCH). */
  resize(cols: number, rows: number): void;
  pause(): void;
  resume(): void;
  /** Hardware reset: the guest boots again, same disks. */
  reset(): void;
  /** Press the power button: the guest should power off by itself. */
  powerButton(): void;
  /** Stop at once. */
  kill(reason: string): void;
  /** The monitor's counters since the run began (allocates: once a second, not per slice). */
  counters(): MonitorCounters;
  /** The monitor's gauges now (replica pages, shared pages). */
  gauges(): MonitorGauges;
  /** The VM's station on the virtual subnet (fixed for the run), or null. */
  readonly net: NetAddress | null;
  /** Release the VM for good (machine memory, host disk files). */
  close(): void;
}

export type RunResult =
  /** Machine time advanced by the budget (or as far as a request to stop). */
  | 'ran'
  /** Every vCPU waits for input with no event ahead: nothing happens until something is typed. */
  | 'idle'
  /** No VM runs. */
  | 'halted';

export interface MachineBackend {
  /** Short name shown by the API ("disco"). */
  readonly name: string;
  /** Emulated cycles per second of machine time. */
  readonly clockHz: number;
  /** Machine time in cycles. */
  readonly now: number;
  /** The smallest useful `run` budget (the monitor's scheduling quantum). */
  readonly minSliceCycles: number;
  /** Power on a VM (first boot); `output` receives console bytes. Throws if it cannot boot. */
  create(spec: VmSpec, output: (byte: number) => void): VmHandle;
  /**
   * Run every VM for up to `cycles` of machine time. A failure of the emulator is caught: the
   * VM it happened on (or, when that cannot be told, every running VM) ends with a fault.
   */
  run(cycles: number): RunResult;
  /** Which vCPU is where, CPU load since the last call, memory per node; `vmIds` maps handles to ids. */
  snapshot(vmIds: Map<VmHandle, string>): MachineSnapshot;
}
