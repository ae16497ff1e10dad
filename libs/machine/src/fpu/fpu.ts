// The MIPS32r2 floating-point unit (CP1): 32 FPRs in both Status.FR models, FIR/FCSR and its
// aliases, and execution of every COP1 (op 0x11, except BC1) and COP1X arithmetic (op 0x13)
// instruction with legacy-NaN, rounding-mode, flag and trap semantics matching qemu's 24Kf.

import { FpArith } from './arith.js';
import * as enc from './encoding.js';
import * as fcsr from './fcsr.js';

// Module-local copies of the named constants: Node 20's V8 re-reads an imported binding
// through its module cell (with a TDZ check) at every use, which made decode ~70% slower;
// locals fold to constants. The values are defined once, in the imported modules.
const {
  CC_MASK,
  CMP_CC_SHIFT,
  COND_EQ,
  COND_LT,
  COND_MASK,
  COND_SIGNAL,
  COND_UN,
  FD_SHIFT,
  FMT_D,
  FMT_L,
  FMT_S,
  FMT_SHIFT,
  FMT_W,
  FS_SHIFT,
  FT_SHIFT,
  FUNCT_MASK,
  F_ABS,
  F_ADD,
  F_CEIL_L,
  F_CEIL_W,
  F_CVT_D,
  F_CVT_L,
  F_CVT_S,
  F_CVT_W,
  F_C_FIRST,
  F_DIV,
  F_FLOOR_L,
  F_FLOOR_W,
  F_MOV,
  F_MOVCF,
  F_MOVN,
  F_MOVZ,
  F_MUL,
  F_NEG,
  F_RECIP,
  F_ROUND_L,
  F_ROUND_W,
  F_RSQRT,
  F_SQRT,
  F_SUB,
  F_TRUNC_L,
  F_TRUNC_W,
  MOVCF_CC_SHIFT,
  MOVCF_TF_BIT,
  REG_MASK,
  ROUNDING_FUNCT_MODE_MASK,
  RS_CFC1,
  RS_CTC1,
  RS_MFC1,
  RS_MFHC1,
  RS_MTC1,
  RS_MTHC1,
  X_FMT3_D,
  X_FMT3_MASK,
  X_FMT3_S,
  X_OP4_MADD,
  X_OP4_MSUB,
  X_OP4_NMADD,
  X_OP4_NMSUB,
  X_OP4_SHIFT,
} = enc;
const {
  DEFAULT_NAN_D_HI,
  DEFAULT_NAN_D_LO,
  DEFAULT_NAN_S,
  D_HI_SIGN,
  D_HI_SNAN_MASK,
  EXCCODE_FPE,
  EXCCODE_RI,
  EXC_E,
  EXC_IEEE_MASK,
  EXC_V,
  FCCR_FCC0,
  FCCR_FCC0_SHIFT,
  FCCR_FCC_HI_MASK,
  FCCR_FCC_HI_SHIFT,
  FCR_FCCR,
  FCR_FCSR,
  FCR_FENR,
  FCR_FEXR,
  FCR_FIR,
  FCSR_CAUSE_MASK,
  FCSR_CAUSE_SHIFT,
  FCSR_ENABLES_MASK,
  FCSR_ENABLES_SHIFT,
  FCSR_FCC0,
  FCSR_FLAGS_SHIFT,
  FCSR_FS,
  FCSR_RM_MASK,
  FCSR_WRITABLE,
  FENR_FS,
  FENR_FS_SHIFT,
  FEXR_MASK,
  FIR_VALUE,
  FPU_OK,
  S_SIGN,
  S_SNAN_MASK,
  fccBit,
} = fcsr;

/** All eight condition-code bits of FCSR. */
const FCSR_FCC_ALL = (FCCR_FCC_HI_MASK << FCCR_FCC_HI_SHIFT) | FCSR_FCC0;
/** Number of 32-bit words backing the register file (32 × 64 bits). */
const FPR_WORDS = 64;

function isSNaNS(bits: number): boolean {
  return (bits & S_SNAN_MASK) === S_SNAN_MASK;
}

function isSNaNDHi(hi: number): boolean {
  return (hi & D_HI_SNAN_MASK) === D_HI_SNAN_MASK;
}

