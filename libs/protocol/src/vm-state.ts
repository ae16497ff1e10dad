// The life cycle of a VM, shared by server, worker and dashboard: its states, the operator's
// actions, which action is allowed in which state, and why a run ends.

/** Where a VM is in its life cycle. `stopped` is the only state without a run. */
export const VM_STATES = ['stopped', 'starting', 'running', 'paused', 'shutting-down'] as const;
export type VmState = (typeof VM_STATES)[number];

/** Operator actions on a VM (POST /api/vms/:id/<action>). */
export const VM_ACTIONS = ['start', 'stop', 'shutdown', 'pause', 'resume', 'reset'] as const;
export type VmAction = (typeof VM_ACTIONS)[number];

/** The states each action may be taken from; any other state is a conflict (HTTP 409). */
export const ACTION_FROM: Readonly<Record<VmAction, readonly VmState[]>> = {
  start: ['stopped'],
  stop: ['starting', 'running', 'paused', 'shutting-down'],
  shutdown: ['running'],
  pause: ['running'],
  resume: ['paused'],
  reset: ['running', 'paused'],
};

/** True when `action` is allowed in `state`. */
export function actionAllowed(action: VmAction, state: VmState): boolean {
  return ACTION_FROM[action].includes(state);
}

/** Edits and deletion of a VM definition need the VM stopped. */
export function definitionEditable(state: VmState): boolean {
  return state === 'stopped';
}

/**
 * Why a run ended:
 * - `poweroff`: the guest powered the machine off by itself;
 * - `shutdown`: the guest powered off after an operator's shutdown request;
 * - `stopped`: an operator stopped it (or a shutdown timed out and it was stopped);
 * - `crashed`: a kernel panic, or the emulator failed on the guest;
 * - `aborted`: the server went away while the run was open (found at the next start).
 */
export const EXIT_REASONS = ['poweroff', 'shutdown', 'stopped', 'crashed', 'aborted'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];
