// Unit tests of the CP1 model: the worked examples of mips32r2.md §7 (all observed on qemu),
// both FR register models, control registers, traps, reserved encodings, and a randomized
// check of add/sub/mul/div/sqrt in every rounding mode against an exact BigInt reference.

import { describe, expect, it } from '@jest/globals';
import * as E from './encoding.js';
import {
  EXCCODE_FPE,
  EXCCODE_RI,
  EXC_E,
  EXC_I,
  EXC_O,
  EXC_U,
  EXC_V,
  EXC_Z,
  FCR_FCCR,
  FCR_FCSR,
  FCR_FENR,
  FCR_FEXR,
  FCR_FIR,
  FCSR_CAUSE_SHIFT,
  FCSR_ENABLES_SHIFT,
  FCSR_FLAGS_SHIFT,
  FCSR_FS,
  FPU_OK,
  RM_MINUS,
  RM_NEAREST,
  RM_PLUS,
  RM_ZERO,
} from './fcsr.js';
import { Fpu } from './fpu.js';

// ---- instruction encoders ------------------------------------------------------------------
const OP_COP1 = 0x11;
const OP_COP1X = 0x13;
const OP_SHIFT = 26;

function cop1(fmt: number, ft: number, fs: number, fd: number, funct: number): number {
  return (
    (OP_COP1 << OP_SHIFT) | (fmt << E.FMT_SHIFT) | (ft << E.FT_SHIFT) | (fs << E.FS_SHIFT) | (fd << E.FD_SHIFT) | funct
  );
}
/** Three-register arithmetic: op.fmt fd, fs, ft. */
const op3 = (fmt: number, funct: number, fd: number, fs: number, ft: number): number => cop1(fmt, ft, fs, fd, funct);
/** Two-register: op.fmt fd, fs. */
const op2 = (fmt: number, funct: number, fd: number, fs: number): number => cop1(fmt, 0, fs, fd, funct);
/** MFC1/MTC1/CFC1/... rt, fs. */
const xfer = (rs: number, rt: number, fs: number): number => cop1(rs, rt, fs, 0, 0);
/** C.cond.fmt cc, fs, ft. */
const cmp = (fmt: number, cond: number, cc: number, fs: number, ft: number): number =>
  cop1(fmt, ft, fs, cc << 2, E.F_C_FIRST + cond);
/** MOVF/MOVT.fmt fd, fs, cc. */
const movcf = (fmt: number, fd: number, fs: number, cc: number, tf: boolean): number =>
  cop1(fmt, (cc << 2) | (tf ? 1 : 0), fs, fd, E.F_MOVCF);
/** COP1X arithmetic: op.fmt fd, fr, fs, ft. */
function cop1x(op4: number, fmt3: number, fd: number, fr: number, fs: number, ft: number): number {
  return (
    (OP_COP1X << OP_SHIFT) |
    (fr << E.FMT_SHIFT) |
    (ft << E.FT_SHIFT) |
    (fs << E.FS_SHIFT) |
    (fd << E.FD_SHIFT) |
    (op4 << E.X_OP4_SHIFT) |
    fmt3
  );
}

// C.cond numbers
const C_F = 0;
const C_UN = 1;
const C_EQ = 2;
const C_OLT = 4;
const C_ULE = 7;
const C_SF = 8;
const C_LT = 12;
const C_LE = 14;

// ---- register helpers ----------------------------------------------------------------------
const f64 = new Float64Array(1);
const u64 = new Int32Array(f64.buffer);
const f32 = new Float32Array(1);
const u32 = new Int32Array(f32.buffer);

function dBits(x: number): [number, number] {
  f64[0] = x;
  return [u64[0], u64[1]];
}
function sBits(x: number): number {
  f32[0] = x;
  return u32[0];
}
function setD(f: Fpu, reg: number, x: number): void {
  const [lo, hi] = dBits(x);
  expect(f.setDouble(reg, lo, hi)).toBe(FPU_OK);
}
function getD(f: Fpu, reg: number): number {
  u64[0] = f.getDoubleLo(reg);
  u64[1] = f.getDoubleHi(reg);
  return f64[0];
}
/** "hhhhhhhh_llllllll" of the 64-bit value at reg. */
function hexD(f: Fpu, reg: number): string {
  const h = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');
  return `${h(f.getDoubleHi(reg))}_${h(f.getDoubleLo(reg))}`;
}
function setS(f: Fpu, reg: number, x: number): void {
  f.setWord(reg, sBits(x));
}
function getS(f: Fpu, reg: number): number {
  u32[0] = f.getWord(reg);
  return f32[0];
}
const hexW = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

function makeFpu(fr = true, fcsr = 0): Fpu {
  const f = new Fpu();
  f.reset();
  f.setFR(fr);
  expect(f.writeControl(FCR_FCSR, fcsr)).toBe(FPU_OK);
  return f;
}
const gpr = new Int32Array(32);
const run = (f: Fpu, instr: number): number => f.executeCop1(instr, gpr);
const runX = (f: Fpu, instr: number): number => f.executeCop1x(instr, gpr);
const causeOf = (f: Fpu): number => (f.fcsr >>> FCSR_CAUSE_SHIFT) & 0x3f;
const flagsOf = (f: Fpu): number => (f.fcsr >>> FCSR_FLAGS_SHIFT) & 0x1f;
const enables = (bits: number): number => bits << FCSR_ENABLES_SHIFT;

const S = E.FMT_S;
const D = E.FMT_D;

describe('encoders', () => {
  it('match binutils for c.eq.s $fcc5,$f2,$f4', () => {
    expect(hexW(cmp(S, C_EQ, 5, 2, 4))).toBe('46041532');
  });
});

