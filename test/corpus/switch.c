/* Corpus: control flow through jump tables: dense switch statements (jr via a table at -O2),
 * a small bytecode interpreter, function-pointer dispatch tables and computed goto. */
#include <stdio.h>
#include <stdint.h>

static int classify(int c) {
  switch (c) {
    case 0: return 10;
    case 1: return 21;
    case 2: return 32;
    case 3: return 43;
    case 4: return 54;
    case 5: return 65;
    case 6: return 76;
    case 7: return 87;
    case 8: return 98;
    case 9: return 109;
    case 10: return 1110;
    case 11: return 1211;
    case 12: return 1312;
    case 14: return 1514;
    case 15: return 1615;
    case 17: return 1817;
    default: return -c;
  }
}

enum op { PUSH, ADD, SUB, MUL, MOD, DUP, OVER, DROP, SWAP, ROT, DEC, JNZ, PRINT, HALT };

/* A stack-machine interpreter: one dense switch per executed bytecode. */
static int64_t run_vm(const int32_t *code) {
  int64_t stack[64];
  int sp = 0, pc = 0;
  long steps = 0;
  int64_t trace = 0;
  for (;;) {
    steps++;
    switch ((enum op)code[pc++]) {
      case PUSH: stack[sp++] = code[pc++]; break;
      case ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
      case DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case OVER: stack[sp] = stack[sp - 2]; sp++; break;
      case DROP: sp--; break;
      case SWAP: { int64_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
      case ROT: { int64_t a = stack[sp - 3]; stack[sp - 3] = stack[sp - 2]; stack[sp - 2] = stack[sp - 1]; stack[sp - 1] = a; break; }
      case DEC: stack[sp - 1]--; break;
      case JNZ: { int32_t target = code[pc++]; if (stack[--sp]) pc = target; break; }
      case PRINT: trace = trace * 31 + stack[sp - 1]; break;
      case HALT: printf("  vm: steps=%ld depth=%d top=%lld\n", steps, sp, (long long)stack[sp - 1]); return trace;
    }
  }
}

/* acc = sum over i = n..1 of (i*i mod 7) - (i mod 3); stack is [acc, i] at the loop head */
static const int32_t sum_prog[] = {
  /* 0 */ PUSH, 0, PUSH, 5000,
  /* 4 */ DUP, DUP, MUL, PUSH, 7, MOD,  /* acc i t */
  /* 10 */ OVER, PUSH, 3, MOD, SUB,      /* acc i t' */
  /* 15 */ ROT, ADD, SWAP,               /* i t' acc -> i acc' -> acc' i */
  /* 18 */ DUP, PUSH, 1000, MOD, JNZ, 27, /* every 1000th i: trace acc */
  /* 24 */ OVER, PRINT, DROP,
  /* 27 */ DEC, DUP, JNZ, 4,
  /* 31 */ DROP, PRINT, HALT,
};

/* factorial of 20 by repeated multiplication: [acc, n] */
static const int32_t fact_prog[] = {
  PUSH, 1, PUSH, 20,
  /* 4 */ DUP, ROT, MUL, SWAP, DEC, DUP, JNZ, 4,
  DROP, PRINT, HALT,
};

static int f_add(int a, int b) { return a + b; }
static int f_sub(int a, int b) { return a - b; }
static int f_mul(int a, int b) { return a * b; }
static int f_xor(int a, int b) { return a ^ b; }
static int f_shl(int a, int b) { return (int)((unsigned)a << (b & 7)); }
static int (*const table[])(int, int) = {f_add, f_sub, f_mul, f_xor, f_shl};

static int computed_goto(int n) {
  static void *const labels[] = {&&l0, &&l1, &&l2, &&l3};
  int acc = 0, i = 0;
  goto *labels[0];
l0: acc += 1; if (++i >= n) return acc; goto *labels[i & 3];
l1: acc *= 3; if (++i >= n) return acc; goto *labels[(i * 7) & 3];
l2: acc -= 7; if (++i >= n) return acc; goto *labels[(acc & 3)];
l3: acc ^= 0x55; if (++i >= n) return acc; goto *labels[(i + acc) & 3];
}

int main(void) {
  uint32_t s = 0;
  for (int c = -3; c < 25; c++) {
    int v = classify(c);
    s = s * 3 + (uint32_t)v;
    printf("%d:%d ", c, v);
  }
  printf("\nclassify checksum=%u\n", s);
  printf("vm(sum_prog) trace=%lld\n", (long long)run_vm(sum_prog));
  printf("vm(fact_prog) trace=%lld\n", (long long)run_vm(fact_prog));
  int acc = 1;
  for (int i = 0; i < 100000; i++) acc = table[(unsigned)(acc ^ i) % 5](acc, i) & 0xfffff;
  printf("fnptr dispatch=%d\n", acc);
  printf("computed goto=%d %d %d\n", computed_goto(10), computed_goto(1000), computed_goto(99999));
  /* string switch on chars */
  const char *msg = "Hello, World! 123 MIPS r2 jump tables.";
  int counts[5] = {0};
  for (const char *c = msg; *c; c++) {
    switch (*c) {
      case 'a': case 'e': case 'i': case 'o': case 'u': case 'A': case 'E': case 'I': case 'O': case 'U': counts[0]++; break;
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9': counts[1]++; break;
      case ' ': counts[2]++; break;
      case '.': case ',': case '!': counts[3]++; break;
      default: counts[4]++;
    }
  }
  printf("vowels=%d digits=%d spaces=%d punct=%d other=%d\n", counts[0], counts[1], counts[2], counts[3], counts[4]);
  return 0;
}
