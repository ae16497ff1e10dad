// Board wiring tests: every device answers at its memory-map base through PhysicalMemory, device
// interrupts reach CPUs through the intc, timer channels reach their own CPU, DMA reaches RAM.
import { describe, expect, it } from '@jest/globals';
import { MemoryBlockBackend } from '../devices/block/index.js';
import { PhysicalMemory } from '../memory/physical-memory.js';
import { attachBoardDevices, type BoardContext } from './board-devices.js';
import {
  BLOCK_COMMAND,
  BLOCK_ERROR,
  BLOCK_IRQ,
  BLOCK_REG,
  BOARD_INFO,
  BOARD_INFO_REG,
  CPU_IRQ_LINE,
  DEVICE_BASE,
  DEVICE_ID,
  INTC_CPU_REG,
  INTC_REG,
  IRQ_SOURCE,
  NET_REG,
  NET_TX_COMMAND,
  POWER_REG,
  POWER_START_REG,
  TIMER_CHANNEL_REG,
  TIMER_CONTROL,
  TIMER_REG,
  UART_CONTROL,
  UART_REG,
} from './memory-map.js';

function board(overrides: Partial<BoardContext> = {}) {
  const memory = new PhysicalMemory(0x400000, 4);
  const lines: [number, number, boolean][] = [];
  const started: number[][] = [];
  const powered: [string, number][] = [];
  const out: number[] = [];
  const frames: Uint8Array[] = [];
  const dmaWrites: number[][] = [];
  const disk = new MemoryBlockBackend(64);
  disk.data.fill(0xab);
  const devices = attachBoardDevices({
    memory,
    cpus: 8,
    nodes: 4,
    setCpuLine: (c, l, a) => lines.push([c, l, a]),
    startCpu: (c, pc, arg) => started.push([c, pc, arg]),
    power: (k, c) => powered.push([k, c]),
    console: { write: (b) => out.push(b) },
    disks: [disk, undefined, new MemoryBlockBackend(8)],
    now: () => 0,
    clock: () => 1_700_000_000_123,
    net: { onTransmit: (f) => frames.push(f) },
    onDmaWrite: (pa, len) => dmaWrites.push([pa, len]),
    ...overrides,
  });
  const rd = (pa: number): number => memory.readIo(pa, 4);
  const wr = (pa: number, v: number): void => {
    expect(memory.writeIo(pa, 4, v)).toBe(true);
  };
  return { memory, devices, lines, started, powered, out, frames, dmaWrites, rd, wr };
}

