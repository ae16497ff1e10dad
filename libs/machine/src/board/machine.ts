// The whole emulated cc-NUMA multiprocessor: RAM split across nodes, P CPUs, the LL/SC link
// monitor, the devices of the board, and (in timed mode) the cache model with FLASH-style miss
// counters. CPUs run in a deterministic round-robin of fixed quanta of emulated cycles; devices
// are ticked between quanta; when every CPU idles in WAIT, time jumps to the next event.

import { CacheModel } from '../cache/cache-model.js';
import { writeCp0 } from '../cp0/cp0.js';
import { CP0, STATUS } from '../cp0/regs.js';
import { Cpu, STOP } from '../cpu/cpu.js';
import { LinkMonitor } from '../cpu/link-monitor.js';
import type { BlockBackend } from '../devices/block/block.backend.js';
import type { BlockLatency } from '../devices/block/block.device.js';
import { parseElf } from '../loader/elf.js';
import { PhysicalMemory } from '../memory/physical-memory.js';
import { MissCounters } from '../numa-counters/miss-counters.js';
import { attachBoardDevices, type BoardDevices } from './board-devices.js';
import { DEVICE_BASE, MACHINE, PHYS, VSEG } from './memory-map.js';

export interface MachineOptions {
  cpus?: number;
  nodes?: number;
  memoryBytes?: number;
  /** Timed mode: per-CPU caches, coherence, local/remote miss latencies and miss counters. */
  timed?: boolean;
  /** Cycles each CPU runs before the next one takes its turn. */
  quantum?: number;
  tlbEntries?: number;
  /** Hot-page threshold of the FLASH miss counters (0 = no notifications). */
  missThreshold?: number;
  /**
   * Timed mode: cache size per CPU and miss latencies (defaults: 1 MiB, 60 / 180 cycles). An
   * ideal UMA machine is `{ remoteMissCycles: 60 }` (every miss at the local latency).
   */
  cache?: { cacheBytes?: number; localMissCycles?: number; remoteMissCycles?: number; controllerOccupancyCycles?: number };
  disks?: BlockBackend[];
  /** Console output, one byte at a time. */
  consoleOutput?: (byte: number) => void;
  /** Host wall clock for the RTC, in milliseconds since the epoch (tests pass a fixed clock). */
  clock?: () => number;
  /** Network attachment: MAC address and the host's sink for transmitted frames. */
  net?: { mac?: ArrayLike<number>; onTransmit?: (frame: Uint8Array) => void };
  /** Modelled disk latency (default: block commands complete at once). */
  blockLatency?: BlockLatency;
}

export type PowerState = { kind: 'on' } | { kind: 'poweroff'; code: number } | { kind: 'reset'; code: number };

/** Why `run` returned. */
export type RunResult = 'budget' | 'poweroff' | 'reset' | 'idle' | 'stopped';

export const DEFAULT_QUANTUM = 10_000;

/** Status.IM bit of the CP0 Count/Compare interrupt (IP7). */
const CP0_TIMER_IM = 1 << (STATUS.IM_SHIFT + 7);

export class Machine {
  readonly cpuCount: number;
  readonly nodeCount: number;
  readonly memory: PhysicalMemory;
  readonly links: LinkMonitor;
  readonly cpus: Cpu[];
  readonly cache: CacheModel | null;
  readonly missCounters: MissCounters | null;
  readonly devices: BoardDevices;
  readonly quantum: number;
  /** Machine time in cycles: the start of the current round. */
  now = 0;
  /** Per CPU: 1 once started (CPU 0 by boot, the others through the power device). */
  readonly started: Uint8Array;
  power: PowerState = { kind: 'on' };
  private stopRequested = false;
  private nextDeviceEvent = 0;

