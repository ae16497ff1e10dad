// Per-mode cycle accounting (Cpu.cycleSplit): cycles charged to kernel, supervisor and user
// mode across real mode changes (ERET, SYSCALL, a Coprocessor Unusable fault), idle cycles in
// WAIT kept apart, timed-mode stalls charged to the mode that stalled, reset clearing it all.

import { describe, expect, it } from '@jest/globals';
import { writeCp0 } from '../cp0/cp0.js';
import { CP0, KSU, STATUS } from '../cp0/regs.js';
import type { Cpu } from './cpu.js';
import { asm as a, reg as r } from './testing/asm.js';
import { boot, loadWords, makeMachine, step } from './testing/harness.js';

const SSEG_CODE = 0xc0000000 | 0;
const USER_CODE = 0x00400000;
const VECTOR_PA = 0x180;
const TLB_VALID = 2;
const TLB_DIRTY = 4;
const TLB_GLOBAL = 1;
/** CP0 register numbers for mtc0 (CP0.* are reg * 8 + sel state indexes). */
const CP0_EPC_REG = CP0.EPC >>> 3;
const CP0_STATUS_REG = CP0.Status >>> 3;
const exlStatus = (ksu: number): number => STATUS.CU1 | STATUS.EXL | (ksu << STATUS.KSU_SHIFT);

/** Map the page pair at `va` to machine frames `pa` and `pa + 4 KiB` (global, valid, dirty). */
function mapPair(cpu: Cpu, index: number, va: number, pa: number): void {
  const flags = TLB_VALID | TLB_DIRTY | TLB_GLOBAL;
  cpu.tlb.write(index, va & ~0x1fff, ((pa >>> 12) << 6) | flags, (((pa + 0x1000) >>> 12) << 6) | flags, 0);
  cpu.flushTranslations();
}

const nops = (n: number): number[] => Array.from({ length: n }, () => a.nop());
const total = (s: ReturnType<Cpu['cycleSplit']>): number => s.user + s.supervisor + s.kernel + s.idle;

describe('per-mode cycle accounting', () => {
  it('charges each instruction to the mode it ran in and idle time to idle', () => {
    const c = makeMachine()[0];
    mapPair(c, 0, SSEG_CODE, 0x4000);
    mapPair(c, 1, USER_CODE, 0x6000);
    // kernel: 3 nops and ERET into supervisor mode at sseg
    boot([...nops(3), a.eret()], c, exlStatus(KSU.Supervisor));
    writeCp0(c, CP0.EPC, SSEG_CODE);
    // supervisor: 5 nops and SYSCALL (the exception vector is kernel code)
    loadWords(c, 0x4000, [...nops(5), a.syscall()]);
    // vector: EPC = user code, Status = user + EXL, ERET (7 instructions)
    loadWords(c, VECTOR_PA, [
      ...a.li(r.t0, USER_CODE), a.mtc0(r.t0, CP0_EPC_REG),
      ...a.li(r.t1, exlStatus(KSU.User)), a.mtc0(r.t1, CP0_STATUS_REG), a.eret(),
    ]);
    // user: 7 nops, then WAIT, which faults in user mode (CpU) into the vector
    loadWords(c, 0x6000, [...nops(7), a.wait()]);

    step(c, 4);
    expect(c.mode).toBe(1);
    expect(c.cycleSplit()).toEqual({ user: 0, supervisor: 0, kernel: 4, idle: 0 });
    step(c, 6);
    expect(c.mode).toBe(0);
    expect(c.cycleSplit()).toEqual({ user: 0, supervisor: 6, kernel: 4, idle: 0 });
    step(c, 7);
    expect(c.mode).toBe(2);
    expect(c.cycleSplit()).toEqual({ user: 0, supervisor: 6, kernel: 11, idle: 0 });
    loadWords(c, VECTOR_PA, [a.nop(), a.wait()]); // the next entry idles
    step(c, 8);
    expect(c.mode).toBe(0);
    expect(c.cycleSplit()).toEqual({ user: 8, supervisor: 6, kernel: 11, idle: 0 });
    step(c, 2);
    expect(c.waiting).toBe(true);
    c.idleUntil(c.cycles + 500);
    const s = c.cycleSplit();
    expect(s).toEqual({ user: 8, supervisor: 6, kernel: 13, idle: 500 });
    expect(total(s)).toBe(c.cycles);

    c.reset();
    expect(c.cycleSplit()).toEqual({ user: 0, supervisor: 0, kernel: 0, idle: 0 });
  });

  it('charges timed-mode stalls to the mode that stalled', () => {
    const c = makeMachine()[0];
    const STALL = 10;
    c.timing = { access: () => STALL, uncached: () => STALL };
    mapPair(c, 0, USER_CODE, 0x6000);
    boot([a.eret()], c, exlStatus(KSU.User));
    writeCp0(c, CP0.EPC, USER_CODE);
    loadWords(c, 0x6000, nops(4));
    step(c, 5);
    const s = c.cycleSplit();
    // ERET: 1 cycle + a fetch stall (the first fetch of its line); user: 4 cycles + one line fetch
    expect(s.kernel).toBe(1 + STALL);
    expect(s.user).toBe(4 + STALL);
    expect(total(s)).toBe(c.cycles);
  });
});
