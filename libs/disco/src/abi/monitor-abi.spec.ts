// The generated guest header matches monitor-abi.ts, and the ABI's layout rules hold.

import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GUEST_VSEG, MCALL, SPECIAL, VIRQ } from './monitor-abi.js';
import { MONITOR_ABI_HEADER_PATH, renderMonitorAbiHeader } from './monitor-abi-render.js';

const root = join(import.meta.dirname, '..', '..', '..', '..');

describe('monitor ABI', () => {
  it('the committed C header is current (run scripts/gen-monitor-abi-header.mjs)', () => {
    expect(readFileSync(join(root, MONITOR_ABI_HEADER_PATH), 'utf8')).toBe(renderMonitorAbiHeader());
  });

  it('keeps the direct map, the special page and user space apart', () => {
    expect(GUEST_VSEG.KSEG_BASE + GUEST_VSEG.MAX_MEMORY_BYTES).toBeLessThanOrEqual(GUEST_VSEG.SPECIAL_PAGE - 0x1000);
    expect(GUEST_VSEG.SPECIAL_PAGE % 0x2000).toBe(0x1000); // the odd page of its TLB pair
    expect(GUEST_VSEG.SPECIAL_PAGE + 0x1000).toBe(GUEST_VSEG.LIMIT);
    expect(GUEST_VSEG.USER_TOP).toBeLessThanOrEqual(GUEST_VSEG.KSEG_BASE);
    expect(GUEST_VSEG.CMDLINE_PA + GUEST_VSEG.CMDLINE_BYTES).toBeLessThanOrEqual(GUEST_VSEG.KERNEL_LINK_BASE - GUEST_VSEG.KSEG_BASE);
  });

  it('has distinct, word-aligned special-page words inside the page', () => {
    const offsets = Object.values(SPECIAL);
    expect(new Set(offsets).size).toBe(offsets.length);
    for (const off of offsets) {
      expect(off % 4).toBe(0);
      expect(off).toBeLessThan(0x1000);
    }
  });

  it('has distinct call numbers and one bit per interrupt source', () => {
    const calls = Object.values(MCALL);
    expect(new Set(calls).size).toBe(calls.length);
    const bits = Object.values(VIRQ);
    for (const b of bits) expect(b & (b - 1)).toBe(0);
    expect(bits.reduce((a, b) => a | b, 0)).toBe(bits.reduce((a, b) => a + b, 0));
  });
});
