/* database [-n records] [-q queries] [-v verified] [-s seed]: the paper's "database"
 * workload, one memory-intensive process. It generates n 32-byte records, builds a hash
 * index on the key and an index sorted by amount (a counting sort), then answers a batch
 * of queries: point lookups by key, range counts/sums by amount, and per-category range
 * aggregates. A sample of `verified` queries is re-answered by scanning every record and
 * must agree. Prints "database: OK <checksum of all answers>" (or FAIL).
 * Defaults: -n 300000 -q 20000 -v 8 -s 1 (about 15 MiB). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define AMOUNT_MIN (-10000)
#define AMOUNT_SPAN 20001
#define NCAT 64

struct record {
  uint32_t id, key;
  int32_t amount;
  uint32_t cat;
  char name[16];
};

struct query {
  int type;              /* 0 key lookup, 1 amount range, 2 category within amount range */
  uint32_t key, cat;
  int32_t lo, hi;
};

struct answer {
  uint32_t count, sum;
};

static struct record *recs;
static uint32_t *hash, hmask;   /* record index + 1, 0 = empty */
static uint32_t *by_amount;     /* record indices sorted by (amount, id) */
static uint32_t *amount_start;  /* first position in by_amount of each amount value */
static uint32_t nrec = 300000, nq = 20000, nverify = 8, rstate = 1;

static uint32_t rnd(void)
{
  rstate ^= rstate << 13;
  rstate ^= rstate >> 17;
  rstate ^= rstate << 5;
  return rstate;
}

static void *must_alloc(size_t n)
{
  void *p = malloc(n);

  if (!p) {
    fprintf(stderr, "database: out of memory (%lu bytes)\n", (unsigned long)n);
    printf("database: FAIL\n");
    exit(1);
  }
  return p;
}

static void generate(void)
{
  uint32_t i, word = 0;
  int k;

  recs = must_alloc((size_t)nrec * sizeof *recs);
  for (i = 0; i < nrec; i++) {
    struct record *r = &recs[i];
    r->id = i;
    r->key = i * 2654435761u ^ 0x5bd1e995u;        /* a bijection: keys are unique */
    r->amount = AMOUNT_MIN + (int32_t)(rnd() % AMOUNT_SPAN);
    r->cat = rnd() % NCAT;
    for (k = 0; k < 15; k++) {              /* letters a-p, eight per random word */
      if (k % 8 == 0)
        word = rnd();
      r->name[k] = 'a' + (word & 15);
      word >>= 4;
    }
    r->name[15] = 0;
  }
}

static uint32_t slot_of(uint32_t key)
{
  return (key * 0x9e3779b1u) >> 8 & hmask;
}

static void build_indexes(void)
{
  uint32_t size = 1, i, *count;

  while (size < 2 * nrec)
    size <<= 1;
  hmask = size - 1;
  hash = calloc(size, sizeof *hash);
  by_amount = must_alloc((size_t)nrec * sizeof *by_amount);
  amount_start = calloc(AMOUNT_SPAN + 1, sizeof *amount_start);
  count = calloc(AMOUNT_SPAN + 1, sizeof *count);
  if (!hash || !amount_start || !count)
    must_alloc((size_t)-1);
  for (i = 0; i < nrec; i++) {                    /* hash index, linear probing */
    uint32_t s = slot_of(recs[i].key);
    while (hash[s])
      s = (s + 1) & hmask;
    hash[s] = i + 1;
  }
  for (i = 0; i < nrec; i++)                      /* counting sort by amount; ids stay ordered */
    count[recs[i].amount - AMOUNT_MIN + 1]++;
  for (i = 1; i <= AMOUNT_SPAN; i++)
    count[i] += count[i - 1];
  memcpy(amount_start, count, (AMOUNT_SPAN + 1) * sizeof *count);
  for (i = 0; i < nrec; i++)
    by_amount[count[recs[i].amount - AMOUNT_MIN]++] = i;
  free(count);
}