describe('Fpu worked examples (mips32r2.md §7)', () => {
  it('ROUND.W ties to even, FLOOR and TRUNC', () => {
    const f = makeFpu();
    for (const [fmt, set] of [
      [D, setD],
      [S, setS],
    ] as const) {
      const cases: [number, number, number][] = [
        [E.F_ROUND_W, 2.5, 2],
        [E.F_ROUND_W, 3.5, 4],
        [E.F_ROUND_W, -2.5, -2],
        [E.F_FLOOR_W, -0.5, -1],
        [E.F_TRUNC_W, -2.5, -2],
        [E.F_CEIL_W, -0.5, 0],
        [E.F_CEIL_W, 2.25, 3],
      ];
      for (const [funct, x, want] of cases) {
        set(f, 2, x);
        expect(run(f, op2(fmt, funct, 6, 2))).toBe(FPU_OK);
        expect(f.getWord(6)).toBe(want);
        expect(causeOf(f)).toBe(EXC_I);
      }
    }
  });

  it('1/3 raises only inexact: FCSR = 0x1004', () => {
    for (const fmt of [S, D]) {
      const f = makeFpu();
      if (fmt === S) {
        setS(f, 2, 1);
        setS(f, 4, 3);
      } else {
        setD(f, 2, 1);
        setD(f, 4, 3);
      }
      expect(run(f, op3(fmt, E.F_DIV, 6, 2, 4))).toBe(FPU_OK);
      expect(f.fcsr).toBe(0x1004);
      if (fmt === S) expect(getS(f, 6)).toBe(Math.fround(1 / 3));
      else expect(getD(f, 6)).toBe(1 / 3);
    }
  });

  it('CVT.S.D(1e300) overflows to +inf (RN) or 0x7F7FFFFF (RZ) with O+I', () => {
    const f = makeFpu(true, RM_NEAREST);
    setD(f, 2, 1e300);
    expect(run(f, op2(D, E.F_CVT_S, 6, 2))).toBe(FPU_OK);
    expect(hexW(f.getWord(6))).toBe('7f800000');
    expect(f.fcsr).toBe(0x5014);
    f.writeControl(FCR_FCSR, RM_ZERO);
    expect(run(f, op2(D, E.F_CVT_S, 6, 2))).toBe(FPU_OK);
    expect(hexW(f.getWord(6))).toBe('7f7fffff');
    expect(f.fcsr).toBe(0x5015);
  });

  it('float → int out of range, −inf and NaN give 0x7FFFFFFF with V only (FCSR 0x00010040)', () => {
    for (const x of [-1e10, 1e10, -Infinity, Infinity, NaN, 2147483648, -2147483649]) {
      const f = makeFpu();
      setD(f, 2, x);
      expect(run(f, op2(D, E.F_CVT_W, 6, 2))).toBe(FPU_OK);
      expect(hexW(f.getWord(6))).toBe('7fffffff');
      expect(hexW(f.fcsr)).toBe('00010040');
    }
    const f = makeFpu();
    setD(f, 2, -2147483648.25); // rounds (RN) into range: inexact only
    run(f, op2(D, E.F_CVT_W, 6, 2));
    expect(f.getWord(6)).toBe(-2147483648);
    expect(causeOf(f)).toBe(EXC_I);
    setD(f, 2, -1e19);
    run(f, op2(D, E.F_TRUNC_L, 6, 2));
    expect(hexD(f, 6)).toBe('7fffffff_ffffffff');
    expect(causeOf(f)).toBe(EXC_V);
  });

  it('MADD/MSUB/NMADD/NMSUB.D (fr=2, fs=3, ft=4) = 14, 10, −14, −10', () => {
    const f = makeFpu();
    setD(f, 2, 2); // fr
    setD(f, 4, 3); // fs
    setD(f, 6, 4); // ft
    const want: [number, number][] = [
      [E.X_OP4_MADD, 14],
      [E.X_OP4_MSUB, 10],
      [E.X_OP4_NMADD, -14],
      [E.X_OP4_NMSUB, -10],
    ];
    for (const [op4, r] of want) {
      expect(runX(f, cop1x(op4, E.X_FMT3_D, 8, 2, 4, 6))).toBe(FPU_OK);
      expect(getD(f, 8)).toBe(r);
      expect(f.fcsr).toBe(0);
    }
  });

  it('MADD is not fused: the product is rounded first', () => {
    const f = makeFpu();
    const a = 1 + 2 ** -30;
    setD(f, 2, -1); // fr
    setD(f, 4, a);
    setD(f, 6, a);
    runX(f, cop1x(E.X_OP4_MADD, E.X_FMT3_D, 8, 2, 4, 6));
    expect(getD(f, 8)).toBe(2 ** -29); // fused would give 2^-29 + 2^-60
    expect(causeOf(f)).toBe(EXC_I);
    setS(f, 2, -1);
    setS(f, 4, 1 + 2 ** -12);
    setS(f, 6, 1 + 2 ** -12);
    runX(f, cop1x(E.X_OP4_MADD, E.X_FMT3_S, 8, 2, 4, 6));
    expect(getS(f, 8)).toBe(2 ** -11);
  });

  it('C.EQ: sNaN 0x7FC00000 signals V, qNaN 0x7FBFFFFF does not; C.LT signals on qNaN', () => {
    const f = makeFpu();
    f.setWord(2, 0x7fc00000);
    setS(f, 4, 1);
    expect(run(f, cmp(S, C_EQ, 0, 2, 4))).toBe(FPU_OK);
    expect(hexW(f.fcsr)).toBe('00010040');
    f.writeControl(FCR_FCSR, 0);
    f.setWord(2, 0x7fbfffff);
    run(f, cmp(S, C_EQ, 0, 2, 4));
    expect(f.fcsr).toBe(0);
    run(f, cmp(S, C_LT, 0, 2, 4));
    expect(hexW(f.fcsr)).toBe('00010040');
    expect(f.condition(0)).toBe(false);
    f.writeControl(FCR_FCSR, 0);
    run(f, cmp(S, C_UN, 3, 2, 4)); // unordered, quiet
    expect(f.condition(3)).toBe(true);
    expect(causeOf(f)).toBe(0);
  });

  it('CTC1 that sets Cause with its Enable (or Cause.E) traps after writing', () => {
    const f = makeFpu();
    const v = (EXC_V << FCSR_CAUSE_SHIFT) | enables(EXC_V);
    gpr[8] = v;
    expect(run(f, xfer(E.RS_CTC1, 8, FCR_FCSR))).toBe(EXCCODE_FPE);
    expect(f.fcsr).toBe(v);
    gpr[8] = EXC_E << FCSR_CAUSE_SHIFT;
    expect(run(f, xfer(E.RS_CTC1, 8, FCR_FCSR))).toBe(EXCCODE_FPE);
    gpr[8] = EXC_V << FCSR_CAUSE_SHIFT; // cause without enable: no trap
    expect(run(f, xfer(E.RS_CTC1, 8, FCR_FCSR))).toBe(FPU_OK);
    gpr[8] = enables(EXC_V); // enabling V through FENR while Cause.V is set traps too
    expect(run(f, xfer(E.RS_CTC1, 8, FCR_FENR))).toBe(EXCCODE_FPE);
  });

  it('default results: invalid → default NaN, x/0 → ±inf with Z, overflow, underflow', () => {
    const f = makeFpu();
    const dcase = (funct: number, a: number, b: number, hex: string, cause: number, rm = RM_NEAREST): void => {
      f.writeControl(FCR_FCSR, rm);
      setD(f, 2, a);
      setD(f, 4, b);
      expect(run(f, op3(D, funct, 6, 2, 4))).toBe(FPU_OK);
      expect(hexD(f, 6)).toBe(hex);
      expect(causeOf(f)).toBe(cause);
    };
    dcase(E.F_DIV, 0, 0, '7ff7ffff_ffffffff', EXC_V);
    dcase(E.F_SUB, Infinity, Infinity, '7ff7ffff_ffffffff', EXC_V);
    dcase(E.F_MUL, 0, -Infinity, '7ff7ffff_ffffffff', EXC_V);
    dcase(E.F_DIV, -1, 0, 'fff00000_00000000', EXC_Z);
    dcase(E.F_DIV, Infinity, 0, '7ff00000_00000000', 0);
    dcase(E.F_MUL, 1e300, -1e300, 'fff00000_00000000', EXC_O | EXC_I);
    dcase(E.F_MUL, 1e300, -1e300, 'ffefffff_ffffffff', EXC_O | EXC_I, RM_ZERO);
    dcase(E.F_MUL, 1e300, -1e300, 'ffefffff_ffffffff', EXC_O | EXC_I, RM_PLUS);
    dcase(E.F_MUL, 1e300, 1e300, '7fefffff_ffffffff', EXC_O | EXC_I, RM_MINUS);
    dcase(E.F_MUL, 1e-300, 1e-300, '00000000_00000000', EXC_U | EXC_I);
    dcase(E.F_MUL, 1e-300, 1e-300, '00000000_00000001', EXC_U | EXC_I, RM_PLUS);
    dcase(E.F_MUL, 2 ** -1000, 2 ** -30, '00001000_00000000', 0); // exact subnormal 2^-1030: no U
    setD(f, 2, -1);
    f.writeControl(FCR_FCSR, 0);
    run(f, op2(D, E.F_SQRT, 6, 2));
    expect(hexD(f, 6)).toBe('7ff7ffff_ffffffff');
    expect(causeOf(f)).toBe(EXC_V);
    setD(f, 2, -0);
    run(f, op2(D, E.F_SQRT, 6, 2));
    expect(hexD(f, 6)).toBe('80000000_00000000');
    expect(causeOf(f)).toBe(0);
    f.setWord(2, 0x7f800000); // single +inf: 1/inf = 0 exactly
    run(f, op2(S, E.F_RECIP, 6, 2));
    expect(f.getWord(6)).toBe(0);
    expect(causeOf(f)).toBe(0);
  });

  it('legacy NaNs: qNaN operands give the default qNaN silently, sNaN operands add V', () => {
    const f = makeFpu();
    f.setWord(2, 0x7f800001); // quiet in legacy encoding (fraction MSB clear)
    setS(f, 4, 1);
    run(f, op3(S, E.F_ADD, 6, 2, 4));
    expect(hexW(f.getWord(6))).toBe('7fbfffff');
    expect(causeOf(f)).toBe(0);
    f.setWord(2, 0xffc00001 | 0); // signalling
    run(f, op3(S, E.F_MUL, 6, 2, 4));
    expect(hexW(f.getWord(6))).toBe('7fbfffff');
    expect(causeOf(f)).toBe(EXC_V);
    f.setDouble(2, 0, 0x7ff80000); // double sNaN (fraction MSB set)
    setD(f, 4, 1);
    run(f, op3(D, E.F_ADD, 6, 2, 4));
    expect(hexD(f, 6)).toBe('7ff7ffff_ffffffff');
    expect(causeOf(f)).toBe(EXC_V);
    run(f, op2(D, E.F_CVT_S, 8, 2));
    expect(hexW(f.getWord(8))).toBe('7fbfffff');
    expect(causeOf(f)).toBe(EXC_V);
    f.setWord(2, 0x7fbfffff);
    run(f, op2(S, E.F_CVT_D, 8, 2));
    expect(hexD(f, 8)).toBe('7ff7ffff_ffffffff');
    expect(causeOf(f)).toBe(0);
  });

  it('ABS/NEG/MOV only touch the sign bit (qemu), even for NaNs, and leave FCSR alone', () => {
    const f = makeFpu();
    f.writeControl(FCR_FEXR, EXC_I << FCSR_CAUSE_SHIFT);
    f.setWord(2, 0x7fc00000);
    run(f, op2(S, E.F_NEG, 6, 2));
    expect(hexW(f.getWord(6))).toBe('ffc00000');
    run(f, op2(S, E.F_ABS, 8, 6));
    expect(hexW(f.getWord(8))).toBe('7fc00000');
    f.setDouble(2, 5, 0xfff80000 | 0);
    run(f, op2(D, E.F_ABS, 6, 2));
    expect(hexD(f, 6)).toBe('7ff80000_00000005');
    expect(causeOf(f)).toBe(EXC_I);
  });

  it('FS=1 flushes denormal results to zero without flags', () => {
    const f = makeFpu(true, FCSR_FS);
    setS(f, 2, 1e-30);
    run(f, op3(S, E.F_MUL, 6, 2, 2));
    expect(f.getWord(6)).toBe(0);
    expect(f.fcsr).toBe(FCSR_FS);
    setD(f, 2, -(2 ** -1000));
    setD(f, 4, 2 ** -40);
    run(f, op3(D, E.F_MUL, 6, 2, 4));
    expect(hexD(f, 6)).toBe('80000000_00000000');
    expect(causeOf(f)).toBe(0);
    f.writeControl(FCR_FCSR, 0);
    run(f, op3(D, E.F_MUL, 6, 2, 4));
    expect(getD(f, 6)).toBe(-(2 ** -1040));
  });
});

