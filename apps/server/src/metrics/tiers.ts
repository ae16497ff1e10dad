// Metric retention tiers and the arithmetic on samples, free of I/O: samples of one step are
// summed into buckets of a coarser step (the monitor's counters too); each tier keeps its
// samples for a fixed time.
import { MONITOR_COUNTERS, type MonitorCounters, type MonitorGauges } from '../../../../libs/protocol/src/index.js';

export interface Tier {
  /** Seconds each sample covers. */
  stepSeconds: number;
  /** How long samples of this tier are kept. */
  keepMs: number;
}

/** Fine recent data, coarse old data: 1 s for an hour, 1 min for a week, 1 h for a year. */
export const TIERS: readonly Tier[] = [
  { stepSeconds: 1, keepMs: 3600_000 },
  { stepSeconds: 60, keepMs: 7 * 86400_000 },
  { stepSeconds: 3600, keepMs: 365 * 86400_000 },
];

export interface Point {
  /** Start of the interval, ms since the epoch (a multiple of the step). */
  at: number;
  instructions: number;
  cycles: number;
  hostMs: number;
  counters: MonitorCounters;
  /** Values at the end of the interval: a bucket keeps its last point's. */
  gauges: MonitorGauges;
}

/** Start of the `stepSeconds` bucket holding time `ms`. */
export function bucketStart(ms: number, stepSeconds: number): number {
  const step = stepSeconds * 1000;
  return Math.floor(ms / step) * step;
}

/** Sum points into buckets of `stepSeconds`, in time order (gauges: the bucket's latest point's). */
export function downsample(points: readonly Point[], stepSeconds: number): Point[] {
  const buckets = new Map<number, Point & { last: number }>();
  for (const p of points) {
    const at = bucketStart(p.at, stepSeconds);
    const b = buckets.get(at);
    if (b === undefined) buckets.set(at, { at, instructions: p.instructions, cycles: p.cycles, hostMs: p.hostMs, counters: { ...p.counters }, gauges: { ...p.gauges }, last: p.at });
    else {
      if (p.at >= b.last) {
        b.gauges = { ...p.gauges };
        b.last = p.at;
      }
      b.instructions += p.instructions;
      b.cycles += p.cycles;
      b.hostMs += p.hostMs;
      for (const k of MONITOR_COUNTERS) b.counters[k] += p.counters[k];
    }
  }
  return [...buckets.values()].sort((a, b) => a.at - b.at).map(({ last: _, ...p }) => p);
}

/**
 * The tier a history query reads: the coarsest whose step is at most `stepSeconds` and that
 * still holds data from `fromMs`; if none does (old data, fine step), the coarsest tier.
 */
export function tierFor(fromMs: number, stepSeconds: number, now: number): Tier {
  let pick: Tier | null = null;
  for (const t of TIERS) {
    if (t.stepSeconds <= stepSeconds && now - t.keepMs <= fromMs) pick = t;
  }
  return pick ?? TIERS.find((t) => now - t.keepMs <= fromMs) ?? TIERS[TIERS.length - 1]!;
}
