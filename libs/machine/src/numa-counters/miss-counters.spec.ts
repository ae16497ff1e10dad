// Unit tests of the FLASH-style per-page miss counters: per-node counting, saturation, the
// hot-page threshold crossing, the notification ring (order, wrap, overflow) and the resets.

import { describe, it, expect } from '@jest/globals';
import { MissCounters, MISS_PAGE_SIZE, HOT_RECORD_WORDS } from './miss-counters.js';

const MEM = 64 * MISS_PAGE_SIZE;

function drain(mc: MissCounters): [number, number, number][] {
  const out: [number, number, number][] = [];
  mc.drainHot((page, node, count) => out.push([page, node, count]));
  return out;
}

describe('MissCounters', () => {
  it('counts misses per page and per node', () => {
    const mc = new MissCounters({ memoryBytes: MEM, nodes: 4 });
    expect(mc.pages).toBe(64);
    mc.record(3 * MISS_PAGE_SIZE, 1);
    mc.record(3 * MISS_PAGE_SIZE + 4095, 1);
    mc.record(3 * MISS_PAGE_SIZE + 128, 2);
    mc.record(4 * MISS_PAGE_SIZE, 1);
    expect(mc.count(3, 1)).toBe(2);
    expect(mc.count(3, 2)).toBe(1);
    expect(mc.count(3, 0)).toBe(0);
    expect(mc.count(4, 1)).toBe(1);
    expect(mc.pageTotal(3)).toBe(3);
    expect(mc.counts[3 * 4 + 1]).toBe(2);
  });

  it('ignores addresses outside memory', () => {
    const mc = new MissCounters({ memoryBytes: MEM, nodes: 2 });
    mc.record(MEM, 0);
    mc.record(-4, 0); // 0xfffffffc as an unsigned address
    expect(mc.counts.every((c) => c === 0)).toBe(true);
  });

  it('saturates 16-bit counters instead of wrapping', () => {
    const mc = new MissCounters({ memoryBytes: MEM, nodes: 1 });
    for (let i = 0; i < 70000; i++) mc.record(0, 0);
    expect(mc.count(0, 0)).toBe(0xffff);
  });

  it('saturates 32-bit counters instead of wrapping', () => {
    const mc = new MissCounters({ memoryBytes: MEM, nodes: 1, counterBits: 32 });
    mc.counts[5] = 0xfffffffe;
    mc.record(5 * MISS_PAGE_SIZE, 0);
    mc.record(5 * MISS_PAGE_SIZE, 0);
    expect(mc.count(5, 0)).toBe(0xffffffff);
  });

  it('raises a hot-page notification exactly when the threshold is reached, once', () => {
    const mc = new MissCounters({ memoryBytes: MEM, nodes: 4, threshold: 3 });
    const pa = 7 * MISS_PAGE_SIZE + 256;
    mc.record(pa, 2);
    mc.record(pa, 2);
    expect(mc.pendingHot).toBe(0);
    mc.record(pa, 1); // another node's count does not add up
    expect(mc.pendingHot).toBe(0);
    mc.record(pa, 2);
    expect(mc.pendingHot).toBe(1);
    mc.record(pa, 2);
    mc.record(pa, 2);
    expect(mc.pendingHot).toBe(1);
    expect(drain(mc)).toEqual([[7, 2, 3]]);
    expect(mc.pendingHot).toBe(0);
    expect(mc.raisedHot).toBe(1);
    // The other node crosses on its own.
    mc.record(pa, 1);
    mc.record(pa, 1);
    expect(drain(mc)).toEqual([[7, 1, 3]]);
  });

  it('raises nothing with the threshold at 0 (off)', () => {
    const mc = new MissCounters({ memoryBytes: MEM, nodes: 2 });
    for (let i = 0; i < 100; i++) mc.record(0, 0);
    expect(mc.pendingHot).toBe(0);
    expect(mc.raisedHot).toBe(0);
  });

  it('threshold is programmable and validated', () => {
    const mc = new MissCounters({ memoryBytes: MEM, nodes: 2 });
    mc.threshold = 2;
    mc.record(0, 1);
    mc.record(0, 1);
    expect(drain(mc)).toEqual([[0, 1, 2]]);
    expect(() => (mc.threshold = 0x10000)).toThrow(RangeError);
    expect(() => (mc.threshold = -1)).toThrow(RangeError);
    expect(() => (mc.threshold = 1.5)).toThrow(RangeError);
    const wide = new MissCounters({ memoryBytes: MEM, nodes: 2, counterBits: 32 });
    wide.threshold = 1_000_000;
    expect(wide.threshold).toBe(1_000_000);
  });

  it('drops notifications when the ring is full and counts them', () => {
    const mc = new MissCounters({ memoryBytes: MEM, nodes: 1, threshold: 1, ringCapacity: 2 });
    mc.record(1 * MISS_PAGE_SIZE, 0);
    mc.record(2 * MISS_PAGE_SIZE, 0);
    mc.record(3 * MISS_PAGE_SIZE, 0);
    mc.record(4 * MISS_PAGE_SIZE, 0);
    expect(mc.pendingHot).toBe(2);
    expect(mc.droppedHot).toBe(2);
    expect(mc.raisedHot).toBe(4);
    expect(drain(mc)).toEqual([
      [1, 0, 1],
      [2, 0, 1],
    ]);
    mc.record(5 * MISS_PAGE_SIZE, 0);
    expect(drain(mc)).toEqual([[5, 0, 1]]);
    expect(mc.droppedHot).toBe(2);
  });

  it('keeps FIFO order across ring wrap-around', () => {
    const mc = new MissCounters({ memoryBytes: MEM, nodes: 1, threshold: 1, ringCapacity: 3 });
    let next = 0;
    const seen: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 2; i++) mc.record(next++ * MISS_PAGE_SIZE, 0);
      mc.drainHot((page) => seen.push(page));
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('pollHot fills [page, node, count] triples up to the room in the array', () => {
    const mc = new MissCounters({ memoryBytes: MEM, nodes: 4, threshold: 1 });
    mc.record(10 * MISS_PAGE_SIZE, 3);
    mc.record(11 * MISS_PAGE_SIZE, 0);
    mc.record(12 * MISS_PAGE_SIZE, 2);
    const out = new Int32Array(2 * HOT_RECORD_WORDS + 1);
    expect(mc.pollHot(out)).toBe(2);
    expect(Array.from(out.subarray(0, 6))).toEqual([10, 3, 1, 11, 0, 1]);
    expect(mc.pendingHot).toBe(1);
    expect(mc.pollHot(out)).toBe(1);
    expect(Array.from(out.subarray(0, 3))).toEqual([12, 2, 1]);
    expect(mc.pollHot(out)).toBe(0);
    expect(mc.pollHot(new Int32Array(2))).toBe(0);
  });

  it('resetCounters zeroes all counts so pages can become hot again', () => {
    const mc = new MissCounters({ memoryBytes: MEM, nodes: 2, threshold: 2 });
    mc.record(0, 0);
    mc.record(0, 0);
    mc.record(MISS_PAGE_SIZE, 1);
    expect(drain(mc)).toEqual([[0, 0, 2]]);
    mc.resetCounters();
    expect(mc.count(0, 0)).toBe(0);
    expect(mc.count(1, 1)).toBe(0);
    mc.record(0, 0);
    expect(mc.pendingHot).toBe(0);
    mc.record(0, 0);
    expect(drain(mc)).toEqual([[0, 0, 2]]);
  });

  it('resetPage zeroes one page for every node and nothing else', () => {
    const mc = new MissCounters({ memoryBytes: MEM, nodes: 2 });
    for (const pa of [0, 0, MISS_PAGE_SIZE, 2 * MISS_PAGE_SIZE]) {
      mc.record(pa, 0);
      mc.record(pa, 1);
    }
    mc.resetPage(1);
    expect([mc.count(0, 0), mc.count(0, 1)]).toEqual([2, 2]);
    expect([mc.count(1, 0), mc.count(1, 1)]).toEqual([0, 0]);
    expect([mc.count(2, 0), mc.count(2, 1)]).toEqual([1, 1]);
  });

  it('resetPageNode zeroes one node of one page; the others still reach the threshold', () => {
    const mc = new MissCounters({ memoryBytes: MEM, nodes: 3, threshold: 3 });
    for (let i = 0; i < 2; i++) for (const node of [0, 1, 2]) mc.record(0, node, i === 0 && node === 2);
    mc.resetPageNode(0, 1);
    expect([mc.count(0, 0), mc.count(0, 1), mc.count(0, 2)]).toEqual([2, 0, 2]);
    expect(mc.writeCount(0)).toBe(1); // coherence writes are kept
    mc.record(0, 2);
    expect(drain(mc)).toEqual([[0, 2, 3]]);
  });

  it('reset clears counts, ring and totals but keeps the threshold', () => {
    const mc = new MissCounters({ memoryBytes: MEM, nodes: 1, threshold: 1, ringCapacity: 1 });
    mc.record(0, 0);
    mc.record(MISS_PAGE_SIZE, 0);
    mc.reset();
    expect(mc.pendingHot).toBe(0);
    expect(mc.droppedHot).toBe(0);
    expect(mc.raisedHot).toBe(0);
    expect(mc.count(0, 0)).toBe(0);
    expect(mc.threshold).toBe(1);
  });

  it('rejects bad configurations', () => {
    expect(() => new MissCounters({ memoryBytes: 1000, nodes: 1 })).toThrow(RangeError);
    expect(() => new MissCounters({ memoryBytes: MEM, nodes: 0 })).toThrow(RangeError);
    expect(() => new MissCounters({ memoryBytes: MEM, nodes: 1, ringCapacity: 0 })).toThrow(RangeError);
    expect(() => new MissCounters({ memoryBytes: MEM, nodes: 1, threshold: 70000 })).toThrow(RangeError);
  });
});
