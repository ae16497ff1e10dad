// board-info: a read-only register block describing the board (CPUs, nodes, RAM, clock, and the
// base address and interrupt source of every device), so guest software needs no hard-coded
// topology. Writes are ignored; unknown offsets read 0.

import type { MmioDevice } from '../device.js';
import { BOARD_INFO, BOARD_INFO_REG, DEVICE_COUNT, INTC, PHYS } from './board-info.regs.js';

export interface BoardInfoConfig {
  readonly cpus: number;
  readonly nodes: number;
  readonly ramBytes: number;
  readonly cpuHz: number;
  /** Block controllers with a disk attached. */
  readonly disks: number;
  /** Physical base of each device, indexed by DEVICE_ID (DEVICE_COUNT entries). */
  readonly deviceBases: readonly number[];
  /** Intc source of each device (null: none), indexed by DEVICE_ID. */
  readonly deviceIrqs: readonly (number | null)[];
}

export class BoardInfoDevice implements MmioDevice {
  readonly name = 'board-info';
  readonly size = PHYS.DEVICE_WINDOW_BYTES;
  private readonly words = new Uint32Array(this.size >>> 2);

  constructor(readonly config: BoardInfoConfig) {
    const w = (off: number, v: number): void => {
      this.words[off >>> 2] = v >>> 0;
    };
    w(BOARD_INFO_REG.MAGIC, BOARD_INFO.MAGIC);
    w(BOARD_INFO_REG.VERSION, BOARD_INFO.VERSION);
    w(BOARD_INFO_REG.NUM_CPUS, config.cpus);
    w(BOARD_INFO_REG.NUM_NODES, config.nodes);
    w(BOARD_INFO_REG.CPUS_PER_NODE, Math.floor(config.cpus / config.nodes));
    w(BOARD_INFO_REG.RAM_BYTES, config.ramBytes);
    w(BOARD_INFO_REG.NODE_BYTES, Math.floor(config.ramBytes / config.nodes));
    w(BOARD_INFO_REG.CPU_HZ, config.cpuHz);
    w(BOARD_INFO_REG.NUM_DISKS, config.disks);
    w(BOARD_INFO_REG.NUM_DEVICES, DEVICE_COUNT);
    for (let id = 0; id < DEVICE_COUNT; id++) {
      w(BOARD_INFO_REG.DEVICE_BASE_TABLE + 4 * id, config.deviceBases[id] ?? 0);
      w(BOARD_INFO_REG.DEVICE_IRQ_TABLE + 4 * id, config.deviceIrqs[id] ?? INTC.NO_SOURCE);
    }
  }

  read32(offset: number): number {
    if (offset < 0 || offset >= this.size) return 0;
    return this.words[offset >>> 2];
  }

  write32(_offset: number, _value: number): void {
    // Read-only block: writes are ignored.
  }

  reset(): void {
    // Nothing changes at run time.
  }
}
