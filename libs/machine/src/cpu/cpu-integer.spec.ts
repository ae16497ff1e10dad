// Instruction-group tests of the integer ISA: ALU, shifts, multiply/divide, branches and delay
// slots, loads/stores including the little-endian partial-word instructions.

import { describe, expect, it } from '@jest/globals';
import { asm as a, reg as r } from './testing/asm.js';
import { boot, CODE_VA, step, u32 } from './testing/harness.js';

const run = (code: (number | number[])[], n?: number) => {
  const words = code.flat().length;
  return step(boot(code), n ?? words);
};

describe('ALU', () => {
  it('adds, subtracts and compares', () => {
    const c = run([
      a.li(r.t0, 0x7fffffff),
      a.addiu(r.t1, r.t0, 1), // wraps
      a.addiu(r.t2, r.zero, -5),
      a.subu(r.t3, r.t2, r.t0),
      a.slt(r.t4, r.t2, r.t0),
      a.sltu(r.t5, r.t2, r.t0),
      a.slti(r.t6, r.t2, -4),
      a.sltiu(r.t7, r.t2, -1), // 0xfffffffb < 0xffffffff unsigned
      a.sltiu(r.s0, r.t2, 5),
    ]);
    expect(u32(c.gpr[r.t1])).toBe(0x80000000);
    expect(c.gpr[r.t2]).toBe(-5);
    expect(u32(c.gpr[r.t3])).toBe(u32(-5 - 0x7fffffff));
    expect(c.gpr[r.t4]).toBe(1);
    expect(c.gpr[r.t5]).toBe(0);
    expect(c.gpr[r.t6]).toBe(1);
    expect(c.gpr[r.t7]).toBe(1);
    expect(c.gpr[r.s0]).toBe(0);
  });

  it('logical immediates zero-extend and LUI shifts', () => {
    const c = run([
      a.addiu(r.t0, r.zero, -1),
      a.andi(r.t1, r.t0, 0x8000),
      a.ori(r.t2, r.zero, 0xffff),
      a.xori(r.t3, r.t0, 0xffff),
      a.lui(r.t4, 0x8001),
      a.nor(r.t5, r.zero, r.zero),
      a.xor(r.t6, r.t4, r.t0),
    ]);
    expect(c.gpr[r.t1]).toBe(0x8000);
    expect(c.gpr[r.t2]).toBe(0xffff);
    expect(u32(c.gpr[r.t3])).toBe(0xffff0000);
    expect(u32(c.gpr[r.t4])).toBe(0x80010000);
    expect(c.gpr[r.t5]).toBe(-1);
    expect(u32(c.gpr[r.t6])).toBe(0x7ffeffff);
  });

  it('register $0 stays zero', () => {
    const c = run([a.addiu(r.zero, r.zero, 5), a.lui(r.zero, 1), a.addu(r.t0, r.zero, r.zero)]);
    expect(c.gpr[0]).toBe(0);
    expect(c.gpr[r.t0]).toBe(0);
  });

  it('shifts and rotates', () => {
    const c = run([
      a.li(r.t0, 0x11223344),
      a.rotr(r.t1, r.t0, 8),
      a.addiu(r.t2, r.zero, 33),
      a.sllv(r.t3, r.t0, r.t2), // by 1
      a.li(r.t4, 0x80000000),
      a.sra(r.t5, r.t4, 4),
      a.srl(r.t6, r.t4, 4),
      a.rotrv(r.t7, r.t0, r.t2), // by 1
      a.srav(r.s0, r.t4, r.t2),
      a.srlv(r.s1, r.t4, r.t2),
      a.sll(r.s2, r.t0, 4),
    ]);
    expect(u32(c.gpr[r.t1])).toBe(0x44112233);
    expect(u32(c.gpr[r.t3])).toBe(0x22446688);
    expect(u32(c.gpr[r.t5])).toBe(0xf8000000);
    expect(u32(c.gpr[r.t6])).toBe(0x08000000);
    expect(u32(c.gpr[r.t7])).toBe(0x089119a2);
    expect(u32(c.gpr[r.s0])).toBe(0xc0000000);
    expect(u32(c.gpr[r.s1])).toBe(0x40000000);
    expect(u32(c.gpr[r.s2])).toBe(0x12233440);
  });

  it('counts leading bits, extends, swaps, extracts and inserts', () => {
    const c = run([
      a.li(r.t0, 0x00f00000),
      a.clz(r.t1, r.t0),
      a.clz(r.t2, r.zero),
      a.addiu(r.t3, r.zero, -2),
      a.clo(r.t4, r.t3),
      a.li(r.t5, 0x11223380),
      a.seb(r.t6, r.t5),
      a.seh(r.t7, r.t5),
      a.wsbh(r.s0, r.t5),
      a.ext(r.s1, r.t5, 4, 12),
      a.li(r.s2, 0xffffffff),
      a.ins(r.s2, r.zero, 8, 8),
    ]);
    expect(c.gpr[r.t1]).toBe(8);
    expect(c.gpr[r.t2]).toBe(32);
    expect(c.gpr[r.t4]).toBe(31);
    expect(c.gpr[r.t6]).toBe(-128);
    expect(u32(c.gpr[r.t7])).toBe(0x3380);
    expect(u32(c.gpr[r.s0])).toBe(0x22118033);
    expect(u32(c.gpr[r.s1])).toBe(0x338);
    expect(u32(c.gpr[r.s2])).toBe(0xffff00ff);
  });

  it('conditional moves', () => {
    const c = run([a.addiu(r.t0, r.zero, 7), a.movz(r.t1, r.t0, r.zero), a.movn(r.t2, r.t0, r.zero), a.movn(r.t3, r.t0, r.t0)]);
    expect(c.gpr[r.t1]).toBe(7);
    expect(c.gpr[r.t2]).toBe(0);
    expect(c.gpr[r.t3]).toBe(7);
  });
});

