// Timed-mode memory model of the cc-NUMA board: one set-associative cache per CPU, kept coherent
// by a directory with write-invalidate (MESI, or MSI), turning each access into stall cycles by
// where the data comes from (FLASH: 300 ns local, 900 ns remote) and, optionally, by how busy
// the home node's controller is (a windowed M/D/1 queue per node). Timing only: data stays in RAM.

import type { MissCounters } from '../numa-counters/miss-counters.js';

/** Emulated CPU clock. The paper does not state one; 200 MHz is the project's choice. */
export const CPU_CLOCK_HZ = 200_000_000;
/** FLASH minimum cache-miss latency to the local node's memory (Disco §5.1). */
export const LOCAL_MISS_NS = 300;
/** FLASH minimum cache-miss latency to another node's memory (Disco §5.1). */
export const REMOTE_MISS_NS = 900;

/** Nanoseconds to whole CPU cycles at `hz`. */
export function nsToCycles(ns: number, hz: number = CPU_CLOCK_HZ): number {
  return Math.round((ns * hz) / 1e9);
}

/** 300 ns at 200 MHz. */
export const DEFAULT_LOCAL_MISS_CYCLES = 60;
/** 900 ns at 200 MHz. */
export const DEFAULT_REMOTE_MISS_CYCLES = 180;
/** A hit in the modelled (board-level) cache costs nothing beyond the instruction itself. */
export const DEFAULT_HIT_CYCLES = 0;
/** FLASH's and the R10000 secondary cache's 128-byte line. */
export const DEFAULT_LINE_BYTES = 128;
/** The paper's 1 MB board-level cache per CPU (256 KB in the Raytrace NUMA run). */
export const DEFAULT_CACHE_BYTES = 1 << 20;
/** The R10000 secondary cache is two-way set associative. */
export const DEFAULT_WAYS = 2;
/** Sharer sets are 32-bit masks. */
export const MAX_CPUS = 32;
/** Node-controller occupancy per request: 0 = contention-free, the paper's minimum latencies. */
export const DEFAULT_CONTROLLER_OCCUPANCY_CYCLES = 0;
/**
 * Weight of the newest window in a node controller's smoothed utilisation. Halving damps the
 * feedback (a busy window slows the CPUs, so the next one brings fewer requests) without
 * lagging more than a couple of windows behind a change of load.
 */
export const CONTROLLER_LOAD_SMOOTHING = 0.5;
/** Utilisation above which a controller counts as saturated (the M/D/1 wait is capped). */
export const CONTROLLER_SATURATION = 0.95;

export interface CacheModelConfig {
  readonly cpus: number;
  readonly nodes: number;
  /** Bytes of machine RAM (PhysicalMemory.size). Addresses at or above it are not cached. */
  readonly memoryBytes: number;
  /** RAM bytes per node (default memoryBytes / nodes); node n owns [n*nodeBytes, (n+1)*nodeBytes). */
  readonly nodeBytes?: number;
  /** Node of each CPU, as a function or an array; default floor(cpu / (cpus / nodes)). */
  readonly cpuNode?: ((cpu: number) => number) | ArrayLike<number>;
  readonly lineBytes?: number;
  /** Cache size per CPU in bytes. */
  readonly cacheBytes?: number;
  readonly ways?: number;
  readonly localMissCycles?: number;
  readonly remoteMissCycles?: number;
  readonly hitCycles?: number;
  /**
   * MESI (true, default): a read miss to a line nobody else caches gets it Exclusive, and a
   * later write by the same CPU is a silent hit, as on the R10000. MSI (false): every first
   * write to a line read before is an upgrade.
   */
  readonly exclusiveOnRead?: boolean;
  /** Per-page miss counters to feed on every miss (FLASH's hardware counters). */
  readonly missCounters?: MissCounters;
  /**
   * Cycles the home node's controller (FLASH's MAGIC: directory lookup, memory access, reply)
   * is busy with each request it serves: a miss, an upgrade or an uncached access to its
   * memory. 0 (default) models no contention. Above 0, each request also waits for the queue
   * at its home node: the M/D/1 mean wait for that controller's utilisation, measured over
   * the machine's rounds (see endWindow).
   */
  readonly controllerOccupancyCycles?: number;
}

