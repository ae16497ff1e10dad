/* Corpus: setjmp/longjmp: non-local exits from deep call chains, values preserved in
 * volatile locals and callee-saved registers, nested jump buffers, longjmp(env, 0) -> 1. */
#include <stdio.h>
#include <setjmp.h>

static jmp_buf top, inner;
static int depth_reached;

static void dive(int n, int target) {
  volatile char pad[64];
  pad[n & 63] = (char)(n & 0x7f);
  depth_reached = n + pad[n & 63] - (n & 0x7f);
  if (n == target) longjmp(top, n * 10 + 1);
  if (n > 100000) return;
  dive(n + 1, target);
}

static int nested(int k) {
  int r = setjmp(inner);
  if (r == 0) {
    if (k % 2) longjmp(inner, k);
    return -k;
  }
  return r * 100;
}

static double fp_survives(void) {
  volatile double acc = 0.5;
  jmp_buf env;
  if (setjmp(env) == 0) {
    acc *= 3.0;
    longjmp(env, 0); /* setjmp must then return 1 */
  }
  return acc;
}

int main(void) {
  volatile int fails = 0;
  for (volatile int t = 0; t < 20; t++) {
    volatile int counter = t * 3;
    register int keep = t * 7 + 1; /* lives in a callee-saved register at -O2 */
    int r = setjmp(top);
    if (r == 0) {
      counter++;
      dive(0, t * 37);
      printf("not reached\n");
      fails++;
    } else {
      printf("jump %2d: r=%d depth=%d counter=%d keep=%d\n", t, r, depth_reached, counter, keep);
      if (r != t * 370 + 1 || keep != t * 7 + 1 || counter != t * 3 + 1) fails++;
    }
  }
  for (int k = 0; k < 6; k++) printf("nested(%d) = %d\n", k, nested(k));
  printf("fp across longjmp: %g\n", fp_survives());
  /* jump back into a loop many times */
  static jmp_buf loop;
  volatile int iter = 0;
  volatile long sum = 0;
  if (setjmp(loop) < 1000) {
    sum += iter * iter;
    iter++;
    if (iter < 1000) longjmp(loop, iter);
  }
  printf("loop via longjmp: iter=%d sum=%ld\n", iter, sum);
  printf("fails = %d\n", fails);
  return fails ? 3 : 0;
}
