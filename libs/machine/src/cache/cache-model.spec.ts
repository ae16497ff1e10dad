// Unit tests of the timed-mode cache model: hits and LRU eviction, local vs remote latency by
// home node, write-invalidate coherence (upgrades, cache-to-cache reads), page invalidation,
// the miss-counter wiring, and a randomized comparison against a plain reference model.

import { describe, it, expect } from '@jest/globals';
import {
  CacheModel,
  type CacheModelConfig,
  CPU_CLOCK_HZ,
  DEFAULT_CACHE_BYTES,
  DEFAULT_LINE_BYTES,
  DEFAULT_LOCAL_MISS_CYCLES,
  DEFAULT_REMOTE_MISS_CYCLES,
  DEFAULT_WAYS,
  LOCAL_MISS_NS,
  REMOTE_MISS_NS,
  nsToCycles,
} from './cache-model.js';
import { MissCounters } from '../numa-counters/miss-counters.js';

// A small machine: 4 CPUs in 2 nodes (cpus 0,1 on node 0; 2,3 on node 1), 64 KiB of RAM
// (node 0 owns [0, 32K), node 1 [32K, 64K)), 1 KiB 2-way caches of 128-byte lines: 4 sets,
// so addresses 512 bytes apart fall in the same set.
const MEM = 64 * 1024;
const NODE1 = 32 * 1024;
const SET_STRIDE = 512;
const L = 60;
const R = 180;

function small(extra: Partial<CacheModelConfig> = {}): CacheModel {
  return new CacheModel({ cpus: 4, nodes: 2, memoryBytes: MEM, cacheBytes: 1024, ways: 2, ...extra });
}