describe('multiply and divide', () => {
  it('MULT/MULTU give 64-bit products', () => {
    const c = run([
      a.addiu(r.t0, r.zero, -3),
      a.addiu(r.t1, r.zero, 5),
      a.mult(r.t0, r.t1),
      a.mfhi(r.s0),
      a.mflo(r.s1),
      a.multu(r.t0, r.t1),
      a.mfhi(r.s2),
      a.mflo(r.s3),
      a.li(r.t2, 0xffffffff),
      a.multu(r.t2, r.t2),
      a.mfhi(r.s4),
      a.mflo(r.s5),
      a.mul(r.s6, r.t0, r.t1),
    ]);
    expect(u32(c.gpr[r.s0])).toBe(0xffffffff);
    expect(u32(c.gpr[r.s1])).toBe(0xfffffff1);
    expect(u32(c.gpr[r.s2])).toBe(4);
    expect(u32(c.gpr[r.s3])).toBe(0xfffffff1);
    expect(u32(c.gpr[r.s4])).toBe(0xfffffffe);
    expect(u32(c.gpr[r.s5])).toBe(1);
    expect(c.gpr[r.s6]).toBe(-15);
  });

  it('DIV/DIVU round toward zero, and divide by zero does not trap', () => {
    const c = run([
      a.addiu(r.t0, r.zero, -7),
      a.addiu(r.t1, r.zero, 2),
      a.div(r.t0, r.t1),
      a.mflo(r.s0),
      a.mfhi(r.s1),
      a.divu(r.t0, r.t1),
      a.mflo(r.s2),
      a.mfhi(r.s3),
      a.div(r.t0, r.zero),
      a.mflo(r.s4),
      a.li(r.t2, 0x80000000),
      a.addiu(r.t3, r.zero, -1),
      a.div(r.t2, r.t3),
      a.mflo(r.s5),
      a.mfhi(r.s6),
    ]);
    expect(c.gpr[r.s0]).toBe(-3);
    expect(c.gpr[r.s1]).toBe(-1);
    expect(u32(c.gpr[r.s2])).toBe(0x7ffffffc);
    expect(c.gpr[r.s3]).toBe(1);
    expect(c.gpr[r.s4]).toBe(-7);
    expect(u32(c.gpr[r.s5])).toBe(0x80000000);
    expect(c.gpr[r.s6]).toBe(0);
  });

  it('MADD/MSUB accumulate in HI:LO and wrap', () => {
    const c = run([
      a.li(r.t0, 0x7fffffff),
      a.mthi(r.t0),
      a.addiu(r.t1, r.zero, -1),
      a.mtlo(r.t1),
      a.addiu(r.t2, r.zero, 2),
      a.addiu(r.t3, r.zero, 3),
      a.madd(r.t2, r.t3),
      a.mfhi(r.s0),
      a.mflo(r.s1),
      a.mthi(r.zero),
      a.mtlo(r.zero),
      a.msub(r.t2, r.t3),
      a.mfhi(r.s2),
      a.mflo(r.s3),
      a.maddu(r.t1, r.t1),
      a.mfhi(r.s4),
      a.mflo(r.s5),
    ]);
    expect(u32(c.gpr[r.s0])).toBe(0x80000000);
    expect(u32(c.gpr[r.s1])).toBe(5);
    expect(u32(c.gpr[r.s2])).toBe(0xffffffff);
    expect(u32(c.gpr[r.s3])).toBe(0xfffffffa);
    // -6 + 0xffffffff^2 = 0xfffffffe_00000001 - 6
    expect(u32(c.gpr[r.s4])).toBe(0xfffffffd);
    expect(u32(c.gpr[r.s5])).toBe(0xfffffffb);
  });
});

