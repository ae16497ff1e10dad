// The Disco monitor: owns the physical machine's exception vectors (Cpu.exceptionHandler), runs
// the VMs' vCPUs directly on the physical CPUs (guest kernel in supervisor mode, guest user in
// user mode), time-shares them in deterministic rounds, delivers virtual interrupts, and keeps
// every VM inside the machine pages its pmap gives it. See docs/monitor.md.

import type { Machine } from '../../machine/src/board/machine.js';
import { MACHINE } from '../../machine/src/board/memory-map.js';
import type { Cpu, ExceptionHandler } from '../../machine/src/cpu/cpu.js';
import { STATUS } from '../../machine/src/cp0/regs.js';
import { BOOT_REG, CONSOLE, DISK_STATE, GUEST_VSEG, VIRQ } from './abi/monitor-abi.js';
import { type CostTable, makeCostTable } from './costs.js';
import { VirtualSubnet } from './io/net.js';
import { CowDisk } from './io/cow-disk.js';
import { shareKernelText } from './io/cow-read.js';
import { DiskCache, type DiskCacheStats } from './io/disk-cache.js';
import { DiskConfigError, DiskRegistry } from './io/disk-config.js';
import { footprintOf, machineFootprint, type MachineFootprint, PAGE_CLASS, type VmFootprint } from './memory/footprint.js';
import { BACKMAP_GLOBAL, BACKMAP_SLOTS, MachinePages, MONITOR_OWNER, PAGE_BYTES } from './memory/memmap.js';
import { OUT_OF_MEMORY, PAGE_FLAG } from './memory/pmap.js';
import { remapPage, writeFault } from './memory/sharing.js';
import { physFlush, physInvalidateFrame, physInvalidateVa, physTrack, TlbRefs } from './memory/phys-tlb.js';
import { C, Counters, MON, type MetricsSnapshot, snapshot } from './metrics.js';
import { Numa } from './numa/placement.js';
import type { NumaPolicyConfig } from './numa/policy.js';
import { Scheduler } from './sched/scheduler.js';
import { compareFired } from './vcpu/emulate.js';
import { account, charge, deliverAtBoundary, handleTrap, setPhysical } from './vcpu/trap.js';
import { VCPU_STATE, type VCpu } from './vcpu/vcpu.js';
import { Vm, type VmConfig, type VmExit } from './vm.js';

export interface MonitorOptions {
  costs?: Partial<CostTable>;
  /** Cycles per scheduling round (default: the machine's quantum). */
  quantum?: number;
  /** Rounds a vCPU keeps its physical CPU when others wait for it (default 10). */
  sliceQuanta?: number;
  /** Map the sseg direct map with 64 KiB pages where memory allows (default true). */
  largeSsegPages?: boolean;
  /** Wall clock for RTC_READ at time 0, ms since the epoch (default Date.now()). */
  clock?: () => number;
  /** Most machine pages the global disk cache holds (default a quarter of machine memory; 0: no cache). */
  diskCachePages?: number;
  /** Share the kernel's text pages between VMs booted from the same kernel image (default: true unless `numa` is on, which replicates text per node instead). */
  shareKernelText?: boolean;
  /**
   * NUMA page migration and replication (numa/, timed mode only: the miss counters need the
   * cache model): true for DEFAULT_NUMA_POLICY, or policy overrides. Default off.
   */
  numa?: boolean | Partial<NumaPolicyConfig>;
}

export type MonitorRunResult = 'budget' | 'idle' | 'halted' | 'stopped';

export interface MachineMetrics {
  costTable: string;
  now: number;
  /** Per physical CPU: cycles with no vCPU to run. */
  physicalIdle: number[];
  /** Sum over VMs, with cycles.idle = physical idle. */
  total: MetricsSnapshot;
  vms: Record<string, MetricsSnapshot & { state: string; exit: VmExit | null; boots: number }>;
  freePagesPerNode: number[];
  /** Virtual vs machine footprint of the whole machine (memory/footprint.ts). */
  footprint: MachineFootprint;
  diskCache: DiskCacheStats;
  /** Per node: guest pages (masters), replica pages, free pages, and cache misses by the node's CPUs (timed mode). */
  nodes: { pages: number; replicaPages: number; freePages: number; localMisses: number; remoteMisses: number; localMissRatio: number }[];
  /** The NUMA migration/replication policy in force, or null when it is off. */
  numa: NumaPolicyConfig | null;
}

export class Monitor implements ExceptionHandler {
  readonly cpus: Cpu[];
  readonly ram8: Uint8Array;
  readonly ram32: Int32Array;
  readonly pages: MachinePages;
  readonly costs: CostTable;
  readonly vms: Vm[] = [];
  /** vCPU whose registers are loaded on each physical CPU. */
  readonly current: (VCpu | null)[];
  /** Physical TLB replacement pointers. */
  readonly victims: Int32Array;
  /** A shootdown's frames: the page and its replicas. */
  private readonly sdFrames: Int32Array;
  /** Which machine frames each physical CPU's TLB holds (the shootdowns' IPI set). */
  readonly tlbRefs: TlbRefs;
  readonly sched: Scheduler;
  readonly quantum: number;
  readonly sliceCycles: number;
  readonly physIdle: Float64Array;
  readonly largeSsegPages: boolean;
  /** Machine time: the start of the current round. */
  now = 0;
  round = 0;
  private readonly assigned: (VCpu | null)[];
  private stopRequested = false;
  private readonly rtcBaseMs: number;
  private nextEvent = Infinity;
  private readonly lastLocal: Float64Array;
  private readonly lastRemote: Float64Array;
  private nextVmId = 0;
  /** RTC_READ results (no allocation). */
  rtcSec = 0;
  rtcNsec = 0;
  /** DMA into machine RAM: drop cached copies and LL links (timed mode / SMP). */
  readonly dmaWritten: (ma: number, len: number) => void;
  /** The virtual subnet between this monitor's VMs (io/net.ts). */
  readonly net: VirtualSubnet = new VirtualSubnet(this);
  /**
   * Collapse the replicas of a REPLICATED guest page before it is written (NUMA replication,
   * numa/); returns the page's machine page afterwards or -1. Null while nothing replicates.
   */
  replicaWriteFault: ((cpu: Cpu | null, by: VCpu | null, vm: Vm, gp: number) => number) | null = null;
  /** The global disk cache (io/disk-cache.ts): base-image pages shared by COW disks' readers. */
  readonly diskCache: DiskCache;
  /** Host files behind the VMs' disks: base images, exclusivity (io/disk-config.ts). */
  readonly disks = new DiskRegistry();
  readonly shareKernelText: boolean;
  /** The NUMA placement mechanism, or null when off. */
  readonly numa: Numa | null;

