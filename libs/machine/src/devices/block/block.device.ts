// Block-device controller with DMA, one per disk (the board has BLOCK.UNITS of them). The guest
// programs SECTOR, COUNT and DMA_ADDR, then writes COMMAND; the controller moves whole sectors
// between the host image (a BlockBackend) and RAM. Bad guest input (range, DMA address, command)
// never throws: it completes at once with ERROR set and a BLOCK_ERROR code. Completion is
// immediate by default; with a latency the command stays BUSY and completes in tick().

import type { IrqLine, MmioDevice } from '../device.js';
import type { DmaPort } from '../dma/index.js';
import type { BlockBackend } from './block.backend.js';
import { BLOCK, BLOCK_COMMAND, BLOCK_ERROR, BLOCK_IRQ, BLOCK_REG, BLOCK_STATUS, PHYS } from './block.regs.js';

/** Modelled service time of one command: fixed + perSector * COUNT cycles (FLUSH: fixed). */
export interface BlockLatency {
  readonly fixedCycles: number;
  readonly perSectorCycles: number;
}

/** Default: no modelled latency, every command completes inside the COMMAND write. */
export const BLOCK_IMMEDIATE: BlockLatency = { fixedCycles: 0, perSectorCycles: 0 };

export interface BlockConfig {
  /** Unit number 0..BLOCK.UNITS-1 (names the device). */
  readonly unit: number;
  readonly dma: DmaPort;
  /** The disk; absent = empty drive (every command fails with NO_MEDIA). */
  readonly backend?: BlockBackend;
  readonly irq?: IrqLine;
  readonly latency?: BlockLatency;
  /** Current machine time in cycles at MMIO time; without it, the time of the last tick(). */
  readonly clock?: () => number;
}

/** Counters for metrics. */
export interface BlockStats {
  reads: number;
  writes: number;
  flushes: number;
  sectorsRead: number;
  sectorsWritten: number;
  errors: number;
}

interface InFlight {
  command: number;
  sector: number;
  count: number;
  addr: number;
  due: number;
}

export class BlockDevice implements MmioDevice {
  readonly name: string;
  readonly size = PHYS.DEVICE_WINDOW_BYTES;
  readonly backend: BlockBackend | undefined;
  readonly stats: BlockStats = { reads: 0, writes: 0, flushes: 0, sectorsRead: 0, sectorsWritten: 0, errors: 0 };
  private readonly dma: DmaPort;
  private readonly irq: IrqLine | undefined;
  private readonly latency: BlockLatency;
  private readonly clock: (() => number) | undefined;
  private sector = 0;
  private count = 0;
  private dmaAddr = 0;
  private command = 0;
  private status = 0;
  private error: number = BLOCK_ERROR.NONE;
  private irqEnable = 0;
  private irqState = false;
  private lastNow = 0;
  private inFlight: InFlight | null = null;

  constructor(config: BlockConfig) {
    this.name = `block${config.unit}`;
    this.dma = config.dma;
    this.backend = config.backend;
    this.irq = config.irq;
    this.latency = config.latency ?? BLOCK_IMMEDIATE;
    this.clock = config.clock;
  }

  /** Disk size in sectors, as the guest sees it. */
  get capacity(): number {
    return this.backend === undefined ? 0 : Math.min(this.backend.sectorCount, 0xffffffff);
  }

  read32(offset: number): number {
    switch (offset) {
      case BLOCK_REG.SECTOR:
        return this.sector;
      case BLOCK_REG.COUNT:
        return this.count;
      case BLOCK_REG.DMA_ADDR:
        return this.dmaAddr;
      case BLOCK_REG.COMMAND:
        return this.command;
      case BLOCK_REG.STATUS:
        return this.statusWord();
      case BLOCK_REG.ERROR:
        return this.error;
      case BLOCK_REG.CAPACITY:
        return this.capacity;
      case BLOCK_REG.SECTOR_SIZE:
        return BLOCK.SECTOR_BYTES;
      case BLOCK_REG.IRQ_ENABLE:
        return this.irqEnable;
      case BLOCK_REG.MAX_SECTORS:
        return BLOCK.MAX_SECTORS;
      default:
        return 0;
    }
  }

  write32(offset: number, value: number): void {
    const v = value >>> 0;
    switch (offset) {
      case BLOCK_REG.SECTOR:
        this.sector = v;
        break;
      case BLOCK_REG.COUNT:
        this.count = v;
        break;
      case BLOCK_REG.DMA_ADDR:
        this.dmaAddr = v;
        break;
      case BLOCK_REG.COMMAND:
        this.start(v);
        break;
      case BLOCK_REG.STATUS:
        this.status &= ~(v & (BLOCK_STATUS.DONE | BLOCK_STATUS.ERROR));
        this.updateIrq();
        break;
      case BLOCK_REG.IRQ_ENABLE:
        this.irqEnable = v & BLOCK_IRQ.COMPLETE;
        this.updateIrq();
        break;
      default:
        break;
    }
  }

