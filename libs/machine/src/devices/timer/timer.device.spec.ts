// Unit tests of the timer: one-shot and periodic channels, interrupts per channel, catch-up,
// the cycle counter and the RTC with a fixed host clock.
import { describe, expect, it } from '@jest/globals';
import { MACHINE, TIMER_CHANNEL_REG, TIMER_CONTROL, TIMER_REG, TIMER_STATUS, TimerDevice } from './index.js';

const ch = (n: number, reg: number): number => TIMER_REG.CHANNEL_BLOCK + n * TIMER_REG.CHANNEL_STRIDE + reg;

function make(channels = 2, clock?: () => number) {
  const irq: [number, boolean][] = [];
  const irqs = Array.from({ length: channels }, (_, n) => ({ set: (a: boolean) => irq.push([n, a]) }));
  let wall = Date.UTC(2026, 10, 1, 12, 0, 0) + 250.5; // 12:00:00.2505
  const timer = new TimerDevice({ channels, irqs, now: () => wall, clock });
  return { timer, irq, setWall: (ms: number) => (wall = ms) };
}

describe('TimerDevice', () => {
  it('reports its frequency and channel count', () => {
    const { timer } = make(3);
    expect(timer.read32(TIMER_REG.FREQUENCY_HZ)).toBe(MACHINE.CPU_CLOCK_HZ);
    expect(timer.read32(TIMER_REG.NUM_CHANNELS)).toBe(3);
  });

  it('fires a one-shot once, then stops', () => {
    const { timer, irq } = make();
    timer.tick(1000);
    timer.write32(ch(1, TIMER_CHANNEL_REG.PERIOD), 500);
    timer.write32(ch(1, TIMER_CHANNEL_REG.CONTROL), TIMER_CONTROL.ENABLE | TIMER_CONTROL.IRQ_ENABLE);
    expect(timer.read32(ch(1, TIMER_CHANNEL_REG.REMAINING))).toBe(500);
    expect(timer.tick(1200)).toBe(300);
    expect(timer.read32(ch(1, TIMER_CHANNEL_REG.REMAINING))).toBe(300);
    expect(irq).toEqual([]);
    expect(timer.tick(1500)).toBe(Infinity);
    expect(irq).toEqual([[1, true]]);
    expect(timer.read32(ch(1, TIMER_CHANNEL_REG.STATUS))).toBe(TIMER_STATUS.EXPIRED);
    expect(timer.read32(ch(1, TIMER_CHANNEL_REG.CONTROL)) & TIMER_CONTROL.ENABLE).toBe(0);
    expect(timer.read32(ch(1, TIMER_CHANNEL_REG.REMAINING))).toBe(0);
    timer.write32(ch(1, TIMER_CHANNEL_REG.STATUS), TIMER_STATUS.EXPIRED);
    expect(irq).toEqual([
      [1, true],
      [1, false],
    ]);
  });

  it('keeps a periodic channel on its grid and skips missed periods', () => {
    const { timer, irq } = make();
    timer.write32(ch(0, TIMER_CHANNEL_REG.PERIOD), 100);
    timer.write32(ch(0, TIMER_CHANNEL_REG.CONTROL), TIMER_CONTROL.ENABLE | TIMER_CONTROL.PERIODIC | TIMER_CONTROL.IRQ_ENABLE);
    expect(timer.tick(130)).toBe(70);
    expect(irq).toEqual([[0, true]]);
    expect(timer.tick(450)).toBe(50); // 200, 300, 400 passed; next 500
    timer.write32(ch(0, TIMER_CHANNEL_REG.STATUS), TIMER_STATUS.EXPIRED);
    expect(timer.tick(499)).toBe(1);
    expect(timer.tick(500)).toBe(100);
    expect(irq).toEqual([
      [0, true],
      [0, false],
      [0, true],
    ]);
    expect(timer.read32(ch(0, TIMER_CHANNEL_REG.CONTROL)) & TIMER_CONTROL.ENABLE).toBe(TIMER_CONTROL.ENABLE);
  });

  it('expires without interrupt when IRQ_ENABLE is clear, and interrupts when it is set later', () => {
    const { timer, irq } = make();
    timer.write32(ch(0, TIMER_CHANNEL_REG.PERIOD), 10);
    timer.write32(ch(0, TIMER_CHANNEL_REG.CONTROL), TIMER_CONTROL.ENABLE);
    timer.tick(10);
    expect(timer.read32(ch(0, TIMER_CHANNEL_REG.STATUS))).toBe(TIMER_STATUS.EXPIRED);
    expect(irq).toEqual([]);
    timer.write32(ch(0, TIMER_CHANNEL_REG.CONTROL), TIMER_CONTROL.IRQ_ENABLE);
    expect(irq).toEqual([[0, true]]);
  });

  it('does not run with a zero period, and stops when ENABLE is cleared', () => {
    const { timer } = make();
    timer.write32(ch(0, TIMER_CHANNEL_REG.CONTROL), TIMER_CONTROL.ENABLE | TIMER_CONTROL.PERIODIC);
    expect(timer.tick(1e9)).toBe(Infinity);
    timer.write32(ch(0, TIMER_CHANNEL_REG.PERIOD), 10);
    timer.write32(ch(0, TIMER_CHANNEL_REG.CONTROL), TIMER_CONTROL.ENABLE | TIMER_CONTROL.PERIODIC);
    expect(timer.tick(1e9 + 1)).toBe(9);
    timer.write32(ch(0, TIMER_CHANNEL_REG.CONTROL), 0);
    expect(timer.tick(1e9 + 50)).toBe(Infinity);
  });

  it('uses the precise clock for arming when given', () => {
    let now = 0;
    const { timer } = make(1, () => now);
    now = 12345;
    timer.write32(ch(0, TIMER_CHANNEL_REG.PERIOD), 100);
    timer.write32(ch(0, TIMER_CHANNEL_REG.CONTROL), TIMER_CONTROL.ENABLE);
    expect(timer.tick(12400)).toBe(45);
  });

  it('reads the cycle counter as two latched words', () => {
    const { timer } = make();
    timer.tick(0x1_2345_6789);
    expect(timer.read32(TIMER_REG.CYCLES_LO)).toBe(0x23456789);
    timer.tick(0x2_0000_0000);
    expect(timer.read32(TIMER_REG.CYCLES_HI)).toBe(1);
    expect(timer.read32(TIMER_REG.CYCLES_LO)).toBe(0);
    expect(timer.read32(TIMER_REG.CYCLES_HI)).toBe(2);
  });

  it('reads the RTC from the host clock with a latched nanosecond part', () => {
    const { timer, setWall } = make();
    const s = Date.UTC(2026, 10, 1, 12, 0, 0) / 1000;
    expect(timer.read32(TIMER_REG.RTC_SECONDS)).toBe(s);
    setWall(0);
    expect(timer.read32(TIMER_REG.RTC_NANOSECONDS)).toBe(250_500_000);
    expect(timer.read32(TIMER_REG.RTC_SECONDS)).toBe(0);
    expect(timer.read32(TIMER_REG.RTC_NANOSECONDS)).toBe(0);
  });

  it('reset stops every channel and lowers lines', () => {
    const { timer, irq } = make();
    timer.write32(ch(1, TIMER_CHANNEL_REG.PERIOD), 1);
    timer.write32(ch(1, TIMER_CHANNEL_REG.CONTROL), TIMER_CONTROL.ENABLE | TIMER_CONTROL.IRQ_ENABLE | TIMER_CONTROL.PERIODIC);
    timer.tick(5);
    timer.reset();
    expect(irq).toEqual([
      [1, true],
      [1, false],
    ]);
    expect(timer.tick(100)).toBe(Infinity);
    expect(timer.read32(ch(1, TIMER_CHANNEL_REG.PERIOD))).toBe(0);
  });

  it('never throws on guest access anywhere in its window', () => {
    const { timer } = make();
    for (let off = 0; off < timer.size; off += 4) {
      expect(() => timer.write32(off, 0xffffffff)).not.toThrow();
      expect(() => timer.read32(off)).not.toThrow();
    }
    expect(timer.read32(0xff0)).toBe(0);
    expect(() => new TimerDevice({ channels: 0, now: () => 0 })).toThrow(RangeError);
  });
});