  constructor(
    readonly machine: Machine,
    opts: MonitorOptions = {},
  ) {
    this.cpus = machine.cpus;
    this.ram8 = machine.memory.u8;
    this.ram32 = machine.memory.i32;
    this.pages = new MachinePages(machine.memory.size, machine.nodeCount);
    this.tlbRefs = new TlbRefs(this.pages.pages, machine.cpuCount);
    for (const c of machine.cpus) physTrack(c, this.tlbRefs);
    this.costs = makeCostTable(opts.costs);
    this.quantum = opts.quantum ?? machine.quantum;
    this.sliceCycles = (opts.sliceQuanta ?? 10) * this.quantum;
    this.largeSsegPages = opts.largeSsegPages ?? true;
    // With NUMA placement on, kernel text is replicated per node instead (numa/).
    this.shareKernelText = opts.shareKernelText ?? (opts.numa === undefined || opts.numa === false);
    this.diskCache = new DiskCache(this.pages, opts.diskCachePages ?? Math.floor(this.pages.pages / 4), Math.floor(this.pages.pages / 64));
    this.pages.reclaim = (n) => this.diskCache.reclaim(n);
    const p = machine.cpuCount;
    this.current = new Array(p).fill(null);
    this.assigned = new Array(p).fill(null);
    this.victims = new Int32Array(p);
    this.sdFrames = new Int32Array(machine.nodeCount + 1);
    this.physIdle = new Float64Array(p);
    this.lastLocal = new Float64Array(p);
    this.lastRemote = new Float64Array(p);
    this.sched = new Scheduler(p, (c) => machine.cpuNode(c));
    this.rtcBaseMs = (opts.clock ?? Date.now)();
    this.now = machine.now;
    for (const cpu of this.cpus) {
      cpu.reset();
      cpu.cycles = this.now;
      cpu.hostExceptions = false;
      cpu.exceptionHandler = this;
    }
    const links = machine.links;
    const cache = machine.cache;
    this.dmaWritten = (ma: number, len: number): void => {
      cache?.invalidateRange(ma, len);
      if (links.active !== 0) for (let a = ma & ~31; a < ma + len; a += 32) links.stored(a, -1);
    };
    const numa = opts.numa === undefined || opts.numa === false ? null : new Numa(this, opts.numa === true ? {} : opts.numa);
    this.numa = numa;
    if (numa !== null) this.replicaWriteFault = (cpu, by, vm, gp) => numa.collapse(cpu, by, vm, gp);
  }

  // ---- VMs -------------------------------------------------------------------------------

  /** Define a VM: vCPUs homed on the least loaded node (or config.node), special pages there. */
  createVm(config: VmConfig): Vm {
    const mib = config.memoryMiB ?? 32;
    if (!Number.isInteger(mib) || mib < 1 || mib * 1024 * 1024 > GUEST_VSEG.MAX_MEMORY_BYTES) {
      throw new RangeError(`VM memory must be 1..${GUEST_VSEG.MAX_MEMORY_BYTES >>> 20} MiB (got ${mib})`);
    }
    const n = config.vcpus ?? 1;
    if (!Number.isInteger(n) || n < 1 || n > 32) throw new RangeError(`vCPUs must be 1..32 (got ${n})`);
    const tlb = config.tlbEntries ?? 64;
    if (!Number.isInteger(tlb) || tlb < 1 || tlb > 256) throw new RangeError(`virtual TLB entries must be 1..256`);
    const nodes = this.machine.nodeCount;
    const perNode = this.machine.cpuCount / nodes;
    const nodeLoad = new Array(nodes).fill(0);
    for (const v of this.sched.all) nodeLoad[v.homeNode]++;
    let node = config.node ?? 0;
    if (config.node === undefined) for (let k = 1; k < nodes; k++) if (nodeLoad[k] < nodeLoad[node]) node = k;
    if (node < 0 || node >= nodes) throw new RangeError(`node ${node} does not exist`);
    if (config.placement !== undefined && config.placement !== 'first-touch' && config.placement !== 'round-robin') {
      throw new RangeError(`placement must be 'first-touch' or 'round-robin'`);
    }
    // Home CPUs: the least loaded CPUs of the node, spilling to the next nodes for big VMs.
    const homes: number[] = [];
    for (let i = 0; i < n; i++) {
      const nd = (node + Math.floor(i / perNode)) % nodes;
      let best = -1;
      for (let c = nd * perNode; c < (nd + 1) * perNode; c++) {
        const load = this.sched.load(c) + homes.filter((h) => h === c).length;
        const bestLoad = best < 0 ? Infinity : this.sched.load(best) + homes.filter((h) => h === best).length;
        if (load < bestLoad) best = c;
      }
      homes.push(best);
    }
    const id = this.nextVmId++;
    let opened: ReturnType<DiskRegistry['open']>;
    try {
      opened = this.disks.open(config.disks ?? []);
    } catch (e) {
      if (e instanceof DiskConfigError) throw new RangeError(e.message);
      throw e;
    }
    const spPages = homes.map((h) => {
      const pg = this.pages.alloc(this.machine.cpuNode(h), MONITOR_OWNER, -1);
      if (pg < 0) throw new RangeError('out of machine memory for special pages');
      return pg;
    });
    const vm = new Vm(id, config, this.pages, this.ram8, this.ram32, spPages, opened.backends);
    this.disks.register(vm, opened);
    vm.homeNode = node;
    vm.onProtectedWrite = (gp) => writeFault(this, null, null, vm, gp);
    vm.vcpus.forEach((v, i) => {
      // The L2TLB's table lives in a monitor chunk on the vCPU's node: timed mode charges its
      // cache misses (4096 entries x 16 bytes = 64 KiB).
      if (v.l2 !== null) {
        const base = this.pages.allocChunk(this.machine.cpuNode(homes[i]), MONITOR_OWNER, -1);
        if (base < 0) throw new RangeError('out of machine memory for the L2TLB');
        v.l2Base = base * PAGE_BYTES;
      }
      v.home = homes[i];
      v.homeNode = this.machine.cpuNode(homes[i]);
      this.sched.add(v);
    });
    this.vms.push(vm);
    this.numa?.attach(vm);
    return vm;
  }

