// Console UART: bytes the guest writes to DATA go straight to the host (`onOutput`); bytes the
// host feeds with `input()` wait in a receive FIFO that the guest pops from DATA. A level
// interrupt is asserted while received data waits and the guest enabled RX interrupts.

import type { IrqLine, MmioDevice } from '../device.js';
import { PHYS, UART, UART_CONTROL, UART_REG, UART_STATUS } from './uart.regs.js';

export interface UartConfig {
  /** Receives every byte the guest transmits. */
  readonly onOutput: (byte: number) => void;
  /** The UART's interrupt-controller source. */
  readonly irq?: IrqLine;
  /** Receive FIFO capacity (default UART.RX_FIFO_BYTES). */
  readonly rxCapacity?: number;
}

export class UartDevice implements MmioDevice {
  readonly name = 'uart';
  readonly size = PHYS.DEVICE_WINDOW_BYTES;
  private readonly onOutput: (byte: number) => void;
  private readonly irq: IrqLine | undefined;
  private readonly rx: Uint8Array;
  private rxHead = 0;
  private rxCount = 0;
  private control = 0;
  private irqState = false;

  constructor(config: UartConfig) {
    this.onOutput = config.onOutput;
    this.irq = config.irq;
    this.rx = new Uint8Array(config.rxCapacity ?? UART.RX_FIFO_BYTES);
  }

  /** Host → guest bytes. Returns how many were accepted (the rest did not fit in the FIFO). */
  input(bytes: Uint8Array | string): number {
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    const n = Math.min(data.length, this.rx.length - this.rxCount);
    for (let i = 0; i < n; i++) {
      this.rx[(this.rxHead + this.rxCount + i) % this.rx.length] = data[i];
    }
    this.rxCount += n;
    this.updateIrq();
    return n;
  }

  /** Bytes waiting in the receive FIFO. */
  get pendingInput(): number {
    return this.rxCount;
  }

  read32(offset: number): number {
    switch (offset) {
      case UART_REG.DATA:
        return this.pop();
      case UART_REG.STATUS:
        return (this.rxCount > 0 ? UART_STATUS.RX_READY : 0) | UART_STATUS.TX_READY;
      case UART_REG.CONTROL:
        return this.control;
      case UART_REG.RX_COUNT:
        return this.rxCount;
      default:
        return 0;
    }
  }

  write32(offset: number, value: number): void {
    switch (offset) {
      case UART_REG.DATA:
        this.onOutput(value & 0xff);
        break;
      case UART_REG.CONTROL:
        this.control = value & UART_CONTROL.RX_IRQ_ENABLE;
        this.updateIrq();
        break;
      default:
        break;
    }
  }

  reset(): void {
    this.rxHead = 0;
    this.rxCount = 0;
    this.control = 0;
    this.updateIrq();
  }

  private pop(): number {
    if (this.rxCount === 0) return 0;
    const b = this.rx[this.rxHead];
    this.rxHead = (this.rxHead + 1) % this.rx.length;
    this.rxCount--;
    if (this.rxCount === 0) this.updateIrq();
    return b;
  }

  private updateIrq(): void {
    const want = this.rxCount > 0 && (this.control & UART_CONTROL.RX_IRQ_ENABLE) !== 0;
    if (want !== this.irqState) {
      this.irqState = want;
      this.irq?.set(want);
    }
  }
}
