// Checks the memory map is consistent (alignment, no overlaps, registers inside their windows)
// and that its generated copies (the guest C header, the docs table) match it byte for byte.
import { describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  BLOCK_REG,
  BOARD_INFO_REG,
  DEVICE_BASE,
  DEVICE_COUNT,
  DEVICE_ID,
  DEVICES,
  HEADER_TABLES,
  INTC,
  INTC_CPU_REG,
  INTC_REG,
  IRQ_SOURCE,
  MACHINE,
  MEMORY_MAP,
  NET_REG,
  PHYS,
  POWER_REG,
  POWER_START_REG,
  TIMER_CHANNEL_REG,
  TIMER_REG,
  UART_REG,
} from './memory-map.js';
import { renderMemoryMapHeader, spliceMemoryMapTable } from './memory-map-render.js';

const repo = (p: string): string => fileURLToPath(new URL(`../../../../${p}`, import.meta.url));

describe('memory map', () => {
  it('lays regions out in order without overlap, inside 512 MiB', () => {
    for (let i = 1; i < MEMORY_MAP.length; i++) {
      const prev = MEMORY_MAP[i - 1];
      expect(MEMORY_MAP[i].base).toBeGreaterThanOrEqual(prev.base + prev.bytes);
    }
    const last = MEMORY_MAP[MEMORY_MAP.length - 1];
    expect(last.base + last.bytes).toBe(PHYS.LIMIT);
    expect(PHYS.RAM_BASE + PHYS.RAM_MAX_BYTES).toBe(PHYS.DEVICE_AREA_BASE);
    expect(PHYS.DEVICE_AREA_BASE + PHYS.DEVICE_AREA_BYTES).toBe(PHYS.BOOT_ROM_BASE);
  });

  it('puts every device in its own aligned 4 KiB window in the device area', () => {
    expect(DEVICES.length).toBe(DEVICE_COUNT);
    DEVICES.forEach((d, i) => {
      expect(DEVICE_ID[d.key]).toBe(i);
      const base = DEVICE_BASE[d.key];
      expect(base % PHYS.DEVICE_WINDOW_BYTES).toBe(0);
      expect(base).toBeGreaterThanOrEqual(PHYS.DEVICE_AREA_BASE);
      expect(base + PHYS.DEVICE_WINDOW_BYTES).toBeLessThanOrEqual(PHYS.DEVICE_AREA_BASE + PHYS.DEVICE_AREA_BYTES);
    });
    expect(new Set(Object.values(DEVICE_BASE)).size).toBe(DEVICE_COUNT);
  });

  it('gives every interrupt source a distinct slot', () => {
    const sources = Object.values(IRQ_SOURCE);
    expect(new Set(sources).size).toBe(sources.length);
    for (const s of sources) expect(s).toBeLessThan(INTC.SOURCES);
    for (const d of DEVICES) if (d.irq !== null) expect(Object.values(IRQ_SOURCE)).toContain(d.irq);
  });

  it('keeps registers word aligned and inside their window, per-CPU blocks included', () => {
    const window = PHYS.DEVICE_WINDOW_BYTES;
    for (const table of [BOARD_INFO_REG, INTC_REG, UART_REG, TIMER_REG, POWER_REG, BLOCK_REG, NET_REG]) {
      for (const off of Object.values(table)) {
        expect(off % 4).toBe(0);
        expect(off).toBeLessThan(window);
      }
    }
    expect(BOARD_INFO_REG.DEVICE_BASE_TABLE + 4 * DEVICE_COUNT).toBeLessThanOrEqual(BOARD_INFO_REG.DEVICE_IRQ_TABLE);
    expect(INTC_REG.ROUTE_TABLE + 4 * INTC.SOURCES).toBeLessThanOrEqual(INTC_REG.CPU_BLOCK);
    expect(INTC_REG.CPU_BLOCK + MACHINE.MAX_CPUS * INTC_REG.CPU_STRIDE).toBeLessThanOrEqual(window);
    expect(TIMER_REG.CHANNEL_BLOCK + MACHINE.MAX_CPUS * TIMER_REG.CHANNEL_STRIDE).toBeLessThanOrEqual(window);
    expect(POWER_REG.START_BLOCK + MACHINE.MAX_CPUS * POWER_REG.START_STRIDE).toBeLessThanOrEqual(window);
    expect(Math.max(...Object.values(INTC_CPU_REG))).toBeLessThan(INTC_REG.CPU_STRIDE);
    expect(Math.max(...Object.values(TIMER_CHANNEL_REG))).toBeLessThan(TIMER_REG.CHANNEL_STRIDE);
    expect(Math.max(...Object.values(POWER_START_REG))).toBeLessThan(POWER_REG.START_STRIDE);
  });

  it('defaults to 8 CPUs in 4 nodes with 256 MiB', () => {
    expect(MACHINE.DEFAULT_CPUS % MACHINE.DEFAULT_NODES).toBe(0);
    expect(MACHINE.DEFAULT_RAM_BYTES).toBe(256 * 1024 * 1024);
    expect(MACHINE.DEFAULT_RAM_BYTES).toBeLessThanOrEqual(PHYS.RAM_MAX_BYTES);
  });

  it('gives every C name once', () => {
    const names = HEADER_TABLES.flatMap((t) => Object.keys(t.table).map((k) => `${t.name}_${k}`));
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('generated copies', () => {
  it('guest/include/machine/memory-map.h matches memory-map.ts (regenerate with scripts/gen-memory-map-header.mjs)', () => {
    const committed = fs.readFileSync(repo('guest/include/machine/memory-map.h'), 'utf8');
    expect(committed).toBe(renderMemoryMapHeader());
  });

  it('the table in docs/machine.md matches memory-map.ts', () => {
    const doc = fs.readFileSync(repo('docs/machine.md'), 'utf8');
    expect(spliceMemoryMapTable(doc)).toBe(doc);
  });
});