/**
 * Register storage: one 256-byte buffer seen as 64 words (`w`), 64 singles (`f32`) and
 * 32 doubles (`f64`).
 * - FR=1: FPR i is words [2i, 2i+1] (low, high) = f64[i]; its 32-bit view is word 2i.
 * - FR=0: FPR i (32 bits) is word i, so the pair (2k, 2k+1) is f64[k] with the even register as
 *   the low word. Changing FR does not move data (the architecture leaves it UNPREDICTABLE).
 */
export class Fpu {
  readonly buffer = new ArrayBuffer(FPR_WORDS * Int32Array.BYTES_PER_ELEMENT);
  readonly w = new Int32Array(this.buffer);
  readonly f32 = new Float32Array(this.buffer);
  readonly f64 = new Float64Array(this.buffer);
  /** FCSR (fcr31); bits 22:18 always read 0. */
  fcsr = 0;
  /** FIR (fcr0), read-only. */
  readonly fir = FIR_VALUE;
  /** Status.FR as last given by setFR. */
  fr = false;
  /** Word index of 32-bit FPR i is i << ws (0 with FR=0, 1 with FR=1). */
  private ws = 0;
  private readonly ar = new FpArith();

  reset(): void {
    this.w.fill(0);
    this.fcsr = 0;
    this.setFR(false);
  }

  /** Called by the CPU whenever Status.FR changes. */
  setFR(fr: boolean): void {
    this.fr = fr;
    this.ws = fr ? 1 : 0;
  }

  /** FCC[cc] (cc 0..7), for BC1F/BC1T and MOVF/MOVT. */
  condition(cc: number): boolean {
    return (this.fcsr & fccBit(cc)) !== 0;
  }

  // ---- register access for the CPU's loads/stores --------------------------------------------

  /** The 32-bit FPR i as LWC1/SWC1/MFC1 see it. */
  getWord(i: number): number {
    return this.w[i << this.ws];
  }

  setWord(i: number, v: number): void {
    this.w[i << this.ws] = v;
  }

  /** Low word of the 64-bit value named by FPR i (FR=0: register i & ~1). */
  getDoubleLo(i: number): number {
    return this.ws ? this.w[i << 1] : this.w[i & ~1];
  }

  /** High word of the 64-bit value named by FPR i (FR=0: register i | 1). */
  getDoubleHi(i: number): number {
    return this.ws ? this.w[(i << 1) + 1] : this.w[i | 1];
  }

  /** 0, or 10 (RI) when FPR i cannot name a 64-bit value (odd register with FR=0). */
  checkDoubleReg(i: number): number {
    return this.ws === 0 && (i & 1) !== 0 ? EXCCODE_RI : FPU_OK;
  }

  /** LDC1/LDXC1: write a 64-bit value; returns 0, or 10 (RI) for an odd register with FR=0. */
  setDouble(i: number, lo: number, hi: number): number {
    if (this.ws) {
      this.w[i << 1] = lo;
      this.w[(i << 1) + 1] = hi;
      return FPU_OK;
    }
    if (i & 1) return EXCCODE_RI;
    this.w[i] = lo;
    this.w[i + 1] = hi;
    return FPU_OK;
  }

  // ---- COP1 ----------------------------------------------------------------------------------

  /** Execute a COP1 (op 0x11) instruction other than BC1. Returns 0, 10 (RI) or 15 (FPE). */
  executeCop1(instr: number, gpr: Int32Array): number {
    const fmt = (instr >>> FMT_SHIFT) & REG_MASK;
    switch (fmt) {
      case FMT_S:
        return this.execS(instr, gpr);
      case FMT_D:
        return this.execD(instr, gpr);
      case FMT_W:
        return this.execW(instr);
      case FMT_L:
        return this.execL(instr);
      default:
        return this.execMove(fmt, instr, gpr);
    }
  }

