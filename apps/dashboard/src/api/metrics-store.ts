// Live metric points per VM, kept for the session (the last MAX_POINTS samples of each VM, so a
// chart is full again when its page is reopened). Fed by metrics:sample from the VM's room; the
// console output rate is counted here from the console bytes that arrive between two samples.
import type { MetricSample } from '../protocol';
import type { Live } from './live';

export interface MetricPoint {
  /** Seconds since the epoch (uPlot's x). */
  t: number;
  runId: string;
  mips: number;
  /** Emulated cycles per host second, in millions. */
  cyclesM: number;
  /** Share of one host CPU the worker spent running this VM, percent. */
  hostCpu: number;
  /** Console output, bytes per second (counted by this page while it watched). */
  consoleOut: number;
  instructionsTotal: number;
}

export const MAX_POINTS = 600;

interface Track {
  points: MetricPoint[];
  consoleBytes: number;
  listeners: Set<() => void>;
  users: number;
  stop: (() => void) | null;
}

export class MetricsStore {
  private readonly tracks = new Map<string, Track>();

  constructor(private readonly live: Live) {}

  private track(vmId: string): Track {
    let t = this.tracks.get(vmId);
    if (t === undefined) {
      t = { points: [], consoleBytes: 0, listeners: new Set(), users: 0, stop: null };
      this.tracks.set(vmId, t);
    }
    return t;
  }

  private add(t: Track, s: MetricSample): void {
    const seconds = Math.max(s.intervalMs, 1) / 1000;
    const p: MetricPoint = {
      t: s.at / 1000, runId: s.runId, mips: s.mips, cyclesM: s.cycles / seconds / 1e6,
      hostCpu: Math.min(100, (s.hostMs / Math.max(s.intervalMs, 1)) * 100),
      consoleOut: t.consoleBytes / seconds, instructionsTotal: s.totals.instructions,
    };
    t.consoleBytes = 0;
    t.points = t.points.length >= MAX_POINTS ? [...t.points.slice(1), p] : [...t.points, p];
    t.listeners.forEach((l) => l());
  }

  /** Receive a VM's samples until the returned function is called. */
  use(vmId: string): () => void {
    const t = this.track(vmId);
    t.users += 1;
    if (t.stop === null) {
      t.stop = this.live.watchVm(vmId, {
        sample: (s) => this.add(t, s),
        output: (d) => (t.consoleBytes += d.length),
      });
    }
    return () => {
      t.users -= 1;
      if (t.users === 0 && t.stop !== null) {
        t.stop();
        t.stop = null;
      }
    };
  }

  points(vmId: string): MetricPoint[] {
    return this.track(vmId).points;
  }

  latest(vmId: string): MetricPoint | null {
    return this.track(vmId).points.at(-1) ?? null;
  }

  subscribe(vmId: string, l: () => void): () => void {
    const t = this.track(vmId);
    t.listeners.add(l);
    return () => t.listeners.delete(l);
  }
}
