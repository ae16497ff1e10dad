/* lib64.c: 64-bit division helpers GCC calls on a 32-bit CPU (__udivdi3 and friends).
 * Debian's libgcc for this target is PIC and hard-float, so the kernel brings its own. */
#include "types.h"

u64 udivmod64(u64 n, u64 d, u64 *rem) {
  u64 q = 0, r = 0;
  if (d == 0) {
    if (rem) *rem = 0;
    return 0;
  }
  if ((n >> 32) == 0 && (d >> 32) == 0) {
    if (rem) *rem = (u32)n % (u32)d;
    return (u32)n / (u32)d;
  }
  int top = (n >> 32) ? 63 - __builtin_clz((u32)(n >> 32)) : 31 - __builtin_clz((u32)n | 1);
  for (int i = top; i >= 0; i--) {
    r = (r << 1) | ((n >> i) & 1);
    if (r >= d) {
      r -= d;
      q |= (u64)1 << i;
    }
  }
  if (rem) *rem = r;
  return q;
}

u64 __udivdi3(u64 n, u64 d);
u64 __umoddi3(u64 n, u64 d);
s64 __divdi3(s64 n, s64 d);
s64 __moddi3(s64 n, s64 d);

u64 __udivdi3(u64 n, u64 d) { return udivmod64(n, d, NULL); }

u64 __umoddi3(u64 n, u64 d) {
  u64 r;
  udivmod64(n, d, &r);
  return r;
}

s64 __divdi3(s64 n, s64 d) {
  bool neg = (n < 0) != (d < 0);
  u64 q = udivmod64(n < 0 ? -(u64)n : (u64)n, d < 0 ? -(u64)d : (u64)d, NULL);
  return neg ? -(s64)q : (s64)q;
}

s64 __moddi3(s64 n, s64 d) {
  u64 r;
  udivmod64(n < 0 ? -(u64)n : (u64)n, d < 0 ? -(u64)d : (u64)d, &r);
  return n < 0 ? -(s64)r : (s64)r;
}
