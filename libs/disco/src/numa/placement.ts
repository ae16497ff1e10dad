// The NUMA page-placement mechanism (paper §2.3, §4.2.3): at every round boundary the monitor
// drains the machine's hot-page notifications (FLASH miss counters, polled into a typed array:
// nothing runs in the CPUs' hot loop), asks the policy (policy.ts) and migrates the page to the
// hot node, replicates it there, or leaves it. A replicated guest page is write-protected and
// has one machine copy per node that uses it; Monitor.guestPage hands every translation (kuseg
// TLB writes, L2TLB, the sseg direct map) the copy on the translating CPU's node, so guest
// kernel and user pages are handled alike. The first write collapses the copies back to one
// (Monitor.replicaWriteFault, reached through memory/sharing.ts writeFault). Counters are reset
// every resetIntervalCycles. Every action is charged through the cost table to a CPU running
// the VM on the hot node (hot-page handling, copies with their cache traffic, shootdowns, IPIs).

import type { Cpu } from '../../../machine/src/cpu/cpu.js';
import { HOT_RECORD_WORDS, type MissCounters } from '../../../machine/src/numa-counters/miss-counters.js';
import { PAGE_BYTES } from '../memory/memmap.js';
import { PAGE_FLAG } from '../memory/pmap.js';
import { physInvalidateFrame } from '../memory/phys-tlb.js';
import { C, MON } from '../metrics.js';
import type { Monitor } from '../monitor.js';
import { charge } from '../vcpu/trap.js';
import type { VCpu } from '../vcpu/vcpu.js';
import type { Vm } from '../vm.js';
import { decidePlacement, DEFAULT_NUMA_POLICY, type HotPageFacts, type NumaPolicyConfig, validateNumaPolicy } from './policy.js';

/** Notifications taken from the ring per poll. */
const HOT_BATCH = 256;
const PROTECTED_REPLICA = PAGE_FLAG.REPLICATED | PAGE_FLAG.WRITE_PROTECT;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Per-VM NUMA state: replicas, moves, last hint node. */
class VmNuma {
  /** gp * nodes + node: the replica of guest page gp on that node (never the master), or -1. */
  readonly replicas: Int32Array;
  /** Bit n: guest page gp has a replica on node n. */
  readonly replicaMask: Uint32Array;
  /** Migrations and replications of each guest page (saturating at 255). */
  readonly moves: Uint8Array;
  /** Node of the last hot-page notification of each guest page, or -1 (AutoNUMA's rule). */
  readonly lastHint: Int8Array;
  /** Replica pages per node now. */
  readonly replicaPages: Float64Array;

  constructor(readonly vm: Vm, guestPages: number, nodes: number) {
    this.replicas = new Int32Array(guestPages * nodes).fill(-1);
    this.replicaMask = new Uint32Array(guestPages);
    this.moves = new Uint8Array(guestPages);
    this.lastHint = new Int8Array(guestPages).fill(-1);
    this.replicaPages = new Float64Array(nodes);
  }

  reset(): void {
    this.replicas.fill(-1);
    this.replicaMask.fill(0);
    this.moves.fill(0);
    this.lastHint.fill(-1);
    this.replicaPages.fill(0);
  }
}

export class Numa {
  readonly config: NumaPolicyConfig;
  private readonly counters: MissCounters | null;
  private readonly nodes: number;
  private readonly cpuNode: Int32Array;
  private readonly perVm: (VmNuma | undefined)[] = [];
  private readonly hot = new Int32Array(HOT_BATCH * HOT_RECORD_WORDS);
  private readonly counts: Float64Array;
  private readonly facts: Mutable<HotPageFacts>;
  private nextReset: number;
  /** Who pays for the notification being handled (set by payer()). */
  private payCpu: Cpu;
  private payBy: VCpu | null = null;
  /** Per node: the CPU index the next payer search starts at. */
  private readonly nextPay: Int32Array;
  /** Counter resets so far. */
  resets = 0;