/** Where one CPU's cache holds a line: Invalid, Shared, Exclusive (clean) or Modified. */
export type LineState = 'I' | 'S' | 'E' | 'M';

/** Counters of one CPU (or of all, from `totals()`). */
export interface CacheStats {
  /** Accesses that hit (reads, and writes to an E/M line). */
  hits: number;
  readMisses: number;
  writeMisses: number;
  /** Misses charged the local latency / the remote latency (they add up to all misses). */
  localMisses: number;
  remoteMisses: number;
  /** Misses served from another CPU's Modified copy (a subset of the misses above). */
  cacheToCache: number;
  /** Writes that hit a Shared line and had to ask the home node for ownership. */
  upgrades: number;
  /** Lines this cache dropped to make room. */
  evictions: number;
  /** Modified lines written back (on eviction, or when another CPU read them). */
  writebacks: number;
  /** Copies in other caches this CPU's writes invalidated / copies of this CPU's invalidated by others. */
  invalidationsSent: number;
  invalidationsReceived: number;
  /** Uncached accesses (kseg1 or C=2 mappings to RAM), charged the memory latency. */
  uncached: number;
  /** Stall cycles charged at the local latency / the remote latency (misses, upgrades, uncached). */
  localStallCycles: number;
  remoteStallCycles: number;
  /** Stall cycles spent queueing at busy home-node controllers (0 without contention). */
  queueStallCycles: number;
  /** All stall cycles returned by access(), hits included. */
  stallCycles: number;
}

/** One node controller's load since the last resetStats(). */
export interface ControllerStats {
  /** Requests it served (misses, upgrades, uncached accesses to its memory). */
  requests: number;
  /** Fraction of the elapsed machine time it was busy (requests × occupancy / cycles). */
  utilisation: number;
  /** Highest smoothed utilisation of any window. */
  peakUtilisation: number;
  /** Cycles its requests spent queueing, in total and per request. */
  queuedCycles: number;
  meanQueueCycles: number;
}

const INVALID_TAG = -1;
const NO_OWNER = -1;

export class CacheModel {
  readonly cpus: number;
  readonly nodes: number;
  readonly memoryBytes: number;
  readonly nodeBytes: number;
  readonly lineBytes: number;
  readonly lineShift: number;
  readonly cacheBytes: number;
  readonly ways: number;
  /** Sets per CPU cache. */
  readonly sets: number;
  /** Lines of machine memory (the directory's size). */
  readonly lines: number;
  readonly localMissCycles: number;
  readonly remoteMissCycles: number;
  readonly hitCycles: number;
  readonly exclusiveOnRead: boolean;
  readonly missCounters: MissCounters | undefined;
  readonly controllerOccupancyCycles: number;
  /** Node of each CPU. */
  readonly cpuNode: Uint8Array;

  private readonly setMask: number;
  private readonly linesPerNode: number;
  /** Line number held by [cpu][set][way], most recently used first; INVALID_TAG fills the tail. */
  private readonly tags: Int32Array;
  /** Directory, per memory line: bit c set iff CPU c's cache holds the line. */
  private readonly sharers: Uint32Array;
  /** Directory, per memory line: the CPU holding it Exclusive or Modified, else NO_OWNER. */
  private readonly owner: Int8Array;
  /** Directory, per memory line: 1 if the owner's copy is Modified (newer than memory). */
  private readonly dirty: Uint8Array;

  private readonly hits: Float64Array;
  private readonly readMisses: Float64Array;
  private readonly writeMisses: Float64Array;
  private readonly localMisses: Float64Array;
  private readonly remoteMisses: Float64Array;
  private readonly cacheToCache: Float64Array;
  private readonly upgrades: Float64Array;
  private readonly evictions: Float64Array;
  private readonly writebacks: Float64Array;
  private readonly invSent: Float64Array;
  private readonly invReceived: Float64Array;
  private readonly localStall: Float64Array;
  private readonly remoteStall: Float64Array;
  private readonly hitStall: Float64Array;
  private readonly uncachedCount: Float64Array;
  private readonly queueStall: Float64Array;
  /** Per node: requests in the current window, all requests, queued cycles, smoothed load. */
  private readonly windowRequests: Float64Array;
  private readonly controllerRequests: Float64Array;
  private readonly controllerQueued: Float64Array;
  private readonly controllerLoad: Float64Array;
  private readonly controllerPeak: Float64Array;
  /** Per node: the wait every request to it pays in the current window. */
  private readonly queueDelay: Int32Array;
  /** The longest a request can wait: every other CPU's request ahead of it. */
  private readonly maxQueueCycles: number;
  private elapsedCycles = 0;
  /** Cached copies dropped by invalidateRange/invalidatePage. */
  private externalInvalidationCount = 0;