describe('attachBoardDevices', () => {
  it('maps every device at its base, in DEVICE_ID order', () => {
    const { memory, devices } = board();
    expect(devices.all.map((d) => d.name)).toEqual([
      'board-info', 'intc', 'uart', 'timer', 'power', 'net', 'block0', 'block1', 'block2', 'block3',
    ]);
    expect(memory.mappings.map((m) => m.base)).toEqual(Object.values(DEVICE_BASE));
    expect(devices.blocks.length).toBe(4);
  });

  it('describes the board in board-info', () => {
    const { rd } = board();
    const bi = DEVICE_BASE.BOARD_INFO;
    expect(rd(bi + BOARD_INFO_REG.MAGIC)).toBe(BOARD_INFO.MAGIC);
    expect(rd(bi + BOARD_INFO_REG.NUM_CPUS)).toBe(8);
    expect(rd(bi + BOARD_INFO_REG.CPUS_PER_NODE)).toBe(2);
    expect(rd(bi + BOARD_INFO_REG.RAM_BYTES)).toBe(0x400000);
    expect(rd(bi + BOARD_INFO_REG.NODE_BYTES)).toBe(0x100000);
    expect(rd(bi + BOARD_INFO_REG.NUM_DISKS)).toBe(2);
    expect(rd(bi + BOARD_INFO_REG.DEVICE_BASE_TABLE + 4 * DEVICE_ID.NET)).toBe(DEVICE_BASE.NET);
    expect(rd(bi + BOARD_INFO_REG.DEVICE_IRQ_TABLE + 4 * DEVICE_ID.NET)).toBe(IRQ_SOURCE.NET);
  });

  it('prints through the UART with byte stores and interrupts CPU 0 on input', () => {
    const { memory, devices, out, lines, wr } = board();
    memory.writeIo(DEVICE_BASE.UART + UART_REG.DATA, 1, 0x68);
    expect(out).toEqual([0x68]);
    wr(DEVICE_BASE.UART + UART_REG.CONTROL, UART_CONTROL.RX_IRQ_ENABLE);
    wr(DEVICE_BASE.INTC + INTC_REG.ENABLE_SET, 1 << IRQ_SOURCE.UART);
    devices.uart.input('x');
    expect(lines).toEqual([[0, CPU_IRQ_LINE.DEVICE, true]]);
    expect(memory.readIo(DEVICE_BASE.UART + UART_REG.DATA, 1)).toBe(0x78);
    expect(lines).toEqual([
      [0, CPU_IRQ_LINE.DEVICE, true],
      [0, CPU_IRQ_LINE.DEVICE, false],
    ]);
  });

  it('reads a disk by DMA and interrupts the CPU the source is routed to', () => {
    const { memory, lines, dmaWrites, rd, wr } = board();
    const b0 = DEVICE_BASE.BLOCK0;
    wr(DEVICE_BASE.INTC + INTC_REG.ROUTE_TABLE + 4 * IRQ_SOURCE.BLOCK0, 3);
    wr(DEVICE_BASE.INTC + INTC_REG.ENABLE, 0xffffffff);
    wr(b0 + BLOCK_REG.IRQ_ENABLE, BLOCK_IRQ.COMPLETE);
    wr(b0 + BLOCK_REG.SECTOR, 2);
    wr(b0 + BLOCK_REG.COUNT, 4);
    wr(b0 + BLOCK_REG.DMA_ADDR, 0x10000);
    wr(b0 + BLOCK_REG.COMMAND, BLOCK_COMMAND.READ);
    expect(rd(b0 + BLOCK_REG.ERROR)).toBe(BLOCK_ERROR.NONE);
    expect(memory.u8[0x10000]).toBe(0xab);
    expect(memory.u8[0x10000 + 2047]).toBe(0xab);
    expect(dmaWrites).toEqual([[0x10000, 2048]]);
    expect(lines).toEqual([[3, CPU_IRQ_LINE.DEVICE, true]]);
    expect(rd(DEVICE_BASE.INTC + INTC_REG.CPU_BLOCK + 3 * INTC_REG.CPU_STRIDE + INTC_CPU_REG.CLAIM)).toBe(
      IRQ_SOURCE.BLOCK0,
    );
    // Empty drive 1: a named error, not an exception.
    wr(DEVICE_BASE.BLOCK1 + BLOCK_REG.COMMAND, BLOCK_COMMAND.READ);
    expect(rd(DEVICE_BASE.BLOCK1 + BLOCK_REG.ERROR)).toBe(BLOCK_ERROR.NO_MEDIA);
  });

  it('sends IPIs on the IPI line', () => {
    const { lines, wr } = board();
    wr(DEVICE_BASE.INTC + INTC_REG.CPU_BLOCK + 0 * INTC_REG.CPU_STRIDE + INTC_CPU_REG.IPI_SEND, 1 << 6);
    expect(lines).toEqual([[6, CPU_IRQ_LINE.IPI, true]]);
  });

  it('wires timer channel n to CPU n and ticks to the nearest deadline', () => {
    const { devices, lines, wr } = board({ now: () => 1000 });
    const t5 = DEVICE_BASE.TIMER + TIMER_REG.CHANNEL_BLOCK + 5 * TIMER_REG.CHANNEL_STRIDE;
    wr(t5 + TIMER_CHANNEL_REG.PERIOD, 500);
    wr(t5 + TIMER_CHANNEL_REG.CONTROL, TIMER_CONTROL.ENABLE | TIMER_CONTROL.IRQ_ENABLE);
    expect(devices.tick(1100)).toBe(400);
    expect(devices.tick(1500)).toBe(Infinity);
    expect(lines).toEqual([[5, CPU_IRQ_LINE.TIMER, true]]);
  });

  it('reads the RTC from the board clock', () => {
    const { rd } = board();
    expect(rd(DEVICE_BASE.TIMER + TIMER_REG.RTC_SECONDS)).toBe(1_700_000_000);
    expect(rd(DEVICE_BASE.TIMER + TIMER_REG.RTC_NANOSECONDS)).toBe(123_000_000);
  });

  it('starts secondaries and passes power requests to the host', () => {
    const { started, powered, wr } = board();
    const s2 = DEVICE_BASE.POWER + POWER_REG.START_BLOCK + 2 * POWER_REG.START_STRIDE;
    wr(s2 + POWER_START_REG.ARG, 42);
    wr(s2 + POWER_START_REG.PC, 0x80010000);
    expect(started).toEqual([[2, 0x80010000, 42]]);
    wr(DEVICE_BASE.POWER + POWER_REG.POWEROFF, 7);
    expect(powered).toEqual([['poweroff', 7]]);
  });

  it('transmits network frames to the host', () => {
    const { memory, frames, wr } = board();
    memory.u8.fill(0x11, 0x2000, 0x2000 + 60);
    wr(DEVICE_BASE.NET + NET_REG.TX_ADDR, 0x2000);
    wr(DEVICE_BASE.NET + NET_REG.TX_LEN, 60);
    wr(DEVICE_BASE.NET + NET_REG.TX_COMMAND, NET_TX_COMMAND.SEND);
    expect(frames.length).toBe(1);
    expect(frames[0].length).toBe(60);
  });

  it('reset returns every device to power-on state', () => {
    const { devices, rd, wr, lines } = board();
    wr(DEVICE_BASE.INTC + INTC_REG.CPU_BLOCK + INTC_CPU_REG.IPI_SEND, 1 << 1);
    wr(DEVICE_BASE.POWER + POWER_REG.START_BLOCK + POWER_REG.START_STRIDE + POWER_START_REG.PC, 0x80000000);
    devices.reset();
    expect(rd(DEVICE_BASE.POWER + POWER_REG.CPU_STARTED)).toBe(1);
    expect(lines[lines.length - 1]).toEqual([1, CPU_IRQ_LINE.IPI, false]);
  });

  it('rejects impossible boards', () => {
    const mk = (o: Partial<BoardContext>) => () => board(o);
    expect(mk({ cpus: 6 })).toThrow(RangeError); // 6 CPUs in 4 nodes
    expect(mk({ cpus: 33 })).toThrow(RangeError);
    expect(mk({ nodes: 2 })).toThrow(RangeError); // memory has 4 nodes
    expect(
      mk({ disks: [new MemoryBlockBackend(1), undefined, undefined, undefined, new MemoryBlockBackend(1)] }),
    ).toThrow(RangeError);
  });
});