static void make_query(struct query *q)
{
  q->type = rnd() % 3;
  q->key = rnd() & 1 ? recs[rnd() % nrec].key : rnd();
  q->cat = rnd() % NCAT;
  q->lo = AMOUNT_MIN + (int32_t)(rnd() % AMOUNT_SPAN);
  q->hi = q->lo + (int32_t)(rnd() % 20);
}

static int matches(const struct query *q, const struct record *r)
{
  if (q->type == 0)
    return r->key == q->key;
  return r->amount >= q->lo && r->amount <= q->hi && (q->type == 1 || r->cat == q->cat);
}

static void account(struct answer *a, const struct record *r)
{
  a->count++;
  a->sum += r->id * 31u + (uint32_t)r->amount + (uint8_t)r->name[r->id % 15];
}

/* Answers q through the indexes. */
static struct answer answer(const struct query *q)
{
  struct answer a = { 0, 0 };
  uint32_t s, p, end;
  int32_t hi;

  if (q->type == 0) {
    for (s = slot_of(q->key); hash[s]; s = (s + 1) & hmask)
      if (recs[hash[s] - 1].key == q->key) {
        account(&a, &recs[hash[s] - 1]);
        break;
      }
    return a;
  }
  hi = q->hi > AMOUNT_MIN + AMOUNT_SPAN - 1 ? AMOUNT_MIN + AMOUNT_SPAN - 1 : q->hi;
  end = amount_start[hi - AMOUNT_MIN + 1];
  for (p = amount_start[q->lo - AMOUNT_MIN]; p < end; p++)
    if (matches(q, &recs[by_amount[p]]))
      account(&a, &recs[by_amount[p]]);
  return a;
}

/* Answers q by looking at every record (in id order, as the index keeps ties). */
static struct answer scan(const struct query *q)
{
  struct answer a = { 0, 0 };
  uint32_t i;

  for (i = 0; i < nrec; i++)
    if (matches(q, &recs[i]))
      account(&a, &recs[i]);
  return a;
}

int main(int argc, char **argv)
{
  uint32_t i, checked = 0, hits = 0, sum = 2166136261u, every;
  int bad = 0;

  for (i = 1; i < (uint32_t)argc; i++) {
    if (i + 1 < (uint32_t)argc && strcmp(argv[i], "-n") == 0) nrec = strtoul(argv[++i], 0, 0);
    else if (i + 1 < (uint32_t)argc && strcmp(argv[i], "-q") == 0) nq = strtoul(argv[++i], 0, 0);
    else if (i + 1 < (uint32_t)argc && strcmp(argv[i], "-v") == 0) nverify = strtoul(argv[++i], 0, 0);
    else if (i + 1 < (uint32_t)argc && strcmp(argv[i], "-s") == 0) rstate = strtoul(argv[++i], 0, 0);
    else {
      fprintf(stderr, "usage: database [-n records] [-q queries] [-v verified] [-s seed]\n");
      return 2;
    }
  }
  if (nrec < 1 || nrec > 4000000 || rstate == 0) {
    fprintf(stderr, "database: bad parameters (1 <= records <= 4000000, seed != 0)\n");
    return 2;
  }
  generate();
  build_indexes();
  every = nverify ? (nq + nverify - 1) / nverify : 0;
  for (i = 0; i < nq; i++) {
    struct query q;
    struct answer a;
    make_query(&q);
    a = answer(&q);
    hits += a.count != 0;
    sum = (sum ^ a.count) * 16777619u;
    sum = (sum ^ a.sum) * 16777619u;
    if (every && i % every == 0) {
      struct answer b = scan(&q);
      checked++;
      if (a.count != b.count || a.sum != b.sum) {
        fprintf(stderr, "database: query %u (type %d) gave %u/%08x, scan says %u/%08x\n",
                i, q.type, a.count, a.sum, b.count, b.sum);
        bad = 1;
      }
    }
  }
  printf("database: %u records, %u queries (%u with results), %u verified by scanning\n",
         nrec, nq, hits, checked);
  if (bad) {
    printf("database: FAIL\n");
    return 1;
  }
  printf("database: OK %08x\n", sum);
  return 0;
}
