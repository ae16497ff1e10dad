// The worker's machine: ONE emulated cc-NUMA machine (libs/machine) and ONE Disco monitor
// (libs/disco) running every VM on it. Each VM boots the monitor port of the guest kernel
// (guest/images/kernel-disco.elf) with its vCPUs, memory, home node, command line and private
// persistent disks; its boot script is typed once its first shell prompt appears. run() runs all
// VMs together; an exception out of the emulator is pinned on the VM whose vCPU was running
// (or, when that cannot be told, on every VM) and faults only that VM.
import { readFileSync } from 'node:fs';
import { Machine } from '../../../../libs/machine/src/board/machine.js';
import { MACHINE } from '../../../../libs/machine/src/board/memory-map.js';
import type { DiskConfig } from '../../../../libs/disco/src/io/disk-config.js';
import { Monitor } from '../../../../libs/disco/src/monitor.js';
import { VirtualSubnet } from '../../../../libs/disco/src/io/net.js';
import { C } from '../../../../libs/disco/src/metrics.js';
import { MONITOR_OWNER, NO_OWNER } from '../../../../libs/disco/src/memory/memmap.js';
import { VCPU_STATE } from '../../../../libs/disco/src/vcpu/vcpu.js';
import type { Vm } from '../../../../libs/disco/src/vm.js';
import type { DiskSpec, MachineSnapshot, MonitorCounters, MonitorGauges, NetAddress, VmSpec, WorkerConfig } from '../../../../libs/protocol/src/index.js';
import { topologyProblems } from '../machine/topology.js';
import type { MachineBackend, RunResult, VmEnd, VmHandle } from './vm-backend.js';

export { topologyProblems };

/** The guest kernel's power-off code after a panic (docs/guest.md). */
const KERNEL_PANIC_CODE = 0x7a;
/** Console bytes kept per VM to find a panic message (a power of two). */
const TAIL_BYTES = 1024;
const ASCII_SPACE = 0x20;

/** The monitor's configuration of one disk. */
function diskConfig(d: DiskSpec): DiskConfig {
  switch (d.mode) {
    case 'private': return { kind: 'private', path: d.path, readOnly: d.readOnly };
    case 'cow': return { kind: 'cow', base: d.path };
    case 'cow-persistent':
      if (d.overlay === undefined) throw new Error(`disk slot ${d.slot}: a cow-persistent disk needs an overlay file`);
      return { kind: 'cow-persistent', base: d.path, overlay: d.overlay };
    default: throw new Error(`disk slot ${d.slot}: unknown mode ${String((d as { mode: unknown }).mode)}`);
  }
}

class MonitorVm implements VmHandle {
  readonly vm: Vm;
  private readonly tail = new Uint8Array(TAIL_BYTES);
  private tailPos = 0;
  /** The boot script waits for the first prompt; then it is due (typed after the slice). */
  private script: Uint8Array | null;
  scriptDue = false;
  private prev = 0;
  readonly net: NetAddress;

  constructor(
    private readonly monitor: Monitor,
    kernel: Uint8Array,
    spec: VmSpec,
    private readonly output: (byte: number) => void,
    private readonly onClose: (h: MonitorVm) => void,
  ) {
    const text = spec.bootScript.trim() === '' ? null : spec.bootScript.endsWith('\n') ? spec.bootScript : spec.bootScript + '\n';
    this.script = text === null ? null : Buffer.from(text, 'latin1');
    // The monitor opens the disks (io/disk-config.ts: base images once per monitor, overlays,
    // exclusivity at start) and closes them when the VM is destroyed.
    // Dense (explicit undefined for empty slots): the array index is the disk unit.
    const units: (DiskConfig | undefined)[] = Array.from({ length: 1 + Math.max(-1, ...spec.disks.map((d) => d.slot)) }, () => undefined);
    for (const d of spec.disks) {
      if (!Number.isInteger(d.slot) || d.slot < 0 || d.slot > 3) throw new Error(`disk slot ${d.slot}: the monitor has units 0..3`);
      units[d.slot] = diskConfig(d);
    }
    this.vm = monitor.createVm({
      name: spec.name, kernel, memoryMiB: spec.memoryMiB, vcpus: spec.vcpus, cmdline: spec.cmdline, disks: units,
      node: spec.homeNode, console: (b) => this.onByte(b),
    });
    const station = VirtualSubnet.station(this.vm);
    this.net = { station, mac: VirtualSubnet.mac(station) };
    monitor.startVm(this.vm);
    if (this.vm.state !== 'running') {
      const why = this.vm.exit !== null && 'reason' in this.vm.exit ? this.vm.exit.reason : 'it did not start';
      this.close();
      throw new Error(why);
    }
  }

