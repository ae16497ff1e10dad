/* fpstress: N processes each run a floating-point recurrence with its own constants while
 * yielding, so the kernel must save and restore every process's FPU registers across
 * context switches and CPUs. Prints "fpstress: OK" if every child got the exact result. */
#include "rt.h"

static double run(int seed, int steps) {
  double a = seed + 0.5, b = 1.0 / (seed + 3), c = 0;
  for (int i = 0; i < steps; i++) {
    c = c * 0.5 + a * b;
    a = a + b;
    if ((i & 63) == 0) sys0(SYS_sched_yield);
  }
  return c + a;
}

int main(void) {
  const int n = 6, steps = 20000;
  for (int k = 0; k < n; k++) {
    long pid = sys6(SYS_clone, 18, 0, 0, 0, 0, 0);
    if (pid == 0) {
      double r1 = run(k, steps);
      double r2 = run(k, steps);
      exit_(r1 == r2 ? 0 : 1);
    }
  }
  int bad = 0;
  for (int k = 0; k < n; k++) {
    int status = 0;
    sys4(SYS_wait4, -1, &status, 0, 0);
    if (status != 0) bad++;
  }
  puts_(bad ? "fpstress: FAIL\n" : "fpstress: OK\n");
  return bad;
}
