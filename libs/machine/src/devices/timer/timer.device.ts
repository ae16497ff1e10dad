// Interval timers and real-time clock. One timer channel per CPU (channel n interrupts CPU n on
// its TIMER line, like a local APIC timer), each periodic or one-shot, counting machine cycles
// delivered by tick(nowCycles). Also a global cycle counter and an RTC read from a host clock
// callback (deterministic when the board passes a deterministic clock).

import type { IrqLine, MmioDevice } from '../device.js';
import { MACHINE, PHYS, TIMER_CHANNEL_REG, TIMER_CONTROL, TIMER_REG, TIMER_STATUS } from './timer.regs.js';

export interface TimerConfig {
  /** Number of channels (the board uses one per CPU). At most MACHINE.MAX_CPUS. */
  readonly channels: number;
  /** Interrupt line of each channel (the board wires channel n to CPU n's TIMER line). */
  readonly irqs?: readonly IrqLine[];
  /** Host wall clock in milliseconds since the Unix epoch (fractions allowed), for the RTC. */
  readonly now: () => number;
  /** Current machine time in cycles at MMIO time; without it, the time of the last tick(). */
  readonly clock?: () => number;
  /** Counting rate reported to the guest (default MACHINE.CPU_CLOCK_HZ). */
  readonly frequencyHz?: number;
}

const CONTROL_MASK = TIMER_CONTROL.ENABLE | TIMER_CONTROL.PERIODIC | TIMER_CONTROL.IRQ_ENABLE;
const NS_PER_MS = 1_000_000;
const NS_PER_S = 1_000_000_000;

export class TimerDevice implements MmioDevice {
  readonly name = 'timer';
  readonly size = PHYS.DEVICE_WINDOW_BYTES;
  readonly channels: number;
  private readonly irqs: readonly IrqLine[];
  private readonly hostNow: () => number;
  private readonly clock: (() => number) | undefined;
  private readonly frequencyHz: number;
  private readonly control: Uint32Array;
  private readonly period: Uint32Array;
  private readonly status: Uint32Array;
  /** Cycle at which each channel next expires (Infinity when stopped). */
  private readonly deadline: Float64Array;
  private readonly irqState: Uint8Array;
  private lastNow = 0;
  private cyclesHiLatch = 0;
  private rtcNsLatch = 0;

  constructor(config: TimerConfig) {
    if (!Number.isInteger(config.channels) || config.channels < 1 || config.channels > MACHINE.MAX_CPUS) {
      throw new RangeError(`timer: channels must be 1..${MACHINE.MAX_CPUS}`);
    }
    this.channels = config.channels;
    this.irqs = config.irqs ?? [];
    this.hostNow = config.now;
    this.clock = config.clock;
    this.frequencyHz = config.frequencyHz ?? MACHINE.CPU_CLOCK_HZ;
    this.control = new Uint32Array(this.channels);
    this.period = new Uint32Array(this.channels);
    this.status = new Uint32Array(this.channels);
    this.deadline = new Float64Array(this.channels).fill(Infinity);
    this.irqState = new Uint8Array(this.channels);
  }

  /** Machine time as the device sees it now. */
  get cycles(): number {
    return this.clock !== undefined ? Math.max(this.clock(), this.lastNow) : this.lastNow;
  }

  read32(offset: number): number {
    if (offset >= TIMER_REG.CHANNEL_BLOCK) return this.readChannel(offset);
    switch (offset) {
      case TIMER_REG.CYCLES_LO: {
        const c = Math.floor(this.cycles);
        this.cyclesHiLatch = Math.floor(c / 0x100000000) >>> 0;
        return c >>> 0;
      }
      case TIMER_REG.CYCLES_HI:
        return this.cyclesHiLatch;
      case TIMER_REG.RTC_SECONDS:
        return this.sampleRtc();
      case TIMER_REG.RTC_NANOSECONDS:
        return this.rtcNsLatch;
      case TIMER_REG.FREQUENCY_HZ:
        return this.frequencyHz >>> 0;
      case TIMER_REG.NUM_CHANNELS:
        return this.channels;
      default:
        return 0;
    }
  }