  private onByte(b: number): void {
    this.output(b);
    this.tail[this.tailPos & (TAIL_BYTES - 1)] = b;
    this.tailPos++;
    if (this.script !== null && b === ASCII_SPACE && (this.prev === 0x23 || this.prev === 0x24 || this.prev === 0x3e)) this.scriptDue = true;
    this.prev = b;
  }

  /** After a slice: type the boot script if its prompt came. */
  typeScript(): void {
    if (!this.scriptDue || this.script === null) return;
    this.scriptDue = false;
    const s = this.script;
    this.script = null;
    if (this.vm.running) this.monitor.consoleInput(this.vm, s);
  }

  private get c(): Float64Array {
    return this.vm.counters.c;
  }

  get instructions(): number {
    return this.c[C.IN_USER] + this.c[C.IN_KERNEL];
  }

  get busyCycles(): number {
    const c = this.c;
    return c[C.CY_USER] + c[C.CY_KERNEL] + c[C.CY_MONITOR];
  }

  get cycles(): number {
    let idle = this.c[C.CY_IDLE];
    const vcpus = this.vm.vcpus;
    if (this.vm.running) {
      for (let i = 0; i < vcpus.length; i++) if (vcpus[i]!.state === VCPU_STATE.Waiting) idle += Math.max(0, this.monitor.now - vcpus[i]!.waitStart);
    }
    return this.busyCycles + idle;
  }

  get boots(): number {
    return this.vm.boots;
  }

  end(): VmEnd | null {
    const vm = this.vm;
    if (vm.state !== 'stopped' || vm.exit === null) return null;
    const exit = vm.exit;
    if (exit.kind === 'poweroff') {
      if (exit.code === KERNEL_PANIC_CODE) {
        const m = /\npanic: ([^\n]*)/.exec(this.tailText());
        if (m !== null) return { kind: 'panic', message: m[1]!.trim() };
      }
      return { kind: 'poweroff', code: exit.code };
    }
    return { kind: 'fault', reason: exit.reason };
  }

  private tailText(): string {
    const n = Math.min(this.tailPos, TAIL_BYTES);
    let s = '';
    for (let i = this.tailPos - n; i < this.tailPos; i++) s += String.fromCharCode(this.tail[i & (TAIL_BYTES - 1)]!);
    return s;
  }

  input(data: Uint8Array): void {
    this.monitor.consoleInput(this.vm, data);
  }

  resize(cols: number, rows: number): void {
    this.monitor.consoleResize(this.vm, cols, rows);
  }

  pause(): void {
    this.monitor.pauseVm(this.vm);
  }

  resume(): void {
    this.monitor.resumeVm(this.vm);
  }

  reset(): void {
    this.monitor.resetVm(this.vm);
  }

  powerButton(): void {
    this.monitor.powerButton(this.vm);
  }

  kill(reason: string): void {
    this.monitor.killVm(this.vm, reason);
  }