  /** Boot (or reboot) a VM: fresh memory, kernel loaded, vCPU 0 at the entry point. */
  startVm(vm: Vm): void {
    this.unloadVm(vm);
    vm.pmap.clear();
    vm.pageClass.fill(PAGE_CLASS.KERNEL_DATA);
    const busy = this.disks.claim(vm);
    if (busy !== null) {
      vm.state = 'stopped';
      vm.exit = { kind: 'fault', reason: busy };
      for (const v of vm.vcpus) v.state = VCPU_STATE.Stopped;
      vm.config.onStateChange?.(vm);
      return;
    }
    this.numa?.vmStarted(vm);
    for (const v of vm.vcpus) v.reset();
    for (const d of vm.disks) d?.reset();
    vm.console.clear();
    vm.exit = null;
    vm.resetPending = false;
    const loaded = vm.loadKernel();
    if ('error' in loaded) {
      vm.state = 'stopped';
      vm.exit = { kind: 'fault', reason: `kernel: ${loaded.error}` };
      for (const v of vm.vcpus) v.state = VCPU_STATE.Stopped;
      this.disks.release(vm);
      return;
    }
    shareKernelText(this, vm, this.shareKernelText);
    vm.state = 'running';
    vm.paused = false;
    vm.boots++;
    vm.config.onStateChange?.(vm);
    const cmd = vm.config.cmdline ?? '';
    const v0 = vm.vcpus[0];
    v0.gpr[BOOT_REG.VCPU] = 0;
    v0.gpr[BOOT_REG.SPECIAL_PAGE] = GUEST_VSEG.SPECIAL_PAGE | 0;
    v0.gpr[BOOT_REG.CMDLINE] = cmd === '' ? 0 : (GUEST_VSEG.KSEG_BASE + GUEST_VSEG.CMDLINE_PA) | 0;
    v0.gpr[BOOT_REG.MEMORY_BYTES] = vm.memoryBytes;
    v0.pc = loaded.entry | 0;
    v0.npc = (loaded.entry + 4) | 0;
    v0.inSlot = false;
    v0.state = VCPU_STATE.Runnable;
    const t = this.timeNow();
    for (const v of vm.vcpus) {
      v.countEpoch = t;
      v.lastClock = t;
    }
  }

  /** Start a held secondary vCPU (VCPU_START). */
  startVcpu(v: VCpu, pc: number, arg: number, cycles: number): void {
    v.gpr.fill(0);
    v.gpr[BOOT_REG.VCPU] = v.id;
    v.gpr[BOOT_REG.SPECIAL_PAGE] = GUEST_VSEG.SPECIAL_PAGE | 0;
    v.gpr[BOOT_REG.CMDLINE] = arg | 0;
    v.gpr[BOOT_REG.MEMORY_BYTES] = v.vm.memoryBytes;
    v.pc = pc | 0;
    v.npc = (pc + 4) | 0;
    v.inSlot = false;
    v.countEpoch = cycles;
    v.lastClock = cycles;
    v.state = VCPU_STATE.Runnable;
  }

  /** Stop a VM for good: its vCPUs leave the physical CPUs and its machine pages are freed. */
  stopVm(vm: Vm, exit: VmExit): void {
    if (vm.state === 'stopped') return;
    this.closeWaits(vm);
    vm.state = 'stopped';
    vm.exit = exit;
    vm.resetPending = false;
    for (const v of vm.vcpus) v.state = VCPU_STATE.Stopped;
    this.unloadVm(vm);
    vm.pmap.clear();
    // Non-persistent COW disks lose their changes at power-off (paper §4.2.5).
    for (const d of vm.disks) if (d !== undefined && d.backend instanceof CowDisk && !d.backend.persistent) d.backend.overlay.discard();
    this.disks.release(vm);
    vm.config.onStateChange?.(vm);
  }

  /** A guest broke a rule: it stops alone, with the reason recorded. */
  faultVm(vm: Vm, reason: string): void {
    this.stopVm(vm, { kind: 'fault', reason });
  }

