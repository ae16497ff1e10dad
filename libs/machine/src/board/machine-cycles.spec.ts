// The machine's side of per-mode cycle accounting: a secondary CPU held until it is started
// counts that time as idle, a CPU idling in WAIT counts idle, and on every CPU the split adds
// up to its cycle count.
import { describe, expect, it } from '@jest/globals';
import { asm as a } from '../cpu/testing/asm.js';
import { Machine } from './machine.js';

const CODE_PA = 0x1000;
const ENTRY = (0x80000000 | CODE_PA) | 0;
const quiet = (): void => undefined;

describe('machine: cycle split per CPU', () => {
  it('counts a held secondary CPU as idle until it starts, and WAIT as idle', () => {
    const m = new Machine({ cpus: 2, nodes: 1, memoryBytes: 1 << 20, consoleOutput: quiet });
    // CPU 0 spins (beq zero, zero, -1; nop); CPU 1, once started, executes WAIT with interrupts masked
    const spin = [a.beq(0, 0, -1), a.nop()];
    const idle = [a.wait(), a.beq(0, 0, -2), a.nop()];
    spin.forEach((w, i) => (m.memory.i32[(CODE_PA >>> 2) + i] = w));
    idle.forEach((w, i) => (m.memory.i32[((CODE_PA + 0x100) >>> 2) + i] = w));
    m.boot(ENTRY);
    m.run(50_000);
    m.startCpu(1, ENTRY + 0x100, 0);
    m.run(50_000);
    const [s0, s1] = [m.cpus[0]!.cycleSplit(), m.cpus[1]!.cycleSplit()];
    expect(s0.idle).toBe(0);
    expect(s0.kernel).toBe(m.cpus[0]!.cycles);
    expect(s1.idle).toBeGreaterThanOrEqual(90_000);      // held for 50,000, then in WAIT
    expect(s1.kernel).toBeGreaterThan(0);                // it did execute WAIT
    expect(s1.kernel).toBeLessThan(100);
    for (const c of m.cpus) {
      const s = c.cycleSplit();
      expect(s.user + s.supervisor + s.kernel + s.idle).toBe(c.cycles);
    }
  });
});