  counters(): MonitorCounters {
    const m = this.monitor.vmMetrics(this.vm);
    let traps = 0;
    for (const k in m.traps) traps += m.traps[k]!;
    const t = m.tlb;
    return {
      cyclesUser: m.cycles.user, cyclesKernel: m.cycles.kernel, cyclesMonitor: m.cycles.monitor, cyclesIdle: m.cycles.idle,
      tlbMisses: t.l2tlbHits + t.vtlbHits + t.reflectedRefills + t.ssegFills + t.specialFills, l2tlbHits: t.l2tlbHits, traps,
      cacheLocalMisses: m.cacheMisses.local, cacheRemoteMisses: m.cacheMisses.remote,
      diskCommands: m.disk.reads + m.disk.writes, diskSectors: m.disk.sectorsRead + m.disk.sectorsWritten,
      consoleBytesOut: m.console.bytesOut, consoleBytesIn: m.console.bytesIn,
      numaHotPages: m.numa.hotPages, numaMigrations: m.numa.migrations, numaReplications: m.numa.replications, numaCollapses: m.numa.collapses,
      pagesRemapped: m.sharing.remapped, cowCopies: m.sharing.cowCopies,
      netFramesSent: m.net.framesSent, netFramesReceived: m.net.framesReceived,
      netBytesCopied: m.net.bytesCopied, netBytesRemapped: m.net.bytesRemapped,
      netDrops: m.net.drops.noStation + m.net.drops.noBuffer + m.net.drops.tooBig,
    };
  }

  gauges(): MonitorGauges {
    const r = this.monitor.numa?.replicaPagesPerNode(this.vm) ?? [];
    let replicaPages = 0;
    for (let n = 0; n < r.length; n++) replicaPages += r[n]!;
    return { replicaPages, sharedPages: this.vm.pmap.sharedMapped };
  }

  /** Replica pages of the VM on each node now. */
  replicasPerNode(): ArrayLike<number> {
    return this.monitor.numa?.replicaPagesPerNode(this.vm) ?? [];
  }

  close(): void {
    this.onClose(this);
    this.monitor.destroyVm(this.vm);
  }
}

export class MonitorBackend implements MachineBackend {
  readonly name = 'disco';
  readonly clockHz = MACHINE.CPU_CLOCK_HZ;
  readonly machine: Machine;
  readonly monitor: Monitor;
  private readonly handles = new Map<Vm, MonitorVm>();
  private readonly kernels = new Map<string, Uint8Array>();
  private readonly lastCycles: Float64Array;
  private readonly lastIdle: Float64Array;

  constructor(readonly config: WorkerConfig) {
    const problems = topologyProblems(config);
    if (problems.length > 0) throw new Error(`bad machine topology: ${problems.join('; ')}`);
    this.machine = new Machine({
      cpus: config.cpus, nodes: config.nodes, memoryBytes: config.memoryMiB * 1024 * 1024, timed: config.timed, consoleOutput: () => {},
    });
    // NUMA placement (numa/): the paper's policy or AutoNUMA's; it needs timed mode (the miss
    // counters are fed by the cache model), so in fast mode it is not built at all.
    this.monitor = new Monitor(this.machine, { numa: config.numa === 'off' || !config.timed ? false : { strategy: config.numa } });
    this.lastCycles = new Float64Array(config.cpus);
    this.lastIdle = new Float64Array(config.cpus);
  }

  get now(): number {
    return this.monitor.now;
  }

  get minSliceCycles(): number {
    return this.monitor.quantum;
  }

  create(spec: VmSpec, output: (byte: number) => void): VmHandle {
    let kernel = this.kernels.get(spec.kernelPath);
    if (kernel === undefined) {
      kernel = readFileSync(spec.kernelPath);
      this.kernels.set(spec.kernelPath, kernel);
    }
    const h = new MonitorVm(this.monitor, kernel, spec, output, (x) => this.handles.delete(x.vm));
    this.handles.set(h.vm, h);
    return h;
  }