  /** Stop a VM from the host (operator action). */
  killVm(vm: Vm, reason = 'stopped by the host'): void {
    this.stopVm(vm, { kind: 'killed', reason });
  }

  /** Take a VM's vCPUs off the CPUs until the next round boundary, where it reboots (RESET). */
  haltForReset(vm: Vm): void {
    this.closeWaits(vm);
    for (const v of vm.vcpus) v.state = VCPU_STATE.Stopped;
  }

  /** Host-initiated reboot (operator "reset"): the VM restarts at the next round boundary. */
  resetVm(vm: Vm, code = 0): void {
    if (!vm.running) return;
    vm.resetPending = true;
    vm.lastResetCode = code;
    this.haltForReset(vm);
    for (let p = 0; p < this.current.length; p++) if (this.current[p]?.vm === vm) this.cpus[p].requestStop();
  }

  /** Forget a VM for good (stopped first if it runs): its vCPUs leave the scheduler, its special pages and L2TLB tables are freed. */
  destroyVm(vm: Vm): void {
    const i = this.vms.indexOf(vm);
    if (i < 0) return;
    if (vm.state === 'running') this.stopVm(vm, { kind: 'killed', reason: 'destroyed by the host' });
    this.unloadVm(vm);
    vm.pmap.clear();
    this.sched.remove((v) => v.vm === vm);
    for (const v of vm.vcpus) {
      this.pages.release(v.spPage);
      if (v.l2 !== null) this.pages.releaseChunk(v.l2Base / PAGE_BYTES);
    }
    this.vms.splice(i, 1);
    this.numa?.detach(vm);
    // Cache entries of images (base disks, kernel text) no remaining VM uses give their memory back.
    for (const img of this.disks.forget(vm)) this.diskCache.dropImage(img);
  }

  /** The VM's virtual power button: posts VIRQ POWER to vCPU 0 (the guest decides how to shut down). False if it is not running. */
  powerButton(vm: Vm): boolean {
    if (!vm.running) return false;
    this.post(vm.vcpus[0], VIRQ.POWER, null, null);
    return true;
  }

  /** Operator pause: the VM's vCPUs are not scheduled and its virtual timers stand still. */
  pauseVm(vm: Vm): void {
    if (!vm.running || vm.paused) return;
    vm.paused = true;
    for (let p = 0; p < this.current.length; p++) if (this.current[p]?.vm === vm) this.cpus[p].requestStop();
    vm.config.onStateChange?.(vm);
  }

  resumeVm(vm: Vm): void {
    if (!vm.paused) return;
    vm.paused = false;
    vm.config.onStateChange?.(vm);
  }

  private closeWaits(vm: Vm): void {
    const t = this.timeNow();
    for (const v of vm.vcpus) if (v.state === VCPU_STATE.Waiting) vm.counters.c[C.CY_IDLE] += Math.max(0, t - v.waitStart);
  }

  private unloadVm(vm: Vm): void {
    for (let p = 0; p < this.current.length; p++) {
      const v = this.current[p];
      if (v !== null && v.vm === vm) {
        this.current[p] = null;
        v.loadedOn = -1;
        physFlush(this.cpus[p]);
      }
    }
  }

  /** Host console input for a VM (posts CONSOLE_RX to vCPU 0). */
  consoleInput(vm: Vm, data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    if (bytes.length === 0) return;
    vm.console.input(bytes);
    if (vm.running) this.post(vm.vcpus[0], VIRQ.CONSOLE_RX, null, null);
  }

  /**
   * The host resized the VM's console window (the last resize wins): the guest reads the size
   * with CONSOLE_WINSIZE when VIRQ CONSOLE_WINSIZE arrives, and again at every boot. Throws
   * RangeError unless rows and cols are integers in 1..CONSOLE.MAX_ROWS / MAX_COLS; false when the
   * size did not change (nothing posted).
   */
  consoleResize(vm: Vm, cols: number, rows: number): boolean {
    if (!Number.isInteger(rows) || rows < 1 || rows > CONSOLE.MAX_ROWS) throw new RangeError(`console rows ${rows}: must be an integer 1..${CONSOLE.MAX_ROWS}`);
    if (!Number.isInteger(cols) || cols < 1 || cols > CONSOLE.MAX_COLS) throw new RangeError(`console cols ${cols}: must be an integer 1..${CONSOLE.MAX_COLS}`);
    if (vm.console.rows === rows && vm.console.cols === cols) return false;
    vm.console.rows = rows;
    vm.console.cols = cols;
    if (vm.running) this.post(vm.vcpus[0], VIRQ.CONSOLE_WINSIZE, null, null);
    return true;
  }

  // ---- services used by the trap paths -------------------------------------------------------

  /** Post VIRQ `bits` to vCPU v (from a trap on `cpu` running `from`, or from the host/events). */
  post(v: VCpu, bits: number, cpu: Cpu | null, from: VCpu | null): void {
    v.virq |= bits;
    if (v.state === VCPU_STATE.Waiting && v.unmaskedPending()) {
      const t = cpu !== null ? cpu.cycles : this.now;
      v.vm.counters.c[C.CY_IDLE] += Math.max(0, t - v.waitStart);
      v.state = VCPU_STATE.Runnable;
    }
    if (cpu !== null && from !== null && v !== from && v.loadedOn >= 0 && v.loadedOn !== cpu.id) {
      from.vm.counters.c[C.PHYS_IPIS]++;
      charge(cpu, from, this.costs.ipi);
    }
  }

  /** Timed mode: charge the monitor's own access to machine address `pa` (its data structures). */
  touch(cpu: Cpu, v: VCpu, pa: number, write: boolean): void {
    const t = cpu.timing;
    if (t !== null) charge(cpu, v, t.access(cpu.id, pa, write));
  }

