// Metric history in SQLite: the worker's once-a-second samples are stored in the 1 s tier;
// every minute the coarser tiers are recomputed from the finer ones (only buckets the finer
// tier still holds completely, so pruning never shrinks a bucket) and each tier is pruned to its
// retention (tiers.ts). History queries read the fitting tier and downsample it to the step.
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type HistoryPointView, localMissRatio, MONITOR_COUNTERS, MONITOR_GAUGES, type MetricSample, type MonitorCounters, type MonitorGauges } from '../../../../libs/protocol/src/index.js';
import { PrismaService } from '../db/prisma.service.js';
import type { MetricSample as Row } from '../db/generated/client.js';
import { bucketStart, downsample, tierFor, TIERS, type Point } from './tiers.js';

const ROLLUP_EVERY_MS = 60_000;

/** A point of the history (the protocol's HistoryPointView). */
export type HistoryPoint = HistoryPointView;

/** A row's monitor counters. */
function rowCounters(r: Row): MonitorCounters {
  const c = {} as MonitorCounters;
  for (const k of MONITOR_COUNTERS) c[k] = r[k];
  return c;
}

/** A row's gauges. */
function rowGauges(r: Row): MonitorGauges {
  const g = {} as MonitorGauges;
  for (const k of MONITOR_GAUGES) g[k] = r[k];
  return g;
}

function toPoint(r: Row): Point {
  return { at: r.at.getTime(), instructions: Number(r.instructions), cycles: Number(r.cycles), hostMs: r.hostMs, counters: rowCounters(r), gauges: rowGauges(r) };
}

/** Counters as Prisma increments (samples of one second add up). */
function increments(c: MonitorCounters): Record<string, { increment: number }> {
  const out: Record<string, { increment: number }> = {};
  for (const k of MONITOR_COUNTERS) out[k] = { increment: c[k] };
  return out;
}

export interface History {
  stepSeconds: number;
  /** The tier the points were computed from. */
  tierSeconds: number;
  points: HistoryPoint[];
}

@Injectable()
export class MetricsService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('Metrics');
  private timer: NodeJS.Timeout | null = null;
  /** Per coarse tier: when it was last recomputed (null: catch up on the whole window). */
  private readonly lastRollup = new Map<number, number>();

  constructor(private readonly db: PrismaService) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.maintain(), ROLLUP_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer !== null) clearInterval(this.timer);
  }

  /** Store samples in the 1 s tier (samples falling in the same second add up). */
  async record(samples: MetricSample[]): Promise<void> {
    for (const s of samples) {
      const at = new Date(bucketStart(s.at, 1));
      const counters = { instructions: BigInt(Math.round(s.instructions)), cycles: BigInt(Math.round(s.cycles)), hostMs: s.hostMs };
      await this.db.metricSample.upsert({
        where: { vmId_stepSeconds_at: { vmId: s.vmId, stepSeconds: 1, at } },
        create: { vmId: s.vmId, stepSeconds: 1, at, ...counters, ...s.counters, ...s.gauges },
        update: {
          instructions: { increment: counters.instructions }, cycles: { increment: counters.cycles }, hostMs: { increment: counters.hostMs },
          ...increments(s.counters),
          ...s.gauges,
        },
      });
    }
  }

  async maintain(now = Date.now()): Promise<void> {
    try {
      await this.rollup(now);
      await this.prune(now);
    } catch (e) {
      this.log.error(`metrics maintenance: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Recompute each coarser tier from the one below it. */
  async rollup(now = Date.now()): Promise<void> {
    for (let i = 1; i < TIERS.length; i++) {
      const fine = TIERS[i - 1]!;
      const coarse = TIERS[i]!;
      // Buckets the fine tier still holds whole; since the last rollup (minus one bucket).
      const windowStart = bucketStart(now - fine.keepMs, coarse.stepSeconds) + coarse.stepSeconds * 1000;
      const last = this.lastRollup.get(coarse.stepSeconds);
      const from = Math.max(windowStart, last === undefined ? windowStart : bucketStart(last, coarse.stepSeconds) - coarse.stepSeconds * 1000);
      const rows = await this.db.metricSample.findMany({ where: { stepSeconds: fine.stepSeconds, at: { gte: new Date(from) } } });
      const byVm = new Map<string, Point[]>();
      for (const r of rows) {
        const list = byVm.get(r.vmId) ?? [];
        list.push(toPoint(r));
        byVm.set(r.vmId, list);
      }
      for (const [vmId, points] of byVm) {
        for (const b of downsample(points, coarse.stepSeconds)) {
          const data = { instructions: BigInt(Math.round(b.instructions)), cycles: BigInt(Math.round(b.cycles)), hostMs: b.hostMs, ...b.counters, ...b.gauges };
          const at = new Date(b.at);
          await this.db.metricSample.upsert({
            where: { vmId_stepSeconds_at: { vmId, stepSeconds: coarse.stepSeconds, at } },
            create: { vmId, stepSeconds: coarse.stepSeconds, at, ...data },
            update: data,
          });
        }
      }
      this.lastRollup.set(coarse.stepSeconds, now);
    }
  }

  /** Drop samples older than their tier keeps them. */
  async prune(now = Date.now()): Promise<void> {
    for (const t of TIERS) {
      await this.db.metricSample.deleteMany({ where: { stepSeconds: t.stepSeconds, at: { lt: new Date(now - t.keepMs) } } });
    }
  }

  async history(vmId: string, fromMs: number, toMs: number, stepSeconds: number, now = Date.now()): Promise<History> {
    const tier = tierFor(fromMs, stepSeconds, now);
    const rows = await this.db.metricSample.findMany({
      where: { vmId, stepSeconds: tier.stepSeconds, at: { gte: new Date(bucketStart(fromMs, tier.stepSeconds)), lt: new Date(toMs) } },
      orderBy: { at: 'asc' },
    });
    const points = downsample(
      rows.map(toPoint),
      Math.max(stepSeconds, tier.stepSeconds),
    );
    const step = Math.max(stepSeconds, tier.stepSeconds);
    return {
      stepSeconds: step,
      tierSeconds: tier.stepSeconds,
      points: points.map((p) => ({ at: new Date(p.at).toISOString(), instructions: p.instructions, cycles: p.cycles, hostMs: p.hostMs, mips: p.instructions / step / 1e6, counters: p.counters, gauges: p.gauges, localMissRatio: localMissRatio(p.counters) })),
    };
  }
}