  /** MFC1/MTC1/MFHC1/MTHC1/CFC1/CTC1; every other rs value is RI. */
  private execMove(rs: number, instr: number, gpr: Int32Array): number {
    const rt = (instr >>> FT_SHIFT) & REG_MASK;
    const fs = (instr >>> FS_SHIFT) & REG_MASK;
    switch (rs) {
      case RS_MFC1:
        if (rt !== 0) gpr[rt] = this.w[fs << this.ws];
        return FPU_OK;
      case RS_MTC1:
        this.w[fs << this.ws] = gpr[rt];
        return FPU_OK;
      case RS_MFHC1:
        if (rt !== 0) gpr[rt] = this.getDoubleHi(fs);
        return FPU_OK;
      case RS_MTHC1:
        if (this.ws) this.w[(fs << 1) + 1] = gpr[rt];
        else this.w[fs | 1] = gpr[rt];
        return FPU_OK;
      case RS_CFC1:
        if (rt !== 0) gpr[rt] = this.readControl(fs);
        return FPU_OK;
      case RS_CTC1:
        return this.writeControl(fs, gpr[rt]);
      default:
        return EXCCODE_RI; // BC1 (decoded by the CPU), BC1ANY2/4 (MIPS-3D), PS, reserved
    }
  }

  /** CFC1: FIR, FCCR, FEXR, FENR, FCSR; other numbers read 0. */
  readControl(fs: number): number {
    const f = this.fcsr;
    switch (fs) {
      case FCR_FIR:
        return this.fir;
      case FCR_FCCR:
        return ((f >>> FCCR_FCC_HI_SHIFT) & FCCR_FCC_HI_MASK) | ((f >>> FCCR_FCC0_SHIFT) & FCCR_FCC0);
      case FCR_FEXR:
        return f & FEXR_MASK;
      case FCR_FENR:
        return (f & (FCSR_ENABLES_MASK | FCSR_RM_MASK)) | ((f >>> FENR_FS_SHIFT) & FENR_FS);
      case FCR_FCSR:
        return f;
      default:
        return 0;
    }
  }

  /** CTC1. Writes to FIR and unknown registers are ignored. Returns 15 when the new value has
   *  a Cause bit whose Enable is set (or Cause.E): the write stays done, the trap is taken. */
  writeControl(fs: number, v: number): number {
    const f = this.fcsr;
    switch (fs) {
      case FCR_FCCR:
        this.fcsr =
          (f & ~FCSR_FCC_ALL) | ((v & FCCR_FCC_HI_MASK) << FCCR_FCC_HI_SHIFT) | ((v & FCCR_FCC0) << FCCR_FCC0_SHIFT);
        break;
      case FCR_FEXR:
        this.fcsr = (f & ~FEXR_MASK) | (v & FEXR_MASK);
        break;
      case FCR_FENR:
        this.fcsr =
          (f & ~(FCSR_ENABLES_MASK | FCSR_RM_MASK | FCSR_FS)) |
          (v & (FCSR_ENABLES_MASK | FCSR_RM_MASK)) |
          ((v & FENR_FS) << FENR_FS_SHIFT);
        break;
      case FCR_FCSR:
        this.fcsr = v & FCSR_WRITABLE;
        break;
      default:
        return FPU_OK;
    }
    const g = this.fcsr;
    const cause = (g & FCSR_CAUSE_MASK) >>> FCSR_CAUSE_SHIFT;
    const enabled = ((g & FCSR_ENABLES_MASK) >>> FCSR_ENABLES_SHIFT) | EXC_E;
    return cause & enabled ? EXCCODE_FPE : FPU_OK;
  }

  // ---- arithmetic plumbing -------------------------------------------------------------------

  /** Load RM/FS into the arithmetic unit and clear the cause accumulator. */
  private begin(): FpArith {
    const ar = this.ar;
    ar.cause = 0;
    ar.rm = this.fcsr & FCSR_RM_MASK;
    ar.flush = (this.fcsr & FCSR_FS) !== 0;
    return ar;
  }

  /**
   * Cause ← c. If c has an enabled bit (or E) the instruction traps: true, and the caller must
   * not write its destination. Otherwise Flags |= c and false.
   */
  private commit(c: number): boolean {
    const f = (this.fcsr & ~FCSR_CAUSE_MASK) | (c << FCSR_CAUSE_SHIFT);
    if (c & (((f & FCSR_ENABLES_MASK) >>> FCSR_ENABLES_SHIFT) | EXC_E)) {
      this.fcsr = f;
      return true;
    }
    this.fcsr = f | ((c & EXC_IEEE_MASK) << FCSR_FLAGS_SHIFT);
    return false;
  }

