// Network interface with DMA. Transmit: the guest points TX_ADDR/TX_LEN at a frame in RAM and
// writes SEND; the frame is copied out and handed to the host (`onTransmit`) at once. Receive:
// the host calls `receive(frame)`; frames queue in the device until the guest arms a buffer
// (RX_ADDR/RX_CAPACITY, ARM), then one frame is copied in per arm. Level interrupt on TX/RX
// completion. Bad guest input sets an error code, never throws.

import type { IrqLine, MmioDevice } from '../device.js';
import type { DmaPort } from '../dma/index.js';
import { NET, NET_ERROR, NET_IRQ, NET_REG, NET_RX_COMMAND, NET_STATUS, NET_TX_COMMAND, PHYS } from './net.regs.js';

/** A locally administered unicast address, used when the board gives none. */
export const DEFAULT_MAC: readonly number[] = [0x02, 0xd1, 0x5c, 0x00, 0x00, 0x01];

export interface NetConfig {
  readonly dma: DmaPort;
  /** 6-byte MAC address (default DEFAULT_MAC). */
  readonly mac?: ArrayLike<number>;
  /** Receives a copy of every frame the guest sends (frames are dropped without it). */
  readonly onTransmit?: (frame: Uint8Array) => void;
  readonly irq?: IrqLine;
  /** Frames queued while no buffer is armed (default NET.RX_QUEUE_FRAMES). */
  readonly rxQueueFrames?: number;
}

export interface NetStats {
  txFrames: number;
  txBytes: number;
  rxFrames: number;
  rxBytes: number;
  rxDropped: number;
  errors: number;
}

const TX_BITS = NET_STATUS.TX_DONE | NET_STATUS.TX_ERROR;
const RX_BITS = NET_STATUS.RX_DONE | NET_STATUS.RX_ERROR;

export class NetDevice implements MmioDevice {
  readonly name = 'net';
  readonly size = PHYS.DEVICE_WINDOW_BYTES;
  readonly mac: Uint8Array;
  readonly stats: NetStats = { txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0, rxDropped: 0, errors: 0 };
  private readonly dma: DmaPort;
  private readonly onTransmit: ((frame: Uint8Array) => void) | undefined;
  private readonly irq: IrqLine | undefined;
  private readonly queueLimit: number;
  private readonly queue: Uint8Array[] = [];
  private status = 0;
  private irqEnable = 0;
  private txAddr = 0;
  private txLen = 0;
  private txError: number = NET_ERROR.NONE;
  private rxAddr = 0;
  private rxCapacity = 0;
  private rxLen = 0;
  private rxError: number = NET_ERROR.NONE;
  private rxArmed = false;
  private dropped = 0;
  private irqState = false;

  constructor(config: NetConfig) {
    this.dma = config.dma;
    const mac = config.mac ?? DEFAULT_MAC;
    if (mac.length !== 6) throw new RangeError('net: a MAC address has 6 bytes');
    this.mac = Uint8Array.from(mac);
    this.onTransmit = config.onTransmit;
    this.irq = config.irq;
    this.queueLimit = config.rxQueueFrames ?? NET.RX_QUEUE_FRAMES;
  }

  /** Host → guest frame. Returns false when it was dropped (too big, or the queue is full). */
  receive(frame: Uint8Array): boolean {
    if (frame.length === 0 || frame.length > NET.MAX_FRAME || this.queue.length >= this.queueLimit) {
      this.dropped++;
      this.stats.rxDropped++;
      return false;
    }
    this.queue.push(frame.slice());
    this.deliver();
    return true;
  }

  /** Frames waiting for a guest buffer. */
  get queuedFrames(): number {
    return this.queue.length;
  }

  read32(offset: number): number {
    switch (offset) {
      case NET_REG.MAC_LO:
        return (this.mac[0] | (this.mac[1] << 8) | (this.mac[2] << 16) | (this.mac[3] << 24)) >>> 0;
      case NET_REG.MAC_HI:
        return this.mac[4] | (this.mac[5] << 8);
      case NET_REG.STATUS:
        return this.statusWord();
      case NET_REG.IRQ_ENABLE:
        return this.irqEnable;
      case NET_REG.TX_ADDR:
        return this.txAddr;
      case NET_REG.TX_LEN:
        return this.txLen;
      case NET_REG.TX_ERROR:
        return this.txError;
      case NET_REG.RX_ADDR:
        return this.rxAddr;
      case NET_REG.RX_CAPACITY:
        return this.rxCapacity;
      case NET_REG.RX_LEN:
        return this.rxLen;
      case NET_REG.RX_ERROR:
        return this.rxError;
      case NET_REG.RX_QUEUED:
        return this.queue.length;
      case NET_REG.RX_DROPPED:
        return this.dropped >>> 0;
      case NET_REG.MAX_FRAME:
        return NET.MAX_FRAME;
      default:
        return 0;
    }
  }