  constructor(
    private readonly m: Monitor,
    config: Partial<NumaPolicyConfig> = {},
  ) {
    this.config = { ...DEFAULT_NUMA_POLICY, ...config };
    const bad = validateNumaPolicy(this.config);
    if (bad !== null) throw new RangeError(`NUMA policy: ${bad}`);
    const machine = m.machine;
    this.nodes = machine.nodeCount;
    this.cpuNode = Int32Array.from({ length: machine.cpuCount }, (_, c) => machine.cpuNode(c));
    this.counts = new Float64Array(this.nodes);
    this.nextPay = new Int32Array(this.nodes);
    this.facts = { hotNode: 0, counts: this.counts, writes: 0, homeNode: 0, replicaNodes: 0, moves: 0, lastHintNode: -1, pinned: false };
    this.counters = machine.missCounters;
    // Fast mode has no cache model and so no counters: the mechanism then never acts.
    if (this.counters !== null) this.counters.threshold = Math.min(this.config.triggerThreshold, this.counters.maxCount);
    this.nextReset = m.now + this.config.resetIntervalCycles;
    this.payCpu = m.cpus[0];
  }

  /** A new VM: its state, and the hook that frees replicas when the pmap drops a page. */
  attach(vm: Vm): void {
    this.perVm[vm.id] = new VmNuma(vm, vm.pmap.guestPages, this.nodes);
    vm.pmap.onDropReplicated = (gp) => this.dropReplicas(vm, gp);
  }

  /** The VM is destroyed (Monitor.destroyVm): its state goes (ids are never reused). */
  detach(vm: Vm): void {
    if (this.perVm[vm.id]?.vm === vm) this.perVm[vm.id] = undefined;
  }

  /** The VM (re)booted with fresh memory: forget moves and hints. */
  vmStarted(vm: Vm): void {
    this.perVm[vm.id]?.reset();
  }

  /** The copy of REPLICATED guest page gp (master machine page `master`) a CPU `cpuId` maps. */
  copyFor(vm: Vm, gp: number, cpuId: number, master: number): number {
    const st = this.perVm[vm.id];
    if (st === undefined) return master;
    const r = st.replicas[gp * this.nodes + this.cpuNode[cpuId]];
    return r >= 0 ? r : master;
  }

  /** Drop every replica frame of guest page gp from physical CPU `cpu`'s TLB (part of a shootdown). */
  invalidateCopies(cpu: Cpu, vm: Vm, gp: number): void {
    const st = this.perVm[vm.id];
    if (st === undefined || st.replicaMask[gp] === 0) return;
    for (let n = 0, base = gp * this.nodes; n < this.nodes; n++) {
      const r = st.replicas[base + n];
      if (r >= 0) physInvalidateFrame(cpu, r);
    }
  }

  /** Append the replica frames of guest page gp to out[n..]; returns the new length (shootdowns). */
  replicaFrames(vm: Vm, gp: number, out: Int32Array, n: number): number {
    const st = this.perVm[vm.id];
    if (st === undefined || st.replicaMask[gp] === 0) return n;
    for (let k = 0, base = gp * this.nodes; k < this.nodes; k++) if (st.replicas[base + k] >= 0) out[n++] = st.replicas[base + k];
    return n;
  }

  /** Replica pages per node of a VM now. */
  replicaPagesPerNode(vm: Vm): ArrayLike<number> {
    return this.perVm[vm.id]?.replicaPages ?? [];
  }

  /** The machine copies of guest page gp of `vm`: the master first, then the replicas (tests, metrics). */
  copies(vm: Vm, gp: number): number[] {
    const out = [vm.pmap.machinePage[gp]];
    const st = this.perVm[vm.id];
    if (st !== undefined) for (let n = 0; n < this.nodes; n++) if (st.replicas[gp * this.nodes + n] >= 0) out.push(st.replicas[gp * this.nodes + n]);
    return out;
  }