  private dIndex(reg: number): number {
    return this.ws ? reg : reg >> 1;
  }

  private readD(reg: number): number {
    return this.f64[this.ws ? reg : reg >> 1];
  }

  private hiWordD(reg: number): number {
    return this.w[((this.ws ? reg : reg >> 1) << 1) + 1];
  }

  /** Store a double result; NaN becomes the default quiet NaN (negated when neg). */
  private writeD(reg: number, v: number, neg: boolean): void {
    const i = this.ws ? reg : reg >> 1;
    if (v === v) {
      this.f64[i] = v;
    } else {
      this.w[i << 1] = DEFAULT_NAN_D_LO;
      this.w[(i << 1) + 1] = neg ? DEFAULT_NAN_D_HI | D_HI_SIGN : DEFAULT_NAN_D_HI;
    }
  }

  /** Store a single result (the high half of a 64-bit FPR is kept); NaN → default qNaN. */
  private writeS(reg: number, v: number, neg: boolean): void {
    const i = reg << this.ws;
    if (v === v) this.f32[i] = v;
    else this.w[i] = neg ? DEFAULT_NAN_S | S_SIGN : DEFAULT_NAN_S;
  }

  private finishS(fd: number, r: number): number {
    if (this.commit(this.ar.cause)) return EXCCODE_FPE;
    this.writeS(fd, r, false);
    return FPU_OK;
  }

  private finishD(fd: number, r: number): number {
    if (this.commit(this.ar.cause)) return EXCCODE_FPE;
    this.writeD(fd, r, false);
    return FPU_OK;
  }

  /** Float → integer result: .W goes to the 32-bit FPR fd, .L to the 64-bit FPR fd. */
  private finishInt(fd: number, is64: boolean): number {
    const ar = this.ar;
    if (this.commit(ar.cause)) return EXCCODE_FPE;
    if (is64) {
      this.w[fd << 1] = ar.intLo; // .L is only reachable with FR=1
      this.w[(fd << 1) + 1] = ar.intHi;
    } else {
      this.w[fd << this.ws] = ar.intLo;
    }
    return FPU_OK;
  }

  /** Compare result: Cause ← V or 0; FCC[cc] written unless the V trap is taken. */
  private finishCompare(instr: number, result: boolean, cause: number): number {
    if (this.commit(cause)) return EXCCODE_FPE;
    const bit = fccBit((instr >>> CMP_CC_SHIFT) & CC_MASK);
    this.fcsr = result ? this.fcsr | bit : this.fcsr & ~bit;
    return FPU_OK;
  }

  /** C.cond predicate for two non-NaN values. */
  private static ordered(cond: number, a: number, b: number): boolean {
    return ((cond & COND_LT) !== 0 && a < b) || ((cond & COND_EQ) !== 0 && a === b);
  }

  // ---- fmt S -------------------------------------------------------------------------------