  constructor(config: CacheModelConfig) {
    const { cpus, nodes, memoryBytes } = config;
    const nodeBytes = config.nodeBytes ?? memoryBytes / nodes;
    const lineBytes = config.lineBytes ?? DEFAULT_LINE_BYTES;
    const cacheBytes = config.cacheBytes ?? DEFAULT_CACHE_BYTES;
    const ways = config.ways ?? DEFAULT_WAYS;
    if (!Number.isInteger(cpus) || cpus < 1 || cpus > MAX_CPUS) throw new RangeError(`cpus ${cpus} must be 1..${MAX_CPUS}`);
    if (!Number.isInteger(nodes) || nodes < 1 || nodes > 255) throw new RangeError(`nodes ${nodes} must be 1..255`);
    if (!isPow2(lineBytes) || lineBytes < 4 || lineBytes > 4096) {
      throw new RangeError(`lineBytes ${lineBytes} must be a power of two in 4..4096`);
    }
    if (!Number.isInteger(memoryBytes) || memoryBytes <= 0 || memoryBytes % lineBytes !== 0 || memoryBytes > 2 ** 32) {
      throw new RangeError(`memoryBytes ${memoryBytes} must be a positive multiple of ${lineBytes}, at most 4 GiB`);
    }
    if (!Number.isInteger(nodeBytes) || nodeBytes % lineBytes !== 0 || nodeBytes * nodes !== memoryBytes) {
      throw new RangeError(`nodeBytes ${nodeBytes} × ${nodes} nodes must equal memoryBytes ${memoryBytes} in whole lines`);
    }
    if (!Number.isInteger(ways) || ways < 1) throw new RangeError(`ways ${ways} must be a positive integer`);
    const sets = cacheBytes / (lineBytes * ways);
    if (!isPow2(sets)) {
      throw new RangeError(`cacheBytes ${cacheBytes} / (lineBytes × ways) must be a power of two number of sets`);
    }
    this.cpus = cpus;
    this.nodes = nodes;
    this.memoryBytes = memoryBytes;
    this.nodeBytes = nodeBytes;
    this.lineBytes = lineBytes;
    this.lineShift = Math.log2(lineBytes);
    this.cacheBytes = cacheBytes;
    this.ways = ways;
    this.sets = sets;
    this.setMask = sets - 1;
    this.lines = memoryBytes / lineBytes;
    this.linesPerNode = nodeBytes / lineBytes;
    this.localMissCycles = config.localMissCycles ?? DEFAULT_LOCAL_MISS_CYCLES;
    this.remoteMissCycles = config.remoteMissCycles ?? DEFAULT_REMOTE_MISS_CYCLES;
    this.hitCycles = config.hitCycles ?? DEFAULT_HIT_CYCLES;
    this.exclusiveOnRead = config.exclusiveOnRead ?? true;

    this.cpuNode = new Uint8Array(cpus);
    const map = config.cpuNode;
    for (let c = 0; c < cpus; c++) {
      const n = map === undefined ? Math.floor((c * nodes) / cpus) : typeof map === 'function' ? map(c) : map[c];
      if (!Number.isInteger(n) || n < 0 || n >= nodes) throw new RangeError(`cpu ${c} maps to node ${n}, not in 0..${nodes - 1}`);
      this.cpuNode[c] = n;
    }

    const mc = config.missCounters;
    if (mc !== undefined && (mc.nodes !== nodes || mc.memoryBytes < memoryBytes)) {
      throw new RangeError(`missCounters must cover ${memoryBytes} bytes in ${nodes} nodes`);
    }
    this.missCounters = mc;
    const occupancy = config.controllerOccupancyCycles ?? DEFAULT_CONTROLLER_OCCUPANCY_CYCLES;
    if (!Number.isInteger(occupancy) || occupancy < 0 || occupancy > 100_000) {
      throw new RangeError(`controllerOccupancyCycles ${occupancy} must be an integer in 0..100000`);
    }
    this.controllerOccupancyCycles = occupancy;
    this.maxQueueCycles = (cpus - 1) * occupancy;

    this.tags = new Int32Array(cpus * sets * ways).fill(INVALID_TAG);
    this.sharers = new Uint32Array(this.lines);
    this.owner = new Int8Array(this.lines).fill(NO_OWNER);
    this.dirty = new Uint8Array(this.lines);

    this.hits = new Float64Array(cpus);
    this.readMisses = new Float64Array(cpus);
    this.writeMisses = new Float64Array(cpus);
    this.localMisses = new Float64Array(cpus);
    this.remoteMisses = new Float64Array(cpus);
    this.cacheToCache = new Float64Array(cpus);
    this.upgrades = new Float64Array(cpus);
    this.evictions = new Float64Array(cpus);
    this.writebacks = new Float64Array(cpus);
    this.invSent = new Float64Array(cpus);
    this.invReceived = new Float64Array(cpus);
    this.localStall = new Float64Array(cpus);
    this.remoteStall = new Float64Array(cpus);
    this.hitStall = new Float64Array(cpus);
    this.uncachedCount = new Float64Array(cpus);
    this.queueStall = new Float64Array(cpus);
    this.windowRequests = new Float64Array(nodes);
    this.controllerRequests = new Float64Array(nodes);
    this.controllerQueued = new Float64Array(nodes);
    this.controllerLoad = new Float64Array(nodes);
    this.controllerPeak = new Float64Array(nodes);
    this.queueDelay = new Int32Array(nodes);
  }

