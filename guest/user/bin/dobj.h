/* dobj.h: the object and image format shared by cc1 (which writes them) and pmake (which
 * runs the linked image to check the build). All fields are little-endian 32-bit words.
 *   object: "DOBJ", nfuncs, funcs..., nsyms, syms..., checksum
 *   image:  "DIMG", nfuncs, funcs..., checksum
 *   func:   name, nparams, nlocals, ncode, code words
 *   name:   length, then the bytes padded with zeros to a multiple of 4
 * Code is a stack machine: one word per instruction (opcode), followed by one operand word
 * for the opcodes below OP_HAS_ARG_END. In an object, OP_CALL's operand is an index into the
 * object's symbol table; the link step rewrites it to the callee's function index. The
 * checksum is FNV-1a over every byte before it. */
#ifndef DOBJ_H
#define DOBJ_H
#include <stdint.h>

#define DOBJ_MAGIC 0x4a424f44u   /* "DOBJ" */
#define DIMG_MAGIC 0x474d4944u   /* "DIMG" */

enum op {
  OP_PUSH = 1, OP_LOAD, OP_STORE, OP_JMP, OP_JZ, OP_CALL, OP_HAS_ARG_END,
  OP_POP = 16, OP_RET, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_AND, OP_OR, OP_XOR, OP_SHL,
  OP_SHR, OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE, OP_NEG, OP_NOT, OP_BNOT, OP_LAST
};

static inline uint32_t fnv1a(uint32_t h, const void *data, unsigned long n)
{
  const unsigned char *p = data;

  while (n--)
    h = (h ^ *p++) * 16777619u;
  return h;
}
#define FNV_INIT 2166136261u

/* Applies a binary opcode with the language's semantics: 32-bit wrap-around, shifts by
 * the low 5 bits, >> arithmetic, division by zero gives 0 (shared so pmake's reference
 * evaluator and its interpreter agree with the C program cc1 compiles). */
static inline int32_t dobj_binop(int op, int32_t a, int32_t b)
{
  uint32_t ua = (uint32_t)a, ub = (uint32_t)b;

  switch (op) {
  case OP_ADD: return (int32_t)(ua + ub);
  case OP_SUB: return (int32_t)(ua - ub);
  case OP_MUL: return (int32_t)(ua * ub);
  case OP_DIV: return b == 0 || (b == -1 && a == INT32_MIN) ? 0 : a / b;
  case OP_MOD: return b == 0 || (b == -1 && a == INT32_MIN) ? 0 : a % b;
  case OP_AND: return a & b;
  case OP_OR: return a | b;
  case OP_XOR: return a ^ b;
  case OP_SHL: return (int32_t)(ua << (ub & 31));
  case OP_SHR: return a >> (ub & 31);
  case OP_LT: return a < b;
  case OP_LE: return a <= b;
  case OP_GT: return a > b;
  case OP_GE: return a >= b;
  case OP_EQ: return a == b;
  case OP_NE: return a != b;
  }
  return 0;
}
#endif