describe('Fpu register models', () => {
  it('FR=0: 32-bit registers, doubles in even/odd pairs (even = low word)', () => {
    const f = makeFpu(false);
    const [lo, hi] = dBits(1.5);
    gpr[8] = lo;
    gpr[9] = hi;
    run(f, xfer(E.RS_MTC1, 8, 0));
    run(f, xfer(E.RS_MTC1, 9, 1));
    setD(f, 2, 2.25);
    expect(run(f, op3(D, E.F_ADD, 4, 0, 2))).toBe(FPU_OK);
    expect(getD(f, 4)).toBe(3.75);
    expect(f.getWord(5)).toBe(dBits(3.75)[1]); // the odd register is the high word
    run(f, xfer(E.RS_MFHC1, 10, 4)); // MFHC1 $f4 reads $f5
    expect(gpr[10]).toBe(dBits(3.75)[1]);
    gpr[11] = 0x12345678;
    run(f, xfer(E.RS_MTHC1, 11, 6)); // MTHC1 $f6 writes $f7
    expect(f.getWord(7)).toBe(0x12345678);
    setS(f, 3, 7); // singles may use odd registers
    setS(f, 9, 2);
    expect(run(f, op3(S, E.F_MUL, 11, 3, 9))).toBe(FPU_OK);
    expect(getS(f, 11)).toBe(14);
    expect(f.getDoubleLo(4)).toBe(f.getWord(4));
    expect(f.getDoubleHi(4)).toBe(f.getWord(5));
  });

  it('FR=0: odd registers for .D operands, and any .L operation, are RI', () => {
    const f = makeFpu(false);
    expect(run(f, op3(D, E.F_ADD, 0, 1, 2))).toBe(EXCCODE_RI);
    expect(run(f, op3(D, E.F_ADD, 0, 2, 3))).toBe(EXCCODE_RI);
    expect(run(f, op3(D, E.F_ADD, 1, 2, 4))).toBe(EXCCODE_RI);
    expect(run(f, op2(D, E.F_MOV, 2, 5))).toBe(EXCCODE_RI);
    expect(run(f, cmp(D, C_EQ, 0, 2, 5))).toBe(EXCCODE_RI);
    expect(run(f, op2(S, E.F_CVT_D, 3, 2))).toBe(EXCCODE_RI);
    expect(run(f, op2(D, E.F_TRUNC_W, 2, 3))).toBe(EXCCODE_RI);
    expect(run(f, op2(E.FMT_W, E.F_CVT_D, 5, 2))).toBe(EXCCODE_RI);
    expect(run(f, op2(S, E.F_TRUNC_L, 2, 2))).toBe(EXCCODE_RI);
    expect(run(f, op2(D, E.F_CVT_L, 2, 2))).toBe(EXCCODE_RI);
    expect(run(f, op2(E.FMT_L, E.F_CVT_D, 2, 2))).toBe(EXCCODE_RI);
    expect(runX(f, cop1x(E.X_OP4_MADD, E.X_FMT3_D, 2, 4, 6, 9))).toBe(EXCCODE_RI);
    expect(f.setDouble(3, 1, 2)).toBe(EXCCODE_RI);
    expect(f.checkDoubleReg(3)).toBe(EXCCODE_RI);
    expect(f.checkDoubleReg(2)).toBe(FPU_OK);
    expect(run(f, op3(S, E.F_ADD, 1, 3, 5))).toBe(FPU_OK);
  });

  it('FR=1: 64-bit registers; MTC1 keeps the high half, MTHC1/MFHC1 reach it', () => {
    const f = makeFpu(true);
    setD(f, 1, 1.5); // odd registers hold doubles
    setD(f, 2, -0.25);
    expect(run(f, op3(D, E.F_ADD, 3, 1, 2))).toBe(FPU_OK);
    expect(getD(f, 3)).toBe(1.25);
    expect(getD(f, 2)).toBe(-0.25); // untouched by the write of $f3
    gpr[8] = 0;
    run(f, xfer(E.RS_MTC1, 8, 3));
    expect(f.getDoubleHi(3)).toBe(dBits(1.25)[1]);
    expect(f.getWord(3)).toBe(0);
    gpr[9] = dBits(-8)[1];
    run(f, xfer(E.RS_MTHC1, 9, 3));
    expect(getD(f, 3)).toBe(-8);
    run(f, xfer(E.RS_MFHC1, 10, 3));
    expect(gpr[10]).toBe(dBits(-8)[1]);
    run(f, xfer(E.RS_MFC1, 11, 1));
    expect(gpr[11]).toBe(dBits(1.5)[0]);
    setS(f, 5, 3); // a single result leaves the high half alone
    f.setDouble(7, 0, 0x11111111);
    run(f, op2(S, E.F_MOV, 7, 5));
    expect(f.getDoubleHi(7)).toBe(0x11111111);
    expect(getS(f, 7)).toBe(3);
  });

  it('FR=1: .L conversions', () => {
    const f = makeFpu(true);
    setD(f, 2, -(2 ** 53) - 2);
    expect(run(f, op2(D, E.F_CVT_L, 4, 2))).toBe(FPU_OK);
    expect(hexD(f, 4)).toBe('ffdfffff_fffffffe');
    expect(run(f, op2(E.FMT_L, E.F_CVT_D, 6, 4))).toBe(FPU_OK);
    expect(getD(f, 6)).toBe(-(2 ** 53) - 2);
    f.setDouble(4, -1, 0x7fffffff); // INT64_MAX → single rounds up to 2^63
    run(f, op2(E.FMT_L, E.F_CVT_S, 6, 4));
    expect(getS(f, 6)).toBe(2 ** 63);
    expect(causeOf(f)).toBe(EXC_I);
    setS(f, 2, -2.5);
    run(f, op2(S, E.F_FLOOR_L, 4, 2));
    expect(hexD(f, 4)).toBe('ffffffff_fffffffd');
    run(f, op2(S, E.F_ROUND_L, 4, 2));
    expect(hexD(f, 4)).toBe('ffffffff_fffffffe');
  });

  it('getWord/setWord/setDouble follow the model in use', () => {
    const f = makeFpu(true);
    f.setWord(1, 7);
    expect(f.getDoubleLo(1)).toBe(7);
    f.setFR(false);
    f.setWord(1, 9); // word 1 is the high half of FR=1 register 0
    expect(f.getWord(1)).toBe(9);
    expect(f.getDoubleHi(0)).toBe(9);
    expect(f.setDouble(4, 1, 2)).toBe(FPU_OK);
    expect([f.getWord(4), f.getWord(5)]).toEqual([1, 2]);
  });
});