describe('CacheModel defaults', () => {
  it('derives the paper latencies at a 200 MHz clock', () => {
    expect(CPU_CLOCK_HZ).toBe(200_000_000);
    expect(nsToCycles(LOCAL_MISS_NS)).toBe(DEFAULT_LOCAL_MISS_CYCLES);
    expect(nsToCycles(REMOTE_MISS_NS)).toBe(DEFAULT_REMOTE_MISS_CYCLES);
    expect([DEFAULT_LOCAL_MISS_CYCLES, DEFAULT_REMOTE_MISS_CYCLES]).toEqual([60, 180]);
  });

  it('builds the default 8-CPU, 4-node geometry with 1 MiB 2-way caches of 128-byte lines', () => {
    const m = new CacheModel({ cpus: 8, nodes: 4, memoryBytes: 16 << 20 });
    expect(m.lineBytes).toBe(DEFAULT_LINE_BYTES);
    expect(m.cacheBytes).toBe(DEFAULT_CACHE_BYTES);
    expect(m.ways).toBe(DEFAULT_WAYS);
    expect(m.sets).toBe((1 << 20) / (128 * 2));
    expect(Array.from(m.cpuNode)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(m.homeNode(0)).toBe(0);
    expect(m.homeNode((16 << 20) - 1)).toBe(3);
    expect(m.access(0, 0, false)).toBe(60);
    expect(m.access(0, 4 << 20, false)).toBe(180);
  });

  it('accepts the CPU-to-node map as a function or an array', () => {
    expect(Array.from(small({ cpuNode: (c) => c & 1 }).cpuNode)).toEqual([0, 1, 0, 1]);
    expect(Array.from(small({ cpuNode: [1, 1, 0, 0] }).cpuNode)).toEqual([1, 1, 0, 0]);
    expect(() => small({ cpuNode: [0, 1, 2, 0] })).toThrow(RangeError);
  });

  it('rejects bad geometry', () => {
    expect(() => small({ cacheBytes: 1000 })).toThrow(RangeError);
    expect(() => small({ lineBytes: 96 })).toThrow(RangeError);
    expect(() => small({ ways: 0 })).toThrow(RangeError);
    expect(() => small({ cpus: 33 })).toThrow(RangeError);
    expect(() => small({ nodeBytes: 1024 })).toThrow(RangeError);
    expect(() => small({ missCounters: new MissCounters({ memoryBytes: MEM, nodes: 4 }) })).toThrow(RangeError);
  });
});

describe('CacheModel hits and eviction', () => {
  it('misses once, then hits anywhere in the line', () => {
    const m = small();
    expect(m.access(0, 0x100, false)).toBe(L);
    expect(m.access(0, 0x100, false)).toBe(0);
    expect(m.access(0, 0x17c, false)).toBe(0);
    expect(m.access(0, 0x104, true)).toBe(0); // Exclusive after the read miss: silent write
    expect(m.access(0, 0x180, false)).toBe(L); // next line
    const s = m.stats(0);
    expect([s.hits, s.readMisses, s.writeMisses, s.localMisses, s.remoteMisses]).toEqual([3, 2, 0, 2, 0]);
    expect(s.stallCycles).toBe(2 * L);
  });

  it('charges hitCycles on hits when configured', () => {
    const m = small({ hitCycles: 2 });
    m.access(0, 0, false);
    expect(m.access(0, 0, false)).toBe(2);
    expect(m.stats(0).stallCycles).toBe(L + 2);
  });

  it('evicts the least recently used way on a conflict', () => {
    const m = small();
    const [a, b, c] = [0, SET_STRIDE, 2 * SET_STRIDE];
    expect(m.access(0, a, false)).toBe(L);
    expect(m.access(0, b, false)).toBe(L);
    expect(m.access(0, a, false)).toBe(0); // a becomes most recent
    expect(m.access(0, c, false)).toBe(L); // evicts b
    expect(m.access(0, a, false)).toBe(0);
    expect(m.access(0, c, false)).toBe(0);
    expect(m.access(0, b, false)).toBe(L); // evicts a
    expect(m.lineState(0, a)).toBe('I');
    expect(m.stats(0).evictions).toBe(2);
  });

  it('holds exactly its capacity', () => {
    const m = small();
    for (let pa = 0; pa < 1024; pa += 128) expect(m.access(1, pa, false)).toBe(L);
    for (let pa = 0; pa < 1024; pa += 128) expect(m.access(1, pa, false)).toBe(0);
    // One line more than fits, walked cyclically: LRU misses every time.
    const m2 = small();
    let stall = 0;
    for (let round = 0; round < 3; round++) for (let pa = 0; pa < 1024 + 4 * 128; pa += 128) stall += m2.access(1, pa, false);
    expect(stall).toBe(3 * 12 * L);
  });

  it('writes back Modified lines on eviction', () => {
    const m = small();
    m.access(0, 0, true);
    m.access(0, SET_STRIDE, false);
    m.access(0, 2 * SET_STRIDE, false);
    expect(m.stats(0).writebacks).toBe(1);
    expect(m.lineState(0, 0)).toBe('I');
  });

  it('does not cache addresses outside RAM', () => {
    const m = small();
    expect(m.access(0, MEM, false)).toBe(0);
    expect(m.access(0, 0xbfc00000 | 0, true)).toBe(0);
    expect(m.totals().hits + m.totals().readMisses + m.totals().writeMisses).toBe(0);
  });
});

describe('CacheModel latency by home node', () => {
  it('charges local or remote by the node owning the address', () => {
    const m = small();
    expect(m.access(0, 0, false)).toBe(L); // node 0 memory, node 0 cpu
    expect(m.access(1, NODE1 + 128, false)).toBe(R); // node 1 memory, node 0 cpu
    expect(m.access(2, 0x200, false)).toBe(R); // node 0 memory, node 1 cpu
    expect(m.access(3, NODE1 + 0x400, true)).toBe(L); // node 1 memory, node 1 cpu
    expect(m.access(3, NODE1 - 4, false)).toBe(R); // last word of node 0
    expect([m.stats(0).localMisses, m.stats(1).remoteMisses, m.stats(2).remoteMisses, m.stats(3).localMisses]).toEqual([1, 1, 1, 1]);
    expect(m.stats(3).remoteMisses).toBe(1);
    expect(m.stats(1).remoteStallCycles).toBe(R);
    expect(m.totals().localStallCycles).toBe(2 * L);
  });

  it('uses the configured latencies', () => {
    const m = small({ localMissCycles: 10, remoteMissCycles: 30 });
    expect(m.access(0, 0, false)).toBe(10);
    expect(m.access(0, NODE1, false)).toBe(30);
  });
});

describe('CacheModel uncached accesses', () => {
  it('charge the memory latency by home node and leave the caches alone', () => {
    const m = small();
    expect(m.uncached(0, 0x40, false)).toBe(L);
    expect(m.uncached(0, NODE1 + 0x40, true)).toBe(R);
    expect(m.uncached(2, 0x40, true)).toBe(R);
    expect(m.uncached(0, MEM + 8, false)).toBe(0);
    expect(m.lineState(0, 0x40)).toBe('I');
    expect(m.access(0, 0x40, false)).toBe(L);
    const s = m.stats(0);
    expect([s.uncached, s.readMisses, s.localStallCycles, s.remoteStallCycles]).toEqual([2, 1, 2 * L, R]);
  });
});

describe('CacheModel coherence', () => {
  it('a write invalidates other copies, and their next read misses', () => {
    const m = small();
    const x = 0x300;
    m.access(0, x, false);
    m.access(1, x, false);
    m.access(2, x, false);
    expect([m.lineState(0, x), m.lineState(1, x), m.lineState(2, x)]).toEqual(['S', 'S', 'S']);
    // Write hit on a Shared line: an upgrade, charged like a miss to the home (node 0, local).
    expect(m.access(0, x, true)).toBe(L);
    expect([m.lineState(0, x), m.lineState(1, x), m.lineState(2, x)]).toEqual(['M', 'I', 'I']);
    expect(m.stats(0).upgrades).toBe(1);
    expect(m.stats(0).invalidationsSent).toBe(2);
    expect(m.stats(1).invalidationsReceived).toBe(1);
    expect(m.stats(2).invalidationsReceived).toBe(1);
    // Further writes by the owner hit.
    expect(m.access(0, x + 4, true)).toBe(0);
    // cpu 1 misses again; cpu 0 (Modified, same node) supplies it and drops to Shared.
    expect(m.access(1, x, false)).toBe(L);
    expect(m.stats(1).cacheToCache).toBe(1);
    expect(m.stats(0).writebacks).toBe(1);
    expect([m.lineState(0, x), m.lineState(1, x)]).toEqual(['S', 'S']);
  });

  it('an upgrade to a line homed on another node costs the remote latency', () => {
    const m = small();
    m.access(0, NODE1, false);
    m.access(1, NODE1, false);
    expect(m.access(1, NODE1, true)).toBe(R);
    expect(m.stats(1).remoteStallCycles).toBe(2 * R);
    expect(m.stats(1).remoteMisses).toBe(1); // upgrades are not misses
  });

  it('a read of a line Modified on another node is remote, from the owner cache', () => {
    const m = small();
    const x = 0x800; // home node 0
    expect(m.access(0, x, true)).toBe(L);
    expect(m.lineState(0, x)).toBe('M');
    expect(m.access(2, x, false)).toBe(R); // owner cpu 0 is on node 0, requester on node 1
    expect(m.stats(2).cacheToCache).toBe(1);
    expect(m.stats(2).remoteMisses).toBe(1);
    expect([m.lineState(0, x), m.lineState(2, x)]).toEqual(['S', 'S']);
  });

  it('a Modified copy on the requester node is served locally even when the home is remote', () => {
    const m = small();
    const y = 0x900; // home node 0
    expect(m.access(2, y, true)).toBe(R);
    expect(m.access(3, y, false)).toBe(L); // owner cpu 2 shares node 1 with cpu 3
    expect(m.stats(3).cacheToCache).toBe(1);
  });

  it('a write miss to a line Modified elsewhere moves ownership', () => {
    const m = small();
    const x = NODE1 + 0x80;
    m.access(3, x, true);
    expect(m.access(0, x, true)).toBe(R); // owner cpu 3 on node 1
    expect([m.lineState(0, x), m.lineState(3, x)]).toEqual(['M', 'I']);
    expect(m.stats(0).invalidationsSent).toBe(1);
    expect(m.stats(3).invalidationsReceived).toBe(1);
    expect(m.stats(3).writebacks).toBe(0);
  });

  it('a read of an Exclusive (clean) line elsewhere comes from memory and shares it', () => {
    const m = small();
    const x = NODE1 + 0x100;
    m.access(0, x, false);
    expect(m.lineState(0, x)).toBe('E');
    expect(m.access(3, x, false)).toBe(L); // home node 1 = cpu 3's node
    expect(m.stats(3).cacheToCache).toBe(0);
    expect([m.lineState(0, x), m.lineState(3, x)]).toEqual(['S', 'S']);
    expect(m.access(0, x, true)).toBe(R); // upgrade at the remote home
    expect(m.lineState(3, x)).toBe('I');
  });

  it('MSI mode: a read then a write by one CPU pays an upgrade', () => {
    const m = small({ exclusiveOnRead: false });
    m.access(0, 0, false);
    expect(m.lineState(0, 0)).toBe('S');
    expect(m.access(0, 0, true)).toBe(L);
    expect(m.stats(0).upgrades).toBe(1);
    expect(m.stats(0).invalidationsSent).toBe(0);
    expect(m.access(0, 0, true)).toBe(0);
  });

  it('invalidatePage drops every copy of the page, free of charge', () => {
    const m = small();
    m.access(0, 0x1000, false);
    m.access(2, 0x1f80, true);
    m.access(1, 0x2000, false); // next page
    m.invalidatePage(0x1234);
    expect(m.lineState(0, 0x1000)).toBe('I');
    expect(m.lineState(2, 0x1f80)).toBe('I');
    expect(m.lineState(1, 0x2000)).toBe('E');
    expect(m.externalInvalidations).toBe(2);
    expect(m.access(0, 0x1000, false)).toBe(L);
    expect(m.access(1, 0x1f80, true)).toBe(L); // the old Modified owner is gone
    expect(m.access(1, 0x2000, false)).toBe(0);
  });

  it('flushCpu, flushAll and reset', () => {
    const m = small();
    m.access(0, 0, true);
    m.access(1, 128, false);
    m.flushCpu(0);
    expect(m.lineState(0, 0)).toBe('I');
    expect(m.stats(0).writebacks).toBe(1);
    expect(m.access(1, 0, true)).toBe(L);
    m.flushAll();
    expect(m.lineState(1, 128)).toBe('I');
    expect(m.stats(1).writeMisses).toBe(1);
    m.access(1, 128, false);
    m.reset();
    expect(m.stats(1)).toEqual(new CacheModel({ cpus: 1, nodes: 1, memoryBytes: 4096 }).stats(0));
    expect(m.access(1, 128, false)).toBe(L);
  });
});

describe('CacheModel miss counters', () => {
  it('records every miss at the requester node, but not hits or upgrades', () => {
    const mc = new MissCounters({ memoryBytes: MEM, nodes: 2, threshold: 3 });
    const m = small({ missCounters: mc });
    m.access(0, 0x10, false); // miss, node 0
    m.access(0, 0x10, false); // hit
    m.access(2, 0x10, false); // miss, node 1
    m.access(2, 0x10, true); // upgrade
    m.access(0, 0x90, false); // miss, node 0, same page
    expect(mc.count(0, 0)).toBe(2);
    expect(mc.count(0, 1)).toBe(1);
    expect(mc.pendingHot).toBe(0);
    m.access(1, 0x10, false); // miss (from cpu 2's Modified copy), node 0: the third
    const hot: number[][] = [];
    mc.drainHot((page, node, count) => hot.push([page, node, count]));
    expect(hot).toEqual([[0, 0, 3]]);
  });

  it('counts coherence writes per page: write misses and upgrades, not read misses or private write hits', () => {
    const mc = new MissCounters({ memoryBytes: MEM, nodes: 2 });
    const m = small({ missCounters: mc });
    m.access(0, 0x10, false); // read miss
    m.access(2, 0x10, false); // read miss: shared by two CPUs
    expect(mc.writeCount(0)).toBe(0);
    m.access(2, 0x10, true); // upgrade
    expect(mc.writeCount(0)).toBe(1);
    m.access(2, 0x10, true); // write hit on its own Modified line: no coherence traffic
    expect(mc.writeCount(0)).toBe(1);
    m.access(0, 0x1010, true); // write miss on page 1
    expect(mc.writeCount(1)).toBe(1);
    mc.resetPage(0);
    expect(mc.writeCount(0)).toBe(0);
    expect(mc.writeCount(1)).toBe(1);
    mc.resetCounters();
    expect(mc.writeCount(1)).toBe(0);
  });
});

// ---- randomized comparison against a straightforward reference model -----------------------

interface RefLine {
  sharers: Set<number>;
  owner: number;
  dirty: boolean;
}

/** The same rules written plainly with arrays and maps, one LRU list per (cpu, set). */
class RefModel {
  private readonly sets: number[][][];
  private readonly dir = new Map<number, RefLine>();
  constructor(
    private readonly cfg: { cpus: number; nodeOf: number[]; nodeBytes: number; lineBytes: number; sets: number; ways: number; exclusive: boolean },
  ) {
    this.sets = Array.from({ length: cfg.cpus }, () => Array.from({ length: cfg.sets }, () => []));
  }
  private entry(line: number): RefLine {
    let e = this.dir.get(line);
    if (e === undefined) this.dir.set(line, (e = { sharers: new Set(), owner: -1, dirty: false }));
    return e;
  }
  private lru(cpu: number, line: number): number[] {
    return this.sets[cpu][line % this.cfg.sets];
  }
  private drop(cpu: number, line: number): void {
    const l = this.lru(cpu, line);
    l.splice(l.indexOf(line), 1);
    const e = this.entry(line);
    e.sharers.delete(cpu);
    if (e.owner === cpu) {
      e.owner = -1;
      e.dirty = false;
    }
  }
  access(cpu: number, pa: number, write: boolean): number {
    const line = Math.floor(pa / this.cfg.lineBytes);
    const home = Math.floor(pa / this.cfg.nodeBytes);
    const me = this.cfg.nodeOf[cpu];
    const lat = (local: boolean) => (local ? L : R);
    const l = this.lru(cpu, line);
    const e = this.entry(line);
    const i = l.indexOf(line);
    if (i >= 0) {
      l.splice(i, 1);
      l.unshift(line);
      if (!write) return 0;
      if (e.owner === cpu) {
        e.dirty = true;
        return 0;
      }
      for (const s of [...e.sharers]) if (s !== cpu) this.drop(s, line);
      e.owner = cpu;
      e.dirty = true;
      return lat(home === me);
    }
    let local = home === me;
    if (e.owner >= 0) {
      const o = e.owner;
      if (e.dirty) local = this.cfg.nodeOf[o] === me;
      if (write) this.drop(o, line);
      else {
        e.owner = -1;
        e.dirty = false;
      }
    } else if (write) {
      for (const s of [...e.sharers]) this.drop(s, line);
    }
    if (write) {
      e.owner = cpu;
      e.dirty = true;
    } else if (this.cfg.exclusive && e.sharers.size === 0) {
      e.owner = cpu;
      e.dirty = false;
    }
    if (l.length === this.cfg.ways) this.drop(cpu, l[l.length - 1]);
    l.unshift(line);
    e.sharers.add(cpu);
    return lat(local);
  }
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('CacheModel against a reference model', () => {
  for (const [ways, exclusive] of [
    [1, true],
    [2, true],
    [4, false],
    [4, true],
  ] as const) {
    it(`agrees on 20000 random accesses (${ways}-way, ${exclusive ? 'MESI' : 'MSI'})`, () => {
      const cpus = 6;
      const nodeOf = [0, 0, 1, 1, 2, 2];
      const memoryBytes = 3 * 8192;
      const cacheBytes = 64 * 4 * ways; // 4 sets of 64-byte lines
      const m = new CacheModel({ cpus, nodes: 3, memoryBytes, lineBytes: 64, cacheBytes, ways, exclusiveOnRead: exclusive });
      const ref = new RefModel({ cpus, nodeOf, nodeBytes: 8192, lineBytes: 64, sets: 4, ways, exclusive });
      const rand = rng(1234 + ways);
      // A small hot set of lines so that sharing, conflicts and ownership changes are frequent.
      const hot = Array.from({ length: 24 }, () => Math.floor(rand() * memoryBytes) & ~3);
      let total = 0;
      for (let i = 0; i < 20000; i++) {
        const cpu = Math.floor(rand() * cpus);
        const pa = hot[Math.floor(rand() * hot.length)];
        const write = rand() < 0.3;
        const got = m.access(cpu, pa, write);
        const want = ref.access(cpu, pa, write);
        if (got !== want) throw new Error(`access ${i}: cpu ${cpu} pa ${pa} write ${write}: got ${got}, want ${want}`);
        total += got;
        if (i % 997 === 0) {
          // Invariant: an Exclusive/Modified copy is the only copy.
          for (const p of hot) {
            const states = Array.from({ length: cpus }, (_, c) => m.lineState(c, p));
            const owners = states.filter((s) => s === 'E' || s === 'M').length;
            const copies = states.filter((s) => s !== 'I').length;
            expect(owners === 0 || copies === 1).toBe(true);
          }
        }
      }
      const t = m.totals();
      expect(t.stallCycles).toBe(total);
      expect(t.localMisses + t.remoteMisses).toBe(t.readMisses + t.writeMisses);
      expect(t.hits + t.readMisses + t.writeMisses + t.upgrades).toBe(20000);
      expect(t.invalidationsSent).toBe(t.invalidationsReceived);
    });
  }
});