  constructor(opts: MachineOptions = {}) {
    const cpus = opts.cpus ?? MACHINE.DEFAULT_CPUS;
    const nodes = opts.nodes ?? MACHINE.DEFAULT_NODES;
    const memoryBytes = opts.memoryBytes ?? MACHINE.DEFAULT_RAM_BYTES;
    validateTopology(cpus, nodes, memoryBytes);
    this.cpuCount = cpus;
    this.nodeCount = nodes;
    this.quantum = opts.quantum ?? DEFAULT_QUANTUM;
    this.memory = new PhysicalMemory(memoryBytes, nodes);
    this.links = new LinkMonitor(cpus);
    this.cpus = Array.from({ length: cpus }, (_, i) => new Cpu(i, this.memory, this.links, opts.tlbEntries));
    this.started = new Uint8Array(cpus);
    if (opts.timed) {
      this.missCounters = new MissCounters({ memoryBytes, nodes, threshold: opts.missThreshold ?? 0 });
      this.cache = new CacheModel({
        cpus,
        nodes,
        memoryBytes,
        cpuNode: (c: number) => this.cpuNode(c),
        missCounters: this.missCounters,
        ...opts.cache,
      });
      for (const cpu of this.cpus) cpu.timing = this.cache;
    } else {
      this.cache = null;
      this.missCounters = null;
    }
    const output = opts.consoleOutput ?? ((b: number) => process.stdout.write(Buffer.of(b)));
    this.devices = attachBoardDevices({
      memory: this.memory,
      cpus,
      nodes,
      // The board names lines by Cause.IP number (2..7); the CPU's hardware lines count from IP2.
      setCpuLine: (cpu, line, asserted) => this.cpus[cpu]?.setIrqLine(line - 2, asserted),
      startCpu: (cpu, pc, arg) => this.startCpu(cpu, pc, arg),
      power: (kind, code) => this.powerRequest(kind, code),
      console: { write: output },
      disks: opts.disks ?? [],
      now: () => this.now,
      clock: opts.clock,
      net: opts.net,
      blockLatency: opts.blockLatency,
      onDmaWrite: (pa, length) => this.dmaWrote(pa, length),
    });
  }

  /** The node a CPU belongs to: CPUs are split evenly, in order. */
  cpuNode(cpu: number): number {
    return Math.floor((cpu * this.nodeCount) / this.cpuCount);
  }

  /**
   * Load a kernel/bare-metal ELF linked in kseg0 or kseg1 into RAM (segments at their physical
   * addresses) and return its entry point. Errors are values: a string describing the problem.
   */
  loadElf(bytes: Uint8Array): { entry: number } | { error: string } {
    const image = parseElf(bytes);
    if ('error' in image) return { error: image.error };
    for (const seg of image.segments) {
      const va = seg.vaddr >>> 0;
      if (va < VSEG.KSEG0 || va >= 0xc0000000) {
        return { error: `segment at 0x${va.toString(16)} is not in kseg0/kseg1 (a bare-machine image must be linked there)` };
      }
      const pa = va & VSEG.PHYS_MASK;
      if (pa + seg.memsz > this.memory.size) {
        return { error: `segment at 0x${va.toString(16)} (+${seg.memsz} bytes) does not fit in ${this.memory.size} bytes of RAM` };
      }
      this.memory.u8.fill(0, pa, pa + seg.memsz);
      this.memory.u8.set(bytes.subarray(seg.offset, seg.offset + seg.filesz), pa);
    }
    return { entry: image.entry };
  }

  /**
   * Boot protocol (docs/machine.md): CPU 0 starts at `entry` in kernel mode with BEV=0, ERL=0,
   * interrupts off and the FPU usable; a0 = CPU number, a1 = board-info base (kseg1), a2 = `arg`.
   * The other CPUs stay held until released through the power device's start registers.
   */
  boot(entry: number, arg = 0): void {
    // Devices return to their power-on state too (a reboot after a guest RESET must be able to
    // start the secondaries again); feed host input (uart.input, net.receive) after boot().
    this.devices.reset();
    for (let i = 0; i < this.cpuCount; i++) {
      this.cpus[i].reset();
      this.started[i] = 0;
    }
    this.power = { kind: 'on' };
    this.startCpu(0, entry, arg);
  }

  startCpu(cpu: number, pc: number, arg: number): void {
    const c = this.cpus[cpu];
    if (c === undefined) return;
    if (c.cycles < this.now) {
      c.idleCycles += this.now - c.cycles; // held until now: idle time
      c.cycles = this.now;
    }
    writeCp0(c, CP0.Status, STATUS.CU1);
    c.gpr[4] = cpu;
    c.gpr[5] = (VSEG.KSEG1 | DEVICE_BASE.BOARD_INFO) | 0;
    c.gpr[6] = arg | 0;
    c.setPc(pc);
    c.waiting = false;
    this.started[cpu] = 1;
  }