describe('Fpu control registers', () => {
  it('FIR advertises F64, L, W, D, S (no PS, no 3D)', () => {
    const f = makeFpu();
    run(f, xfer(E.RS_CFC1, 8, FCR_FIR));
    expect(hexW(gpr[8])).toBe('00739300');
    gpr[9] = 0;
    run(f, xfer(E.RS_CTC1, 9, FCR_FIR)); // read-only
    expect(f.readControl(FCR_FIR)).toBe(0x00739300);
  });

  it('FCCR, FEXR and FENR are views of FCSR', () => {
    const f = makeFpu();
    gpr[8] = 0xa5;
    run(f, xfer(E.RS_CTC1, 8, FCR_FCCR));
    expect(hexW(f.fcsr)).toBe('a4800000'); // FCC7,5,2 → 31,29,26; FCC0 → 23
    for (let cc = 0; cc < 8; cc++) expect(f.condition(cc)).toBe(((0xa5 >> cc) & 1) === 1);
    run(f, xfer(E.RS_CFC1, 9, FCR_FCCR));
    expect(gpr[9]).toBe(0xa5);
    gpr[8] = 0x0003f07c | 0xf83;
    run(f, xfer(E.RS_CTC1, 8, FCR_FEXR));
    expect(hexW(f.fcsr)).toBe('a483f07c'); // only Cause and Flags taken
    gpr[8] = 0xf83 | 0x4;
    expect(run(f, xfer(E.RS_CTC1, 8, FCR_FENR))).toBe(EXCCODE_FPE); // enables meet causes
    expect(hexW(f.fcsr)).toBe('a583ffff');
    run(f, xfer(E.RS_CFC1, 9, FCR_FENR));
    expect(hexW(gpr[9])).toBe('00000f87');
    run(f, xfer(E.RS_CFC1, 9, FCR_FEXR));
    expect(hexW(gpr[9])).toBe('0003f07c');
    gpr[8] = -1;
    run(f, xfer(E.RS_CTC1, 8, FCR_FCSR));
    expect(hexW(f.fcsr)).toBe('ff83ffff'); // bits 22:18 read as zero
  });

  it('reset clears registers and FCSR', () => {
    const f = makeFpu(true, 3);
    setD(f, 5, 1);
    f.reset();
    expect(f.fcsr).toBe(0);
    expect(f.fr).toBe(false);
    expect(f.getWord(5)).toBe(0);
  });
});

