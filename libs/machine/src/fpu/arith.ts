// Correctly rounded binary32/binary64 arithmetic on host doubles, in all four FCSR rounding
// modes, with the IEEE exception bits (I U O Z V) and flush-to-zero as qemu's MIPS model does.
// Technique: the host computes the round-to-nearest result d; an error-free transformation
// (TwoSum, Dekker's TwoProduct, the exact division/sqrt remainder) gives the sign of
// (exact − d); from (d, that sign) the result is rounded to the target grid in any mode.

import * as fcsr from './fcsr.js';

// Module-local copies of the named constants: Node 20's V8 re-reads an imported binding
// through its module cell (with a TDZ check) at every use, which made decode ~70% slower;
// locals fold to constants. The values are defined once, in the imported modules.
const {
  EXC_I,
  EXC_O,
  EXC_U,
  EXC_V,
  EXC_Z,
  RM_MINUS,
  RM_NEAREST,
  RM_PLUS,
} = fcsr;

// ---- binary64 / binary32 format parameters ----------------------------------------------------
const D_PRECISION = 53;
const D_EMIN = -1022;
const D_EMAX = 1023;
const D_EXP_SHIFT = 20; // exponent field position in the high word
const D_EXP_BIAS = 1023;
const D_HI_MIN_NORMAL = 0x00100000; // high word of 2^-1022
const D_HI_FRACTION = 0x000fffff;
const D_SUBNORMAL_MIN_EXP = -1074;
const S_PRECISION = 24;
const S_EMIN = -126;
const S_EMAX = 127;

const POW2_BIAS = -D_SUBNORMAL_MIN_EXP; // POW2[n + POW2_BIAS] = 2^n, n in [-1074, 1023]
const POW2 = new Float64Array(POW2_BIAS + D_EMAX + 1);
{
  const bits = new Uint32Array(POW2.buffer);
  for (let n = D_SUBNORMAL_MIN_EXP; n <= D_EMAX; n++) {
    const i = n + POW2_BIAS;
    if (n >= D_EMIN) {
      bits[2 * i + 1] = (n + D_EXP_BIAS) << D_EXP_SHIFT;
    } else {
      const pos = n - D_SUBNORMAL_MIN_EXP; // fraction bit 0..51
      if (pos >= 32) bits[2 * i + 1] = 1 << (pos - 32);
      else bits[2 * i] = (1 << pos) >>> 0;
    }
  }
}

/** Exactly 2^n for integer n in [-1074, 1023]. */
export function pow2(n: number): number {
  return POW2[n + POW2_BIAS];
}

const MAX_D = Number.MAX_VALUE;
const MIN_NORMAL_D = pow2(D_EMIN);
const MAX_S = 3.4028234663852886e38; // (2 − 2^-23) · 2^127
const MIN_NORMAL_S = pow2(S_EMIN);
const TWO_32 = 4294967296;
const TWO_64 = pow2(64);
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -pow2(63);
const INT64_LIMIT = pow2(63); // first value past INT64_MAX

/**
 * Operand window of the double fast paths: inside it Dekker's splitting cannot overflow and the
 * product error term cannot underflow, so TwoProduct and the division/sqrt remainders are exact.
 * Outside it the operands are normalised to [1, 2) and the exponent is carried separately.
 */
const FAST_LO = pow2(-400);
const FAST_HI = pow2(400);
const FAST_SQRT_HI = pow2(800);
/** Smallest |d| the double fast rounding accepts (its one-ulp neighbours stay normal). */
const FAST_MIN_D = pow2(-1000);
const SCALE_STEP = 1000;
const SPLITTER = 134217729; // 2^27 + 1 (Veltkamp split of a 53-bit significand)

const scratchF64 = new Float64Array(1);
const scratchU32 = new Uint32Array(scratchF64.buffer); // [0] low word, [1] high word (LE host)
let lastWasPow2 = false;