  /** Round boundary: handle the pending hot-page notifications; reset the counters when due. */
  roundBoundary(now: number): void {
    const mc = this.counters;
    if (mc === null) return;
    for (;;) {
      const n = mc.pollHot(this.hot);
      for (let i = 0; i < n; i++) this.handle(mc, this.hot[i * HOT_RECORD_WORDS], this.hot[i * HOT_RECORD_WORDS + 1]);
      if (n < HOT_BATCH) break;
    }
    if (now >= this.nextReset) {
      mc.resetCounters();
      this.resets++;
      this.nextReset = now + this.config.resetIntervalCycles;
    }
  }

  /** One notification: machine page `mp` reached the trigger for misses from `node`. */
  private handle(mc: MissCounters, mp: number, node: number): void {
    const pages = this.m.pages;
    const owner = pages.owner[mp];
    if (owner < 0) return; // free, the monitor's own, or shared (SHARED pages are never moved)
    // The memmap's owner is the VM id; Monitor.vms is no index by id once a VM has been destroyed.
    const st = this.perVm[owner];
    const vm = st?.vm;
    if (vm === undefined || st === undefined || !vm.running) return;
    const gp = pages.guestPage[mp];
    const pmap = vm.pmap;
    if (gp < 0 || gp >= pmap.guestPages || (pmap.flags[gp] & PAGE_FLAG.SHARED) !== 0) return;
    const master = pmap.machinePage[gp];
    if (master < 0) return;
    const N = this.nodes;
    const base = gp * N;
    const replicated = (pmap.flags[gp] & PAGE_FLAG.REPLICATED) !== 0;
    if (mp !== master && !(replicated && st.replicas[base + pages.nodeOf(mp)] === mp)) return; // stale notification

    this.payer(vm, node);
    const cpu = this.payCpu;
    const by = this.payBy!;
    const c = vm.counters.c;
    const before = c[C.CY_MONITOR];
    c[C.NUMA_HOT]++;
    charge(cpu, by, this.m.costs.numaHotPage);

    // The page's misses per node and coherence writes, over all its copies.
    const counts = this.counts;
    let writes = mc.writeCount(master);
    for (let n = 0; n < N; n++) counts[n] = mc.count(master, n);
    const mask = st.replicaMask[gp];
    if (mask !== 0) {
      for (let k = 0; k < N; k++) {
        const r = st.replicas[base + k];
        if (r < 0) continue;
        writes += mc.writeCount(r);
        for (let n = 0; n < N; n++) counts[n] += mc.count(r, n);
      }
    }
    const f = this.facts;
    f.hotNode = node;
    f.writes = writes;
    f.homeNode = pages.nodeOf(master);
    f.replicaNodes = mask;
    f.moves = st.moves[gp];
    f.lastHintNode = st.lastHint[gp];
    const d = decidePlacement(this.config, f);
    st.lastHint[gp] = node;

    if (d.action === 'none') {
      if (d.reason === 'write-shared') c[C.NUMA_WRITE_SHARED]++;
      else if (d.reason === 'move-limit') c[C.NUMA_MOVE_LIMITED]++;
      else if (d.reason === 'first-hint') mc.resetPage(mp); // AutoNUMA: re-arm, the next crossing is the next hint
      else if (d.reason === 'local') {
        // The node has its own copy but misses on another one: a vCPU that moved node still
        // holds the old translation (its L2TLB). Shoot it down so it refaults onto the local copy.
        const own = node === f.homeNode ? master : st.replicas[base + node];
        if (own !== mp) this.m.shootdownPage(cpu, by, vm, gp, master);
      }
    } else if (d.action === 'migrate' && !replicated) {
      this.migrate(mc, vm, st, gp, d.node, master, cpu, by);
    } else {
      // 'replicate', or 'migrate' of a page that already has replicas: one more copy.
      this.replicate(mc, vm, st, gp, d.node, master, cpu, by);
    }
    vm.counters.monitor[MON.numa] += c[C.CY_MONITOR] - before;
  }

