// Retention tiers: bucketing, downsampling sums, and which tier serves a query.
import { describe, expect, test } from '@jest/globals';
import { zeroCounters } from '../../../../libs/protocol/src/index.js';
import { bucketStart, downsample, tierFor, TIERS } from './tiers.js';

const c = (traps: number, cyclesUser: number) => ({ ...zeroCounters(), traps, cyclesUser });
const g = (replicaPages: number) => ({ replicaPages, sharedPages: replicaPages * 2 });

const HOUR = 3600_000;

describe('metric tiers', () => {
  test('bucketStart', () => {
    expect(bucketStart(61_500, 60)).toBe(60_000);
    expect(bucketStart(59_999, 60)).toBe(0);
    expect(bucketStart(7_200_001, 3600)).toBe(7_200_000);
  });

  test('downsample sums counters per bucket, in order', () => {
    const pts = [
      { at: 61_000, instructions: 5, cycles: 50, hostMs: 1, counters: c(7, 40), gauges: g(9) },
      { at: 59_000, instructions: 2, cycles: 20, hostMs: 0.5, counters: c(2, 16), gauges: g(4) },
      { at: 1_000, instructions: 1, cycles: 10, hostMs: 0.5, counters: c(1, 8), gauges: g(3) },
    ];
    // Counters add up; gauges are the bucket's latest point's value (59 s, though it came first).
    expect(downsample(pts, 60)).toEqual([
      { at: 0, instructions: 3, cycles: 30, hostMs: 1, counters: c(3, 24), gauges: g(4) },
      { at: 60_000, instructions: 5, cycles: 50, hostMs: 1, counters: c(7, 40), gauges: g(9) },
    ]);
    expect(pts[2]!.counters.traps).toBe(1); // the input is not changed
    expect(pts[2]!.gauges.replicaPages).toBe(3);
  });

  test('a query reads the coarsest tier that fits its step and still holds its start', () => {
    const now = 1000 * HOUR;
    expect(tierFor(now - 10 * 60_000, 1, now).stepSeconds).toBe(1);
    expect(tierFor(now - 10 * 60_000, 30, now).stepSeconds).toBe(1);
    expect(tierFor(now - 10 * 60_000, 300, now).stepSeconds).toBe(60);
    expect(tierFor(now - 2 * HOUR, 1, now).stepSeconds).toBe(60);
    expect(tierFor(now - 30 * 24 * HOUR, 60, now).stepSeconds).toBe(3600);
    expect(tierFor(now - 2 * 365 * 24 * HOUR, 60, now).stepSeconds).toBe(3600);
    expect(TIERS.map((t) => t.stepSeconds)).toEqual([1, 60, 3600]);
  });
});
