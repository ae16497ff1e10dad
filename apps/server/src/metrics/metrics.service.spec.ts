// MetricsService on a real SQLite file: samples land in the 1 s tier (same second adds up),
// roll-up fills the 1 min and 1 h tiers from the finer ones, pruning keeps each tier's window,
// and history reads the fitting tier and downsamples it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { zeroCounters, type MetricSample } from '../../../../libs/protocol/src/index.js';
import { loadConfig } from '../config/config.js';
import { PrismaService } from '../db/prisma.service.js';
import { MetricsService } from './metrics.service.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** A fixed "now" on an hour boundary plus 30 s. */
const NOW = Date.UTC(2026, 5, 1, 12, 0, 30);

let dir: string;
let db: PrismaService;
let metrics: MetricsService;

function sample(at: number, instructions: number): MetricSample {
  return {
    vmId: 'vm-a', runId: 'run-a', at, intervalMs: 1000, instructions, cycles: instructions * 2, hostMs: 1, mips: instructions / 1e6,
    counters: { ...zeroCounters(), traps: instructions, tlbMisses: 1, cyclesUser: instructions * 3, cacheLocalMisses: 3, cacheRemoteMisses: 1, numaMigrations: 1 },
    // A gauge: the second's index since the first sample (so "the last value" is recognisable).
    gauges: { replicaPages: Math.floor((at - (NOW - 3 * MIN)) / 1000), sharedPages: 2 },
    localMissRatio: 0.75,
    totals: { instructions: 0, cycles: 0, hostMs: 0, boots: 1 },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'disco-metrics-'));
  db = new PrismaService(loadConfig({ DISCO_DATA_DIR: dir }));
  await db.$connect();
  metrics = new MetricsService(db);
  // One sample a second over the last 3 minutes, 10 instructions each; two in one second.
  const samples: MetricSample[] = [];
  for (let t = NOW - 3 * MIN; t < NOW; t += 1000) samples.push(sample(t, 10));
  samples.push(sample(NOW - 3 * MIN + 400, 5));
  await metrics.record(samples);
});

afterAll(async () => {
  await db.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

async function tier(stepSeconds: number): Promise<{ at: number; instructions: number }[]> {
  const rows = await db.metricSample.findMany({ where: { stepSeconds }, orderBy: { at: 'asc' } });
  return rows.map((r) => ({ at: r.at.getTime(), instructions: Number(r.instructions) }));
}

describe('MetricsService', () => {
  test('samples of the same second add up in the 1 s tier', async () => {
    const fine = await tier(1);
    expect(fine).toHaveLength(180);
    expect(fine[0]).toEqual({ at: NOW - 3 * MIN, instructions: 15 });
  });

  test('roll-up: minutes from seconds, hours from minutes', async () => {
    await metrics.rollup(NOW);
    const minutes = await tier(60);
    expect(minutes.map((m) => m.at)).toEqual([NOW - 30_000 - 3 * MIN, NOW - 30_000 - 2 * MIN, NOW - 30_000 - MIN, NOW - 30_000]);
    expect(minutes.map((m) => m.instructions)).toEqual([305, 600, 600, 300]);
    await metrics.rollup(NOW);
    expect(await tier(60)).toEqual(minutes);
    const minuteRows = await db.metricSample.findMany({ where: { stepSeconds: 60 }, orderBy: { at: 'asc' } });
    expect(minuteRows.map((r) => [r.traps, r.tlbMisses, r.cyclesUser, r.numaMigrations])).toEqual([[305, 31, 915, 31], [600, 60, 1800, 60], [600, 60, 1800, 60], [300, 30, 900, 30]]);
    // Gauges are not summed: a bucket keeps its last second's value.
    expect(minuteRows.map((r) => [r.replicaPages, r.sharedPages])).toEqual([[29, 2], [89, 2], [149, 2], [179, 2]]);
    const hourRows = await db.metricSample.findMany({ where: { stepSeconds: 3600 }, orderBy: { at: 'asc' } });
    expect(hourRows.map((r) => r.replicaPages)).toEqual([149, 179]);
    const hours = await tier(3600);
    expect(hours).toEqual([
      { at: NOW - 30_000 - HOUR, instructions: 305 + 600 + 600 },
      { at: NOW - 30_000, instructions: 300 },
    ]);
  });

  test('history: the fine tier for recent ranges, downsampled to the step', async () => {
    const h = await metrics.history('vm-a', NOW - 2 * MIN, NOW, 30, NOW);
    expect(h).toMatchObject({ tierSeconds: 1, stepSeconds: 30 });
    expect(h.points).toHaveLength(4);
    expect(h.points.every((p) => p.instructions === 300)).toBe(true);
    expect(h.points.every((p) => p.counters.traps === 300 && p.counters.tlbMisses === 30 && p.counters.cacheRemoteMisses === 30 && p.counters.numaMigrations === 30)).toBe(true);
    expect(h.points.map((p) => p.gauges.replicaPages)).toEqual([89, 119, 149, 179]);
    expect(h.points.every((p) => p.localMissRatio === 0.75)).toBe(true);
    const old = await metrics.history('vm-a', NOW - 2 * HOUR, NOW, 1, NOW);
    expect(old.tierSeconds).toBe(60);
  });

  test('pruning keeps each tier its window', async () => {
    await metrics.prune(NOW + HOUR - 90_000);
    expect((await tier(1)).length).toBe(90);
    await metrics.prune(NOW + 2 * HOUR);
    expect(await tier(1)).toHaveLength(0);
    expect((await tier(60)).length).toBe(4);
    await metrics.prune(NOW + 8 * 24 * HOUR);
    expect(await tier(60)).toHaveLength(0);
    expect(await tier(3600)).toHaveLength(2);
  });
});
