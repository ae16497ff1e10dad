// Live metric points per VM, kept for the session (the last MAX_POINTS samples of each VM, so a
// chart is full again when its page is reopened). Fed by metrics:summary, which the server sends
// to every client once a second with every running VM's latest sample: no room is joined for
// metrics. Each point holds per-second rates derived from the sample and its monitor counters.
import type { MetricSample, MonitorCounters, MonitorGauges } from '../protocol';
import type { Live } from './live';

export interface MetricPoint {
  /** Seconds since the epoch (uPlot's x). */
  t: number;
  runId: string;
  mips: number;
  /** Emulated cycles of the VM's vCPUs per host second, in millions. */
  cyclesM: number;
  /** Share of one host CPU the worker spent running this VM, percent. */
  hostCpu: number;
  /** vCPU time by mode, percent of the VM's vCPU cycles in the interval. */
  userPct: number;
  kernelPct: number;
  monitorPct: number;
  idlePct: number;
  /** Per second. */
  tlbMisses: number;
  l2tlbHits: number;
  traps: number;
  /** Remote cache misses as a percent of all misses (null when there were none: fast mode, idle). */
  remotePct: number | null;
  /** Local cache misses as a percent of all misses (the local-miss ratio; null when none). */
  localPct: number | null;
  /** NUMA placement per second: migrations, replications, collapses. */
  numaMigrations: number;
  numaReplications: number;
  numaCollapses: number;
  /** Pages now (gauges): NUMA replicas, guest pages mapping a shared machine page. */
  replicaPages: number;
  sharedPages: number;
  /** Page sharing per second: remaps, copy-on-write copies. */
  pagesRemapped: number;
  cowCopies: number;
  /** Virtual subnet per second: frames out / in / dropped, KiB copied and remapped into the VM. */
  netSent: number;
  netReceived: number;
  netDrops: number;
  netCopiedKiB: number;
  netRemappedKiB: number;
  diskCommands: number;
  /** KiB per second moved by the VM's disks. */
  diskKiB: number;
  /** Console bytes per second, out of and into the guest. */
  consoleOut: number;
  consoleIn: number;
  instructionsTotal: number;
}

export const MAX_POINTS = 600;

/** Rates of one interval from its counters, and its gauges (also used for stored history). */
export function rates(c: MonitorCounters, g: MonitorGauges, seconds: number): Omit<MetricPoint, 't' | 'runId' | 'mips' | 'cyclesM' | 'hostCpu' | 'instructionsTotal'> {
  const cycles = c.cyclesUser + c.cyclesKernel + c.cyclesMonitor + c.cyclesIdle;
  const pctOf = (x: number): number => (cycles > 0 ? (x / cycles) * 100 : 0);
  const misses = c.cacheLocalMisses + c.cacheRemoteMisses;
  return {
    userPct: pctOf(c.cyclesUser), kernelPct: pctOf(c.cyclesKernel), monitorPct: pctOf(c.cyclesMonitor), idlePct: pctOf(c.cyclesIdle),
    tlbMisses: c.tlbMisses / seconds, l2tlbHits: c.l2tlbHits / seconds, traps: c.traps / seconds,
    remotePct: misses > 0 ? (c.cacheRemoteMisses / misses) * 100 : null,
    localPct: misses > 0 ? (c.cacheLocalMisses / misses) * 100 : null,
    numaMigrations: c.numaMigrations / seconds, numaReplications: c.numaReplications / seconds, numaCollapses: c.numaCollapses / seconds,
    replicaPages: g.replicaPages, sharedPages: g.sharedPages,
    pagesRemapped: c.pagesRemapped / seconds, cowCopies: c.cowCopies / seconds,
    netSent: c.netFramesSent / seconds, netReceived: c.netFramesReceived / seconds, netDrops: c.netDrops / seconds,
    netCopiedKiB: c.netBytesCopied / 1024 / seconds, netRemappedKiB: c.netBytesRemapped / 1024 / seconds,
    diskCommands: c.diskCommands / seconds, diskKiB: (c.diskSectors * 512) / 1024 / seconds,
    consoleOut: c.consoleBytesOut / seconds, consoleIn: c.consoleBytesIn / seconds,
  };
}

interface Track {
  points: MetricPoint[];
  listeners: Set<() => void>;
}

export class MetricsStore {
  private readonly tracks = new Map<string, Track>();

  constructor(live: Live) {
    live.onSummary((m) => {
      for (const s of m.samples) this.add(this.track(s.vmId), s);
    });
  }

  private track(vmId: string): Track {
    let t = this.tracks.get(vmId);
    if (t === undefined) {
      t = { points: [], listeners: new Set() };
      this.tracks.set(vmId, t);
    }
    return t;
  }

  private add(t: Track, s: MetricSample): void {
    const last = t.points.at(-1);
    if (last !== undefined && last.t >= s.at / 1000) return; // the same sample again (summaries repeat the latest)
    const seconds = Math.max(s.intervalMs, 1) / 1000;
    const p: MetricPoint = {
      t: s.at / 1000, runId: s.runId, mips: s.mips, cyclesM: s.cycles / seconds / 1e6,
      hostCpu: Math.min(100, (s.hostMs / Math.max(s.intervalMs, 1)) * 100),
      ...rates(s.counters, s.gauges, seconds), instructionsTotal: s.totals.instructions,
    };
    t.points = t.points.length >= MAX_POINTS ? [...t.points.slice(1), p] : [...t.points, p];
    t.listeners.forEach((l) => l());
  }

  /** Kept for callers that mark interest in a VM; samples arrive for every VM anyway. */
  use(_vmId: string): () => void {
    return () => undefined;
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
