/* Corpus: recursion: deep (tens of thousands of frames), mutual, Ackermann, Hanoi,
 * a recursive-descent expression parser, and permutations by backtracking. */
#include <stdio.h>
#include <string.h>

static int depth_sum(int n) {
  volatile int local[4] = {n, n + 1, n + 2, n + 3};
  if (n == 0) return 0;
  return local[0] % 7 + depth_sum(n - 1) + local[3] - local[3];
}

static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

static unsigned long ack(unsigned long m, unsigned long n) {
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

static long moves;
static void hanoi(int n, int from, int to, int via) {
  if (n == 0) return;
  hanoi(n - 1, from, via, to);
  moves += from * 3 + to;
  hanoi(n - 1, via, to, from);
}

static unsigned fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

/* expr := term (('+'|'-') term)* ; term := factor (('*'|'/'|'%') factor)* ; factor := num | '(' expr ')' | '-' factor */
static const char *pos;
static long expr(void);
static long factor(void) {
  if (*pos == '(') { pos++; long v = expr(); pos++; return v; }
  if (*pos == '-') { pos++; return -factor(); }
  long v = 0;
  while (*pos >= '0' && *pos <= '9') v = v * 10 + (*pos++ - '0');
  return v;
}
static long term(void) {
  long v = factor();
  for (;;) {
    char op = *pos;
    if (op != '*' && op != '/' && op != '%') return v;
    pos++;
    long r = factor();
    v = op == '*' ? v * r : op == '/' ? (r ? v / r : 0) : (r ? v % r : 0);
  }
}
static long expr(void) {
  long v = term();
  while (*pos == '+' || *pos == '-') { char op = *pos++; long r = term(); v = op == '+' ? v + r : v - r; }
  return v;
}
static long eval(const char *s) { pos = s; return expr(); }

static int perm[9], used[9], count;
static long permsum;
static void permute(int k, int n) {
  if (k == n) {
    count++;
    long v = 0;
    for (int i = 0; i < n; i++) v = v * 10 + perm[i];
    if (count % 5000 == 1) printf("  perm %d = %ld\n", count, v);
    permsum += v % 1000;
    return;
  }
  for (int i = 0; i < n; i++)
    if (!used[i]) { used[i] = 1; perm[k] = i + 1; permute(k + 1, n); used[i] = 0; }
}

int main(void) {
  printf("depth_sum(50000) = %d\n", depth_sum(50000));
  printf("is_even(30001) = %d, is_odd(30001) = %d\n", is_even(30001), is_odd(30001));
  printf("ack(2,3) = %lu, ack(3,5) = %lu\n", ack(2, 3), ack(3, 5));
  hanoi(16, 1, 3, 2);
  printf("hanoi(16) checksum = %ld\n", moves);
  printf("fib(24) = %u\n", fib(24));
  const char *exprs[] = {"1+2*3", "(1+2)*3", "-(4-10)*-(2)", "100/7%4+2*(3-(4*(5-6)))", "((((((((((7))))))))))*6",
                         "2*3*4*5*6*7*8*9/10-1"};
  for (int i = 0; i < 6; i++) printf("eval(%s) = %ld\n", exprs[i], eval(exprs[i]));
  permute(0, 8);
  printf("permutations = %d, sum = %ld\n", count, permsum);
  return 0;
}