  /** Machine page of guest page gp for vCPU v (first touch allocates, zeroed, on v's node). */
  guestPage(cpu: Cpu, v: VCpu, gp: number): number {
    const pmap = v.vm.pmap;
    const known = pmap.machinePage[gp];
    if (known >= 0) {
      // A replicated page: the copy on this CPU's node (numa/).
      if ((pmap.flags[gp] & PAGE_FLAG.REPLICATED) !== 0 && this.numa !== null) return this.numa.copyFor(v.vm, gp, cpu.id, known);
      return known;
    }
    const mp = pmap.lookupOrAlloc(gp, v.vm.allocNode(gp, v.homeNode));
    if (mp === OUT_OF_MEMORY) {
      this.faultVm(v.vm, `out of machine memory (guest page 0x${gp.toString(16)})`);
      cpu.requestStop();
      return -1;
    }
    const zeroed = pmap.lastZeroed;
    v.vm.counters.c[C.PAGES_ZEROED] += zeroed;
    charge(cpu, v, this.costs.pageAlloc);
    if (zeroed > 0) this.chargeZero(cpu, v, (zeroed > 1 ? mp - (gp & 15) : mp) * PAGE_BYTES, zeroed);
    return mp;
  }

  /**
   * Charge zeroing `pages` pages at machine address `ma`: the stores (pageZero per page) and, in
   * timed mode, every line written through the cache model (so the lines end up in this CPU's
   * cache, and other caches lose their copies, as when the monitor really zeroes them).
   */
  private chargeZero(cpu: Cpu, v: VCpu, ma: number, pages: number): void {
    v.vm.counters.monitor[MON.pageZero] += this.chargePageWork(cpu, v, ma, pages, this.costs.pageZero);
  }

  /**
   * Charge `perPage` cycles for each of `pages` pages written at machine address `ma` (zeroing,
   * copying) plus, in timed mode, every line written through the cache model. Returns the cycles.
   */
  chargePageWork(cpu: Cpu, v: VCpu, ma: number, pages: number, perPage: number): number {
    let cycles = perPage * pages;
    const t = cpu.timing;
    if (t !== null) {
      const line = this.machine.cache!.lineBytes;
      for (let a = ma; a < ma + pages * PAGE_BYTES; a += line) cycles += t.access(cpu.id, a, true);
    }
    charge(cpu, v, cycles);
    return cycles;
  }

  /** A write to write-protected guest page gp by vCPU v (copy-on-write, replica collapse); see memory/sharing.ts. */
  writeFault(cpu: Cpu, v: VCpu, gp: number): number {
    return writeFault(this, cpu, v, v.vm, gp);
  }

  /**
   * Before the monitor writes [pa, pa + len) of v's VM (DMA, console input): make every
   * write-protected page in it writable, charged to v. False when memory ran out.
   */
  prepareWrite(cpu: Cpu, v: VCpu, pa: number, len: number): boolean {
    const flags = v.vm.pmap.flags;
    for (let gp = pa >>> 12, last = (pa + len - 1) >>> 12; gp <= last && len > 0; gp++) {
      if ((flags[gp] & PAGE_FLAG.WRITE_PROTECT) !== 0 && writeFault(this, cpu, v, v.vm, gp) < 0) return false;
    }
    return true;
  }

  /** Map guest page sgp of src read-only into guest page dgp of dst (copy-on-write on both sides); 0 or a MERR. */
  remapPage(cpu: Cpu | null, by: VCpu | null, src: Vm, sgp: number, dst: Vm, dgp: number): number {
    return remapPage(this, cpu, by, src, sgp, dst, dgp);
  }

  /** PAGE_ZERO hint: the page's contents become zero (an unallocated page already is). */
  zeroGuestPage(cpu: Cpu, v: VCpu, gp: number): void {
    const pmap = v.vm.pmap;
    v.vm.pageClass[gp] = PAGE_CLASS.KERNEL_DATA;
    let mp = pmap.machinePage[gp];
    if (mp < 0) return;
    if ((pmap.flags[gp] & PAGE_FLAG.SHARED) !== 0) {
      // A shared page is not zeroed in place: this guest page lets go of it (the next touch
      // gets a fresh zeroed page).
      this.shootdownPage(cpu, v, v.vm, gp, mp);
      pmap.drop(gp);
      return;
    }
    if ((pmap.flags[gp] & PAGE_FLAG.WRITE_PROTECT) !== 0) {
      mp = writeFault(this, cpu, v, v.vm, gp);
      if (mp < 0) return;
    }
    this.ram8.fill(0, mp * PAGE_BYTES, (mp + 1) * PAGE_BYTES);
    if (this.machine.links.active !== 0) for (let a = mp * PAGE_BYTES; a < (mp + 1) * PAGE_BYTES; a += 32) this.machine.links.stored(a, -1);
    v.vm.counters.c[C.PAGES_ZEROED]++;
    this.chargeZero(cpu, v, mp * PAGE_BYTES, 1);
  }

  /** PAGE_FREE hint: take the machine page away (TLB shootdown through the memmap); the next touch gets a zero page. */
  freeGuestPage(cpu: Cpu, v: VCpu, gp: number): void {
    const vm = v.vm;
    vm.pageClass[gp] = PAGE_CLASS.KERNEL_DATA;
    const mp = vm.pmap.machinePage[gp];
    if (mp < 0) return;
    if ((vm.pmap.flags[gp] & PAGE_FLAG.REPLICATED) !== 0 && writeFault(this, cpu, v, vm, gp) < 0) return;
    this.shootdownPage(cpu, v, vm, gp, vm.pmap.machinePage[gp]);
    vm.pmap.drop(gp);
  }