describe('Fpu rounding modes', () => {
  const modes = [RM_NEAREST, RM_ZERO, RM_PLUS, RM_MINUS];

  it('CVT.W honours FCSR.RM', () => {
    const want: Record<number, [number, number]> = {
      [RM_NEAREST]: [2, -2],
      [RM_ZERO]: [2, -2],
      [RM_PLUS]: [3, -2],
      [RM_MINUS]: [2, -3],
    };
    for (const rm of modes) {
      const f = makeFpu(true, rm);
      setD(f, 2, 2.5);
      run(f, op2(D, E.F_CVT_W, 4, 2));
      setD(f, 2, -2.5);
      run(f, op2(D, E.F_CVT_W, 6, 2));
      expect([f.getWord(4), f.getWord(6)]).toEqual(want[rm]);
    }
  });

  it('arithmetic results move by one ulp in directed modes', () => {
    const third = 1 / 3; // RN rounds 1/3 down
    const up = third + 2 ** -54;
    const expectD: Record<number, number> = { [RM_NEAREST]: third, [RM_ZERO]: third, [RM_PLUS]: up, [RM_MINUS]: third };
    for (const rm of modes) {
      const f = makeFpu(true, rm);
      setD(f, 2, 1);
      setD(f, 4, 3);
      run(f, op3(D, E.F_DIV, 6, 2, 4));
      expect(getD(f, 6)).toBe(expectD[rm]);
      setD(f, 2, -1);
      run(f, op3(D, E.F_DIV, 6, 2, 4));
      expect(getD(f, 6)).toBe(rm === RM_MINUS ? -up : -third);
      setD(f, 2, 1);
      setD(f, 4, 2 ** -60);
      run(f, op3(D, E.F_ADD, 6, 2, 4));
      expect(getD(f, 6)).toBe(rm === RM_PLUS ? 1 + 2 ** -52 : 1);
      run(f, op3(D, E.F_SUB, 6, 2, 4));
      expect(getD(f, 6)).toBe(rm === RM_ZERO || rm === RM_MINUS ? 1 - 2 ** -53 : 1);
      setS(f, 2, 2);
      run(f, op2(S, E.F_SQRT, 6, 2));
      const s = Math.fround(Math.SQRT2); // RN rounds √2 down in single
      expect(getS(f, 6)).toBe(rm === RM_PLUS ? s + 2 ** -23 : s);
      expect(causeOf(f)).toBe(EXC_I);
    }
  });

  it('x − x is −0 only when rounding toward −∞', () => {
    for (const rm of modes) {
      const f = makeFpu(true, rm);
      setD(f, 2, 5);
      run(f, op3(D, E.F_SUB, 6, 2, 2));
      expect(Object.is(getD(f, 6), rm === RM_MINUS ? -0 : 0)).toBe(true);
    }
  });

  it('CVT.S.W rounds large integers by RM', () => {
    for (const rm of modes) {
      const f = makeFpu(true, rm);
      f.setWord(2, 16777217);
      run(f, op2(E.FMT_W, E.F_CVT_S, 4, 2));
      expect(getS(f, 4)).toBe(rm === RM_PLUS ? 16777218 : 16777216);
      expect(causeOf(f)).toBe(EXC_I);
    }
  });
});

