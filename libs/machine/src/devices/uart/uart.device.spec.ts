// Unit tests of the console UART: transmit, receive FIFO, status bits, RX interrupt.
import { describe, expect, it } from '@jest/globals';
import { UART_CONTROL, UART_REG, UART_STATUS, UartDevice } from './index.js';

function make(rxCapacity?: number) {
  const out: number[] = [];
  const irq: boolean[] = [];
  const uart = new UartDevice({ onOutput: (b) => out.push(b), irq: { set: (a) => irq.push(a) }, rxCapacity });
  return { uart, out, irq };
}

describe('UartDevice', () => {
  it('transmits the low byte of DATA writes', () => {
    const { uart, out } = make();
    uart.write32(UART_REG.DATA, 0x41);
    uart.write32(UART_REG.DATA, 0x1234);
    expect(out).toEqual([0x41, 0x34]);
    expect(uart.read32(UART_REG.STATUS) & UART_STATUS.TX_READY).toBe(UART_STATUS.TX_READY);
  });

  it('queues host input and pops it from DATA in order', () => {
    const { uart } = make();
    expect(uart.read32(UART_REG.STATUS) & UART_STATUS.RX_READY).toBe(0);
    expect(uart.input('hi')).toBe(2);
    expect(uart.read32(UART_REG.RX_COUNT)).toBe(2);
    expect(uart.read32(UART_REG.STATUS) & UART_STATUS.RX_READY).toBe(UART_STATUS.RX_READY);
    expect(uart.read32(UART_REG.DATA)).toBe(0x68);
    expect(uart.read32(UART_REG.DATA)).toBe(0x69);
    expect(uart.read32(UART_REG.DATA)).toBe(0);
    expect(uart.read32(UART_REG.STATUS) & UART_STATUS.RX_READY).toBe(0);
  });

  it('refuses input beyond the FIFO and wraps around', () => {
    const { uart } = make(4);
    expect(uart.input(new Uint8Array([1, 2, 3, 4, 5]))).toBe(4);
    expect(uart.read32(UART_REG.DATA)).toBe(1);
    expect(uart.read32(UART_REG.DATA)).toBe(2);
    expect(uart.input(new Uint8Array([6, 7, 8]))).toBe(2);
    expect([0, 1, 2, 3].map(() => uart.read32(UART_REG.DATA))).toEqual([3, 4, 6, 7]);
  });

  it('asserts a level interrupt while RX data waits and RX interrupts are enabled', () => {
    const { uart, irq } = make();
    uart.input('a');
    expect(irq).toEqual([]);
    uart.write32(UART_REG.CONTROL, UART_CONTROL.RX_IRQ_ENABLE);
    expect(uart.read32(UART_REG.CONTROL)).toBe(UART_CONTROL.RX_IRQ_ENABLE);
    expect(irq).toEqual([true]);
    uart.input('b');
    expect(irq).toEqual([true]);
    uart.read32(UART_REG.DATA);
    expect(irq).toEqual([true]);
    uart.read32(UART_REG.DATA);
    expect(irq).toEqual([true, false]);
    uart.input('c');
    uart.write32(UART_REG.CONTROL, 0);
    expect(irq).toEqual([true, false, true, false]);
  });

  it('reset empties the FIFO and lowers the line', () => {
    const { uart, irq } = make();
    uart.write32(UART_REG.CONTROL, UART_CONTROL.RX_IRQ_ENABLE);
    uart.input('xyz');
    uart.reset();
    expect(irq).toEqual([true, false]);
    expect(uart.read32(UART_REG.RX_COUNT)).toBe(0);
    expect(uart.read32(UART_REG.CONTROL)).toBe(0);
  });

  it('reads 0 and ignores writes at unknown offsets', () => {
    const { uart, out } = make();
    uart.write32(0x40, 0x41);
    uart.write32(UART_REG.STATUS, 0xff);
    expect(out).toEqual([]);
    expect(uart.read32(0x40)).toBe(0);
    expect(uart.read32(0xffc)).toBe(0);
  });
});