  /**
   * `cycles` of machine time have passed since the last call (the machine calls it at the end
   * of every round): turn each controller's requests in that window into a utilisation, smooth
   * it, and set the wait for the next window to the M/D/1 mean, occupancy × ρ / (2(1 − ρ)),
   * capped at every other CPU's request being ahead. A no-op without contention.
   */
  endWindow(cycles: number): void {
    const occupancy = this.controllerOccupancyCycles;
    if (occupancy === 0 || !(cycles > 0)) return;
    this.elapsedCycles += cycles;
    for (let n = 0; n < this.nodes; n++) {
      const busy = this.windowRequests[n] * occupancy;
      this.windowRequests[n] = 0;
      const load = this.controllerLoad[n] + CONTROLLER_LOAD_SMOOTHING * (busy / cycles - this.controllerLoad[n]);
      this.controllerLoad[n] = load;
      if (load > this.controllerPeak[n]) this.controllerPeak[n] = load;
      const wait = load >= CONTROLLER_SATURATION ? this.maxQueueCycles : (occupancy * load) / (2 * (1 - load));
      this.queueDelay[n] = Math.round(Math.min(wait, this.maxQueueCycles));
    }
  }

  /** The load of node `node`'s controller since the last resetStats(). */
  controllerStats(node: number): ControllerStats {
    if (!Number.isInteger(node) || node < 0 || node >= this.nodes) throw new RangeError(`no node ${node}`);
    const requests = this.controllerRequests[node];
    const queued = this.controllerQueued[node];
    const elapsed = this.elapsedCycles;
    return {
      requests,
      utilisation: elapsed > 0 ? (requests * this.controllerOccupancyCycles) / elapsed : 0,
      peakUtilisation: this.controllerPeak[node],
      queuedCycles: queued,
      meanQueueCycles: requests > 0 ? queued / requests : 0,
    };
  }

