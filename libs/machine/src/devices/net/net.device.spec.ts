// Unit tests of the network interface: MAC, transmit by DMA, receive queue and buffers,
// errors, interrupts, reset.
import { describe, expect, it } from '@jest/globals';
import { PhysicalMemory } from '../../memory/physical-memory.js';
import { ramDmaPort } from '../dma/index.js';
import { NET, NET_ERROR, NET_IRQ, NET_REG, NET_RX_COMMAND, NET_STATUS, NET_TX_COMMAND, NetDevice } from './index.js';

const RAM = 0x10000;

function make(queue?: number) {
  const memory = new PhysicalMemory(RAM, 1);
  const sent: Uint8Array[] = [];
  const irq: boolean[] = [];
  const writes: number[][] = [];
  const net = new NetDevice({
    dma: ramDmaPort(memory, (pa, len) => writes.push([pa, len])),
    mac: [0x52, 0x54, 0x00, 0x12, 0x34, 0x56],
    onTransmit: (f) => sent.push(f),
    irq: { set: (a) => irq.push(a) },
    rxQueueFrames: queue,
  });
  return { memory, net, sent, irq, writes };
}

const frame = (n: number, seed = 1): Uint8Array => new Uint8Array(n).map((_, i) => (i * seed + 3) & 0xff);

function arm(net: NetDevice, addr: number, capacity: number): void {
  net.write32(NET_REG.RX_ADDR, addr);
  net.write32(NET_REG.RX_CAPACITY, capacity);
  net.write32(NET_REG.RX_COMMAND, NET_RX_COMMAND.ARM);
}