  write32(offset: number, value: number): void {
    const v = value >>> 0;
    switch (offset) {
      case NET_REG.STATUS:
        this.status &= ~(v & (TX_BITS | RX_BITS));
        break;
      case NET_REG.IRQ_ENABLE:
        this.irqEnable = v & (NET_IRQ.TX | NET_IRQ.RX);
        break;
      case NET_REG.TX_ADDR:
        this.txAddr = v;
        return;
      case NET_REG.TX_LEN:
        this.txLen = v;
        return;
      case NET_REG.TX_COMMAND:
        if (v === NET_TX_COMMAND.SEND) this.send();
        break;
      case NET_REG.RX_ADDR:
        this.rxAddr = v;
        return;
      case NET_REG.RX_CAPACITY:
        this.rxCapacity = v;
        return;
      case NET_REG.RX_COMMAND:
        if (v === NET_RX_COMMAND.ARM) this.arm();
        else if (v === NET_RX_COMMAND.DISARM) this.rxArmed = false;
        break;
      default:
        return;
    }
    this.updateIrq();
  }

  /** Power-on state: registers cleared, queued frames dropped, line lowered. The MAC stays. */
  reset(): void {
    this.queue.length = 0;
    this.status = 0;
    this.irqEnable = 0;
    this.txAddr = 0;
    this.txLen = 0;
    this.txError = NET_ERROR.NONE;
    this.rxAddr = 0;
    this.rxCapacity = 0;
    this.rxLen = 0;
    this.rxError = NET_ERROR.NONE;
    this.rxArmed = false;
    this.dropped = 0;
    this.updateIrq();
  }

  private statusWord(): number {
    let s = this.status;
    if (this.rxArmed) s |= NET_STATUS.RX_ARMED;
    if (this.queue.length > 0) s |= NET_STATUS.RX_AVAILABLE;
    return s;
  }

  private send(): void {
    this.status &= ~TX_BITS;
    this.txError = this.transmit();
    if (this.txError === NET_ERROR.NONE) {
      this.status |= NET_STATUS.TX_DONE;
    } else {
      this.status |= NET_STATUS.TX_ERROR;
      this.stats.errors++;
    }
  }

  private transmit(): number {
    if (this.txLen < NET.MIN_FRAME || this.txLen > NET.MAX_FRAME) return NET_ERROR.BAD_LENGTH;
    const view = this.dma.view(this.txAddr, this.txLen);
    if (view === null) return NET_ERROR.BAD_DMA;
    const frame = view.slice();
    this.stats.txFrames++;
    this.stats.txBytes += frame.length;
    this.onTransmit?.(frame);
    return NET_ERROR.NONE;
  }

  private arm(): void {
    let error: number = NET_ERROR.NONE;
    if (this.rxCapacity === 0) error = NET_ERROR.BAD_LENGTH;
    else if (this.dma.view(this.rxAddr, this.rxCapacity) === null) error = NET_ERROR.BAD_DMA;
    if (error !== NET_ERROR.NONE) {
      this.rxArmed = false;
      this.completeRx(error);
      return;
    }
    this.rxArmed = true;
    this.deliver();
  }

  /** Copy the oldest queued frame into the armed buffer, if both exist. */
  private deliver(): void {
    if (!this.rxArmed || this.queue.length === 0) return;
    const frame = this.queue.shift()!;
    this.rxArmed = false;
    this.rxLen = frame.length;
    const view = this.dma.view(this.rxAddr, this.rxCapacity);
    if (view === null) {
      this.queue.unshift(frame);
      this.completeRx(NET_ERROR.BAD_DMA);
    } else if (frame.length > this.rxCapacity) {
      this.dropped++;
      this.stats.rxDropped++;
      this.completeRx(NET_ERROR.TOO_BIG);
    } else {
      view.set(frame);
      this.dma.didWrite(this.rxAddr, frame.length);
      this.stats.rxFrames++;
      this.stats.rxBytes += frame.length;
      this.completeRx(NET_ERROR.NONE);
    }
    this.updateIrq();
  }

  private completeRx(error: number): void {
    this.status &= ~RX_BITS;
    this.rxError = error;
    if (error === NET_ERROR.NONE) {
      this.status |= NET_STATUS.RX_DONE;
    } else {
      this.status |= NET_STATUS.RX_ERROR;
      this.stats.errors++;
    }
  }

  private updateIrq(): void {
    const want =
      ((this.irqEnable & NET_IRQ.TX) !== 0 && (this.status & TX_BITS) !== 0) ||
      ((this.irqEnable & NET_IRQ.RX) !== 0 && (this.status & RX_BITS) !== 0);
    if (want !== this.irqState) {
      this.irqState = want;
      this.irq?.set(want);
    }
  }
}
