// Interrupt controller: collects the level-triggered device sources (up to 32), masks them with
// one enable word, routes each source to one CPU (default CPU 0) on that CPU's DEVICE line, and
// carries inter-processor interrupts: per-CPU IPI pending words (bit n = from CPU n) on each
// CPU's IPI line. Lines are driven through the machine's setCpuLine callback, on changes only.

import type { IrqLine, MmioDevice } from '../device.js';
import { CPU_IRQ_LINE, INTC, INTC_CPU_REG, INTC_REG, MACHINE, PHYS } from './intc.regs.js';

export type SetCpuLine = (cpu: number, line: number, asserted: boolean) => void;

export interface IntcConfig {
  readonly cpus: number;
  readonly setCpuLine: SetCpuLine;
}

export class InterruptController implements MmioDevice {
  readonly name = 'intc';
  readonly size = PHYS.DEVICE_WINDOW_BYTES;
  readonly cpus: number;
  private readonly setCpuLine: SetCpuLine;
  /** Raw source levels (bit s = source s asserted). */
  private level = 0;
  private enable = 0;
  private readonly route = new Uint8Array(INTC.SOURCES);
  private readonly ipiPending: Uint32Array;
  /** Line states last sent to the machine, per CPU. */
  private readonly deviceLine: Uint8Array;
  private readonly ipiLine: Uint8Array;

  constructor(config: IntcConfig) {
    if (!Number.isInteger(config.cpus) || config.cpus < 1 || config.cpus > MACHINE.MAX_CPUS) {
      throw new RangeError(`intc: cpus must be 1..${MACHINE.MAX_CPUS}`);
    }
    this.cpus = config.cpus;
    this.setCpuLine = config.setCpuLine;
    this.ipiPending = new Uint32Array(this.cpus);
    this.deviceLine = new Uint8Array(this.cpus);
    this.ipiLine = new Uint8Array(this.cpus);
  }

  /** The line a device drives for source `source` (0..31). */
  sourceLine(source: number): IrqLine {
    if (!Number.isInteger(source) || source < 0 || source >= INTC.SOURCES) {
      throw new RangeError(`intc: no source ${source}`);
    }
    const bit = (1 << source) >>> 0;
    return {
      set: (asserted: boolean): void => {
        const next = asserted ? (this.level | bit) >>> 0 : (this.level & ~bit) >>> 0;
        if (next !== this.level) {
          this.level = next;
          this.updateDeviceLines();
        }
      },
    };
  }

  /** Host-side view: sources pending, enabled and routed to `cpu`. */
  pendingFor(cpu: number): number {
    let mask = 0;
    let p = (this.level & this.enable) >>> 0;
    while (p !== 0) {
      const s = 31 - Math.clz32(p);
      p = (p & ~(1 << s)) >>> 0;
      if (this.route[s] === cpu) mask |= 1 << s;
    }
    return mask >>> 0;
  }

  /** Host-side view: the IPI pending word of `cpu`. */
  ipiPendingFor(cpu: number): number {
    return cpu >= 0 && cpu < this.cpus ? this.ipiPending[cpu] : 0;
  }

  read32(offset: number): number {
    if (offset >= INTC_REG.CPU_BLOCK) return this.readCpu(offset);
    if (offset >= INTC_REG.ROUTE_TABLE && offset < INTC_REG.ROUTE_TABLE + 4 * INTC.SOURCES) {
      return this.route[(offset - INTC_REG.ROUTE_TABLE) >>> 2];
    }
    switch (offset) {
      case INTC_REG.LEVEL:
        return this.level;
      case INTC_REG.ENABLE:
        return this.enable;
      case INTC_REG.PENDING:
        return (this.level & this.enable) >>> 0;
      case INTC_REG.NUM_SOURCES:
        return INTC.SOURCES;
      case INTC_REG.NUM_CPUS:
        return this.cpus;
      default:
        return 0;
    }
  }

  write32(offset: number, value: number): void {
    const v = value >>> 0;
    if (offset >= INTC_REG.CPU_BLOCK) {
      this.writeCpu(offset, v);
      return;
    }
    if (offset >= INTC_REG.ROUTE_TABLE && offset < INTC_REG.ROUTE_TABLE + 4 * INTC.SOURCES) {
      if (v < this.cpus) {
        this.route[(offset - INTC_REG.ROUTE_TABLE) >>> 2] = v;
        this.updateDeviceLines();
      }
      return;
    }
    switch (offset) {
      case INTC_REG.ENABLE:
        this.enable = v;
        break;
      case INTC_REG.ENABLE_SET:
        this.enable = (this.enable | v) >>> 0;
        break;
      case INTC_REG.ENABLE_CLEAR:
        this.enable = (this.enable & ~v) >>> 0;
        break;
      default:
        return;
    }
    this.updateDeviceLines();
  }

  /** Power-on state: everything masked, routed to CPU 0, no IPIs; lowers every line it raised. */
  reset(): void {
    this.enable = 0;
    this.route.fill(0);
    this.ipiPending.fill(0);
    this.updateDeviceLines();
    this.updateIpiLines();
  }

  private cpuOf(offset: number): number {
    return Math.floor((offset - INTC_REG.CPU_BLOCK) / INTC_REG.CPU_STRIDE);
  }

  private readCpu(offset: number): number {
    const cpu = this.cpuOf(offset);
    if (cpu >= this.cpus) return 0;
    switch ((offset - INTC_REG.CPU_BLOCK) % INTC_REG.CPU_STRIDE) {
      case INTC_CPU_REG.PENDING:
        return this.pendingFor(cpu);
      case INTC_CPU_REG.CLAIM: {
        const p = this.pendingFor(cpu);
        return p === 0 ? INTC.NO_SOURCE : 31 - Math.clz32(p & -p);
      }
      case INTC_CPU_REG.IPI_PENDING:
        return this.ipiPending[cpu];
      default:
        return 0;
    }
  }

  private writeCpu(offset: number, v: number): void {
    const cpu = this.cpuOf(offset);
    if (cpu >= this.cpus) return;
    switch ((offset - INTC_REG.CPU_BLOCK) % INTC_REG.CPU_STRIDE) {
      case INTC_CPU_REG.IPI_PENDING:
        this.ipiPending[cpu] &= ~v;
        break;
      case INTC_CPU_REG.IPI_SEND: {
        const from = (1 << cpu) >>> 0;
        for (let t = 0; t < this.cpus; t++) {
          if ((v >>> t) & 1) this.ipiPending[t] |= from;
        }
        break;
      }
      default:
        return;
    }
    this.updateIpiLines();
  }

  private updateDeviceLines(): void {
    const active = (this.level & this.enable) >>> 0;
    for (let cpu = 0; cpu < this.cpus; cpu++) {
      let want = 0;
      if (active !== 0) {
        for (let s = 0; s < INTC.SOURCES; s++) {
          if ((active >>> s) & 1 && this.route[s] === cpu) {
            want = 1;
            break;
          }
        }
      }
      if (want !== this.deviceLine[cpu]) {
        this.deviceLine[cpu] = want;
        this.setCpuLine(cpu, CPU_IRQ_LINE.DEVICE, want === 1);
      }
    }
  }

  private updateIpiLines(): void {
    for (let cpu = 0; cpu < this.cpus; cpu++) {
      const want = this.ipiPending[cpu] !== 0 ? 1 : 0;
      if (want !== this.ipiLine[cpu]) {
        this.ipiLine[cpu] = want;
        this.setCpuLine(cpu, CPU_IRQ_LINE.IPI, want === 1);
      }
    }
  }
}