  private execS(instr: number, gpr: Int32Array): number {
    const funct = instr & FUNCT_MASK;
    const ft = (instr >>> FT_SHIFT) & REG_MASK;
    const fs = (instr >>> FS_SHIFT) & REG_MASK;
    const fd = (instr >>> FD_SHIFT) & REG_MASK;
    const ws = this.ws;
    const is = fs << ws;
    switch (funct) {
      case F_ADD:
      case F_SUB:
      case F_MUL:
      case F_DIV: {
        const ar = this.begin();
        const it = ft << ws;
        const a = this.f32[is];
        const b = this.f32[it];
        let r: number;
        if (a !== a || b !== b) {
          if (isSNaNS(this.w[is]) || isSNaNS(this.w[it])) ar.cause |= EXC_V;
          r = NaN;
        } else if (funct === F_ADD) r = ar.addS(a, b);
        else if (funct === F_SUB) r = ar.addS(a, -b);
        else if (funct === F_MUL) r = ar.mulS(a, b);
        else r = ar.divS(a, b);
        return this.finishS(fd, r);
      }
      case F_SQRT:
      case F_RECIP:
      case F_RSQRT: {
        const ar = this.begin();
        const a = this.f32[is];
        let r: number;
        if (a !== a) {
          if (isSNaNS(this.w[is])) ar.cause |= EXC_V;
          r = NaN;
        } else if (funct === F_SQRT) r = ar.sqrtS(a);
        else if (funct === F_RECIP) r = ar.divS(1, a);
        else r = ar.divS(1, ar.sqrtS(a)); // two roundings, as qemu
        return this.finishS(fd, r);
      }
      case F_ABS: // qemu: a pure sign operation, no flags, Cause untouched
        this.w[fd << ws] = this.w[is] & ~S_SIGN;
        return FPU_OK;
      case F_NEG:
        this.w[fd << ws] = this.w[is] ^ S_SIGN;
        return FPU_OK;
      case F_MOV:
        this.w[fd << ws] = this.w[is];
        return FPU_OK;
      case F_MOVCF:
        if (this.condition((instr >>> MOVCF_CC_SHIFT) & CC_MASK) === ((instr & MOVCF_TF_BIT) !== 0)) {
          this.w[fd << ws] = this.w[is];
        }
        return FPU_OK;
      case F_MOVZ:
        if (gpr[ft] === 0) this.w[fd << ws] = this.w[is];
        return FPU_OK;
      case F_MOVN:
        if (gpr[ft] !== 0) this.w[fd << ws] = this.w[is];
        return FPU_OK;
      case F_ROUND_L:
      case F_TRUNC_L:
      case F_CEIL_L:
      case F_FLOOR_L:
      case F_CVT_L:
      case F_ROUND_W:
      case F_TRUNC_W:
      case F_CEIL_W:
      case F_FLOOR_W:
      case F_CVT_W: {
        const is64 = funct === F_CVT_L || funct < F_ROUND_W;
        if (is64 && !ws) return EXCCODE_RI; // .L needs FR=1
        const ar = this.begin();
        const rm = funct >= F_CVT_S ? ar.rm : funct & ROUNDING_FUNCT_MODE_MASK;
        ar.toInt(this.f32[is], rm, is64);
        return this.finishInt(fd, is64);
      }
      case F_CVT_D: {
        if (!ws && fd & 1) return EXCCODE_RI;
        const ar = this.begin();
        const a = this.f32[is];
        if (a !== a && isSNaNS(this.w[is])) ar.cause |= EXC_V;
        return this.finishD(fd, a); // exact (NaN → default NaN)
      }
      default:
        if (funct >= F_C_FIRST) {
          const it = ft << ws;
          const a = this.f32[is];
          const b = this.f32[it];
          const cond = funct & COND_MASK;
          if (a !== a || b !== b) {
            const v = (cond & COND_SIGNAL) !== 0 || isSNaNS(this.w[is]) || isSNaNS(this.w[it]);
            return this.finishCompare(instr, (cond & COND_UN) !== 0, v ? EXC_V : 0);
          }
          return this.finishCompare(instr, Fpu.ordered(cond, a, b), 0);
        }
        return EXCCODE_RI; // CVT.S.S, CVT.PS.S, MIPS-3D, reserved
    }
  }

  // ---- fmt D -------------------------------------------------------------------------------

