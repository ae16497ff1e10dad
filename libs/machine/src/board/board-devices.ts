// Board assembly of the devices: creates every device, maps each at its memory-map base, wires
// device interrupts to the interrupt controller and timer channels to the CPUs, and gives the
// machine one tick() for all of them. Device placement and IRQ numbers come from memory-map.ts
// only; devices never pick their own.

import type { MmioDevice } from '../devices/device.js';
import { BoardInfoDevice } from '../devices/board-info/index.js';
import { BlockDevice, type BlockBackend, type BlockLatency } from '../devices/block/index.js';
import { ramDmaPort } from '../devices/dma/index.js';
import { InterruptController } from '../devices/intc/index.js';
import { NetDevice } from '../devices/net/index.js';
import { PowerDevice, type PowerKind } from '../devices/power/index.js';
import { TimerDevice } from '../devices/timer/index.js';
import { UartDevice } from '../devices/uart/index.js';
import type { PhysicalMemory } from '../memory/physical-memory.js';
import { BLOCK, CPU_IRQ_LINE, DEVICE_BASE, DEVICES, IRQ_SOURCE, MACHINE, PHYS } from './memory-map.js';

export interface BoardContext {
  /** Machine memory; its size is the board's RAM and its node count must equal `nodes`. */
  readonly memory: PhysicalMemory;
  /** CPUs on the board (1..MACHINE.MAX_CPUS, a multiple of `nodes`). */
  readonly cpus: number;
  readonly nodes: number;
  /** Drive CPU `cpu`'s interrupt line `line` (a Cause.IP number 2..6, see CPU_IRQ_LINE). */
  setCpuLine(cpu: number, line: number, asserted: boolean): void;
  /** Release held CPU `cpu`: pc = `pc`, a0 = cpu, a1 = board-info base, a2 = `arg`. */
  startCpu(cpu: number, pc: number, arg: number): void;
  /** Guest asked to power off or reset; `code` is the signed value it wrote. */
  power(kind: PowerKind, code: number): void;
  /** Console output, one byte at a time. */
  readonly console: { write(byte: number): void };
  /** Disk images for BLOCK0..BLOCK3 (at most BLOCK.UNITS; missing = empty drive). */
  readonly disks?: readonly (BlockBackend | undefined)[];
  /**
   * Current machine time in cycles, read at MMIO time: the timer and the block controllers arm
   * their deadlines from it (never earlier than the last tick()).
   */
  now(): number;
  /** Host wall clock for the RTC, milliseconds since the Unix epoch (default Date.now). */
  clock?(): number;
  /** Optional network attachment: MAC address and the host's transmit sink. */
  readonly net?: { readonly mac?: ArrayLike<number>; onTransmit?(frame: Uint8Array): void };
  /** Optional: told about every RAM range a device wrote by DMA (cache / LL-link invalidation). */
  onDmaWrite?(pa: number, length: number): void;
  /** Optional modelled disk latency (default: commands complete immediately). */
  readonly blockLatency?: BlockLatency;
}

export interface BoardDevices {
  readonly boardInfo: BoardInfoDevice;
  readonly intc: InterruptController;
  readonly uart: UartDevice;
  readonly timer: TimerDevice;
  readonly power: PowerDevice;
  readonly net: NetDevice;
  /** BLOCK0..BLOCK3, always BLOCK.UNITS of them (empty drives report NO_MEDIA). */
  readonly blocks: readonly BlockDevice[];
  /** Every device, in DEVICE_ID order. */
  readonly all: readonly MmioDevice[];
  /** Tick every device; returns the cycles until one next needs a tick (Infinity if none). */
  tick(nowCycles: number): number;
  /** Reset every device to its power-on state. */
  reset(): void;
}

