// Unit tests of the power controller: poweroff/reset requests and the secondary-CPU start protocol.
import { describe, expect, it } from '@jest/globals';
import { POWER_CPU_STATE, POWER_REG, POWER_START_REG, PowerDevice } from './index.js';

const start = (cpu: number, reg: number): number => POWER_REG.START_BLOCK + cpu * POWER_REG.START_STRIDE + reg;

function make(cpus = 4) {
  const power: [string, number][] = [];
  const starts: number[][] = [];
  const dev = new PowerDevice({
    cpus,
    onPower: (k, c) => power.push([k, c]),
    onStartCpu: (cpu, pc, arg) => starts.push([cpu, pc, arg]),
  });
  return { dev, power, starts };
}

describe('PowerDevice', () => {
  it('passes poweroff and reset requests with their code', () => {
    const { dev, power } = make();
    dev.write32(POWER_REG.POWEROFF, 3);
    dev.write32(POWER_REG.RESET, 0);
    dev.write32(POWER_REG.POWEROFF, 0xffffffff);
    expect(power).toEqual([
      ['poweroff', 3],
      ['reset', 0],
      ['poweroff', -1],
    ]);
  });

  it('holds secondaries until their start PC is written', () => {
    const { dev, starts } = make();
    expect(dev.read32(POWER_REG.CPU_STARTED)).toBe(1);
    expect(dev.read32(start(0, POWER_START_REG.STATE))).toBe(POWER_CPU_STATE.STARTED);
    expect(dev.read32(start(2, POWER_START_REG.STATE))).toBe(POWER_CPU_STATE.HELD);
    expect(dev.read32(start(4, POWER_START_REG.STATE))).toBe(POWER_CPU_STATE.ABSENT);
    dev.write32(start(2, POWER_START_REG.ARG), 0x1234);
    expect(dev.read32(start(2, POWER_START_REG.ARG))).toBe(0x1234);
    expect(starts).toEqual([]);
    dev.write32(start(2, POWER_START_REG.PC), 0x80010000);
    expect(starts).toEqual([[2, 0x80010000, 0x1234]]);
    expect(dev.read32(start(2, POWER_START_REG.STATE))).toBe(POWER_CPU_STATE.STARTED);
    expect(dev.read32(start(2, POWER_START_REG.PC))).toBe(0x80010000);
    expect(dev.read32(POWER_REG.CPU_STARTED)).toBe(0b101);
    expect(dev.startedMask).toBe(0b101);
  });

  it('ignores starting a running CPU or an absent one', () => {
    const { dev, starts } = make();
    dev.write32(start(0, POWER_START_REG.PC), 0x80000000);
    dev.write32(start(1, POWER_START_REG.PC), 0x80001000);
    dev.write32(start(1, POWER_START_REG.PC), 0x80002000);
    dev.write32(start(9, POWER_START_REG.PC), 0x80003000);
    expect(starts).toEqual([[1, 0x80001000, 0]]);
    expect(dev.read32(start(1, POWER_START_REG.PC))).toBe(0x80001000);
  });

  it('reset holds the secondaries again', () => {
    const { dev } = make();
    dev.write32(start(3, POWER_START_REG.ARG), 7);
    dev.write32(start(3, POWER_START_REG.PC), 0x80000000);
    dev.reset();
    expect(dev.read32(POWER_REG.CPU_STARTED)).toBe(1);
    expect(dev.read32(start(3, POWER_START_REG.ARG))).toBe(0);
  });

  it('supports the largest board and never throws on guest access', () => {
    const { dev, starts, power } = make(32);
    dev.write32(start(31, POWER_START_REG.PC), 0x80000000);
    expect(dev.read32(POWER_REG.CPU_STARTED)).toBe(0x80000001);
    for (let off = 0x08; off < dev.size; off += 4) {
      expect(() => dev.write32(off, 0xffffffff)).not.toThrow();
      expect(() => dev.read32(off)).not.toThrow();
    }
    expect(dev.read32(0xffc)).toBe(0);
    expect(power).toEqual([]);
    expect(starts.length).toBe(31);
    expect(() => new PowerDevice({ cpus: 0, onPower: () => {}, onStartCpu: () => {} })).toThrow(RangeError);
  });
});