  private execD(instr: number, gpr: Int32Array): number {
    const funct = instr & FUNCT_MASK;
    const ft = (instr >>> FT_SHIFT) & REG_MASK;
    const fs = (instr >>> FS_SHIFT) & REG_MASK;
    const fd = (instr >>> FD_SHIFT) & REG_MASK;
    const fr0 = this.ws === 0;
    switch (funct) {
      case F_ADD:
      case F_SUB:
      case F_MUL:
      case F_DIV: {
        if (fr0 && (fs | ft | fd) & 1) return EXCCODE_RI;
        const ar = this.begin();
        const a = this.readD(fs);
        const b = this.readD(ft);
        let r: number;
        if (a !== a || b !== b) {
          if (isSNaNDHi(this.hiWordD(fs)) || isSNaNDHi(this.hiWordD(ft))) ar.cause |= EXC_V;
          r = NaN;
        } else if (funct === F_ADD) r = ar.addD(a, b);
        else if (funct === F_SUB) r = ar.addD(a, -b);
        else if (funct === F_MUL) r = ar.mulD(a, b);
        else r = ar.divD(a, b);
        return this.finishD(fd, r);
      }
      case F_SQRT:
      case F_RECIP:
      case F_RSQRT: {
        if (fr0 && (fs | fd) & 1) return EXCCODE_RI;
        const ar = this.begin();
        const a = this.readD(fs);
        let r: number;
        if (a !== a) {
          if (isSNaNDHi(this.hiWordD(fs))) ar.cause |= EXC_V;
          r = NaN;
        } else if (funct === F_SQRT) r = ar.sqrtD(a);
        else if (funct === F_RECIP) r = ar.divD(1, a);
        else r = ar.divD(1, ar.sqrtD(a));
        return this.finishD(fd, r);
      }
      case F_ABS:
      case F_NEG:
      case F_MOV:
        if (fr0 && (fs | fd) & 1) return EXCCODE_RI;
        this.moveD(fd, fs, funct);
        return FPU_OK;
      case F_MOVCF:
        if (fr0 && (fs | fd) & 1) return EXCCODE_RI;
        if (this.condition((instr >>> MOVCF_CC_SHIFT) & CC_MASK) === ((instr & MOVCF_TF_BIT) !== 0)) {
          this.moveD(fd, fs, F_MOV);
        }
        return FPU_OK;
      case F_MOVZ:
      case F_MOVN:
        if (fr0 && (fs | fd) & 1) return EXCCODE_RI;
        if ((gpr[ft] === 0) === (funct === F_MOVZ)) this.moveD(fd, fs, F_MOV);
        return FPU_OK;
      case F_ROUND_L:
      case F_TRUNC_L:
      case F_CEIL_L:
      case F_FLOOR_L:
      case F_CVT_L:
      case F_ROUND_W:
      case F_TRUNC_W:
      case F_CEIL_W:
      case F_FLOOR_W:
      case F_CVT_W: {
        const is64 = funct === F_CVT_L || funct < F_ROUND_W;
        if (fr0 && (is64 || fs & 1)) return EXCCODE_RI; // .L needs FR=1; .D needs an even fs
        const ar = this.begin();
        const rm = funct >= F_CVT_S ? ar.rm : funct & ROUNDING_FUNCT_MODE_MASK;
        ar.toInt(this.readD(fs), rm, is64);
        return this.finishInt(fd, is64);
      }
      case F_CVT_S: {
        if (fr0 && fs & 1) return EXCCODE_RI;
        const ar = this.begin();
        const a = this.readD(fs);
        let r: number;
        if (a !== a) {
          if (isSNaNDHi(this.hiWordD(fs))) ar.cause |= EXC_V;
          r = NaN;
        } else r = ar.toSingle(a);
        return this.finishS(fd, r);
      }
      default:
        if (funct >= F_C_FIRST) {
          if (fr0 && (fs | ft) & 1) return EXCCODE_RI;
          const a = this.readD(fs);
          const b = this.readD(ft);
          const cond = funct & COND_MASK;
          if (a !== a || b !== b) {
            const v = (cond & COND_SIGNAL) !== 0 || isSNaNDHi(this.hiWordD(fs)) || isSNaNDHi(this.hiWordD(ft));
            return this.finishCompare(instr, (cond & COND_UN) !== 0, v ? EXC_V : 0);
          }
          return this.finishCompare(instr, Fpu.ordered(cond, a, b), 0);
        }
        return EXCCODE_RI; // CVT.D.D, reserved
    }
  }

  /** MOV/ABS/NEG.D on raw words (no arithmetic, no flags: qemu's behaviour). */
  private moveD(fd: number, fs: number, funct: number): void {
    const s = this.dIndex(fs) << 1;
    const d = this.dIndex(fd) << 1;
    const hi = this.w[s + 1];
    this.w[d] = this.w[s];
    this.w[d + 1] = funct === F_ABS ? hi & ~D_HI_SIGN : funct === F_NEG ? hi ^ D_HI_SIGN : hi;
  }

  // ---- fmt W and L (integer sources) ---------------------------------------------------------

