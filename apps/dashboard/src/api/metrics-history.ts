// GET /api/vms/:id/metrics: a VM's stored samples between two times, one point per step
// (MetricsView in libs/protocol), turned into chart columns.
import type { HistoryPointView, MetricsView } from '../protocol';
import { api } from './client';
import { rates } from './metrics-store';

export type HistoryPoint = HistoryPointView;
export type MetricsReply = MetricsView;

/** Aim for about this many points per chart, whatever the range. */
export const TARGET_POINTS = 600;

export function stepFor(fromMs: number, toMs: number): number {
  return Math.max(1, Math.ceil((toMs - fromMs) / 1000 / TARGET_POINTS));
}

/** The server's finest tier keeps an hour; a `from` just inside it gets 1 s data (one exactly an hour back does not). */
const FINE_KEEP_MS = 3600_000 - 10_000;

async function get(vmId: string, fromMs: number, toMs: number, step: number): Promise<MetricsReply> {
  const q = new URLSearchParams({ from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), step: String(step) });
  return api.get<MetricsReply>(`/vms/${vmId}/metrics?${q.toString()}`);
}

export interface History {
  reply: MetricsReply;
  /** Points with the step each was summed over (the tail may come from a finer tier). */
  points: { p: HistoryPoint; step: number }[];
}

/**
 * The range at about TARGET_POINTS points. Coarse tiers are rolled up from finer ones every so
 * often, so when the range reaches now, the minutes after the last coarse point are fetched
 * from the fine tier (step below a minute) and appended.
 */
export async function fetchHistory(vmId: string, fromMs: number, toMs: number, now = Date.now()): Promise<History> {
  const from = now - fromMs > 3600_000 - 10_000 && now - fromMs <= 3600_000 ? now - FINE_KEEP_MS : fromMs;
  const reply = await get(vmId, from, toMs, stepFor(from, toMs));
  const points = reply.points.map((p) => ({ p, step: reply.stepSeconds }));
  if (reply.tierSeconds > 1 && now - toMs < 60_000) {
    const last = reply.points.at(-1);
    const after = last === undefined ? from : Date.parse(last.at) + reply.stepSeconds * 1000;
    const tailFrom = Math.max(after, now - FINE_KEEP_MS);
    if (tailFrom < toMs) {
      const step = Math.min(59, stepFor(tailFrom, toMs));
      const tail = await get(vmId, tailFrom, toMs, step);
      if (tail.tierSeconds === 1) points.push(...tail.points.filter((p) => Date.parse(p.at) >= after).map((p) => ({ p, step: tail.stepSeconds })));
    }
  }
  return { reply, points };
}

type Rates = ReturnType<typeof rates>;
/** A gap in the data: every column null. */
const GAP: { [K in keyof Rates]: null } = {
  userPct: null, kernelPct: null, monitorPct: null, idlePct: null, tlbMisses: null, l2tlbHits: null, traps: null, remotePct: null,
  localPct: null, numaMigrations: null, numaReplications: null, numaCollapses: null, replicaPages: null, sharedPages: null,
  pagesRemapped: null, cowCopies: null, netSent: null, netReceived: null, netDrops: null, netCopiedKiB: null, netRemappedKiB: null,
  diskCommands: null, diskKiB: null, consoleOut: null, consoleIn: null,
};

export interface HistorySeries {
  x: number[];
  mips: (number | null)[];
  cyclesM: (number | null)[];
  hostCpu: (number | null)[];
  /** The monitor's counters as rates, one row per x (nulls in gaps). */
  rows: { [K in keyof Rates]: Rates[K] | null }[];
}

/** Chart columns from the points: per-second rates, with a null where samples are missing. */
export function toSeries(h: History): HistorySeries {
  const out: HistorySeries = { x: [], mips: [], cyclesM: [], hostCpu: [], rows: [] };
  let prevEnd: number | null = null;
  for (const { p, step } of h.points) {
    const t = Date.parse(p.at) / 1000;
    if (prevEnd !== null && t - prevEnd > step * 0.5) {
      out.x.push(prevEnd);
      out.mips.push(null);
      out.cyclesM.push(null);
      out.hostCpu.push(null);
      out.rows.push(GAP);
    }
    out.x.push(t);
    out.mips.push(p.instructions / step / 1e6);
    out.cyclesM.push(p.cycles / step / 1e6);
    out.hostCpu.push(Math.min(100, (p.hostMs / (step * 1000)) * 100));
    out.rows.push(rates(p.counters, p.gauges, step));
    prevEnd = t + step;
  }
  return out;
}