/** floor(log2 a) for finite a > 0 (subnormals included); sets lastWasPow2. */
function exponentOf(a: number): number {
  scratchF64[0] = a;
  let hi = scratchU32[1];
  let bias = D_EXP_BIAS;
  if (hi < D_HI_MIN_NORMAL) {
    scratchF64[0] = a * TWO_64;
    hi = scratchU32[1];
    bias += 64;
  }
  lastWasPow2 = (hi & D_HI_FRACTION) === 0 && scratchU32[0] === 0;
  return (hi >>> D_EXP_SHIFT) - bias;
}

/** x · 2^n, exact whenever the result is a normal double. */
function scaleBy(x: number, n: number): number {
  while (n > SCALE_STEP) {
    x *= POW2[SCALE_STEP + POW2_BIAS];
    n -= SCALE_STEP;
  }
  while (n < -SCALE_STEP) {
    x *= POW2[-SCALE_STEP + POW2_BIAS];
    n += SCALE_STEP;
  }
  return x * POW2[n + POW2_BIAS];
}

/** Exact x·y − p where p = fl(x·y) (Dekker). Valid inside the fast-path window. */
function twoProductError(x: number, y: number, p: number): number {
  let t = SPLITTER * x;
  const xh = t - (t - x);
  const xl = x - xh;
  t = SPLITTER * y;
  const yh = t - (t - y);
  const yl = y - yh;
  return xh * yh - p + xh * yl + xl * yh + xl * yl;
}