describe('NetDevice', () => {
  it('exposes its MAC address', () => {
    const { net } = make();
    expect(net.read32(NET_REG.MAC_LO)).toBe(0x12005452);
    expect(net.read32(NET_REG.MAC_HI)).toBe(0x5634);
    expect(net.read32(NET_REG.MAX_FRAME)).toBe(NET.MAX_FRAME);
    expect(() => new NetDevice({ dma: ramDmaPort(new PhysicalMemory(4096)), mac: [1, 2, 3] })).toThrow(RangeError);
  });

  it('transmits a frame from RAM', () => {
    const { net, memory, sent, irq } = make();
    const f = frame(60);
    memory.u8.set(f, 0x400);
    net.write32(NET_REG.IRQ_ENABLE, NET_IRQ.TX);
    net.write32(NET_REG.TX_ADDR, 0x400);
    net.write32(NET_REG.TX_LEN, 60);
    net.write32(NET_REG.TX_COMMAND, NET_TX_COMMAND.SEND);
    expect(sent).toEqual([f]);
    memory.u8[0x400] = 0xee; // the host got a copy
    expect(sent[0][0]).toBe(f[0]);
    expect(net.read32(NET_REG.STATUS) & (NET_STATUS.TX_DONE | NET_STATUS.TX_ERROR)).toBe(NET_STATUS.TX_DONE);
    expect(irq).toEqual([true]);
    net.write32(NET_REG.STATUS, NET_STATUS.TX_DONE);
    expect(irq).toEqual([true, false]);
    expect(net.stats.txFrames).toBe(1);
  });

  it.each([
    ['too short', 0x400, NET.MIN_FRAME - 1, NET_ERROR.BAD_LENGTH],
    ['too long', 0x400, NET.MAX_FRAME + 1, NET_ERROR.BAD_LENGTH],
    ['outside RAM', RAM - 10, 60, NET_ERROR.BAD_DMA],
    ['device space', 0x1f005000, 60, NET_ERROR.BAD_DMA],
  ])('refuses to transmit a frame %s', (_w, addr, len, error) => {
    const { net, sent } = make();
    net.write32(NET_REG.TX_ADDR, addr);
    net.write32(NET_REG.TX_LEN, len);
    net.write32(NET_REG.TX_COMMAND, NET_TX_COMMAND.SEND);
    expect(sent).toEqual([]);
    expect(net.read32(NET_REG.STATUS) & (NET_STATUS.TX_DONE | NET_STATUS.TX_ERROR)).toBe(NET_STATUS.TX_ERROR);
    expect(net.read32(NET_REG.TX_ERROR)).toBe(error);
  });

  it('queues frames until a buffer is armed, one frame per arm', () => {
    const { net, memory, irq, writes } = make();
    net.write32(NET_REG.IRQ_ENABLE, NET_IRQ.RX);
    expect(net.receive(frame(64, 1))).toBe(true);
    expect(net.receive(frame(100, 2))).toBe(true);
    expect(net.read32(NET_REG.RX_QUEUED)).toBe(2);
    expect(net.read32(NET_REG.STATUS) & NET_STATUS.RX_AVAILABLE).toBe(NET_STATUS.RX_AVAILABLE);
    expect(irq).toEqual([]);
    arm(net, 0x1000, 1518);
    expect(memory.u8.subarray(0x1000, 0x1040)).toEqual(frame(64, 1));
    expect(net.read32(NET_REG.RX_LEN)).toBe(64);
    expect(net.read32(NET_REG.STATUS) & (NET_STATUS.RX_DONE | NET_STATUS.RX_ARMED)).toBe(NET_STATUS.RX_DONE);
    expect(irq).toEqual([true]);
    expect(writes).toEqual([[0x1000, 64]]);
    net.write32(NET_REG.STATUS, NET_STATUS.RX_DONE);
    expect(irq).toEqual([true, false]);
    arm(net, 0x2000, 1518);
    expect(net.read32(NET_REG.RX_LEN)).toBe(100);
    expect(memory.u8.subarray(0x2000, 0x2064)).toEqual(frame(100, 2));
    expect(net.read32(NET_REG.RX_QUEUED)).toBe(0);
  });

  it('delivers at once into an armed buffer', () => {
    const { net, memory } = make();
    arm(net, 0x3000, 200);
    expect(net.read32(NET_REG.STATUS) & NET_STATUS.RX_ARMED).toBe(NET_STATUS.RX_ARMED);
    net.receive(frame(20, 5));
    expect(memory.u8.subarray(0x3000, 0x3014)).toEqual(frame(20, 5));
    expect(net.read32(NET_REG.RX_ERROR)).toBe(NET_ERROR.NONE);
  });

  it('drops a frame larger than the buffer and reports its length', () => {
    const { net, memory } = make();
    arm(net, 0x3000, 50);
    net.receive(frame(60));
    expect(net.read32(NET_REG.STATUS) & (NET_STATUS.RX_ERROR | NET_STATUS.RX_DONE)).toBe(NET_STATUS.RX_ERROR);
    expect(net.read32(NET_REG.RX_ERROR)).toBe(NET_ERROR.TOO_BIG);
    expect(net.read32(NET_REG.RX_LEN)).toBe(60);
    expect(net.read32(NET_REG.RX_DROPPED)).toBe(1);
    expect(memory.u8[0x3000]).toBe(0);
  });

  it('refuses bad receive buffers', () => {
    const { net } = make();
    arm(net, RAM - 100, 200);
    expect(net.read32(NET_REG.RX_ERROR)).toBe(NET_ERROR.BAD_DMA);
    expect(net.read32(NET_REG.STATUS) & NET_STATUS.RX_ARMED).toBe(0);
    arm(net, 0, 0);
    expect(net.read32(NET_REG.RX_ERROR)).toBe(NET_ERROR.BAD_LENGTH);
    net.receive(frame(20));
    expect(net.read32(NET_REG.RX_QUEUED)).toBe(1);
  });

  it('disarms, drops on a full queue and refuses oversized host frames', () => {
    const { net } = make(2);
    arm(net, 0x100, 100);
    net.write32(NET_REG.RX_COMMAND, NET_RX_COMMAND.DISARM);
    expect(net.receive(frame(20))).toBe(true);
    expect(net.receive(frame(20))).toBe(true);
    expect(net.receive(frame(20))).toBe(false);
    expect(net.receive(new Uint8Array(NET.MAX_FRAME + 1))).toBe(false);
    expect(net.read32(NET_REG.RX_DROPPED)).toBe(2);
    expect(net.read32(NET_REG.RX_QUEUED)).toBe(2);
  });

  it('reset drops queued frames and lowers the line', () => {
    const { net, irq } = make();
    net.write32(NET_REG.IRQ_ENABLE, NET_IRQ.RX | NET_IRQ.TX);
    net.receive(frame(20));
    arm(net, 0x100, 100);
    net.receive(frame(20));
    expect(irq).toEqual([true]);
    net.reset();
    expect(irq).toEqual([true, false]);
    expect(net.read32(NET_REG.RX_QUEUED)).toBe(0);
    expect(net.read32(NET_REG.STATUS)).toBe(0);
    expect(net.read32(NET_REG.MAC_HI)).toBe(0x5634);
  });

  it('never throws on guest access anywhere in its window', () => {
    const { net } = make();
    for (let off = 0; off < net.size; off += 4) {
      expect(() => net.write32(off, 0xffffffff)).not.toThrow();
      expect(() => net.read32(off)).not.toThrow();
    }
    expect(net.read32(0x800)).toBe(0);
  });
});
