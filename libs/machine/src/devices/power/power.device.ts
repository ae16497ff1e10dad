// Power controller: poweroff and reset requests go to the host (`onPower`), and the
// secondary-CPU start mechanism of the boot protocol: every CPU but 0 is held at power-on until
// some CPU writes its start PC (after its start ARG); the host then starts it (`onStartCpu`)
// with a0 = cpu, a1 = board-info base, a2 = arg. A CPU is started at most once per reset.

import type { MmioDevice } from '../device.js';
import { MACHINE, PHYS, POWER_CPU_STATE, POWER_REG, POWER_START_REG } from './power.regs.js';

export type PowerKind = 'poweroff' | 'reset';

export interface PowerConfig {
  readonly cpus: number;
  /** A poweroff or reset request; `code` is the signed 32-bit value the guest wrote. */
  readonly onPower: (kind: PowerKind, code: number) => void;
  /** Release held CPU `cpu` at virtual address `pc` with `arg` (unsigned 32-bit values). */
  readonly onStartCpu: (cpu: number, pc: number, arg: number) => void;
}

export class PowerDevice implements MmioDevice {
  readonly name = 'power';
  readonly size = PHYS.DEVICE_WINDOW_BYTES;
  readonly cpus: number;
  private readonly onPower: PowerConfig['onPower'];
  private readonly onStartCpu: PowerConfig['onStartCpu'];
  private readonly arg: Uint32Array;
  private readonly pc: Uint32Array;
  private started = 0;

  constructor(config: PowerConfig) {
    if (!Number.isInteger(config.cpus) || config.cpus < 1 || config.cpus > MACHINE.MAX_CPUS) {
      throw new RangeError(`power: cpus must be 1..${MACHINE.MAX_CPUS}`);
    }
    this.cpus = config.cpus;
    this.onPower = config.onPower;
    this.onStartCpu = config.onStartCpu;
    this.arg = new Uint32Array(this.cpus);
    this.pc = new Uint32Array(this.cpus);
    this.reset();
  }

  /** Mask of started CPUs (bit n = CPU n). */
  get startedMask(): number {
    return this.started >>> 0;
  }

  read32(offset: number): number {
    if (offset >= POWER_REG.START_BLOCK) return this.readStart(offset);
    return offset === POWER_REG.CPU_STARTED ? this.started >>> 0 : 0;
  }

  write32(offset: number, value: number): void {
    if (offset >= POWER_REG.START_BLOCK) {
      this.writeStart(offset, value >>> 0);
      return;
    }
    if (offset === POWER_REG.POWEROFF) this.onPower('poweroff', value | 0);
    else if (offset === POWER_REG.RESET) this.onPower('reset', value | 0);
  }

  /** Power-on state: CPU 0 running, every other CPU held, start registers cleared. */
  reset(): void {
    this.arg.fill(0);
    this.pc.fill(0);
    this.started = 1;
  }

  private cpuOf(offset: number): number {
    return Math.floor((offset - POWER_REG.START_BLOCK) / POWER_REG.START_STRIDE);
  }

  private readStart(offset: number): number {
    const cpu = this.cpuOf(offset);
    if (cpu >= this.cpus) return 0;
    switch ((offset - POWER_REG.START_BLOCK) % POWER_REG.START_STRIDE) {
      case POWER_START_REG.ARG:
        return this.arg[cpu];
      case POWER_START_REG.PC:
        return this.pc[cpu];
      case POWER_START_REG.STATE:
        return (this.started >>> cpu) & 1 ? POWER_CPU_STATE.STARTED : POWER_CPU_STATE.HELD;
      default:
        return 0;
    }
  }

  private writeStart(offset: number, v: number): void {
    const cpu = this.cpuOf(offset);
    if (cpu >= this.cpus) return;
    switch ((offset - POWER_REG.START_BLOCK) % POWER_REG.START_STRIDE) {
      case POWER_START_REG.ARG:
        this.arg[cpu] = v;
        break;
      case POWER_START_REG.PC:
        if ((this.started >>> cpu) & 1) return; // already running: ignored
        this.pc[cpu] = v;
        this.started |= 1 << cpu;
        this.onStartCpu(cpu, v, this.arg[cpu]);
        break;
      default:
        break;
    }
  }
}