  run(cycles: number): RunResult {
    const m = this.monitor;
    const start = m.now;
    let r;
    try {
      r = m.run(cycles);
    } catch (e) {
      this.blame(e, Math.min(start + cycles, m.now + m.quantum));
      return 'ran';
    }
    for (const h of this.handles.values()) if (h.scriptDue) h.typeScript();
    return r === 'idle' ? 'idle' : r === 'halted' ? 'halted' : 'ran';
  }

  /**
   * The emulator threw in the middle of a round. CPUs run one after another, each up to the
   * round's end, so the one that threw is the first still short of it: its VM is at fault.
   */
  private blame(e: unknown, roundEnd: number): void {
    const why = `emulator error: ${e instanceof Error ? e.message : String(e)}`;
    const m = this.monitor;
    for (let p = 0; p < m.cpus.length; p++) {
      if (m.cpus[p]!.cycles >= roundEnd) continue;
      const v = m.current[p];
      if (v !== null && v !== undefined && v.vm.running) {
        m.faultVm(v.vm, why);
        return;
      }
      break;
    }
    for (const vm of [...m.vms]) if (vm.running) m.faultVm(vm, `${why} (on no VM in particular)`);
  }

  /** Cache misses of node n's CPUs since the machine started (timed mode; 0 in fast mode). */
  private nodeMisses(n: number): { local: number; remote: number } {
    let local = 0;
    let remote = 0;
    const cache = this.machine.cache;
    if (cache !== null) {
      for (let p = 0; p < this.machine.cpuCount; p++) {
        if (this.machine.cpuNode(p) !== n) continue;
        const st = cache.stats(p);
        local += st.localMisses;
        remote += st.remoteMisses;
      }
    }
    return { local, remote };
  }

  snapshot(vmIds: Map<VmHandle, string>): MachineSnapshot {
    const m = this.monitor;
    const cpus = m.cpus.map((cpu, p) => {
      const elapsed = cpu.cycles - this.lastCycles[p]!;
      const idle = m.physIdle[p]! - this.lastIdle[p]!;
      this.lastCycles[p] = cpu.cycles;
      this.lastIdle[p] = m.physIdle[p]!;
      const v = m.current[p] ?? null;
      const h = v === null ? undefined : this.handles.get(v.vm);
      const vmId = h === undefined ? null : (vmIds.get(h) ?? null);
      const busyPct = elapsed > 0 ? Math.max(0, Math.min(100, 100 * (1 - idle / elapsed))) : 0;
      return { cpu: p, node: this.machine.cpuNode(p), vmId, vcpu: vmId === null ? null : v!.id, busyPct: Math.round(busyPct * 10) / 10 };
    });
    const pages = m.pages;
    const nodes = Array.from({ length: pages.nodes }, (_, n) => {
      let monitorPages = 0;
      let sharedPages = 0;
      const first = n * pages.pagesPerNode;
      for (let i = first; i < first + pages.pagesPerNode; i++) {
        const o = pages.owner[i]!;
        if (o === MONITOR_OWNER) monitorPages++;
        else if (o < 0 && o !== NO_OWNER) sharedPages++;
      }
      const vms: { vmId: string; pages: number; replicaPages: number }[] = [];
      let replicaPages = 0;
      for (const [vm, h] of this.handles) {
        const id = vmIds.get(h);
        const replicas = h.replicasPerNode()[n] ?? 0;
        replicaPages += replicas;
        if (id !== undefined && (vm.pmap.pagesPerNode[n]! > 0 || replicas > 0)) vms.push({ vmId: id, pages: vm.pmap.pagesPerNode[n]!, replicaPages: replicas });
      }
      const misses = this.nodeMisses(n);
      return { node: n, totalPages: pages.pagesPerNode, freePages: pages.freeOn(n), monitorPages, sharedPages, replicaPages, localMisses: misses.local, remoteMisses: misses.remote, vms };
    });
    return { at: Date.now(), cycles: m.now, cpus, nodes };
  }
}