  /**
   * Remove every translation of machine page mp (guest page gp of vm, and of its replicas) from
   * the VM's L2TLBs and the physical TLBs, through the memmap's backmaps: each recorded
   * (virtual page, ASID) is dropped from every L2TLB of the VM and, on the CPUs that may hold a
   * translation of one of the frames (tlbRefs) and run a vCPU of the VM, from the physical TLB,
   * with the page's sseg direct-map address; only those CPUs get an IPI. A backmap that
   * overflowed falls back to scanning every L2TLB by guest page and those CPUs' physical TLBs
   * by frame. `cpu`/`by` pay for it (null: the host did it, nothing
   * is charged): one shootdown for the initiator, shootdown + IPI per other CPU reached.
   */
  shootdownPage(cpu: Cpu | null, by: VCpu | null, vm: Vm, gp: number, mp: number): void {
    const pages = this.pages;
    const fr = this.sdFrames;
    let nf = 0;
    fr[nf++] = mp;
    const replicated = this.numa !== null && (vm.pmap.flags[gp] & PAGE_FLAG.REPLICATED) !== 0;
    if (replicated) nf = this.numa!.replicaFrames(vm, gp, fr, nf);
    let overflow = false;
    for (let k = 0; k < nf; k++) if (pages.backmapOverflowed(fr[k])) overflow = true;
    const c = vm.counters.c;
    const vcpus = vm.vcpus;
    if (overflow) {
      for (let i = 0; i < vcpus.length; i++) vcpus[i].l2?.dropGuestPage(gp);
      c[C.SHOOTDOWN_FULL]++;
    } else {
      for (let k = 0; k < nf; k++) {
        const base = fr[k] * BACKMAP_SLOTS;
        for (let j = 0, n = pages.backmapCount[fr[k]]; j < n; j++) {
          const e = pages.backmap[base + j];
          for (let i = 0; i < vcpus.length; i++) vcpus[i].l2?.dropMapping(e & ~0xfff, e & 0x1ff, gp);
        }
      }
    }
    const ssegVa = (GUEST_VSEG.KSEG_BASE + gp * PAGE_BYTES) | 0;
    let initiatorCharged = false;
    for (let p = 0; p < this.current.length; p++) {
      const w = this.current[p];
      if (w === null || w.vm !== vm) continue;
      if (!this.holdsAny(p, fr, nf)) continue; // its TLB holds no translation of the page: no IPI
      const pc = this.cpus[p];
      if (overflow) {
        physInvalidateFrame(pc, mp);
        if (replicated) this.numa!.invalidateCopies(pc, vm, gp);
      } else {
        physInvalidateVa(pc, ssegVa, -1, fr, nf);
        for (let k = 0; k < nf; k++) {
          const base = fr[k] * BACKMAP_SLOTS;
          for (let j = 0, n = pages.backmapCount[fr[k]]; j < n; j++) {
            const e = pages.backmap[base + j];
            const tag = e & 0x1ff;
            physInvalidateVa(pc, e & ~0xfff, tag === BACKMAP_GLOBAL ? -1 : tag, fr, nf);
          }
        }
      }
      if (cpu !== null && by !== null) {
        if (p === cpu.id) initiatorCharged = true;
        else c[C.SHOOTDOWN_IPIS]++;
        charge(cpu, by, p === cpu.id ? this.costs.shootdown : this.costs.shootdown + this.costs.ipi);
      }
    }
    if (cpu !== null && by !== null && !initiatorCharged) charge(cpu, by, this.costs.shootdown); // the backmap walk
    // The VM's translations of its own frames are all gone now (a shared page may still be mapped by other VMs).
    for (let k = 0; k < nf; k++) if (pages.owner[fr[k]] === vm.id) pages.clearBackmap(fr[k]);
    c[C.SHOOTDOWNS]++;
  }

  private holdsAny(p: number, fr: Int32Array, nf: number): boolean {
    for (let k = 0; k < nf; k++) if (this.tlbRefs.holds(fr[k], p)) return true;
    return false;
  }

  /** A disk command was issued: complete it now or after the modelled latency. */
  diskIssued(vm: Vm, unit: number, cycles: number, sectors: number, immediate = false): void {
    const d = vm.disks[unit]!;
    const lat = vm.diskLatency;
    if (lat === undefined || immediate) {
      d.state = d.result;
      this.post(vm.vcpus[0], VIRQ.DISK0 << unit, null, null);
      return;
    }
    d.state = DISK_STATE.BUSY;
    d.completeAt = cycles + lat.fixedCycles + lat.perSectorCycles * sectors;
    if (d.completeAt < this.nextEvent) this.nextEvent = d.completeAt;
  }

  noteTimer(deadline: number): void {
    if (deadline < this.nextEvent) this.nextEvent = deadline;
  }

  /** RTC at machine cycle `cycles`: sets rtcSec / rtcNsec and returns nothing else. */
  rtc(cycles: number): void {
    const baseSec = Math.floor(this.rtcBaseMs / 1000);
    const ns = (this.rtcBaseMs - baseSec * 1000) * 1e6 + Math.floor((cycles * 1e9) / MACHINE.CPU_CLOCK_HZ);
    this.rtcSec = baseSec + Math.floor(ns / 1e9);
    this.rtcNsec = ns % 1e9;
  }

  private timeNow(): number {
    return this.now;
  }

  // ---- the physical exception vector -----------------------------------------------------------

