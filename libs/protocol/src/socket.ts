// socket.io event maps, typed once for the server's gateway and for clients. Connect with
// `auth: { token }` (a bearer token; read role to watch, admin to type). Rooms are per VM
// (`vm:<id>`): join one to get its console scrollback, then its live bytes.
import type { ApiError } from './errors.js';
import type { CpuPlacement, MetricSample } from './events.js';
import type { ExitReason, VmState } from './vm-state.js';

export interface ConsoleData {
  vmId: string;
  runId: string | null;
  /** Raw console bytes. */
  data: Uint8Array;
}

export interface VmStateChange {
  vmId: string;
  runId: string | null;
  state: VmState;
  /** Set when a run just ended. */
  exitReason?: ExitReason;
}

export type Ack<T = Record<string, never>> = (reply: ({ ok: true } & T) | { ok: false; error: ApiError }) => void;

/** Every running VM's latest sample and the CPU placement, to every client once a second. */
export interface MetricsSummary {
  at: number;
  samples: MetricSample[];
  cpus: CpuPlacement[];
}

/** What the server sends. */
export interface ServerToClientEvents {
  /** Sent once after console:join, before any console:output: the run's output so far (capped). */
  'console:scrollback': (msg: ConsoleData) => void;
  /** Live console bytes of a joined VM. */
  'console:output': (msg: ConsoleData) => void;
  /** Any VM changed state (sent to every connected client). */
  'vm:state': (msg: VmStateChange) => void;
  /** Samples of joined VMs, about once a second. */
  'metrics:sample': (msg: MetricSample) => void;
  /** Sent to every connected client about once a second while VMs run (no room needed). */
  'metrics:summary': (msg: MetricsSummary) => void;
}

/** What clients send. */
export interface ClientToServerEvents {
  'console:join': (msg: { vmId: string }, ack: Ack<{ state: VmState; runId: string | null }>) => void;
  'console:leave': (msg: { vmId: string }, ack: Ack) => void;
  /** Type on the console (admin tokens only). `data` is text (sent as latin-1 bytes) or bytes. */
  'console:input': (msg: { vmId: string; data: string | Uint8Array }, ack: Ack) => void;
  /**
   * The viewer's terminal now has this size (admin tokens only): the guest's console window
   * becomes cols x rows (TIOCGWINSZ; SIGWINCH to its foreground process group). Integers,
   * cols 1..CONSOLE_COLS_MAX, rows 1..CONSOLE_ROWS_MAX. One size per VM: the last resize wins.
   */
  'console:resize': (msg: ConsoleResize, ack: Ack) => void;
}

export interface ConsoleResize {
  vmId: string;
  cols: number;
  rows: number;
}

/** Room of one VM. */
export function vmRoom(vmId: string): string {
  return `vm:${vmId}`;
}

/** Most bytes of scrollback sent on join. */
export const SCROLLBACK_BYTES = 64 * 1024;
/** Most bytes accepted in one console:input. */
export const CONSOLE_INPUT_MAX = 4096;
/** Largest console window accepted by console:resize. */
export const CONSOLE_COLS_MAX = 1000;
export const CONSOLE_ROWS_MAX = 1000;
