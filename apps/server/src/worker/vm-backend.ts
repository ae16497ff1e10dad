// What the machine worker needs from whatever runs a VM. Today one backend exists,
// BareMachineBackend (each VM boots the guest kernel on its own bare emulated machine); the
// Disco monitor (libs/disco) will be the second, running every VM on the one shared machine.
import type { VmSpec } from '../../../../libs/protocol/src/index.js';

/** How a slice of a VM's time ended. */
export type SliceOutcome =
  /** It ran (or idled) through the slice; more later. */
  | { kind: 'ran' }
  /** The guest powered the machine off. */
  | { kind: 'poweroff'; code: number }
  /** The guest kernel panicked. */
  | { kind: 'panic'; message: string };

export interface VmInstance {
  /** Emulated cycles since the run began (all boots): the VM's own time. */
  readonly cycles: number;
  /** Instructions retired since the run began (all boots). */
  readonly instructions: number;
  /** Boots so far: 1 + resets (by the guest or by the operator). */
  readonly boots: number;
  /** Run the VM for up to `cycles` of its time. May throw only on a bug of the emulator. */
  run(cycles: number): SliceOutcome;
  /** Queue bytes for the console (delivered as the guest reads them). */
  input(data: Uint8Array): void;
  /** Hardware reset: boot again on the same disks. */
  reset(): void;
  /** Ask the guest to power off by itself. */
  requestShutdown(): void;
  /** Release host resources (disk files). */
  close(): void;
}

export interface VmBackend {
  /** Short name shown by the API ("bare", later "disco"). */
  readonly name: string;
  /** Emulated cycles per second of a VM's clock. */
  readonly clockHz: number;
  /** Power on a VM (first boot); `output` receives console bytes. Throws if it cannot boot. */
  create(spec: VmSpec, output: (byte: number) => void): VmInstance;
}