  tick(nowCycles: number): number {
    if (nowCycles > this.lastNow) this.lastNow = nowCycles;
    const op = this.inFlight;
    if (op === null) return Infinity;
    if (this.lastNow >= op.due) {
      this.inFlight = null;
      this.status &= ~BLOCK_STATUS.BUSY;
      this.finish(this.perform(op));
      return Infinity;
    }
    return op.due - this.lastNow;
  }

  /** Power-on state: registers cleared, any command in flight abandoned, line lowered. */
  reset(): void {
    this.sector = 0;
    this.count = 0;
    this.dmaAddr = 0;
    this.command = 0;
    this.status = 0;
    this.error = BLOCK_ERROR.NONE;
    this.irqEnable = 0;
    this.inFlight = null;
    this.updateIrq();
  }

  private statusWord(): number {
    let s = this.status;
    if (this.backend !== undefined) s |= BLOCK_STATUS.MEDIA;
    if (this.backend?.readOnly === true) s |= BLOCK_STATUS.READ_ONLY;
    return s;
  }

  private start(command: number): void {
    if (this.inFlight !== null) return; // BUSY: ignored
    this.command = command;
    this.status &= ~(BLOCK_STATUS.DONE | BLOCK_STATUS.ERROR);
    this.error = BLOCK_ERROR.NONE;
    const bad = this.validate(command);
    if (bad !== BLOCK_ERROR.NONE) {
      this.finish(bad);
      return;
    }
    const transfer = command === BLOCK_COMMAND.FLUSH ? 0 : this.count;
    const cycles = this.latency.fixedCycles + this.latency.perSectorCycles * transfer;
    const op: InFlight = { command, sector: this.sector, count: this.count, addr: this.dmaAddr, due: 0 };
    if (cycles <= 0) {
      this.finish(this.perform(op));
      return;
    }
    const now = this.clock !== undefined ? Math.max(this.clock(), this.lastNow) : this.lastNow;
    op.due = now + cycles;
    this.inFlight = op;
    this.status |= BLOCK_STATUS.BUSY;
  }

  private validate(command: number): number {
    if (command !== BLOCK_COMMAND.READ && command !== BLOCK_COMMAND.WRITE && command !== BLOCK_COMMAND.FLUSH) {
      return BLOCK_ERROR.BAD_COMMAND;
    }
    if (this.backend === undefined) return BLOCK_ERROR.NO_MEDIA;
    if (command === BLOCK_COMMAND.FLUSH) return BLOCK_ERROR.NONE;
    if (this.count === 0 || this.count > BLOCK.MAX_SECTORS || this.sector + this.count > this.capacity) {
      return BLOCK_ERROR.OUT_OF_RANGE;
    }
    if (this.dma.view(this.dmaAddr, this.count * BLOCK.SECTOR_BYTES) === null) return BLOCK_ERROR.BAD_DMA;
    if (command === BLOCK_COMMAND.WRITE && this.backend.readOnly === true) return BLOCK_ERROR.READ_ONLY;
    return BLOCK_ERROR.NONE;
  }

  /** Moves the data; returns a BLOCK_ERROR code. Host failures become IO_ERROR. */
  private perform(op: InFlight): number {
    const backend = this.backend;
    if (backend === undefined) return BLOCK_ERROR.NO_MEDIA;
    const bytes = op.count * BLOCK.SECTOR_BYTES;
    try {
      if (op.command === BLOCK_COMMAND.FLUSH) {
        backend.flush?.();
        this.stats.flushes++;
        return BLOCK_ERROR.NONE;
      }
      const view = this.dma.view(op.addr, bytes);
      if (view === null) return BLOCK_ERROR.BAD_DMA;
      if (op.command === BLOCK_COMMAND.READ) {
        try {
          backend.read(op.sector, op.count, view);
        } finally {
          this.dma.didWrite(op.addr, bytes);
        }
        this.stats.reads++;
        this.stats.sectorsRead += op.count;
      } else {
        backend.write(op.sector, view);
        this.stats.writes++;
        this.stats.sectorsWritten += op.count;
      }
      return BLOCK_ERROR.NONE;
    } catch {
      return BLOCK_ERROR.IO_ERROR;
    }
  }

  private finish(error: number): void {
    this.error = error;
    if (error === BLOCK_ERROR.NONE) {
      this.status |= BLOCK_STATUS.DONE;
    } else {
      this.status |= BLOCK_STATUS.ERROR;
      this.stats.errors++;
    }
    this.updateIrq();
  }

  private updateIrq(): void {
    const want =
      (this.irqEnable & BLOCK_IRQ.COMPLETE) !== 0 && (this.status & (BLOCK_STATUS.DONE | BLOCK_STATUS.ERROR)) !== 0;
    if (want !== this.irqState) {
      this.irqState = want;
      this.irq?.set(want);
    }
  }
}
