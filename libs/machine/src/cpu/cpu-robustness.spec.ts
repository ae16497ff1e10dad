// Robustness: millions of random instruction words, in every privilege mode, with random TLB
// contents and random register values, must execute without a host exception. Whatever the guest
// does, the emulator's invariants hold ($0 is zero, PC stays a 32-bit value, time advances).

import { describe, expect, it } from '@jest/globals';
import { writeCp0 } from '../cp0/cp0.js';
import { CP0, KSU, STATUS } from '../cp0/regs.js';
import { Cpu } from './cpu.js';
import { FT_FRAME_SHIFT, FT_VALID, FT_WRITABLE } from '../mmu/fast-map.js';
import { PhysicalMemory } from '../memory/physical-memory.js';

/** xorshift32: deterministic so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x | 0;
  };
}

function randomMachine(seed: number, hostExceptions: boolean): Cpu {
  const rand = rng(seed);
  const mem = new PhysicalMemory(1 << 20);
  for (let i = 0; i < mem.i32.length; i++) mem.i32[i] = rand();
  const cpu = new Cpu(0, mem);
  cpu.hostExceptions = hostExceptions;
  for (let i = 1; i < 32; i++) cpu.gpr[i] = (rand() & 1) === 0 ? rand() : (0x80000000 | (rand() & 0xffffc)) | 0;
  // random TLB entries pointing into RAM
  for (let i = 0; i < cpu.tlb.entries; i++) {
    const pfn = (rand() & 0xff) << 6;
    cpu.tlb.write(i, rand() & ~0x1f00, pfn | (rand() & 0x3f), pfn | (rand() & 0x3f), (rand() & 1) === 0 ? 0 : 0x6000);
  }
  const modes = [KSU.Kernel, KSU.Supervisor, KSU.User];
  const ksu = modes[(rand() >>> 0) % 3];
  writeCp0(cpu, CP0.Status, STATUS.CU1 | (ksu << STATUS.KSU_SHIFT) | (rand() & (STATUS.IE | STATUS.IM_MASK | STATUS.FR)));
  writeCp0(cpu, CP0.Compare, rand() & 0xffff);
  writeCp0(cpu, CP0.HWREna, rand());
  let pc = ksu === KSU.Kernel ? (0x80000000 | (rand() & 0xffffc)) | 0 : rand() & 0x7ffffffc;
  if (hostExceptions) {
    // like the user-mode runner: the low 1 MiB of useg mapped straight onto RAM
    for (let vpn = 0; vpn < 256; vpn++) cpu.fast.set(vpn, (vpn << FT_FRAME_SHIFT) | FT_VALID | FT_WRITABLE);
    writeCp0(cpu, CP0.Status, STATUS.CU1 | (KSU.User << STATUS.KSU_SHIFT));
    pc = rand() & 0xffffc;
  }
  cpu.setPc(pc);
  return cpu;
}

describe('random instruction words', () => {
  it('execute without host exceptions in all modes (vectoring exceptions)', () => {
    let total = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const cpu = randomMachine(seed * 7919, false);
      expect(() => cpu.run(200_000)).not.toThrow();
      expect(cpu.gpr[0]).toBe(0);
      expect(cpu.pc).toBe(cpu.pc | 0);
      expect(cpu.cycles).toBeGreaterThan(0);
      total += cpu.instret;
    }
    expect(total).toBeGreaterThan(1_000_000);
  });

  it('execute without host exceptions when exceptions go to the host (user-mode runner)', () => {
    let total = 0;
    for (let seed = 1; seed <= 200 && total < 1_500_000; seed++) {
      const cpu = randomMachine(seed * 104729, true);
      // keep resuming after each exception, as a runner that ignores faults would
      for (let k = 0; k < 100_000 && cpu.cycles < 100_000; k++) {
        cpu.run(cpu.cycles + 50_000); // a host exception fails the test
        const next = (cpu.exception.pc + 4) | 0;
        cpu.setPc(next >>> 0 < 0x100000 && (next & 3) === 0 ? next : (cpu.instret * 4) & 0xffffc);
      }
      expect(cpu.gpr[0]).toBe(0);
      total += cpu.instret;
    }
    expect(total).toBeGreaterThan(1_000_000);
  });
});