function signOf(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

/** The neighbour of finite d ≠ 0 one ulp further from (dir = 1) or nearer to (dir = −1) zero. */
function stepMagnitude(d: number, dir: number): number {
  scratchF64[0] = d;
  let lo = scratchU32[0];
  let hi = scratchU32[1];
  if (dir > 0) {
    lo = (lo + 1) >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
  } else {
    if (lo === 0) hi = (hi - 1) >>> 0;
    lo = (lo - 1) >>> 0;
  }
  scratchU32[0] = lo;
  scratchU32[1] = hi;
  return scratchF64[0];
}

/** Round x (finite) to an integer in rounding mode rm. */
export function roundToIntegral(x: number, rm: number): number {
  if (rm === RM_NEAREST) {
    const fl = Math.floor(x);
    const diff = x - fl; // exact: below 2^52 the fraction fits, above it x is integral
    if (diff < 0.5) return fl;
    if (diff > 0.5) return fl + 1;
    return fl % 2 === 0 ? fl : fl + 1;
  }
  if (rm === RM_PLUS) return Math.ceil(x);
  if (rm === RM_MINUS) return Math.floor(x);
  return Math.trunc(x);
}

/**
 * IEEE arithmetic state for one instruction: the rounding mode and FS flag copied from FCSR
 * before the operation, and the Cause bits it raises. Operands and results are JS numbers
 * holding exact binary32/binary64 values; NaN operands must be screened by the caller (a NaN
 * coming out of an earlier step of the same instruction is passed through quietly).
 * Nothing here allocates.
 */
export class FpArith {
  rm = RM_NEAREST;
  flush = false;
  cause = 0;
  /** Result words of toInt(). */
  intLo = 0;
  intHi = 0;

  // ---- single precision (operands are binary32 values; the double-precision intermediate
  //      never overflows or underflows, so no scaling is needed) ---------------------------

  addS(a: number, b: number): number {
    const d = a + b;
    if (d !== d) return this.invalidUnlessNaNIn(a, b);
    if (d === Infinity || d === -Infinity) return d; // an infinite operand: exact
    if (d === 0) return this.exactZeroSum(a, b);
    const bb = d - a;
    const e = a - (d - bb) + (b - bb);
    return this.roundS(d, signOf(e));
  }

  mulS(a: number, b: number): number {
    const d = a * b; // exact: 48-bit product, far inside the double range
    if (d !== d) return this.invalidUnlessNaNIn(a, b);
    if (d === 0 || d === Infinity || d === -Infinity) return d;
    return this.roundS(d, 0);
  }

  divS(a: number, b: number): number {
    const d = a / b;
    if (d !== d) return this.invalidUnlessNaNIn(a, b);
    if (b === 0) {
      if (a !== Infinity && a !== -Infinity) this.cause |= EXC_Z;
      return d;
    }
    if (d === 0 || d === Infinity || d === -Infinity) return d;
    return this.roundS(d, this.quotientErrorSign(a, b, d));
  }

  sqrtS(a: number): number {
    if (a !== a) return a;
    if (a < 0) return this.invalid();
    if (a === 0 || a === Infinity) return a;
    const d = Math.sqrt(a);
    return this.roundS(d, this.sqrtErrorSign(a, d));
  }

  // ---- double precision ------------------------------------------------------------------

  addD(a: number, b: number): number {
    let d = a + b;
    if (d !== d) return this.invalidUnlessNaNIn(a, b);
    if (d === Infinity || d === -Infinity) {
      if (a === Infinity || a === -Infinity || b === Infinity || b === -Infinity) return d;
      // Finite operands overflowed: both are ≥ 2^969 in magnitude, so halving is exact.
      const ha = a * 0.5;
      const hb = b * 0.5;
      d = ha + hb;
      const hbb = d - ha;
      return this.roundD(d, signOf(ha - (d - hbb) + (hb - hbb)), 1);
    }
    if (d === 0) return this.exactZeroSum(a, b);
    const bb = d - a;
    const e = a - (d - bb) + (b - bb);
    return this.roundD(d, signOf(e), 0);
  }

  mulD(a: number, b: number): number {
    const d = a * b;
    if (d !== d) return this.invalidUnlessNaNIn(a, b);
    const aa = a < 0 ? -a : a;
    const ab = b < 0 ? -b : b;
    if (aa === 0 || ab === 0 || aa === Infinity || ab === Infinity) return d;
    if (aa >= FAST_LO && aa <= FAST_HI && ab >= FAST_LO && ab <= FAST_HI) {
      return this.roundD(d, signOf(twoProductError(a, b, d)), 0);
    }
    const ea = exponentOf(aa);
    const eb = exponentOf(ab);
    const ma = scaleBy(a, -ea);
    const mb = scaleBy(b, -eb);
    const dm = ma * mb;
    return this.roundD(dm, signOf(twoProductError(ma, mb, dm)), ea + eb);
  }

  divD(a: number, b: number): number {
    const d = a / b;
    if (d !== d) return this.invalidUnlessNaNIn(a, b);
    if (b === 0) {
      if (a !== Infinity && a !== -Infinity) this.cause |= EXC_Z;
      return d;
    }
    const aa = a < 0 ? -a : a;
    const ab = b < 0 ? -b : b;
    if (aa === 0 || aa === Infinity || ab === Infinity) return d;
    if (aa >= FAST_LO && aa <= FAST_HI && ab >= FAST_LO && ab <= FAST_HI) {
      return this.roundD(d, this.quotientErrorSign(a, b, d), 0);
    }
    const ea = exponentOf(aa);
    const eb = exponentOf(ab);
    const ma = scaleBy(a, -ea);
    const mb = scaleBy(b, -eb);
    const dm = ma / mb;
    return this.roundD(dm, this.quotientErrorSign(ma, mb, dm), ea - eb);
  }

  sqrtD(a: number): number {
    if (a !== a) return a;
    if (a < 0) return this.invalid();
    if (a === 0 || a === Infinity) return a;
    if (a >= FAST_LO && a <= FAST_SQRT_HI) {
      const d = Math.sqrt(a);
      return this.roundD(d, this.sqrtErrorSign(a, d), 0);
    }
    let ea = exponentOf(a);
    if (ea & 1) ea -= 1; // keep the exponent even: the mantissa lands in [1, 4)
    const ma = scaleBy(a, -ea);
    const d = Math.sqrt(ma);
    return this.roundD(d, this.sqrtErrorSign(ma, d), ea / 2);
  }

  // ---- conversions -------------------------------------------------------------------------

  /** A finite double (or an exact integer) to binary32 in the current mode. */
  toSingle(a: number): number {
    if (a === 0 || a === Infinity || a === -Infinity) return a;
    return this.roundS(a, 0);
  }

  /** The signed 64-bit integer hi:lo to binary32 (single = true) or binary64. */
  fromInt64(hi: number, lo: number, single: boolean): number {
    const hp = hi * TWO_32;
    const lu = lo >>> 0;
    const d = hp + lu;
    if (d === 0) return 0;
    const bb = d - hp;
    const es = signOf(hp - (d - bb) + (lu - bb));
    return single ? this.roundS(d, es) : this.roundD(d, es, 0);
  }

  /**
   * x (a binary32/64 value, possibly NaN or infinite) to a 32- or 64-bit integer with rounding
   * mode rm. Result in intLo (and intHi). NaN, infinities and out-of-range values raise V only
   * and give 0x7FFFFFFF / 0x7FFFFFFF_FFFFFFFF (the legacy MIPS default, also for negatives).
   */
  toInt(x: number, rm: number, is64: boolean): void {
    if (x === x && x !== Infinity && x !== -Infinity) {
      const r = roundToIntegral(x, rm);
      if (is64 ? r >= INT64_MIN && r < INT64_LIMIT : r >= INT32_MIN && r <= INT32_MAX) {
        if (r !== x) this.cause |= EXC_I;
        if (is64) {
          const hi = Math.floor(r / TWO_32);
          this.intHi = hi | 0;
          this.intLo = (r - hi * TWO_32) | 0;
        } else {
          this.intLo = r | 0;
        }
        return;
      }
    }
    this.cause |= EXC_V;
    this.intLo = is64 ? -1 : INT32_MAX;
    this.intHi = INT32_MAX;
  }

  // ---- rounding --------------------------------------------------------------------------

  /**
   * Round to binary32 the exact value x = d + ε, where d is a double and ε is tiny (below half
   * an ulp of d) with sign es. Fast path: round-to-nearest of an exact normal value is fround.
   */
  roundS(d: number, es: number): number {
    if (es === 0 && this.rm === RM_NEAREST) {
      const ad = d < 0 ? -d : d;
      if (ad >= MIN_NORMAL_S) {
        const f = Math.fround(d);
        if (f !== Infinity && f !== -Infinity) {
          if (f !== d) this.cause |= EXC_I;
          return f;
        }
      }
    }
    return this.roundToGrid(d, es, 0, S_PRECISION, S_EMIN, S_EMAX, MAX_S);
  }

  /**
   * Round to binary64 the exact value (d + ε) · 2^scale (ε as in roundS). Fast path (scale 0,
   * normal d): d is already the round-to-nearest result; a directed mode moves it one ulp
   * when ε points the way the mode rounds.
   */
  roundD(d: number, es: number, scale: number): number {
    if (scale === 0) {
      const ad = d < 0 ? -d : d;
      if (ad >= FAST_MIN_D && ad <= MAX_D) {
        if (es === 0) return d;
        this.cause |= EXC_I;
        if (this.rm === RM_NEAREST) return d;
        const neg = d < 0;
        const em = neg ? -es : es;
        const away = this.roundsAwayFromZero(neg);
        if (em > 0 ? !away : away) return d;
        const r = stepMagnitude(d, em);
        if (r === Infinity || r === -Infinity) this.cause |= EXC_O;
        return r;
      }
      if (es === 0 && ad < FAST_MIN_D) {
        // An exact small result (or zero): only FS can change it.
        if (ad !== 0 && ad < MIN_NORMAL_D && this.flush) return d < 0 ? -0 : 0;
        return d;
      }
    }
    return this.roundToGrid(d, es, scale, D_PRECISION, D_EMIN, D_EMAX, MAX_D);
  }

  /**
   * General rounding of (d + ε) · 2^scale to a format with precision p and exponent range
   * [emin, emax]: scale the value so that one unit of the target grid is 1, split it into
   * integer n and fraction f, and pick n or n ± 1 from f, the sign of ε and the mode.
   * Handles overflow, subnormal results, tininess after rounding (as qemu) and FS.
   */
  private roundToGrid(
    d: number,
    es: number,
    scale: number,
    p: number,
    emin: number,
    emax: number,
    max: number,
  ): number {
    if (d === 0) return d;
    const neg = d < 0;
    const a = neg ? -d : d;
    const em = neg ? -es : es; // direction of the error in magnitude
    let k = exponentOf(a);
    if (em < 0 && lastWasPow2) k -= 1; // exact value lies just below the power of two
    k += scale;
    if (k > emax) return this.overflow(neg, max);
    if (k < emin && this.flush) return neg ? -0 : 0; // FS: below the normal range → 0, no flags
    const g = (k < emin ? emin : k) - (p - 1); // exponent of one grid unit
    let q = scaleBy(a, scale - g);
    if (q === 0) q = Number.MIN_VALUE; // far below half a unit: only "non-zero" matters
    const n = Math.floor(q);
    const f = q - n;
    const m = this.pick(n, f, em, neg);
    if (f !== 0 || em !== 0) {
      let c = EXC_I;
      if (k < emin && (k < emin - 1 || !this.reachesMinNormal(q, em, neg, p))) c |= EXC_U;
      this.cause |= c;
    }
    if (k === emax && m === pow2(p)) return this.overflow(neg, max);
    const r = m * pow2(g);
    return neg ? -r : r;
  }

  /** Tininess after rounding for a value in [2^(emin−1), 2^emin): would rounding it with an
   *  unbounded exponent (grid half as wide) reach 2^emin? */
  private reachesMinNormal(q: number, em: number, neg: boolean, p: number): boolean {
    const q2 = q * 2;
    const n2 = Math.floor(q2);
    return this.pick(n2, q2 - n2, em, neg) === pow2(p);
  }

  /** The integer the magnitude n + f (+ error of direction em) rounds to. */
  private pick(n: number, f: number, em: number, neg: boolean): number {
    if (f === 0) {
      if (em === 0 || this.rm === RM_NEAREST) return n;
      const away = this.roundsAwayFromZero(neg);
      if (em > 0) return away ? n + 1 : n;
      return away ? n : n - 1;
    }
    if (this.rm === RM_NEAREST) {
      if (f > 0.5) return n + 1;
      if (f < 0.5) return n;
      if (em !== 0) return em > 0 ? n + 1 : n;
      return n % 2 === 0 ? n : n + 1;
    }
    return this.roundsAwayFromZero(neg) ? n + 1 : n;
  }

  /** Directed modes that round this sign's magnitudes up (+∞ for positives, −∞ for negatives). */
  private roundsAwayFromZero(neg: boolean): boolean {
    return neg ? this.rm === RM_MINUS : this.rm === RM_PLUS;
  }

  private overflow(neg: boolean, max: number): number {
    this.cause |= EXC_O | EXC_I;
    const inf = this.rm === RM_NEAREST || this.roundsAwayFromZero(neg);
    const r = inf ? Infinity : max;
    return neg ? -r : r;
  }

  /** a + b is exactly zero: +0 unless both are −0, except −0 when rounding toward −∞. */
  private exactZeroSum(a: number, b: number): number {
    return this.rm === RM_MINUS ? -(-a + -b) : a + b;
  }

  private invalid(): number {
    this.cause |= EXC_V;
    return NaN;
  }

  private invalidUnlessNaNIn(a: number, b: number): number {
    if (a === a && b === b) this.cause |= EXC_V;
    return NaN;
  }

  /** Sign of (a/b − d): the remainder a − d·b is exact (Sterbenz + TwoProduct). */
  private quotientErrorSign(a: number, b: number, d: number): number {
    const p = d * b;
    const rem = a - p - twoProductError(d, b, p);
    if (rem === 0) return 0;
    return rem > 0 === b > 0 ? 1 : -1;
  }

  /** Sign of (√a − d), i.e. of a − d². */
  private sqrtErrorSign(a: number, d: number): number {
    const p = d * d;
    return signOf(a - p - twoProductError(d, d, p));
  }
}
