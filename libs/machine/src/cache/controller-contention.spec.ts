// Unit tests of the node-controller contention model of the cache model: off by default, the
// windowed M/D/1 wait per home node, smoothing, the saturation cap, decay when the load goes,
// and the per-controller statistics.

import { describe, it, expect } from '@jest/globals';
import {
  CacheModel,
  CONTROLLER_LOAD_SMOOTHING,
  DEFAULT_CONTROLLER_OCCUPANCY_CYCLES,
  type CacheModelConfig,
} from './cache-model.js';

// 4 CPUs in 2 nodes (cpus 0,1 on node 0; 2,3 on node 1), 64 KiB of RAM (node 1 owns [32K, 64K)),
// caches large enough that every distinct line below misses exactly once.
const MEM = 64 * 1024;
const NODE1 = 32 * 1024;
const LINE = 128;
const L = 60;
const R = 180;

function model(extra: Partial<CacheModelConfig> = {}): CacheModel {
  return new CacheModel({ cpus: 4, nodes: 2, memoryBytes: MEM, cacheBytes: 16 * 1024, ways: 2, ...extra });
}

/** `n` read misses by `cpu` to distinct lines starting at `pa`; returns the stalls. */
function misses(m: CacheModel, cpu: number, pa: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => m.access(cpu, pa + i * LINE, false));
}

/** The M/D/1 mean wait the model should charge after one window at utilisation `u`. */
function expectedWait(occupancy: number, load: number): number {
  return Math.round((occupancy * load) / (2 * (1 - load)));
}

describe('CacheModel node-controller contention', () => {
  it('is off by default: no waits, endWindow changes nothing', () => {
    expect(DEFAULT_CONTROLLER_OCCUPANCY_CYCLES).toBe(0);
    const m = model();
    expect(misses(m, 0, 0, 40).every((s) => s === L)).toBe(true);
    m.endWindow(1000);
    expect(misses(m, 0, 40 * LINE, 4)).toEqual([L, L, L, L]);
    expect(m.totals().queueStallCycles).toBe(0);
    expect(m.controllerStats(0)).toEqual({ requests: 0, utilisation: 0, peakUtilisation: 0, queuedCycles: 0, meanQueueCycles: 0 });
  });

  it('charges the M/D/1 wait of the home node measured in the previous window', () => {
    const occupancy = 20;
    const m = model({ controllerOccupancyCycles: occupancy });
    // First window: no history, so no wait yet; 40 requests x 20 cycles in 1000 cycles = 80 % busy.
    expect(misses(m, 0, 0, 40).every((s) => s === L)).toBe(true);
    m.endWindow(1000);
    const load = CONTROLLER_LOAD_SMOOTHING * 0.8;
    const wait = expectedWait(occupancy, load);
    expect(wait).toBe(7); // 20 × 0.4 / 1.2
    // Node 0's requests now wait; node 1's controller was idle.
    expect(m.access(0, 40 * LINE, false)).toBe(L + wait); // local miss, node 0 busy
    expect(m.access(2, 41 * LINE, false)).toBe(R + wait); // remote miss to node 0
    expect(m.access(0, NODE1, false)).toBe(R); // node 1 idle
    expect(m.stats(0).queueStallCycles).toBe(wait);
    expect(m.stats(2).queueStallCycles).toBe(wait);
    expect(m.stats(0).stallCycles).toBe(40 * L + L + wait + R);
    // Upgrades and uncached accesses queue at their home node too.
    m.access(1, 40 * LINE, false); // a second sharer, so the next write by CPU 0 is an upgrade
    expect(m.access(0, 40 * LINE, true)).toBe(L + wait);
    expect(m.uncached(3, 100, false)).toBe(R + wait);
  });

  it('smooths the load over windows and lets it decay when the requests stop', () => {
    const occupancy = 10;
    const m = model({ controllerOccupancyCycles: occupancy });
    let load = 0;
    let pa = 0;
    for (let w = 0; w < 3; w++) {
      misses(m, 2, NODE1 + pa, 50); // 50 × 10 in 1000 cycles: 50 % busy
      pa += 50 * LINE;
      m.endWindow(1000);
      load += CONTROLLER_LOAD_SMOOTHING * (0.5 - load);
      expect(m.access(3, NODE1 + pa, false)).toBe(L + expectedWait(occupancy, load));
      pa += LINE;
    }
    expect(m.controllerStats(1).peakUtilisation).toBeGreaterThan(0.4);
    // Idle windows: the load halves each time and the wait goes back to 0.
    for (let w = 0; w < 12; w++) m.endWindow(1000);
    expect(m.access(3, NODE1 + pa, false)).toBe(L);
  });

  it('caps the wait at every other CPU being ahead when a controller saturates', () => {
    const occupancy = 30;
    const m = model({ controllerOccupancyCycles: occupancy });
    let pa = 0;
    for (let w = 0; w < 6; w++) {
      misses(m, 1, pa, 40); // 40 × 30 = 1200 busy cycles in a 1000-cycle window (all on node 0)
      pa += 40 * LINE;
      m.endWindow(1000);
    }
    expect(m.access(0, pa, false)).toBe(L + 3 * occupancy);
  });

  it('reports requests, utilisation and mean wait per controller; resetStats clears them', () => {
    const occupancy = 20;
    const m = model({ controllerOccupancyCycles: occupancy });
    misses(m, 0, 0, 40);
    m.endWindow(1000);
    misses(m, 0, 40 * LINE, 10); // each waits 7
    m.endWindow(1000);
    const s = m.controllerStats(0);
    expect(s.requests).toBe(50);
    expect(s.utilisation).toBeCloseTo((50 * occupancy) / 2000, 10);
    expect(s.queuedCycles).toBe(10 * 7);
    expect(s.meanQueueCycles).toBeCloseTo((10 * 7) / 50, 10);
    expect(m.controllerStats(1).requests).toBe(0);
    m.resetStats();
    expect(m.controllerStats(0)).toEqual({ requests: 0, utilisation: 0, peakUtilisation: 0, queuedCycles: 0, meanQueueCycles: 0 });
    expect(() => m.controllerStats(2)).toThrow(RangeError);
  });

  it('rejects a bad occupancy', () => {
    for (const bad of [-1, 1.5, Number.NaN, 1e6]) {
      expect(() => model({ controllerOccupancyCycles: bad })).toThrow(/controllerOccupancyCycles/);
    }
  });
});