  private execW(instr: number): number {
    const funct = instr & FUNCT_MASK;
    const fs = (instr >>> FS_SHIFT) & REG_MASK;
    const fd = (instr >>> FD_SHIFT) & REG_MASK;
    const x = this.w[fs << this.ws];
    if (funct === F_CVT_S) {
      const ar = this.begin();
      return this.finishS(fd, ar.toSingle(x));
    }
    if (funct === F_CVT_D) {
      if (this.ws === 0 && fd & 1) return EXCCODE_RI;
      this.begin();
      return this.finishD(fd, x); // exact
    }
    return EXCCODE_RI;
  }

  private execL(instr: number): number {
    if (this.ws === 0) return EXCCODE_RI; // .L needs FR=1
    const funct = instr & FUNCT_MASK;
    const fs = (instr >>> FS_SHIFT) & REG_MASK;
    const fd = (instr >>> FD_SHIFT) & REG_MASK;
    if (funct !== F_CVT_S && funct !== F_CVT_D) return EXCCODE_RI;
    const ar = this.begin();
    const r = ar.fromInt64(this.w[(fs << 1) + 1], this.w[fs << 1], funct === F_CVT_S);
    return funct === F_CVT_S ? this.finishS(fd, r) : this.finishD(fd, r);
  }

  // ---- COP1X ---------------------------------------------------------------------------------

  /**
   * COP1X (op 0x13) arithmetic: MADD/MSUB/NMADD/NMSUB .S/.D, fd ← ±(fs·ft ± fr), unfused (the
   * product is rounded, then the sum; flags of both steps accumulate). The indexed loads and
   * stores, PREFX, ALNV.PS and the .PS forms return 10 (RI): the CPU does the memory ones.
   */
  executeCop1x(instr: number, _gpr: Int32Array): number {
    const funct = instr & FUNCT_MASK;
    const op4 = funct >>> X_OP4_SHIFT;
    const fmt3 = funct & X_FMT3_MASK;
    if (op4 < X_OP4_MADD || op4 > X_OP4_NMSUB || (fmt3 !== X_FMT3_S && fmt3 !== X_FMT3_D)) return EXCCODE_RI;
    const fr = (instr >>> FMT_SHIFT) & REG_MASK;
    const ft = (instr >>> FT_SHIFT) & REG_MASK;
    const fs = (instr >>> FS_SHIFT) & REG_MASK;
    const fd = (instr >>> FD_SHIFT) & REG_MASK;
    const subtract = op4 === X_OP4_MSUB || op4 === X_OP4_NMSUB;
    const negate = op4 >= X_OP4_NMADD;
    let r: number;
    if (fmt3 === X_FMT3_S) {
      const ar = this.begin();
      const ws = this.ws;
      const a = this.f32[fs << ws];
      const b = this.f32[ft << ws];
      const c = this.f32[fr << ws];
      let p: number;
      if (a !== a || b !== b) {
        if (isSNaNS(this.w[fs << ws]) || isSNaNS(this.w[ft << ws])) ar.cause |= EXC_V;
        p = NaN;
      } else {
        p = ar.mulS(a, b); // the product's flags count even when fr is a NaN
      }
      if (c !== c) {
        if (isSNaNS(this.w[fr << ws])) ar.cause |= EXC_V;
        r = NaN;
      } else {
        r = ar.addS(p, subtract ? -c : c);
      }
      if (this.commit(ar.cause)) return EXCCODE_FPE;
      this.writeS(fd, negate ? -r : r, negate);
      return FPU_OK;
    }
    if (this.ws === 0 && (fr | ft | fs | fd) & 1) return EXCCODE_RI;
    const ar = this.begin();
    const a = this.readD(fs);
    const b = this.readD(ft);
    const c = this.readD(fr);
    let p: number;
    if (a !== a || b !== b) {
      if (isSNaNDHi(this.hiWordD(fs)) || isSNaNDHi(this.hiWordD(ft))) ar.cause |= EXC_V;
      p = NaN;
    } else {
      p = ar.mulD(a, b);
    }
    if (c !== c) {
      if (isSNaNDHi(this.hiWordD(fr))) ar.cause |= EXC_V;
      r = NaN;
    } else {
      r = ar.addD(p, subtract ? -c : c);
    }
    if (this.commit(ar.cause)) return EXCCODE_FPE;
    this.writeD(fd, negate ? -r : r, negate);
    return FPU_OK;
  }
}
