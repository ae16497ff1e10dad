// Field names of the CP1 control registers (FIR, FCSR and its FCCR/FEXR/FENR views), the
// exception-cause bits, the rounding modes and the legacy (pre-2008) default NaN patterns.
// Reference: shared/reference/mips32r2.md §7.2–7.3. Everything the FPU logic tests is named here.

/** CFC1/CTC1 control register numbers (the fs field). */
export const FCR_FIR = 0;
export const FCR_FCCR = 25;
export const FCR_FEXR = 26;
export const FCR_FENR = 28;
export const FCR_FCSR = 31;

// ---- FIR (fcr0, read-only) ----------------------------------------------------------------
export const FIR_F64 = 1 << 22; // 64-bit FPRs (Status.FR may be set)
export const FIR_L = 1 << 21; // .L (64-bit integer) format
export const FIR_W = 1 << 20; // .W (32-bit integer) format
export const FIR_3D = 1 << 19; // MIPS-3D ASE (not implemented)
export const FIR_PS = 1 << 18; // paired single (not implemented)
export const FIR_D = 1 << 17; // double precision
export const FIR_S = 1 << 16; // single precision
export const FIR_PRID_SHIFT = 8; // ProcessorID 15:8
export const FIR_PRID_24KF = 0x93; // what qemu's 24Kf reports
/** Our FIR: F64, L, W, D, S, ProcessorID 0x93, Revision 0 (= qemu 24Kf's 0x00739300). */
export const FIR_VALUE = FIR_F64 | FIR_L | FIR_W | FIR_D | FIR_S | (FIR_PRID_24KF << FIR_PRID_SHIFT);

// ---- exception bits, as they sit in each 5/6-bit FCSR group (Flags, Enables, Cause) ----------
export const EXC_I = 0x01; // inexact
export const EXC_U = 0x02; // underflow
export const EXC_O = 0x04; // overflow
export const EXC_Z = 0x08; // divide by zero
export const EXC_V = 0x10; // invalid operation
export const EXC_E = 0x20; // unimplemented operation (Cause only: no Enable, no Flag; always traps)
/** The five IEEE exceptions (everything but E). */
export const EXC_IEEE_MASK = EXC_I | EXC_U | EXC_O | EXC_Z | EXC_V;

// ---- FCSR (fcr31) --------------------------------------------------------------------------
export const FCSR_RM_MASK = 0x3; // rounding mode 1:0
export const FCSR_FLAGS_SHIFT = 2; // Flags 6:2
export const FCSR_ENABLES_SHIFT = 7; // Enables 11:7
export const FCSR_CAUSE_SHIFT = 12; // Cause 17:12
export const FCSR_FLAGS_MASK = EXC_IEEE_MASK << FCSR_FLAGS_SHIFT;
export const FCSR_ENABLES_MASK = EXC_IEEE_MASK << FCSR_ENABLES_SHIFT;
export const FCSR_CAUSE_MASK = (EXC_IEEE_MASK | EXC_E) << FCSR_CAUSE_SHIFT;
export const FCSR_FCC0 = 1 << 23; // condition code 0
export const FCSR_FS = 1 << 24; // flush denormal results to zero
export const FCSR_FCC1_SHIFT = 25; // FCC7..FCC1 live in 31:25
/** Bits 22:18 (NAN2008/ABS2008/impl. bits in later releases) read as zero and ignore writes. */
export const FCSR_WRITABLE = ~(0x1f << 18);

/** FCSR bit for condition code cc (0..7). */
export function fccBit(cc: number): number {
  return cc === 0 ? FCSR_FCC0 : 1 << (FCSR_FCC1_SHIFT + cc - 1);
}

// ---- rounding modes (FCSR.RM) --------------------------------------------------------------
export const RM_NEAREST = 0; // to nearest, ties to even
export const RM_ZERO = 1; // toward zero
export const RM_PLUS = 2; // toward +infinity
export const RM_MINUS = 3; // toward -infinity

// ---- aliased views ---------------------------------------------------------------------------
/** FCCR (fcr25): FCC7..FCC0 in bits 7:0. */
export const FCCR_FCC0 = 0x01;
export const FCCR_FCC_HI_MASK = 0xfe; // FCC7..FCC1 in bits 7:1
export const FCCR_MASK = 0xff;
/** FEXR (fcr26): Cause 17:12 and Flags 6:2 in place. */
export const FEXR_MASK = FCSR_CAUSE_MASK | FCSR_FLAGS_MASK;
/** FENR (fcr28): Enables 11:7 and RM 1:0 in place, FS moved down to bit 2. */
export const FENR_FS = 1 << 2;
export const FENR_MASK = FCSR_ENABLES_MASK | FENR_FS | FCSR_RM_MASK;
/** Distance FS moves between FCSR (bit 24) and FENR (bit 2). */
export const FENR_FS_SHIFT = 22;
/** Distance FCC7..1 move between FCSR (31:25) and FCCR (7:1); FCC0 moves 23 → 0. */
export const FCCR_FCC_HI_SHIFT = 24;
export const FCCR_FCC0_SHIFT = 23;

// ---- legacy NaN encodings (FCSR.NAN2008 = 0: quiet NaN has the fraction MSB clear) ---------
export const DEFAULT_NAN_S = 0x7fbfffff;
export const DEFAULT_NAN_D_HI = 0x7ff7ffff;
export const DEFAULT_NAN_D_LO = -1; // 0xFFFFFFFF
/** Single: exponent field, exponent + fraction MSB (sNaN marker in legacy mode), sign. */
export const S_SIGN = 1 << 31;
export const S_EXP_MASK = 0x7f800000;
export const S_SNAN_MASK = 0x7fc00000;
export const S_FRAC_MASK = 0x007fffff;
/** Double high word: the same fields. */
export const D_HI_SIGN = 1 << 31;
export const D_HI_EXP_MASK = 0x7ff00000;
export const D_HI_SNAN_MASK = 0x7ff80000;
export const D_HI_FRAC_MASK = 0x000fffff;

// ---- integer conversion results with V (and V not enabled) ---------------------------------
export const INT32_INVALID = 0x7fffffff;
export const INT64_INVALID_HI = 0x7fffffff;
export const INT64_INVALID_LO = -1; // 0xFFFFFFFF

// ---- exception codes returned to the CPU (Cause.ExcCode values) -----------------------------
export const FPU_OK = 0;
export const EXCCODE_RI = 10;
export const EXCCODE_FPE = 15;