  /** A device wrote RAM by DMA: drop cached copies (timed mode) and break LL links on it. */
  private dmaWrote(pa: number, length: number): void {
    this.cache?.invalidateRange(pa, length);
    if (this.links.active !== 0) {
      for (let a = pa & ~31; a < pa + length; a += 32) this.links.stored(a, -1);
    }
  }

  private powerRequest(kind: 'poweroff' | 'reset', code: number): void {
    this.power = { kind, code };
    for (const cpu of this.cpus) cpu.requestStop();
  }

  /** Stop `run` at the next quantum boundary (from a callback, another thread's message ...). */
  requestStop(): void {
    this.stopRequested = true;
    for (const cpu of this.cpus) cpu.requestStop();
  }

  /**
   * Run rounds until `maxCycles` of machine time have passed, the machine powers off or resets,
   * every CPU idles with nothing pending ('idle'), or `requestStop` is called.
   */
  run(maxCycles: number): RunResult {
    const end = this.now + maxCycles;
    this.stopRequested = false;
    while (this.now < end) {
      if (this.poweredDown()) return this.power.kind as RunResult;
      const roundEnd = Math.min(end, this.now + this.quantum);
      let anyRan = false;
      for (let i = 0; i < this.cpuCount; i++) {
        if (this.started[i] === 0) continue;
        const cpu = this.cpus[i];
        if (cpu.waiting) cpu.idleUntil(roundEnd);
        if (cpu.waiting) continue;
        anyRan = true;
        cpu.run(roundEnd);
        if (cpu.waiting && cpu.cycles < roundEnd) cpu.idleUntil(roundEnd);
        if (this.poweredDown()) return this.power.kind as RunResult;
      }
      this.cache?.endWindow(roundEnd - this.now);
      this.now = roundEnd;
      // Devices are ticked every round: a guest may have armed a timer or a disk command since.
      this.nextDeviceEvent = this.now + this.devices.tick(this.now);
      if (this.stopRequested) return 'stopped';
      if (!anyRan && !this.skipIdleTime(end)) return 'idle';
    }
    return 'budget';
  }

  private poweredDown(): boolean {
    return this.power.kind !== 'on';
  }

  /**
   * No CPU ran in the last round: unless the device tick at its end woke one, jump to the next
   * device event or CP0 timer deadline (of a CPU that has IM7 unmasked, so the match can wake
   * it). False if there is none: the machine is idle for good until host input.
   */
  private skipIdleTime(end: number): boolean {
    let next = this.nextDeviceEvent;
    for (let i = 0; i < this.cpuCount; i++) {
      if (this.started[i] === 0) continue;
      const cpu = this.cpus[i];
      if (!cpu.waiting) return true; // woken by the tick: run it in the next round
      if ((cpu.cp0[CP0.Status] & CP0_TIMER_IM) !== 0 && cpu.timerDeadline < next) next = cpu.timerDeadline;
    }
    if (!Number.isFinite(next)) return false;
    const target = Math.min(end, Math.max(this.now, Math.floor(next / this.quantum) * this.quantum));
    if (target > this.now) {
      for (let i = 0; i < this.cpuCount; i++) if (this.started[i] !== 0) this.cpus[i].idleUntil(target);
      this.cache?.endWindow(target - this.now);
      this.now = target;
    }
    return true;
  }

  /** Instructions retired by all CPUs. */
  instructions(): number {
    let n = 0;
    for (const cpu of this.cpus) n += cpu.instret;
    return n;
  }
}

function validateTopology(cpus: number, nodes: number, memoryBytes: number): void {
  if (!Number.isInteger(cpus) || cpus < 1 || cpus > MACHINE.MAX_CPUS) {
    throw new RangeError(`cpus must be an integer in 1..${MACHINE.MAX_CPUS} (got ${cpus})`);
  }
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MACHINE.MAX_NODES || cpus % nodes !== 0) {
    throw new RangeError(`nodes must divide the CPU count evenly (got ${nodes} nodes for ${cpus} CPUs)`);
  }
  if (!Number.isInteger(memoryBytes) || memoryBytes <= 0 || memoryBytes > PHYS.RAM_MAX_BYTES || memoryBytes % (nodes * 1024 * 1024) !== 0) {
    throw new RangeError(`memory must be a whole number of MiB per node, at most ${PHYS.RAM_MAX_BYTES} bytes (got ${memoryBytes})`);
  }
}

export { STOP };