  write32(offset: number, value: number): void {
    if (offset < TIMER_REG.CHANNEL_BLOCK) return; // global registers are read-only
    const n = Math.floor((offset - TIMER_REG.CHANNEL_BLOCK) / TIMER_REG.CHANNEL_STRIDE);
    if (n >= this.channels) return;
    const v = value >>> 0;
    switch ((offset - TIMER_REG.CHANNEL_BLOCK) % TIMER_REG.CHANNEL_STRIDE) {
      case TIMER_CHANNEL_REG.CONTROL:
        this.control[n] = v & CONTROL_MASK;
        this.arm(n);
        break;
      case TIMER_CHANNEL_REG.PERIOD:
        this.period[n] = v;
        return;
      case TIMER_CHANNEL_REG.STATUS:
        this.status[n] &= ~(v & TIMER_STATUS.EXPIRED);
        break;
      default:
        return;
    }
    this.updateIrq(n);
  }

  tick(nowCycles: number): number {
    if (nowCycles > this.lastNow) this.lastNow = nowCycles;
    const now = this.lastNow;
    let next = Infinity;
    for (let n = 0; n < this.channels; n++) {
      if (this.deadline[n] <= now) this.expire(n, now);
      const d = this.deadline[n] - now;
      if (d < next) next = d;
    }
    return next;
  }

  /** Power-on state: every channel stopped and cleared, lines lowered. Machine time is kept. */
  reset(): void {
    this.control.fill(0);
    this.period.fill(0);
    this.status.fill(0);
    this.deadline.fill(Infinity);
    this.cyclesHiLatch = 0;
    this.rtcNsLatch = 0;
    for (let n = 0; n < this.channels; n++) this.updateIrq(n);
  }

  private readChannel(offset: number): number {
    const n = Math.floor((offset - TIMER_REG.CHANNEL_BLOCK) / TIMER_REG.CHANNEL_STRIDE);
    if (n >= this.channels) return 0;
    switch ((offset - TIMER_REG.CHANNEL_BLOCK) % TIMER_REG.CHANNEL_STRIDE) {
      case TIMER_CHANNEL_REG.CONTROL:
        return this.control[n];
      case TIMER_CHANNEL_REG.PERIOD:
        return this.period[n];
      case TIMER_CHANNEL_REG.STATUS:
        return this.status[n];
      case TIMER_CHANNEL_REG.REMAINING: {
        const d = this.deadline[n];
        return d === Infinity ? 0 : Math.min(Math.max(0, Math.ceil(d - this.cycles)), 0xffffffff);
      }
      default:
        return 0;
    }
  }

  /** (Re)start or stop channel n after a CONTROL write. */
  private arm(n: number): void {
    const running = (this.control[n] & TIMER_CONTROL.ENABLE) !== 0 && this.period[n] !== 0;
    this.deadline[n] = running ? this.cycles + this.period[n] : Infinity;
  }

  private expire(n: number, now: number): void {
    this.status[n] |= TIMER_STATUS.EXPIRED;
    if ((this.control[n] & TIMER_CONTROL.PERIODIC) !== 0) {
      const p = this.period[n];
      const missed = Math.floor((now - this.deadline[n]) / p) + 1;
      this.deadline[n] += missed * p; // stays on the original grid, skipping missed periods
    } else {
      this.control[n] &= ~TIMER_CONTROL.ENABLE;
      this.deadline[n] = Infinity;
    }
    this.updateIrq(n);
  }

  private sampleRtc(): number {
    const ms = this.hostNow();
    const seconds = Math.floor(ms / 1000);
    const ns = Math.floor((ms - seconds * 1000) * NS_PER_MS);
    this.rtcNsLatch = Math.min(Math.max(ns, 0), NS_PER_S - 1);
    return seconds >>> 0;
  }

  private updateIrq(n: number): void {
    const want =
      (this.control[n] & TIMER_CONTROL.IRQ_ENABLE) !== 0 && (this.status[n] & TIMER_STATUS.EXPIRED) !== 0 ? 1 : 0;
    if (want !== this.irqState[n]) {
      this.irqState[n] = want;
      this.irqs[n]?.set(want === 1);
    }
  }
}
