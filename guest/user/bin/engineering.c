/* engineering [-w workers] [-m MiB] [-i iterations]: the paper's "engineering" workload, a
 * set of long-running simulation processes with large working sets. Each worker owns a
 * grid of 32-bit cells, one 4 KiB page per row, in two buffers totalling MiB, and runs
 * Jacobi sweeps with periodic boundaries,
 *     new[i][j] = old[i][j] + old[i-1][j] + old[i+1][j] + old[i][j-1] + old[i][j+1]  (mod 2^32),
 * walking the grid column by column so that nearly every access lands on another page (a
 * high TLB-miss rate). Two invariants have closed forms: the sum S grows as S_T = 5^T S_0,
 * and the checkerboard sum A (cells with i+j odd counted negative) as A_T = (-3)^T A_0.
 * The parent recomputes S_0 and A_0 from each worker's seed, checks both laws on what the
 * workers report through a pipe, and prints "engineering: OK <checksum>" (or FAIL).
 * Defaults: -w 2 -m 8 -i 2 (8 MiB per worker). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define COLS 1024                 /* one 4 KiB page per row */
#define MAXWORKERS 16

struct result {
  uint32_t s0, a0, st, at, weighted;
};

static int nworkers = 2, mib = 8, iters = 2;
static int rows;

static uint32_t next_random(uint32_t *state)
{
  uint32_t x = *state;

  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *state = x;
}

static uint32_t seed_of(int worker)
{
  return 0x9e3779b9u * (uint32_t)(worker + 1);
}

/* The invariants of the initial grid of `worker`, from its seed alone. */
static void initial_sums(int worker, uint32_t *s, uint32_t *a)
{
  uint32_t state = seed_of(worker), v;
  int i, j;

  *s = *a = 0;
  for (i = 0; i < rows; i++)
    for (j = 0; j < COLS; j++) {
      v = next_random(&state) & 0xffff;
      *s += v;
      *a += ((i + j) & 1) ? -v : v;
    }
}

/* One Jacobi sweep from src to dst, column by column (page-hostile order). */
static void sweep(const uint32_t *src, uint32_t *dst)
{
  int i, j;

  for (j = 0; j < COLS; j++) {
    int jl = (j + COLS - 1) % COLS, jr = (j + 1) % COLS;
    const uint32_t *up = src + (size_t)(rows - 1) * COLS, *mid = src, *down = src + COLS;
    uint32_t *out = dst + j;
    for (i = 0; i < rows; i++) {
      *out = mid[j] + up[j] + down[j] + mid[jl] + mid[jr];
      out += COLS;
      up = mid;
      mid = down;
      down = i + 2 < rows ? down + COLS : src;
    }
  }
}

static void worker(int id, int fd)
{
  size_t bytes = (size_t)rows * COLS * sizeof(uint32_t);
  uint32_t *a = mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  uint32_t *b = mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  uint32_t state = seed_of(id);
  struct result r;
  size_t k;
  int t;

  if (a == MAP_FAILED || b == MAP_FAILED) {
    fprintf(stderr, "engineering: worker %d: mmap: %s\n", id, strerror(errno));
    _exit(1);
  }
  memset(&r, 0, sizeof r);
  for (k = 0; k < (size_t)rows * COLS; k++) {
    uint32_t v = next_random(&state) & 0xffff;
    int i = (int)(k / COLS), j = (int)(k % COLS);
    a[k] = v;
    r.s0 += v;
    r.a0 += ((i + j) & 1) ? -v : v;
  }
  for (t = 0; t < iters; t++) {
    uint32_t *swap = a;
    sweep(a, b);
    a = b;
    b = swap;
  }
  for (k = 0; k < (size_t)rows * COLS; k++) {
    int i = (int)(k / COLS), j = (int)(k % COLS);
    r.st += a[k];
    r.at += ((i + j) & 1) ? -a[k] : a[k];
    r.weighted += a[k] * (uint32_t)(k + 1);
  }
  if (write(fd, &r, sizeof r) != sizeof r)
    _exit(1);
  _exit(0);
}

static uint32_t power(uint32_t base, int n)
{
  uint32_t r = 1;

  while (n-- > 0)
    r *= base;
  return r;
}

int main(int argc, char **argv)
{
  int fds[MAXWORKERS], i, bad = 0;
  pid_t pids[MAXWORKERS];
  uint32_t sum = 2166136261u;

  for (i = 1; i < argc; i++) {
    if (i + 1 < argc && strcmp(argv[i], "-w") == 0) nworkers = atoi(argv[++i]);
    else if (i + 1 < argc && strcmp(argv[i], "-m") == 0) mib = atoi(argv[++i]);
    else if (i + 1 < argc && strcmp(argv[i], "-i") == 0) iters = atoi(argv[++i]);
    else {
      fprintf(stderr, "usage: engineering [-w workers] [-m MiB-per-worker] [-i iterations]\n");
      return 2;
    }
  }
  if (nworkers < 1 || nworkers > MAXWORKERS || mib < 1 || mib > 1024 || iters < 0) {
    fprintf(stderr, "engineering: bad parameters (1 <= workers <= %d, 1 <= MiB <= 1024)\n", MAXWORKERS);
    return 2;
  }
  rows = mib * 128;            /* two buffers of rows * 4 KiB = MiB */
  for (i = 0; i < nworkers; i++) {
    int p[2];
    if (pipe(p) < 0 || (pids[i] = fork()) < 0) {
      perror("engineering: pipe/fork");
      return 1;
    }
    if (pids[i] == 0) {
      close(p[0]);
      worker(i, p[1]);
    }
    close(p[1]);
    fds[i] = p[0];
  }
  for (i = 0; i < nworkers; i++) {
    struct result r;
    uint32_t s0, a0;
    int st, ok;
    ssize_t n = read(fds[i], &r, sizeof r);
    close(fds[i]);
    waitpid(pids[i], &st, 0);
    initial_sums(i, &s0, &a0);
    ok = n == sizeof r && WIFEXITED(st) && WEXITSTATUS(st) == 0 && r.s0 == s0 && r.a0 == a0 &&
         r.st == s0 * power(5, iters) && r.at == a0 * power((uint32_t)-3, iters);
    printf("engineering: worker %d: %d x %d cells, %d sweeps: sum %08x alt %08x weighted %08x %s\n",
           i, rows, COLS, iters, r.st, r.at, r.weighted, ok ? "ok" : "WRONG");
    if (!ok)
      bad = 1;
    sum = (sum ^ r.st) * 16777619u;
    sum = (sum ^ r.at) * 16777619u;
    sum = (sum ^ r.weighted) * 16777619u;
  }
  if (bad) {
    printf("engineering: FAIL\n");
    return 1;
  }
  printf("engineering: OK %08x\n", sum);
  return 0;
}