  /**
   * One cached access by `cpu` to machine address `pa` (a data load/store, or an instruction
   * fetch of a new line); returns the stall cycles to add to that CPU's cycle count.
   * Addresses outside RAM (device windows) are not cached and cost 0 here.
   */
  access(cpu: number, pa: number, isWrite: boolean): number {
    const line = pa >>> this.lineShift;
    if (line >= this.lines) return 0;
    const tags = this.tags;
    const ways = this.ways;
    const base = (cpu * this.sets + (line & this.setMask)) * ways;
    if (tags[base] !== line) {
      let w = 1;
      while (w < ways && tags[base + w] !== line) w++;
      if (w === ways) return this.miss(cpu, pa, line, base, isWrite);
      // Hit in a less recent way: move it to the front (true LRU order).
      for (let k = base + w; k > base; k--) tags[k] = tags[k - 1];
      tags[base] = line;
    }
    if (isWrite) {
      if (this.owner[line] !== cpu) return this.upgrade(cpu, line);
      this.dirty[line] = 1;
    }
    this.hits[cpu]++;
    this.hitStall[cpu] += this.hitCycles;
    return this.hitCycles;
  }

  /**
   * One uncached access (kseg1, or a mapping with C=2) to RAM: it goes to the home node's
   * memory and costs the local or remote latency; the caches are neither used nor kept
   * coherent with it (as on MIPS, software must not mix cached and uncached views of a line),
   * and it is not a cache miss, so the miss counters do not see it.
   */
  uncached(cpu: number, pa: number, isWrite: boolean): number {
    void isWrite; // reads and writes cost the same here
    const line = pa >>> this.lineShift;
    if (line >= this.lines) return 0;
    this.uncachedCount[cpu]++;
    const home = (line / this.linesPerNode) | 0;
    const queued = this.controllerOccupancyCycles === 0 ? 0 : this.queueAt(cpu, home);
    if (home === this.cpuNode[cpu]) {
      this.localStall[cpu] += this.localMissCycles;
      return this.localMissCycles + queued;
    }
    this.remoteStall[cpu] += this.remoteMissCycles;
    return this.remoteMissCycles + queued;
  }

  /** The node whose memory holds machine address `pa` (RAM only). */
  homeNode(pa: number): number {
    return Math.floor((pa >>> 0) / this.nodeBytes);
  }

  /** The state of the line holding `pa` in `cpu`'s cache (for tests and debugging). */
  lineState(cpu: number, pa: number): LineState {
    const line = pa >>> this.lineShift;
    if (line >= this.lines || this.wayOf(cpu, line) < 0) return 'I';
    if (this.owner[line] !== cpu) return 'S';
    return this.dirty[line] !== 0 ? 'M' : 'E';
  }

  /**
   * Drop every cached copy of the lines in [pa, pa + bytes) (clamped to RAM), without charging
   * anyone: for DMA into memory and for the monitor copying or migrating pages. Modified data
   * needs no write-back because the model keeps no data.
   */
  invalidateRange(pa: number, bytes: number): void {
    const start = Math.max(0, pa >>> 0);
    const end = Math.min(this.memoryBytes, start + bytes);
    if (end <= start) return;
    const first = Math.floor(start / this.lineBytes);
    const last = Math.floor((end - 1) / this.lineBytes);
    for (let line = first; line <= last; line++) {
      let m = this.sharers[line] | 0;
      while (m !== 0) {
        const c = 31 - Math.clz32(m);
        m &= ~(1 << c);
        this.removeLine(c, line);
        this.externalInvalidationCount++;
      }
      this.sharers[line] = 0;
      this.owner[line] = NO_OWNER;
      this.dirty[line] = 0;
    }
  }

  /** Drop every cached copy of the 4 KiB machine page containing `pa`. */
  invalidatePage(pa: number): void {
    const page = (pa >>> 0) - ((pa >>> 0) % 4096);
    this.invalidateRange(page, 4096);
  }

  /** Empty one CPU's cache (its Modified lines count as written back). */
  flushCpu(cpu: number): void {
    const tags = this.tags;
    const start = cpu * this.sets * this.ways;
    const end = start + this.sets * this.ways;
    for (let i = start; i < end; i++) {
      const line = tags[i];
      if (line !== INVALID_TAG) {
        this.dropFromDirectory(cpu, line);
        tags[i] = INVALID_TAG;
      }
    }
  }