describe('Fpu traps (FPE) and reserved instructions', () => {
  it('an enabled cause traps: fd unchanged, Cause set, Flags not updated', () => {
    const f = makeFpu(true, enables(EXC_I));
    setD(f, 2, 1);
    setD(f, 4, 3);
    setD(f, 6, 42);
    expect(run(f, op3(D, E.F_DIV, 6, 2, 4))).toBe(EXCCODE_FPE);
    expect(getD(f, 6)).toBe(42);
    expect(causeOf(f)).toBe(EXC_I);
    expect(flagsOf(f)).toBe(0);
    f.writeControl(FCR_FCSR, enables(EXC_Z));
    setD(f, 4, 0);
    expect(run(f, op3(D, E.F_DIV, 6, 2, 4))).toBe(EXCCODE_FPE);
    expect(causeOf(f)).toBe(EXC_Z);
    f.writeControl(FCR_FCSR, enables(EXC_O));
    setS(f, 2, 3e38);
    expect(run(f, op3(S, E.F_ADD, 6, 2, 2))).toBe(EXCCODE_FPE);
    expect(causeOf(f)).toBe(EXC_O | EXC_I);
    expect(getD(f, 6)).toBe(42);
  });

  it('a disabled cause sets Flags and the next operation clears Cause', () => {
    const f = makeFpu(true, enables(EXC_Z));
    setD(f, 2, 1);
    setD(f, 4, 3);
    expect(run(f, op3(D, E.F_DIV, 6, 2, 4))).toBe(FPU_OK);
    expect([causeOf(f), flagsOf(f)]).toEqual([EXC_I, EXC_I]);
    expect(run(f, op3(D, E.F_ADD, 6, 2, 4))).toBe(FPU_OK);
    expect([causeOf(f), flagsOf(f)]).toEqual([0, EXC_I]);
  });

  it('compares: V trap leaves the FCC alone', () => {
    const f = makeFpu(true, enables(EXC_V) | (1 << 23));
    f.setWord(2, 0x7fbfffff);
    setS(f, 4, 0);
    expect(run(f, cmp(S, C_LE, 0, 2, 4))).toBe(EXCCODE_FPE);
    expect(f.condition(0)).toBe(true);
    expect(run(f, cmp(S, C_ULE, 0, 2, 4))).toBe(FPU_OK); // quiet compare of a qNaN
    expect(f.condition(0)).toBe(true);
    expect(run(f, cmp(S, C_F, 0, 2, 4))).toBe(FPU_OK);
    expect(f.condition(0)).toBe(false);
    expect(run(f, cmp(S, C_SF, 0, 2, 4))).toBe(EXCCODE_FPE);
  });

  it('paired single, MIPS-3D, BC1 and reserved functs are RI', () => {
    const f = makeFpu(true);
    expect(run(f, op3(E.FMT_PS, E.F_ADD, 2, 4, 6))).toBe(EXCCODE_RI);
    expect(run(f, op3(S, 0x26, 2, 4, 6))).toBe(EXCCODE_RI); // CVT.PS.S
    expect(runX(f, cop1x(E.X_OP4_MADD, 6, 2, 4, 6, 8))).toBe(EXCCODE_RI); // MADD.PS
    expect(runX(f, 0x4c000000)).toBe(EXCCODE_RI); // LWXC1: done by the CPU
    expect(runX(f, 0x4c00001e)).toBe(EXCCODE_RI); // ALNV.PS
    expect(run(f, op2(S, 0x1c, 2, 4))).toBe(EXCCODE_RI); // MIPS-3D RECIP2
    expect(run(f, op2(S, E.F_CVT_S, 2, 4))).toBe(EXCCODE_RI);
    expect(run(f, op2(D, E.F_CVT_D, 2, 4))).toBe(EXCCODE_RI);
    expect(run(f, op2(E.FMT_W, E.F_ADD, 2, 4))).toBe(EXCCODE_RI);
    expect(run(f, op2(E.FMT_L, E.F_CVT_W, 2, 4))).toBe(EXCCODE_RI);
    expect(run(f, cop1(E.RS_BC1, 1, 0, 0, 4))).toBe(EXCCODE_RI);
    expect(run(f, cop1(0x01, 0, 0, 0, 0))).toBe(EXCCODE_RI);
  });
});

