// Unit tests of the interrupt controller: masking, routing, CLAIM, IPIs, line changes only.
import { beforeEach, describe, expect, it } from '@jest/globals';
import { CPU_IRQ_LINE, INTC, INTC_CPU_REG, INTC_REG, InterruptController, IRQ_SOURCE } from './index.js';

type Call = [cpu: number, line: number, asserted: boolean];

const cpuReg = (cpu: number, reg: number): number => INTC_REG.CPU_BLOCK + cpu * INTC_REG.CPU_STRIDE + reg;
const route = (s: number): number => INTC_REG.ROUTE_TABLE + 4 * s;

describe('InterruptController', () => {
  let calls: Call[];
  let intc: InterruptController;

  beforeEach(() => {
    calls = [];
    intc = new InterruptController({ cpus: 4, setCpuLine: (c, l, a) => calls.push([c, l, a]) });
  });

  it('raises CPU 0 device line only for enabled sources', () => {
    const uart = intc.sourceLine(IRQ_SOURCE.UART);
    uart.set(true);
    expect(calls).toEqual([]);
    expect(intc.read32(INTC_REG.LEVEL)).toBe(1 << IRQ_SOURCE.UART);
    expect(intc.read32(INTC_REG.PENDING)).toBe(0);
    intc.write32(INTC_REG.ENABLE_SET, 1 << IRQ_SOURCE.UART);
    expect(calls).toEqual([[0, CPU_IRQ_LINE.DEVICE, true]]);
    expect(intc.read32(cpuReg(0, INTC_CPU_REG.PENDING))).toBe(1 << IRQ_SOURCE.UART);
    expect(intc.read32(cpuReg(0, INTC_CPU_REG.CLAIM))).toBe(IRQ_SOURCE.UART);
    uart.set(true); // no change, no call
    expect(calls.length).toBe(1);
    uart.set(false);
    expect(calls).toEqual([
      [0, CPU_IRQ_LINE.DEVICE, true],
      [0, CPU_IRQ_LINE.DEVICE, false],
    ]);
    expect(intc.read32(cpuReg(0, INTC_CPU_REG.CLAIM))).toBe(INTC.NO_SOURCE);
  });

  it('ENABLE, ENABLE_SET and ENABLE_CLEAR edit one mask', () => {
    intc.write32(INTC_REG.ENABLE, 0b1010);
    intc.write32(INTC_REG.ENABLE_SET, 0b0001);
    intc.write32(INTC_REG.ENABLE_CLEAR, 0b1000);
    expect(intc.read32(INTC_REG.ENABLE)).toBe(0b0011);
    intc.write32(INTC_REG.ENABLE, -1);
    expect(intc.read32(INTC_REG.ENABLE)).toBe(0xffffffff);
  });

  it('routes a source to another CPU and moves the line', () => {
    const blk = intc.sourceLine(IRQ_SOURCE.BLOCK1);
    intc.write32(INTC_REG.ENABLE, 0xffffffff);
    blk.set(true);
    expect(calls).toEqual([[0, CPU_IRQ_LINE.DEVICE, true]]);
    intc.write32(route(IRQ_SOURCE.BLOCK1), 2);
    expect(intc.read32(route(IRQ_SOURCE.BLOCK1))).toBe(2);
    expect(calls.slice(1)).toEqual([
      [0, CPU_IRQ_LINE.DEVICE, false],
      [2, CPU_IRQ_LINE.DEVICE, true],
    ]);
    expect(intc.read32(cpuReg(2, INTC_CPU_REG.PENDING))).toBe(1 << IRQ_SOURCE.BLOCK1);
    expect(intc.read32(cpuReg(0, INTC_CPU_REG.PENDING))).toBe(0);
    // A CPU that does not exist is ignored.
    intc.write32(route(IRQ_SOURCE.BLOCK1), 9);
    expect(intc.read32(route(IRQ_SOURCE.BLOCK1))).toBe(2);
  });

  it('CLAIM returns the lowest pending source', () => {
    intc.write32(INTC_REG.ENABLE, 0xffffffff);
    intc.sourceLine(31).set(true);
    intc.sourceLine(IRQ_SOURCE.NET).set(true);
    expect(intc.read32(cpuReg(0, INTC_CPU_REG.CLAIM))).toBe(IRQ_SOURCE.NET);
    intc.sourceLine(IRQ_SOURCE.NET).set(false);
    expect(intc.read32(cpuReg(0, INTC_CPU_REG.CLAIM))).toBe(31);
  });

  it('sends IPIs with the sender as the pending bit and clears them by writing 1s', () => {
    intc.write32(cpuReg(1, INTC_CPU_REG.IPI_SEND), (1 << 0) | (1 << 3));
    expect(intc.read32(cpuReg(0, INTC_CPU_REG.IPI_PENDING))).toBe(1 << 1);
    expect(intc.read32(cpuReg(3, INTC_CPU_REG.IPI_PENDING))).toBe(1 << 1);
    expect(calls).toEqual([
      [0, CPU_IRQ_LINE.IPI, true],
      [3, CPU_IRQ_LINE.IPI, true],
    ]);
    intc.write32(cpuReg(2, INTC_CPU_REG.IPI_SEND), 1 << 0);
    expect(intc.read32(cpuReg(0, INTC_CPU_REG.IPI_PENDING))).toBe((1 << 1) | (1 << 2));
    intc.write32(cpuReg(0, INTC_CPU_REG.IPI_PENDING), 1 << 1);
    expect(intc.read32(cpuReg(0, INTC_CPU_REG.IPI_PENDING))).toBe(1 << 2);
    expect(calls.length).toBe(2);
    intc.write32(cpuReg(0, INTC_CPU_REG.IPI_PENDING), 0xffffffff);
    expect(calls[2]).toEqual([0, CPU_IRQ_LINE.IPI, false]);
    expect(intc.ipiPendingFor(3)).toBe(1 << 1);
  });

  it('ignores IPIs to absent CPUs and blocks of absent CPUs', () => {
    intc.write32(cpuReg(0, INTC_CPU_REG.IPI_SEND), 0xfffffff0);
    expect(calls).toEqual([]);
    intc.write32(cpuReg(7, INTC_CPU_REG.IPI_SEND), 1);
    expect(calls).toEqual([]);
    expect(intc.read32(cpuReg(7, INTC_CPU_REG.IPI_PENDING))).toBe(0);
  });

  it('reset masks everything and lowers raised lines', () => {
    intc.write32(INTC_REG.ENABLE, 1);
    intc.sourceLine(0).set(true);
    intc.write32(cpuReg(0, INTC_CPU_REG.IPI_SEND), 1 << 1);
    calls = [];
    intc.reset();
    expect(calls).toEqual([
      [0, CPU_IRQ_LINE.DEVICE, false],
      [1, CPU_IRQ_LINE.IPI, false],
    ]);
    expect(intc.read32(INTC_REG.ENABLE)).toBe(0);
    expect(intc.read32(INTC_REG.LEVEL)).toBe(1); // the device still drives its wire
  });

  it('never throws on guest access anywhere in its window', () => {
    for (let off = 0; off < intc.size; off += 4) {
      intc.write32(off, 0xffffffff);
      expect(() => intc.read32(off)).not.toThrow();
    }
    expect(intc.read32(INTC_REG.NUM_SOURCES)).toBe(INTC.SOURCES);
    expect(intc.read32(INTC_REG.NUM_CPUS)).toBe(4);
  });

  it('rejects bad configuration', () => {
    expect(() => new InterruptController({ cpus: 0, setCpuLine: () => {} })).toThrow(RangeError);
    expect(() => new InterruptController({ cpus: 33, setCpuLine: () => {} })).toThrow(RangeError);
    expect(() => intc.sourceLine(32)).toThrow(RangeError);
  });
});
