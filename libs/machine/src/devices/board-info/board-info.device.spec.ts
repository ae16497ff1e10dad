// Unit tests of the board-info block: every field, the device table, read-only behaviour.
import { describe, expect, it } from '@jest/globals';
import { DEVICE_BASE, DEVICES } from '../../board/memory-map.js';
import { BOARD_INFO, BOARD_INFO_REG, BoardInfoDevice, DEVICE_COUNT, DEVICE_ID, INTC } from './index.js';

function make(): BoardInfoDevice {
  return new BoardInfoDevice({
    cpus: 8,
    nodes: 4,
    ramBytes: 0x10000000,
    cpuHz: 200_000_000,
    disks: 2,
    deviceBases: DEVICES.map((d) => DEVICE_BASE[d.key]),
    deviceIrqs: DEVICES.map((d) => d.irq),
  });
}

describe('BoardInfoDevice', () => {
  it('describes the board', () => {
    const d = make();
    expect(d.read32(BOARD_INFO_REG.MAGIC)).toBe(BOARD_INFO.MAGIC);
    expect(d.read32(BOARD_INFO_REG.VERSION)).toBe(BOARD_INFO.VERSION);
    expect(d.read32(BOARD_INFO_REG.NUM_CPUS)).toBe(8);
    expect(d.read32(BOARD_INFO_REG.NUM_NODES)).toBe(4);
    expect(d.read32(BOARD_INFO_REG.CPUS_PER_NODE)).toBe(2);
    expect(d.read32(BOARD_INFO_REG.RAM_BYTES)).toBe(0x10000000);
    expect(d.read32(BOARD_INFO_REG.NODE_BYTES)).toBe(0x4000000);
    expect(d.read32(BOARD_INFO_REG.CPU_HZ)).toBe(200_000_000);
    expect(d.read32(BOARD_INFO_REG.NUM_DISKS)).toBe(2);
    expect(d.read32(BOARD_INFO_REG.NUM_DEVICES)).toBe(DEVICE_COUNT);
  });

  it('magic spells DSCO in memory order', () => {
    const b = new Uint8Array(new Uint32Array([BOARD_INFO.MAGIC]).buffer);
    expect(String.fromCharCode(...b)).toBe('DSCO');
  });

  it('lists device bases and interrupt sources', () => {
    const d = make();
    expect(d.read32(BOARD_INFO_REG.DEVICE_BASE_TABLE + 4 * DEVICE_ID.UART)).toBe(DEVICE_BASE.UART);
    expect(d.read32(BOARD_INFO_REG.DEVICE_BASE_TABLE + 4 * DEVICE_ID.BLOCK3)).toBe(DEVICE_BASE.BLOCK3);
    expect(d.read32(BOARD_INFO_REG.DEVICE_IRQ_TABLE + 4 * DEVICE_ID.UART)).toBe(0);
    expect(d.read32(BOARD_INFO_REG.DEVICE_IRQ_TABLE + 4 * DEVICE_ID.INTC)).toBe(INTC.NO_SOURCE);
  });

  it('ignores writes and reads 0 at unknown or out-of-window offsets', () => {
    const d = make();
    d.write32(BOARD_INFO_REG.NUM_CPUS, 99);
    expect(d.read32(BOARD_INFO_REG.NUM_CPUS)).toBe(8);
    expect(d.read32(0x800)).toBe(0);
    expect(d.read32(0x1000)).toBe(0);
    expect(d.read32(-4)).toBe(0);
    d.reset();
    expect(d.read32(BOARD_INFO_REG.MAGIC)).toBe(BOARD_INFO.MAGIC);
  });
});
