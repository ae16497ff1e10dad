// Test harness for CPU tests: a CPU on a small RAM, a program loaded at a kseg0 address, and
// helpers to run N instructions and read state. Exception vectors sit at EBase 0x80000000.

import { Cpu } from '../cpu.js';
import { LinkMonitor } from '../link-monitor.js';
import { writeCp0 } from '../../cp0/cp0.js';
import { CP0, STATUS } from '../../cp0/regs.js';
import { PhysicalMemory } from '../../memory/physical-memory.js';

export const CODE_PA = 0x1000;
export const CODE_VA = (0x80000000 | CODE_PA) | 0;
export const REFILL_VECTOR = 0x80000000 | 0;
export const GENERAL_VECTOR = 0x80000180 | 0;
export const INTERRUPT_VECTOR_IV = 0x80000200 | 0;

export function flatten(code: (number | number[])[]): number[] {
  const out: number[] = [];
  for (const c of code) {
    if (Array.isArray(c)) out.push(...c);
    else out.push(c);
  }
  return out;
}

export function makeMachine(cpus = 1, memBytes = 1 << 20): Cpu[] {
  const mem = new PhysicalMemory(memBytes, 1);
  const links = new LinkMonitor(cpus);
  return Array.from({ length: cpus }, (_, i) => new Cpu(i, mem, links));
}

/** Load `code` at CODE_PA and start there in kernel mode (BEV=0, ERL=0, FPU usable). */
export function boot(code: (number | number[])[], cpu: Cpu = makeMachine()[0], status: number = STATUS.CU1): Cpu {
  loadWords(cpu, CODE_PA, flatten(code));
  writeCp0(cpu, CP0.Status, status);
  cpu.setPc(CODE_VA);
  return cpu;
}

export function loadWords(cpu: Cpu, pa: number, words: number[]): void {
  for (let i = 0; i < words.length; i++) cpu.memory.i32[(pa >>> 2) + i] = words[i];
}

/** Execute exactly `n` instructions (or fewer if the CPU stops). */
export function step(cpu: Cpu, n: number): Cpu {
  const target = cpu.instret + n;
  let guard = 0;
  while (cpu.instret < target && guard++ < n + 10) {
    if (cpu.run(cpu.cycles + (target - cpu.instret)) !== 0) break;
  }
  return cpu;
}

export const u32 = (v: number): number => v >>> 0;
export const excCode = (cpu: Cpu): number => (cpu.cp0[CP0.Cause] >>> 2) & 31;