  /**
   * Choose who pays: a CPU of the hot node running one of the VM's vCPUs (taken in turn, so the
   * node's CPUs share the work: the counters say which node missed, not which CPU), else any
   * running one, else vCPU 0 on the node's first CPU.
   */
  private payer(vm: Vm, node: number): void {
    const cur = this.m.current;
    const n = cur.length;
    let any = -1;
    for (let k = 0, start = this.nextPay[node]; k < n; k++) {
      const p = (start + k) % n;
      const v = cur[p];
      if (v === null || v.vm !== vm) continue;
      if (this.cpuNode[p] === node) {
        this.payCpu = this.m.cpus[p];
        this.payBy = v;
        this.nextPay[node] = p + 1;
        return;
      }
      if (any < 0) any = p;
    }
    if (any >= 0) {
      this.payCpu = this.m.cpus[any];
      this.payBy = cur[any];
      return;
    }
    let first = 0;
    while (first < this.cpuNode.length - 1 && this.cpuNode[first] !== node) first++;
    this.payCpu = this.m.cpus[first];
    this.payBy = vm.vcpus[0];
  }

  /** A free machine page on exactly `node` for (vm, gp), or -1. */
  private allocOn(node: number, vm: Vm, gp: number): number {
    const pages = this.m.pages;
    const p = pages.alloc(node, vm.id, gp);
    if (p < 0) return -1;
    if (pages.nodeOf(p) !== node) {
      pages.release(p);
      return -1;
    }
    return p;
  }

  /** Move guest page gp (private, not replicated) from `master` to a fresh page on `node`. */
  private migrate(mc: MissCounters, vm: Vm, st: VmNuma, gp: number, node: number, master: number, cpu: Cpu, by: VCpu): void {
    const c = vm.counters.c;
    const fresh = this.allocOn(node, vm, gp);
    if (fresh < 0) {
      c[C.NUMA_NO_MEMORY]++;
      return;
    }
    const before = c[C.CY_MONITOR];
    this.m.shootdownPage(cpu, by, vm, gp, master);
    this.copy(cpu, by, master, fresh);
    this.breakLinks(master);
    vm.pmap.migrate(gp, fresh);
    charge(cpu, by, this.m.costs.pageAlloc);
    mc.resetPage(master);
    mc.resetPage(fresh);
    if (st.moves[gp] < 255) st.moves[gp]++;
    c[C.NUMA_MIGRATIONS]++;
    c[C.NUMA_MIGRATE_CY] += c[C.CY_MONITOR] - before;
  }

  /**
   * Give guest page gp a replica on `node`: the page becomes write-protected (its chunk broken,
   * every translation shot down, so each CPU refaults read-only onto its node's copy) and the
   * master is copied to a fresh page there.
   */
  private replicate(mc: MissCounters, vm: Vm, st: VmNuma, gp: number, node: number, master: number, cpu: Cpu, by: VCpu): void {
    const c = vm.counters.c;
    const r = this.allocOn(node, vm, gp);
    if (r < 0) {
      c[C.NUMA_NO_MEMORY]++;
      return;
    }
    const before = c[C.CY_MONITOR];
    const pmap = vm.pmap;
    if ((pmap.flags[gp] & PAGE_FLAG.REPLICATED) === 0) {
      pmap.breakChunk(gp);
      pmap.flags[gp] |= PROTECTED_REPLICA;
    }
    this.m.shootdownPage(cpu, by, vm, gp, master);
    this.copy(cpu, by, master, r);
    charge(cpu, by, this.m.costs.pageAlloc);
    st.replicas[gp * this.nodes + node] = r;
    st.replicaMask[gp] |= 1 << node;
    st.replicaPages[node]++;
    mc.resetPage(r);
    // Only the new replica's node starts over on the master: the other nodes' misses still count
    // toward their own replicas (zeroing them all sent every other reading node back to 0 after
    // each copy, so fewer of them reached the trigger within the counting interval).
    mc.resetPageNode(master, node);
    if (st.moves[gp] < 255) st.moves[gp]++;
    c[C.NUMA_REPLICATIONS]++;
    c[C.NUMA_REPLICATE_CY] += c[C.CY_MONITOR] - before;
  }