  /** Empty every cache and the directory; counters are kept. */
  flushAll(): void {
    this.tags.fill(INVALID_TAG);
    this.sharers.fill(0);
    this.owner.fill(NO_OWNER);
    this.dirty.fill(0);
  }

  /** Zero every counter; cache contents are kept. */
  resetStats(): void {
    for (const a of [
      this.hits, this.readMisses, this.writeMisses, this.localMisses, this.remoteMisses,
      this.cacheToCache, this.upgrades, this.evictions, this.writebacks, this.invSent,
      this.invReceived, this.localStall, this.remoteStall, this.hitStall, this.uncachedCount,
      this.queueStall, this.controllerRequests, this.controllerQueued, this.controllerPeak,
    ]) {
      a.fill(0);
    }
    this.elapsedCycles = 0;
    this.externalInvalidationCount = 0;
  }

  /** Power-on state: empty caches, idle controllers, zero counters. (The MissCounters are reset by their owner.) */
  reset(): void {
    this.flushAll();
    this.resetStats();
    this.windowRequests.fill(0);
    this.controllerLoad.fill(0);
    this.queueDelay.fill(0);
  }

  /** Cached copies dropped by invalidateRange/invalidatePage since the last reset. */
  get externalInvalidations(): number {
    return this.externalInvalidationCount;
  }

