// Instruction-field names for COP1 (op 0x11) and COP1X (op 0x13): the fmt/rs values, the
// funct numbers of the .S/.D/.W/.L tables and the COP1X arithmetic functs.
// Reference: shared/reference/mips32r2.md §1.1, §1.7, §1.8.

// ---- field extraction (shift, mask) -------------------------------------------------------
export const FMT_SHIFT = 21; // fmt / rs 25:21 (COP1X: fr)
export const FT_SHIFT = 16; // ft / rt 20:16
export const FS_SHIFT = 11; // fs 15:11
export const FD_SHIFT = 6; // fd 10:6
export const REG_MASK = 0x1f;
export const FUNCT_MASK = 0x3f;
/** MOVF/MOVT.fmt and C.cond.fmt: condition code number. */
export const MOVCF_CC_SHIFT = 18; // cc 20:18
export const MOVCF_TF_BIT = 1 << 16; // tf 16
export const CMP_CC_SHIFT = 8; // cc 10:8
export const CC_MASK = 0x7;
/** C.cond.fmt: cond = funct 3:0. */
export const COND_MASK = 0xf;
export const COND_UN = 0x1; // true if unordered
export const COND_EQ = 0x2; // true if equal
export const COND_LT = 0x4; // true if less
export const COND_SIGNAL = 0x8; // a quiet NaN operand also signals V

// ---- COP1 rs / fmt field ------------------------------------------------------------------
export const RS_MFC1 = 0x00;
export const RS_CFC1 = 0x02;
export const RS_MFHC1 = 0x03;
export const RS_MTC1 = 0x04;
export const RS_CTC1 = 0x06;
export const RS_MTHC1 = 0x07;
export const RS_BC1 = 0x08; // decoded by the CPU
export const FMT_S = 0x10;
export const FMT_D = 0x11;
export const FMT_W = 0x14;
export const FMT_L = 0x15;
export const FMT_PS = 0x16; // paired single: not implemented (RI)

// ---- funct for fmt S/D (and W/L where noted) ---------------------------------------------
export const F_ADD = 0x00;
export const F_SUB = 0x01;
export const F_MUL = 0x02;
export const F_DIV = 0x03;
export const F_SQRT = 0x04;
export const F_ABS = 0x05;
export const F_MOV = 0x06;
export const F_NEG = 0x07;
export const F_ROUND_L = 0x08;
export const F_TRUNC_L = 0x09;
export const F_CEIL_L = 0x0a;
export const F_FLOOR_L = 0x0b;
export const F_ROUND_W = 0x0c;
export const F_TRUNC_W = 0x0d;
export const F_CEIL_W = 0x0e;
export const F_FLOOR_W = 0x0f;
export const F_MOVCF = 0x11;
export const F_MOVZ = 0x12;
export const F_MOVN = 0x13;
export const F_RECIP = 0x15;
export const F_RSQRT = 0x16;
export const F_CVT_S = 0x20; // D, W, L
export const F_CVT_D = 0x21; // S, W, L
export const F_CVT_W = 0x24;
export const F_CVT_L = 0x25;
export const F_C_FIRST = 0x30; // C.cond.fmt = 0x30 + cond

// ---- COP1X (op 0x13) funct: op4 5:3 + fmt3 2:0 --------------------------------------------
export const X_OP4_SHIFT = 3;
export const X_FMT3_MASK = 0x7;
export const X_FMT3_S = 0;
export const X_FMT3_D = 1;
export const X_OP4_MADD = 4;
export const X_OP4_MSUB = 5;
export const X_OP4_NMADD = 6;
export const X_OP4_NMSUB = 7;
/** ROUND/TRUNC/CEIL/FLOOR (.L 0x08–0x0B, .W 0x0C–0x0F): the low two funct bits equal the FCSR.RM
 *  code of the rounding each one uses (0 nearest, 1 zero, 2 +∞, 3 −∞). */
export const ROUNDING_FUNCT_MODE_MASK = 0x3;