  /**
   * Monitor.replicaWriteFault: guest page gp is about to be written. Every translation is shot
   * down, the copy on the writer's node (or the master) is kept as the one writable page and
   * the others are freed. Returns the page's machine page afterwards.
   */
  collapse(cpu: Cpu | null, by: VCpu | null, vm: Vm, gp: number): number {
    const st = this.perVm[vm.id];
    const pmap = vm.pmap;
    if (st === undefined) {
      pmap.flags[gp] &= ~PROTECTED_REPLICA;
      return pmap.machinePage[gp];
    }
    const c = vm.counters.c;
    const before = c[C.CY_MONITOR];
    const master = pmap.machinePage[gp];
    const N = this.nodes;
    const base = gp * N;
    const keepNode = cpu !== null ? this.cpuNode[cpu.id] : -1;
    const keep = keepNode >= 0 && st.replicas[base + keepNode] >= 0 ? st.replicas[base + keepNode] : master;
    this.m.shootdownPage(cpu, by, vm, gp, master); // the flag is still set: replica frames go too
    const mc = this.counters;
    for (let n = 0; n < N; n++) {
      const r = st.replicas[base + n];
      if (r < 0) continue;
      st.replicas[base + n] = -1;
      st.replicaPages[n]--;
      if (r === keep) continue;
      this.breakLinks(r);
      mc?.resetPage(r);
      this.m.pages.release(r);
    }
    if (keep !== master) {
      this.breakLinks(master);
      mc?.resetPage(master);
      pmap.migrate(gp, keep);
    }
    st.replicaMask[gp] = 0;
    pmap.flags[gp] &= ~PROTECTED_REPLICA;
    if (cpu !== null && by !== null) charge(cpu, by, this.m.costs.pageAlloc);
    c[C.NUMA_COLLAPSES]++;
    c[C.NUMA_COLLAPSE_CY] += c[C.CY_MONITOR] - before;
    return pmap.machinePage[gp];
  }

  /** Pmap.drop of a REPLICATED page (freed, remapped, VM stopped): free its replicas. */
  private dropReplicas(vm: Vm, gp: number): void {
    const st = this.perVm[vm.id];
    if (st === undefined) return;
    const base = gp * this.nodes;
    for (let n = 0; n < this.nodes; n++) {
      const r = st.replicas[base + n];
      if (r < 0) continue;
      for (let p = 0; p < this.m.current.length; p++) if (this.m.current[p]?.vm === vm) physInvalidateFrame(this.m.cpus[p], r);
      st.replicas[base + n] = -1;
      st.replicaPages[n]--;
      this.breakLinks(r);
      this.counters?.resetPage(r);
      this.m.pages.release(r);
    }
    st.replicaMask[gp] = 0;
  }

  /** Copy machine page src to dst; charged as pageCopy plus, in timed mode, every line read and written through the cache model. */
  private copy(cpu: Cpu, by: VCpu, src: number, dst: number): void {
    const ram = this.m.ram8;
    ram.copyWithin(dst * PAGE_BYTES, src * PAGE_BYTES, (src + 1) * PAGE_BYTES);
    let cycles = this.m.costs.pageCopy;
    const t = cpu.timing;
    const cache = this.m.machine.cache;
    if (t !== null && cache !== null) {
      for (let off = 0; off < PAGE_BYTES; off += cache.lineBytes) {
        cycles += t.access(cpu.id, src * PAGE_BYTES + off, false);
        cycles += t.access(cpu.id, dst * PAGE_BYTES + off, true);
      }
    }
    charge(cpu, by, cycles);
  }

  /** LL links on a page that stops being used are broken (a later SC fails and the guest retries). */
  private breakLinks(mp: number): void {
    const links = this.m.machine.links;
    if (links.active === 0) return;
    for (let a = mp * PAGE_BYTES; a < (mp + 1) * PAGE_BYTES; a += 32) links.stored(a, -1);
  }
}