function checkContext(ctx: BoardContext): void {
  const { cpus, nodes, memory } = ctx;
  if (!Number.isInteger(cpus) || cpus < 1 || cpus > MACHINE.MAX_CPUS) {
    throw new RangeError(`board: cpus must be 1..${MACHINE.MAX_CPUS}, got ${cpus}`);
  }
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MACHINE.MAX_NODES || cpus % nodes !== 0) {
    throw new RangeError(`board: nodes must divide cpus (${cpus}), got ${nodes}`);
  }
  if (memory.nodes !== nodes) throw new RangeError(`board: memory has ${memory.nodes} nodes, board ${nodes}`);
  if (memory.size > PHYS.RAM_MAX_BYTES) throw new RangeError(`board: RAM above ${PHYS.RAM_MAX_BYTES} bytes`);
  if ((ctx.disks?.length ?? 0) > BLOCK.UNITS) throw new RangeError(`board: at most ${BLOCK.UNITS} disks`);
}

/** Create, map and wire every board device. Throws RangeError on a bad board configuration. */
export function attachBoardDevices(ctx: BoardContext): BoardDevices {
  checkContext(ctx);
  const dma = ramDmaPort(ctx.memory, ctx.onDmaWrite === undefined ? undefined : (pa, len) => ctx.onDmaWrite!(pa, len));
  const cycles = (): number => ctx.now();
  const wallClock = ctx.clock === undefined ? () => Date.now() : () => ctx.clock!();
  const intc = new InterruptController({ cpus: ctx.cpus, setCpuLine: (c, l, a) => ctx.setCpuLine(c, l, a) });
  const uart = new UartDevice({ onOutput: (b) => ctx.console.write(b), irq: intc.sourceLine(IRQ_SOURCE.UART) });
  const timer = new TimerDevice({
    channels: ctx.cpus,
    irqs: Array.from({ length: ctx.cpus }, (_, cpu) => ({
      set: (asserted: boolean) => ctx.setCpuLine(cpu, CPU_IRQ_LINE.TIMER, asserted),
    })),
    now: wallClock,
    clock: cycles,
    frequencyHz: MACHINE.CPU_CLOCK_HZ,
  });
  const power = new PowerDevice({
    cpus: ctx.cpus,
    onPower: (kind, code) => ctx.power(kind, code),
    onStartCpu: (cpu, pc, arg) => ctx.startCpu(cpu, pc, arg),
  });
  const net = new NetDevice({
    dma,
    mac: ctx.net?.mac,
    onTransmit: (frame) => ctx.net?.onTransmit?.(frame),
    irq: intc.sourceLine(IRQ_SOURCE.NET),
  });
  const blockSources = [IRQ_SOURCE.BLOCK0, IRQ_SOURCE.BLOCK1, IRQ_SOURCE.BLOCK2, IRQ_SOURCE.BLOCK3];
  const blocks = blockSources.map(
    (source, unit) =>
      new BlockDevice({
        unit,
        dma,
        backend: ctx.disks?.[unit],
        irq: intc.sourceLine(source),
        latency: ctx.blockLatency,
        clock: cycles,
      }),
  );
  const boardInfo = new BoardInfoDevice({
    cpus: ctx.cpus,
    nodes: ctx.nodes,
    ramBytes: ctx.memory.size,
    cpuHz: MACHINE.CPU_CLOCK_HZ,
    disks: blocks.filter((b) => b.backend !== undefined).length,
    deviceBases: DEVICES.map((d) => DEVICE_BASE[d.key]),
    deviceIrqs: DEVICES.map((d) => d.irq),
  });

  const byKey = {
    BOARD_INFO: boardInfo,
    INTC: intc,
    UART: uart,
    TIMER: timer,
    POWER: power,
    NET: net,
    BLOCK0: blocks[0],
    BLOCK1: blocks[1],
    BLOCK2: blocks[2],
    BLOCK3: blocks[3],
  } satisfies Record<(typeof DEVICES)[number]['key'], MmioDevice>;
  const all: MmioDevice[] = DEVICES.map((d) => byKey[d.key]);
  for (const d of DEVICES) ctx.memory.map(DEVICE_BASE[d.key], byKey[d.key]);
  const tickers = all.filter((d) => d.tick !== undefined);

  return {
    boardInfo,
    intc,
    uart,
    timer,
    power,
    net,
    blocks,
    all,
    tick(nowCycles: number): number {
      let next = Infinity;
      for (let i = 0; i < tickers.length; i++) {
        const d = tickers[i].tick!(nowCycles);
        if (d < next) next = d;
      }
      return next;
    },
    reset(): void {
      for (const d of all) d.reset();
    },
  };
}