describe('branches and delay slots', () => {
  it('the delay slot executes whether or not the branch is taken', () => {
    const c = run(
      [
        a.beq(r.zero, r.zero, 2), // to +3 words
        a.addiu(r.t0, r.zero, 1), // slot
        a.addiu(r.t1, r.zero, 1), // skipped
        a.bne(r.zero, r.zero, 5), // not taken
        a.addiu(r.t2, r.zero, 1), // slot
        a.addiu(r.t3, r.zero, 1),
      ],
      5,
    );
    expect([c.gpr[r.t0], c.gpr[r.t1], c.gpr[r.t2], c.gpr[r.t3]]).toEqual([1, 0, 1, 1]);
  });

  it('a not-taken branch-likely annuls its slot; a taken one executes it', () => {
    const c = run(
      [
        a.bnel(r.zero, r.zero, 5),
        a.addiu(r.t0, r.zero, 1), // annulled
        a.beql(r.zero, r.zero, 2),
        a.addiu(r.t1, r.zero, 1), // executed
        a.addiu(r.t2, r.zero, 1), // skipped
        a.addiu(r.t3, r.zero, 1),
      ],
      4,
    );
    expect([c.gpr[r.t0], c.gpr[r.t1], c.gpr[r.t2], c.gpr[r.t3]]).toEqual([0, 1, 0, 1]);
  });

  it('links are PC+8, and BLTZAL links even when not taken', () => {
    const c = run([a.addiu(r.t0, r.zero, 1), a.bltzal(r.t0, 10), a.nop()], 3);
    expect(u32(c.gpr[r.ra])).toBe(u32(CODE_VA + 12));
    expect(u32(c.pc)).toBe(u32(CODE_VA + 12));
    const d = run([a.jal(CODE_VA + 0x100), a.nop()], 2);
    expect(u32(d.gpr[r.ra])).toBe(u32(CODE_VA + 8));
    expect(u32(d.pc)).toBe(u32(CODE_VA + 0x100));
  });

  it('JR and JALR jump after the slot', () => {
    const c = run([a.li(r.t0, CODE_VA + 0x40), a.jalr(r.t9, r.t0), a.addiu(r.t1, r.zero, 9)], 4);
    expect(u32(c.pc)).toBe(u32(CODE_VA + 0x40));
    expect(u32(c.gpr[r.t9])).toBe(u32(CODE_VA + 16));
    expect(c.gpr[r.t1]).toBe(9);
  });
});

describe('loads and stores', () => {
  const DATA = (0x80000000 | 0x8000) | 0;
  it('sub-word loads extend by sign or zero', () => {
    const c = run([
      a.li(r.s0, DATA),
      a.li(r.t0, 0x8081f0f1),
      a.sw(r.t0, 0, r.s0),
      a.lb(r.t1, 0, r.s0),
      a.lbu(r.t2, 0, r.s0),
      a.lh(r.t3, 2, r.s0),
      a.lhu(r.t4, 2, r.s0),
      a.sb(r.t0, 5, r.s0),
      a.sh(r.t0, 6, r.s0),
      a.lw(r.t5, 4, r.s0),
    ]);
    expect(c.gpr[r.t1]).toBe(-15);
    expect(c.gpr[r.t2]).toBe(0xf1);
    expect(c.gpr[r.t3]).toBe(u32(0xffff8081) | 0);
    expect(c.gpr[r.t4]).toBe(0x8081);
    expect(u32(c.gpr[r.t5])).toBe(0xf0f1f100);
  });

  it('LWL/LWR follow the little-endian tables (reference §2.7)', () => {
    const lwl: number[] = [];
    const lwr: number[] = [];
    for (let k = 0; k < 4; k++) {
      const c = run([
        a.li(r.s0, DATA),
        a.li(r.t0, 0x44332211),
        a.sw(r.t0, 0, r.s0),
        a.li(r.t1, 0xaabbccdd),
        a.li(r.t2, 0xaabbccdd),
        a.lwl(r.t1, k, r.s0),
        a.lwr(r.t2, k, r.s0),
      ]);
      lwl.push(u32(c.gpr[r.t1]));
      lwr.push(u32(c.gpr[r.t2]));
    }
    expect(lwl).toEqual([0x11bbccdd, 0x2211ccdd, 0x332211dd, 0x44332211]);
    expect(lwr).toEqual([0x44332211, 0xaa443322, 0xaabb4433, 0xaabbcc44]);
  });

  it('SWL/SWR merge bytes; the unaligned idiom round-trips', () => {
    const c = run([
      a.li(r.s0, DATA),
      a.li(r.t0, 0x44332211),
      a.swl(r.t0, 1, r.s0), // bytes 33 44 .. ..
      a.swr(r.t0, 9, r.s0), // .. 11 22 33 at +8
      a.li(r.t1, 0xdeadbeef),
      a.swr(r.t1, 17, r.s0), // unaligned store at +17
      a.swl(r.t1, 20, r.s0),
      a.lwr(r.t2, 17, r.s0), // unaligned load back
      a.lwl(r.t2, 20, r.s0),
    ]);
    const m = c.memory.u8;
    expect([m[0x8000], m[0x8001]]).toEqual([0x33, 0x44]);
    expect([m[0x8009], m[0x800a], m[0x800b]]).toEqual([0x11, 0x22, 0x33]);
    expect(u32(c.gpr[r.t2])).toBe(0xdeadbeef);
    expect([m[0x8011], m[0x8012], m[0x8013], m[0x8014]]).toEqual([0xef, 0xbe, 0xad, 0xde]);
  });
});