describe('Fpu conditional moves and condition codes', () => {
  it('MOVF/MOVT/MOVZ/MOVN .S and .D', () => {
    const f = makeFpu(true);
    setD(f, 2, 1);
    setD(f, 4, 2);
    setS(f, 6, 3);
    setS(f, 8, 4);
    setS(f, 10, 1);
    setS(f, 12, 2);
    expect(run(f, cmp(S, C_OLT, 6, 10, 12))).toBe(FPU_OK); // FCC6 ← 1 < 2
    expect(f.condition(6)).toBe(true);
    expect(run(f, movcf(D, 4, 2, 6, false))).toBe(FPU_OK); // movf: not taken
    expect(getD(f, 4)).toBe(2);
    run(f, movcf(D, 4, 2, 6, true));
    expect(getD(f, 4)).toBe(1);
    run(f, movcf(S, 8, 6, 5, false)); // FCC5 clear: taken
    expect(getS(f, 8)).toBe(3);
    setS(f, 8, 4);
    gpr[7] = 0;
    run(f, cop1(S, 7, 6, 8, E.F_MOVN));
    expect(getS(f, 8)).toBe(4);
    run(f, cop1(S, 7, 6, 8, E.F_MOVZ));
    expect(getS(f, 8)).toBe(3);
    gpr[7] = 5;
    setD(f, 4, 2);
    run(f, cop1(D, 7, 2, 4, E.F_MOVZ));
    expect(getD(f, 4)).toBe(2);
    run(f, cop1(D, 7, 2, 4, E.F_MOVN));
    expect(getD(f, 4)).toBe(1);
  });

  it('all 16 conditions on ordered and unordered operands', () => {
    const f = makeFpu(true);
    const pairs: [number, number][] = [
      [1, 2],
      [2, 2],
      [3, 2],
      [NaN, 2],
    ];
    for (const [a, b] of pairs) {
      for (let cond = 0; cond < 16; cond++) {
        f.writeControl(FCR_FCSR, 0);
        setD(f, 2, a);
        if (a !== a) f.setDouble(2, -1, 0x7ff7ffff); // legacy qNaN
        setD(f, 4, b);
        run(f, cmp(D, cond, 2, 2, 4));
        const un = a !== a;
        const want = (!!(cond & 1) && un) || (!!(cond & 2) && a === b) || (!!(cond & 4) && a < b);
        expect(f.condition(2)).toBe(want);
        expect(causeOf(f)).toBe(un && cond >= 8 ? EXC_V : 0);
      }
    }
  });
});

// ---- exact reference: BigInt rounding of +, −, ×, ÷, √ -------------------------------------
interface Format {
  p: number;
  emin: number;
  emax: number;
  max: number;
}
const BIN32: Format = { p: 24, emin: -126, emax: 127, max: 3.4028234663852886e38 };
const BIN64: Format = { p: 53, emin: -1022, emax: 1023, max: Number.MAX_VALUE };

interface Exact {
  neg: boolean;
  m: bigint; // value = m · 2^e (m ≥ 0)
  e: number;
}

function decompose(x: number): Exact {
  const [lo, hi] = dBits(x);
  const neg = hi < 0;
  const ex = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo >>> 0);
  return ex === 0 ? { neg, m: frac, e: -1074 } : { neg, m: frac | (1n << 52n), e: ex - 1075 };
}
const bitLength = (m: bigint): number => m.toString(2).length;