  exception(cpu: Cpu): void {
    const v = this.current[cpu.id];
    if (v === null || v.vm.state !== 'running') {
      cpu.requestStop();
      return;
    }
    try {
      handleTrap(this, cpu, v);
    } catch (e) {
      this.faultVm(v.vm, `monitor error: ${e instanceof Error ? e.message : String(e)}`);
      cpu.requestStop();
    }
  }

  // ---- running -------------------------------------------------------------------------------

  requestStop(): void {
    this.stopRequested = true;
    for (const cpu of this.cpus) cpu.requestStop();
  }

  /**
   * Run rounds until `maxCycles` of machine time passed ('budget'), no VM runs any more
   * ('halted'), every vCPU waits with no event ahead ('idle'), or requestStop ('stopped').
   */
  run(maxCycles: number): MonitorRunResult {
    const end = this.now + maxCycles;
    this.stopRequested = false;
    while (this.now < end) {
      if (!this.vms.some((vm) => vm.running)) return 'halted';
      const roundEnd = Math.min(end, this.now + this.quantum);
      this.round++;
      this.sched.assign(this.current, this.now, this.sliceCycles, this.assigned);
      let anyRan = false;
      for (let p = 0; p < this.cpus.length; p++) {
        if (this.runCpu(p, roundEnd)) anyRan = true;
      }
      this.machine.cache?.endWindow(roundEnd - this.now);
      this.now = roundEnd;
      this.events();
      this.numa?.roundBoundary(this.now);
      if (this.stopRequested) return 'stopped';
      if (!anyRan && !this.sched.anyRunnable() && !this.skipIdle(end)) return this.vms.some((vm) => vm.running) ? 'idle' : 'halted';
    }
    return 'budget';
  }

  /** One round on physical CPU p; true if a vCPU ran. */
  private runCpu(p: number, roundEnd: number): boolean {
    const cpu = this.cpus[p];
    if (cpu.cycles < this.now) {
      this.physIdle[p] += this.now - cpu.cycles;
      cpu.cycles = this.now;
    }
    let v = this.assigned[p];
    let ran = false;
    while (cpu.cycles < roundEnd) {
      if (v === null) v = this.sched.pick(p, cpu.cycles, this.sliceCycles, this.round);
      if (v === null) {
        this.physIdle[p] += roundEnd - cpu.cycles;
        cpu.cycles = roundEnd;
        break;
      }
      if (this.current[p] !== v) this.switchTo(p, v);
      v.ranRound = this.round;
      v.lastRun = this.now;
      ran = true;
      // Time since the vCPU last ran on this CPU (it waited, or the CPU idled) is not its own.
      v.mark = cpu.cycles;
      v.markInstret = cpu.instret;
      if (v.deliverable()) deliverAtBoundary(this, cpu, v);
      const start = cpu.cycles;
      if (v.vm.running && v.state === VCPU_STATE.Runnable) cpu.run(roundEnd);
      if (this.current[p] === v) {
        account(cpu, v);
        this.sampleCache(p, v);
        const st = v.status();
        if ((st & STATUS.IE) === 0 || (st & (STATUS.EXL | STATUS.ERL)) !== 0) {
          v.irqOffRun += cpu.cycles - start;
          if (v.irqOffRun > v.vm.watchdogCycles && v.state === VCPU_STATE.Runnable) {
            this.faultVm(v.vm, `vCPU ${v.id} ran ${v.irqOffRun} cycles with interrupts disabled (pc 0x${(cpu.pc >>> 0).toString(16)})`);
          }
        } else v.irqOffRun = 0;
      }
      if (!Scheduler.runnable(v)) {
        if (this.current[p] === v && !v.vm.running) this.unload(p);
        v.assigned = -1;
        v = null;
        continue;
      }
      if (cpu.cycles === start) cpu.cycles++; // progress guarantee
    }
    return ran;
  }

  private sampleCache(p: number, v: VCpu): void {
    const cache = this.machine.cache;
    if (cache === null) return;
    const s = cache.stats(p);
    v.vm.counters.c[C.CACHE_LOCAL] += s.localMisses - this.lastLocal[p];
    v.vm.counters.c[C.CACHE_REMOTE] += s.remoteMisses - this.lastRemote[p];
    this.lastLocal[p] = s.localMisses;
    this.lastRemote[p] = s.remoteMisses;
  }

  /** Save the registers of the vCPU loaded on p into its record. */
  private save(p: number): void {
    const v = this.current[p];
    if (v === null) return;
    const cpu = this.cpus[p];
    v.gpr.set(cpu.gpr);
    v.hi = cpu.hi;
    v.lo = cpu.lo;
    v.pc = cpu.pc;
    v.npc = cpu.npc;
    v.inSlot = cpu.inSlot;
    v.fpr.set(cpu.fpu.w);
    v.fcsr = cpu.fpu.fcsr;
  }

  private unload(p: number): void {
    const v = this.current[p];
    if (v === null) return;
    if (v.vm.running) this.save(p);
    v.loadedOn = -1;
    this.current[p] = null;
  }

  /** Load vCPU v on physical CPU p: save the previous one, flush the physical TLB, restore v. */
  private switchTo(p: number, v: VCpu): void {
    const cpu = this.cpus[p];
    this.unload(p);
    if (v.loadedOn >= 0) this.unload(v.loadedOn);
    cpu.gpr.set(v.gpr);
    cpu.hi = v.hi;
    cpu.lo = v.lo;
    cpu.fpu.w.set(v.fpr);
    cpu.fpu.fcsr = v.fcsr;
    cpu.pc = v.pc;
    cpu.npc = v.npc;
    cpu.inSlot = v.inSlot;
    cpu.llBit = false;
    if (cpu.links.active !== 0) cpu.links.clear(cpu.id);
    physFlush(cpu);
    this.current[p] = v;
    v.loadedOn = p;
    setPhysical(cpu, v);
    v.vm.counters.c[C.VCPU_SWITCHES]++;
    charge(cpu, v, this.costs.vcpuSwitch);
    v.vm.counters.monitor[MON.vcpuSwitch] += this.costs.vcpuSwitch;
    v.mark = cpu.cycles;
    v.markInstret = cpu.instret;
  }