  stats(cpu: number): CacheStats {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.cpus) throw new RangeError(`no cpu ${cpu}`);
    const local = this.localStall[cpu];
    const remote = this.remoteStall[cpu];
    const queued = this.queueStall[cpu];
    return {
      hits: this.hits[cpu],
      readMisses: this.readMisses[cpu],
      writeMisses: this.writeMisses[cpu],
      localMisses: this.localMisses[cpu],
      remoteMisses: this.remoteMisses[cpu],
      cacheToCache: this.cacheToCache[cpu],
      upgrades: this.upgrades[cpu],
      evictions: this.evictions[cpu],
      writebacks: this.writebacks[cpu],
      invalidationsSent: this.invSent[cpu],
      invalidationsReceived: this.invReceived[cpu],
      uncached: this.uncachedCount[cpu],
      localStallCycles: local,
      remoteStallCycles: remote,
      queueStallCycles: queued,
      stallCycles: local + remote + queued + this.hitStall[cpu],
    };
  }

  /** The counters summed over all CPUs. */
  totals(): CacheStats {
    const sum = this.stats(0);
    for (let c = 1; c < this.cpus; c++) {
      const s = this.stats(c);
      for (const k of Object.keys(sum) as (keyof CacheStats)[]) sum[k] += s[k];
    }
    return sum;
  }

  // ---- slow paths (misses, upgrades, coherence) -------------------------------------------

  private miss(cpu: number, pa: number, line: number, base: number, isWrite: boolean): number {
    const node = this.cpuNode[cpu];
    const bit = 1 << cpu;
    const home = (line / this.linesPerNode) | 0;
    const homeIsLocal = home === node;
    const o = this.owner[line];
    let local = homeIsLocal;
    if (o !== NO_OWNER) {
      // Another CPU holds the line Exclusive or Modified (not us: we missed).
      if (this.dirty[line] !== 0) {
        // Its copy is the only current one: the data comes from that cache, so the latency is
        // by the owner's node relative to ours (simplification: no 3-hop penalty).
        local = this.cpuNode[o] === node;
        this.cacheToCache[cpu]++;
        if (!isWrite) this.writebacks[o]++; // M -> S writes the line back to its home
      }
      if (isWrite) {
        this.removeLine(o, line);
        this.invSent[cpu]++;
        this.invReceived[o]++;
        this.sharers[line] = bit;
        this.owner[line] = cpu;
        this.dirty[line] = 1;
      } else {
        this.sharers[line] |= bit;
        this.owner[line] = NO_OWNER;
        this.dirty[line] = 0;
      }
    } else if (isWrite) {
      this.invalidateSharers(cpu, line);
      this.sharers[line] = bit;
      this.owner[line] = cpu;
      this.dirty[line] = 1;
    } else if (this.exclusiveOnRead && this.sharers[line] === 0) {
      this.sharers[line] = bit;
      this.owner[line] = cpu;
      this.dirty[line] = 0;
    } else {
      this.sharers[line] |= bit;
    }
    this.fill(cpu, line, base);
    if (isWrite) this.writeMisses[cpu]++;
    else this.readMisses[cpu]++;
    if (this.missCounters !== undefined) this.missCounters.record(pa, node, isWrite);
    // Every miss goes through its home node's directory, also when another cache supplies the data.
    const queued = this.controllerOccupancyCycles === 0 ? 0 : this.queueAt(cpu, home);
    if (local) {
      this.localMisses[cpu]++;
      this.localStall[cpu] += this.localMissCycles;
      return this.localMissCycles + queued;
    }
    this.remoteMisses[cpu]++;
    this.remoteStall[cpu] += this.remoteMissCycles;
    return this.remoteMissCycles + queued;
  }

  /** A request by `cpu` to node `home`'s controller: count it and return its queueing wait. */
  private queueAt(cpu: number, home: number): number {
    this.windowRequests[home]++;
    this.controllerRequests[home]++;
    const wait = this.queueDelay[home];
    this.controllerQueued[home] += wait;
    this.queueStall[cpu] += wait;
    return wait;
  }

  /** A write hit on a Shared line: the home directory invalidates the other copies. */
  private upgrade(cpu: number, line: number): number {
    this.invalidateSharers(cpu, line);
    this.sharers[line] = 1 << cpu;
    this.owner[line] = cpu;
    this.dirty[line] = 1;
    this.upgrades[cpu]++;
    if (this.missCounters !== undefined) this.missCounters.recordWrite(line << this.lineShift);
    const home = (line / this.linesPerNode) | 0;
    const queued = this.controllerOccupancyCycles === 0 ? 0 : this.queueAt(cpu, home);
    if (home === this.cpuNode[cpu]) {
      this.localStall[cpu] += this.localMissCycles;
      return this.localMissCycles + queued;
    }
    this.remoteStall[cpu] += this.remoteMissCycles;
    return this.remoteMissCycles + queued;
  }

  /** Invalidate every copy of `line` except `cpu`'s (the line has no owner). */
  private invalidateSharers(cpu: number, line: number): void {
    let m = this.sharers[line] & ~(1 << cpu);
    let n = 0;
    while (m !== 0) {
      const c = 31 - Math.clz32(m);
      m &= ~(1 << c);
      this.removeLine(c, line);
      this.invReceived[c]++;
      n++;
    }
    this.invSent[cpu] += n;
  }

  /** Put `line` at the front of `cpu`'s set at `base`, evicting the least recently used way. */
  private fill(cpu: number, line: number, base: number): void {
    const tags = this.tags;
    const last = base + this.ways - 1;
    const victim = tags[last];
    if (victim !== INVALID_TAG) {
      this.evictions[cpu]++;
      this.dropFromDirectory(cpu, victim);
    }
    for (let k = last; k > base; k--) tags[k] = tags[k - 1];
    tags[base] = line;
  }

  /** `cpu`'s copy of `line` leaves its cache: update the directory (write back if Modified). */
  private dropFromDirectory(cpu: number, line: number): void {
    this.sharers[line] &= ~(1 << cpu);
    if (this.owner[line] === cpu) {
      if (this.dirty[line] !== 0) this.writebacks[cpu]++;
      this.owner[line] = NO_OWNER;
      this.dirty[line] = 0;
    }
  }

  /** Remove `line` from `cpu`'s cache tags (keeping LRU order; the hole moves to the tail). */
  private removeLine(cpu: number, line: number): void {
    const w = this.wayOf(cpu, line);
    if (w < 0) return;
    const tags = this.tags;
    const base = (cpu * this.sets + (line & this.setMask)) * this.ways;
    const last = base + this.ways - 1;
    for (let k = base + w; k < last; k++) tags[k] = tags[k + 1];
    tags[last] = INVALID_TAG;
  }

  private wayOf(cpu: number, line: number): number {
    const base = (cpu * this.sets + (line & this.setMask)) * this.ways;
    for (let w = 0; w < this.ways; w++) if (this.tags[base + w] === line) return w;
    return -1;
  }
}

function isPow2(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}