function isqrt(n: bigint): bigint {
  let x = 1n << BigInt((bitLength(n) >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** Round m·2^e (m > 0) to the format: [value, cause]. */
function refRound(v: Exact, fmt: Format, rm: number, flush: boolean): [number, number] {
  const { neg, m, e } = v;
  const k = e + bitLength(m) - 1;
  if (k < fmt.emin && flush) return [neg ? -0 : 0, 0];
  const away = rm === RM_PLUS ? !neg : rm === RM_MINUS ? neg : false;
  const roundAt = (g: number): [bigint, boolean] => {
    const drop = g - e;
    if (drop <= 0) return [m << BigInt(-drop), false];
    const q = m >> BigInt(drop);
    const rem = m - (q << BigInt(drop));
    if (rem === 0n) return [q, false];
    const half = 1n << BigInt(drop - 1);
    if (rm === RM_NEAREST) return [rem > half || (rem === half && (q & 1n) === 1n) ? q + 1n : q, true];
    return [away ? q + 1n : q, true];
  };
  const gUnbounded = k - (fmt.p - 1);
  const [qU] = roundAt(gUnbounded);
  const kU = qU >= 1n << BigInt(fmt.p) ? k + 1 : k;
  if (kU > fmt.emax) {
    const r = rm === RM_NEAREST || away ? Infinity : fmt.max;
    return [neg ? -r : r, EXC_O | EXC_I];
  }
  const g = Math.max(k, fmt.emin) - (fmt.p - 1);
  const [q, inexact] = roundAt(g);
  const r = Number(q) * 2 ** g;
  const cause = inexact ? (kU < fmt.emin ? EXC_U | EXC_I : EXC_I) : 0;
  return [neg ? -r : r, cause];
}

function refOp(op: number, a: number, b: number, fmt: Format, rm: number, flush: boolean): [number, number] {
  const x = decompose(a);
  const y = decompose(b);
  if (op === E.F_ADD || op === E.F_SUB) {
    const yneg = op === E.F_SUB ? !y.neg : y.neg;
    const e = Math.min(x.e, y.e);
    const sx = (x.m << BigInt(x.e - e)) * (x.neg ? -1n : 1n);
    const sy = (y.m << BigInt(y.e - e)) * (yneg ? -1n : 1n);
    const s = sx + sy;
    if (s === 0n) return [rm === RM_MINUS ? -0 : 0, 0]; // exact cancellation of non-zero operands
    return refRound({ neg: s < 0n, m: s < 0n ? -s : s, e }, fmt, rm, flush);
  }
  const neg = x.neg !== y.neg;
  if (op === E.F_MUL) return refRound({ neg, m: x.m * y.m, e: x.e + y.e }, fmt, rm, flush);
  if (op === E.F_DIV) {
    const shift = Math.max(0, fmt.p + 3 + bitLength(y.m) - bitLength(x.m));
    const n = x.m << BigInt(shift);
    const q = n / y.m;
    const sticky = n % y.m !== 0n ? 1n : 0n;
    return refRound({ neg, m: (q << 1n) | sticky, e: x.e - y.e - shift - 1 }, fmt, rm, flush);
  }
  // sqrt of a (> 0)
  let { m, e } = x;
  if (e & 1) {
    m <<= 1n;
    e -= 1;
  }
  const t = Math.max(0, fmt.p + 4 - (bitLength(m) >> 1));
  m <<= BigInt(2 * t);
  e -= 2 * t;
  const s = isqrt(m);
  const sticky = s * s !== m ? 1n : 0n;
  return refRound({ neg: false, m: (s << 1n) | sticky, e: e / 2 - 1 }, fmt, rm, flush);
}

describe('Fpu arithmetic against an exact BigInt reference', () => {
  let seed = 12345;
  const rand = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  /** A random finite non-zero value of the format, biased to the range ends and short mantissas. */
  function randomValue(fmt: Format): number {
    const single = fmt === BIN32;
    const ebits = single ? 8 : 11;
    const fbits = single ? 23 : 52;
    const emaxField = (1 << ebits) - 2;
    const r = rand() % 4;
    const exField = r === 0 ? rand() % 8 : r === 1 ? emaxField - (rand() % 8) : (rand() % emaxField) + 1;
    let frac = 0;
    const shape = rand() % 3;
    if (shape === 0) frac = (rand() % 8) / 8;
    else if (shape === 1) frac = 1 - 2 ** -(rand() % fbits);
    else frac = (rand() / 2 ** 32 + rand() / 2 ** 64) % 1;
    const unit = 2 ** -fbits;
    const mant = Math.floor(frac / unit) * unit;
    const bias = (1 << (ebits - 1)) - 1;
    let v = exField === 0 ? mant * 2 ** (1 - bias) : (1 + mant) * 2 ** (exField - bias);
    if (v === 0) v = 2 ** (1 - bias - fbits);
    v = rand() & 1 ? -v : v;
    return single ? Math.fround(v) : v;
  }

  const ops = [E.F_ADD, E.F_SUB, E.F_MUL, E.F_DIV, E.F_SQRT];
  for (const [name, fmtCode, fmt] of [
    ['single', S, BIN32],
    ['double', D, BIN64],
  ] as const) {
    it(`${name}: add/sub/mul/div/sqrt results and causes in all modes, FS on and off`, () => {
      const f = makeFpu(true);
      let checked = 0;
      for (let i = 0; i < 4000; i++) {
        const op = ops[i % ops.length];
        const rm = rand() & 3;
        const flush = rand() % 4 === 0;
        let a = randomValue(fmt);
        let b = randomValue(fmt);
        if (op === E.F_SQRT) a = Math.abs(a);
        if (op === E.F_ADD && rand() % 4 === 0) b = -a * (1 + (rand() % 3) * 2 ** (1 - fmt.p)); // cancellation
        if (fmt === BIN32) b = Math.fround(b);
        if (!Number.isFinite(b)) b = -a;
        f.writeControl(FCR_FCSR, rm | (flush ? FCSR_FS : 0));
        if (fmtCode === S) {
          setS(f, 2, a);
          setS(f, 4, b);
        } else {
          setD(f, 2, a);
          setD(f, 4, b);
        }
        expect(run(f, op3(fmtCode, op, 6, 2, op === E.F_SQRT ? 0 : 4))).toBe(FPU_OK);
        const got = fmtCode === S ? getS(f, 6) : getD(f, 6);
        const [want, cause] = refOp(op, a, b, fmt, rm, flush);
        const ok = Object.is(got, want) && causeOf(f) === cause;
        if (!ok) {
          throw new Error(
            `${name} op ${op} rm ${rm} fs ${flush}: ${a}, ${b} → ` +
              `got ${got} cause ${causeOf(f)}, want ${want} cause ${cause}`,
          );
        }
        checked++;
      }
      expect(checked).toBe(4000);
    });
  }
});