  /** Round boundary: virtual timer ticks, Count/Compare, disk completions, reboots. */
  private events(): void {
    const now = this.now;
    let next = Infinity;
    for (const vm of this.vms) {
      if (vm.resetPending) {
        this.startVm(vm);
        continue;
      }
      if (!vm.running || vm.paused) continue;
      for (const v of vm.vcpus) {
        if (v.state === VCPU_STATE.Held || v.state === VCPU_STATE.Stopped) continue;
        if (now >= v.nextTick) {
          const period = v.timerPeriod;
          v.nextTick = period > 0 ? v.nextTick + period * (Math.floor((now - v.nextTick) / period) + 1) : Infinity;
          this.post(v, VIRQ.TIMER, null, null);
        }
        if (now >= v.compareDeadline) {
          compareFired(v, now);
          this.post(v, 0, null, null);
        }
        if (v.nextTick < next) next = v.nextTick;
        if (v.compareDeadline < next && (v.status() & (1 << (STATUS.IM_SHIFT + 7))) !== 0) next = v.compareDeadline;
      }
      for (let u = 0; u < 4; u++) {
        const d = vm.disks[u];
        if (d === undefined) continue;
        if (d.state === DISK_STATE.BUSY && now >= d.completeAt) {
          d.state = d.result;
          d.completeAt = Infinity;
          this.post(vm.vcpus[0], VIRQ.DISK0 << u, null, null);
        }
        if (d.completeAt < next) next = d.completeAt;
      }
    }
    this.nextEvent = next;
  }

  /** Nothing ran and nothing is runnable: jump to the next event, or false if there is none. */
  private skipIdle(end: number): boolean {
    const next = this.nextEvent;
    if (!Number.isFinite(next)) return false;
    const target = Math.min(end, Math.max(this.now, Math.floor(next / this.quantum) * this.quantum));
    if (target > this.now) {
      for (let p = 0; p < this.cpus.length; p++) {
        const cpu = this.cpus[p];
        if (cpu.cycles < target) {
          this.physIdle[p] += target - cpu.cycles;
          cpu.cycles = target;
        }
      }
      this.machine.cache?.endWindow(target - this.now);
      this.now = target;
    }
    return true;
  }

  // ---- metrics -----------------------------------------------------------------------------

  vmMetrics(vm: Vm, footprint?: VmFootprint): MetricsSnapshot {
    const k = new Counters();
    k.add(vm.counters);
    if (vm.running) for (const v of vm.vcpus) if (v.state === VCPU_STATE.Waiting) k.c[C.CY_IDLE] += Math.max(0, this.now - v.waitStart);
    return {
      ...snapshot(k, vm.pmap.pagesPerNode, vm.pmap.sharedMapped, this.numa?.replicaPagesPerNode(vm) ?? []),
      footprint: footprint ?? footprintOf(vm, this.vms),
    };
  }

  metrics(costTableName: string): MachineMetrics {
    const sum = new Counters();
    const pages = new Float64Array(this.machine.nodeCount);
    const vms: MachineMetrics['vms'] = {};
    const replicas = new Float64Array(this.machine.nodeCount);
    let shared = 0;
    const fp = machineFootprint(this.vms, this.pages, this.diskCache.machinePages());
    for (const vm of this.vms) {
      sum.add(vm.counters);
      shared += vm.pmap.sharedMapped;
      for (let n = 0; n < pages.length; n++) pages[n] += vm.pmap.pagesPerNode[n];
      const r = this.numa?.replicaPagesPerNode(vm) ?? [];
      for (let n = 0; n < r.length; n++) replicas[n] += r[n];
      vms[vm.name] = { ...this.vmMetrics(vm, fp.vms.get(vm)), state: vm.state, exit: vm.exit, boots: vm.boots };
    }
    let idle = 0;
    for (let p = 0; p < this.physIdle.length; p++) idle += this.physIdle[p];
    sum.c[C.CY_IDLE] = idle;
    return {
      costTable: costTableName,
      now: this.now,
      physicalIdle: Array.from(this.physIdle),
      total: snapshot(sum, pages, shared, replicas),
      vms,
      freePagesPerNode: Array.from({ length: this.machine.nodeCount }, (_, n) => this.pages.freeOn(n)),
      footprint: fp.machine,
      diskCache: this.diskCache.stats(),
      nodes: Array.from({ length: this.machine.nodeCount }, (_, n) => {
        let local = 0;
        let remote = 0;
        const cache = this.machine.cache;
        if (cache !== null) {
          for (let p = 0; p < this.cpus.length; p++) {
            if (this.machine.cpuNode(p) !== n) continue;
            const st = cache.stats(p);
            local += st.localMisses;
            remote += st.remoteMisses;
          }
        }
        const all = local + remote;
        return { pages: pages[n], replicaPages: replicas[n], freePages: this.pages.freeOn(n), localMisses: local, remoteMisses: remote, localMissRatio: all > 0 ? local / all : 0 };
      }),
      numa: this.numa?.config ?? null,
    };
  }

  /** Close the host files of every VM's disks (base images, private images, overlay files). */
  closeDisks(): void {
    this.diskCache.clear();
    this.disks.close();
  }
}

