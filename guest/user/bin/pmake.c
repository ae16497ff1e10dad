/* pmake [-j jobs] [-n files] [-f fillers] [-k arg] [-s seed] [-d dir] [-keep]: the paper's
 * "pmake" workload. It generates N source files of a small C subset plus a Makefile in a
 * scratch directory, reads the Makefile back and builds it with up to `jobs` compilers in
 * parallel (fork, exec `cc1 x.c -o x.o`, wait), then the link step (`cc1 -l`). Finally it
 * loads the linked image, runs every generated function in a small interpreter and compares
 * each result with a reference computed directly from the generator's expression trees.
 * Prints "pmake: OK <checksum>" (or FAIL) and exits 0 (or 1). cc1 is found through PATH,
 * else next to pmake. Defaults: -j 2 -n 24 -f 8 -k 300 -s 1 -d /tmp/pmake.<pid>.
 * Options for the memory benchmarks (without them the output is unchanged):
 *   -I DIR  every source starts with #include lines for the headers of DIR's index file
 *           (DIR/pmake.list, one header name a line) and cc1 runs with -I DIR, so each
 *           compile reads and lexes that header tree (the compiler's system headers);
 *   -S DIR  the sources are not written: they are DIR/fNN.c, as an earlier run with the
 *           same -n -f -s (-I) and -keep left them (a read-only tree, e.g. over DNFS); the
 *           objects, the Makefile and the image are still made in the -d directory;
 *   -C "CC FLAGS"  build with a real C compiler driver instead of cc1 (Debian's gcc in the
 *           benchmarks' toolchain image): every source includes <stdio.h>, <stdlib.h> and
 *           <string.h> (the system headers a real program's sources read), the rules are
 *           `CC FLAGS -c fNN.c -o fNN.o` and `CC FLAGS -o prog ... main.o` (main.c, also
 *           generated, prints every function's result), and the check runs ./prog and
 *           compares what it prints with the reference. Division, remainder and shifts are
 *           written through helpers (dv, md, shl, shr) with the subset's defined meaning
 *           (x / 0 = 0, counts taken mod 32), so a C compiler gives the same results; build
 *           with -fwrapv for the subset's wrapping arithmetic. The checksum differs from the
 *           cc1 build's (no image checksum in it) but not between runs. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "dobj.h"

#define MAXFILES 60
#define MAXFILL 12
#define MAXNODES 64

static int njobs = 2, nfiles = 24, nfill = 8, karg = 300, verbose;
static uint32_t seed = 1;
static char cc1_fallback[512];
static const char *incdir, *srcdir, *ccdriver;
static char incnames[64][96];
static int nincs;

static __attribute__((noreturn)) void die(const char *what)
{
  fprintf(stderr, "pmake: %s%s%s\n", what, errno ? ": " : "", errno ? strerror(errno) : "");
  printf("pmake: FAIL\n");
  exit(1);
}

static uint32_t rng(void)
{
  seed ^= seed << 13;
  seed ^= seed >> 17;
  seed ^= seed << 5;
  return seed;
}

/* ---- random expression trees over the variables a b c t ---- */

enum { E_CONST, E_VAR, E_NEG, E_BNOT, E_BIN };

struct enode {
  int kind, op, value, left, right;
};

struct expr {
  struct enode n[MAXNODES];
  int count, root;
};

static const struct { int op, prec; const char *text; } ops[] = {
  { OP_MUL, 10, "*" }, { OP_DIV, 10, "/" }, { OP_MOD, 10, "%" }, { OP_ADD, 9, "+" },
  { OP_SUB, 9, "-" }, { OP_SHL, 8, "<<" }, { OP_SHR, 8, ">>" }, { OP_LT, 7, "<" },
  { OP_GE, 7, ">=" }, { OP_EQ, 6, "==" }, { OP_NE, 6, "!=" }, { OP_AND, 5, "&" },
  { OP_XOR, 4, "^" }, { OP_OR, 3, "|" }, { -2, 2, "&&" }, { -1, 1, "||" },
};
#define NOPS (int)(sizeof ops / sizeof ops[0])

static int gen_node(struct expr *e, int depth, int nvars)
{
  struct enode *n = &e->n[e->count];
  int i = e->count++;
  uint32_t r = rng() % 16;

  if (depth == 0 || r < 3 || e->count > MAXNODES - 3) {
    if (rng() & 1) {
      n->kind = E_VAR;
      n->value = rng() % nvars;
    } else {
      n->kind = E_CONST;
      n->value = rng() % 1000;
    }
  } else if (r == 3) {
    n->kind = rng() & 1 ? E_NEG : E_BNOT;
    n->left = gen_node(e, depth - 1, nvars);
  } else {
    n->kind = E_BIN;
    n->op = rng() % NOPS;
    n->left = gen_node(e, depth - 1, nvars);
    n->right = gen_node(e, depth - 1, nvars);
  }
  return i;
}

static void gen_expr(struct expr *e, int nvars)
{
  e->count = 0;
  e->root = gen_node(e, 1 + rng() % 4, nvars);
}

/* Prints node i with the fewest parentheses C precedence allows. */
static void print_node(FILE *f, const struct expr *e, int i, int parent_prec, int right)
{
  const struct enode *n = &e->n[i];

  if (n->kind == E_CONST) {
    fprintf(f, "%d", n->value);
  } else if (n->kind == E_VAR) {
    fputc("abct"[n->value], f);
  } else if (n->kind != E_BIN) {
    fputc(n->kind == E_NEG ? '-' : '~', f);
    print_node(f, e, n->left, 11, 0);
  } else if (ccdriver && (ops[n->op].op == OP_DIV || ops[n->op].op == OP_MOD || ops[n->op].op == OP_SHL ||
                          ops[n->op].op == OP_SHR)) {
    int op = ops[n->op].op;
    fprintf(f, "%s(", op == OP_DIV ? "dv" : op == OP_MOD ? "md" : op == OP_SHL ? "shl" : "shr");
    print_node(f, e, n->left, 0, 0);
    fprintf(f, ", ");
    print_node(f, e, n->right, 0, 0);
    fputc(')', f);
  } else {
    int prec = ops[n->op].prec;
    int paren = prec < parent_prec || (prec == parent_prec && right);
    if (paren)
      fputc('(', f);
    print_node(f, e, n->left, prec, 0);
    fprintf(f, " %s ", ops[n->op].text);
    print_node(f, e, n->right, prec, 1);
    if (paren)
      fputc(')', f);
  }
}

static int32_t eval_node(const struct expr *e, int i, const int32_t *vars)
{
  const struct enode *n = &e->n[i];
  int32_t l, r;

  switch (n->kind) {
  case E_CONST: return n->value;
  case E_VAR: return vars[n->value];
  case E_NEG: return (int32_t)(0u - (uint32_t)eval_node(e, n->left, vars));
  case E_BNOT: return ~eval_node(e, n->left, vars);
  }
  l = eval_node(e, n->left, vars);
  if (ops[n->op].op == -2)
    return l && eval_node(e, n->right, vars);
  if (ops[n->op].op == -1)
    return l || eval_node(e, n->right, vars);
  r = eval_node(e, n->right, vars);
  return dobj_binop(ops[n->op].op, l, r);
}

/* ---- the generated program: per file, fillers p<i>_<k>, g<i> and f<i> ---- */

struct filler {
  struct expr e[5];      /* t = e0; if (e1) t = t + e2; else t = t ^ e3; return t - e4; */
};

struct file {
  struct filler fill[MAXFILL];
  int32_t c0, c1, c2, c4, m, r;
};

static struct file files[MAXFILES];

static int32_t run_filler(const struct filler *p, int32_t a, int32_t b, int32_t c)
{
  int32_t v[4] = { a, b, c, 0 };

  v[3] = eval_node(&p->e[0], p->e[0].root, v);
  if (eval_node(&p->e[1], p->e[1].root, v))
    v[3] = dobj_binop(OP_ADD, v[3], eval_node(&p->e[2], p->e[2].root, v));
  else
    v[3] = dobj_binop(OP_XOR, v[3], eval_node(&p->e[3], p->e[3].root, v));
  return dobj_binop(OP_SUB, v[3], eval_node(&p->e[4], p->e[4].root, v));
}

static int32_t ref_g(int i, int32_t x)
{
  return dobj_binop(OP_ADD, dobj_binop(OP_MUL, x, files[i].c1), files[i].c2);
}

static int32_t ref_f(int i, int32_t n)
{
  const struct file *fl = &files[i];
  int32_t k, s = fl->c0;

  for (k = 0; k < n; k++) {
    if (dobj_binop(OP_MOD, k, fl->m) == fl->r)
      s = dobj_binop(OP_ADD, s, run_filler(&fl->fill[0], k, s, fl->c4));
    else
      s = s ^ dobj_binop(OP_MUL, k, fl->c4);
  }
  return dobj_binop(OP_ADD, s, ref_g(i > 0 ? i - 1 : i, s & 65535));
}

/* -C: what every source starts with: the system headers, and the subset's operators with its
 * defined meaning for the cases C leaves undefined. */
#define C_PRELUDE \
  "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n\n" \
  "static inline int dv(int a, int b) { return b == 0 || (b == -1 && a == -2147483647 - 1) ? 0 : a / b; }\n" \
  "static inline int md(int a, int b) { return b == 0 || (b == -1 && a == -2147483647 - 1) ? 0 : a % b; }\n" \
  "static inline int shl(int a, int b) { return (int)((unsigned)a << (b & 31)); }\n" \
  "static inline int shr(int a, int b) { return a >> (b & 31); }\n\n"

static void write_expr(FILE *f, const struct expr *e)
{
  print_node(f, e, e->root, 0, 0);
}

static void generate(int i)
{
  struct file *fl = &files[i];
  char name[32];
  FILE *f;
  int k, j;

  fl->c0 = rng() % 100000;
  fl->c1 = 3 + rng() % 1000;
  fl->c2 = rng() % 100000;
  fl->c4 = 1 + rng() % 5000;
  fl->m = 2 + rng() % 7;
  fl->r = rng() % fl->m;
  snprintf(name, sizeof name, "f%02d.c", i);
  if (srcdir) {                     /* only the reference: the source exists in srcdir */
    if (!(f = fopen("/dev/null", "w")))
      die("/dev/null");
  } else if (!(f = fopen(name, "w")))
    die("cannot create a source file");
  fprintf(f, "/* %s: generated by pmake, file %d of %d */\n\n", name, i, nfiles);
  for (k = 0; k < nincs; k++)
    fprintf(f, "#include \"%s\"\n", incnames[k]);
  if (nincs)
    fprintf(f, "\n");
  if (ccdriver)
    fputs(C_PRELUDE, f);
  fprintf(f, "int g%d(int x) {\n  return x * %d + %d;\n}\n\n", i, fl->c1, fl->c2);
  for (k = 0; k < nfill; k++) {
    struct filler *p = &fl->fill[k];
    for (j = 0; j < 5; j++)
      gen_expr(&p->e[j], j == 0 ? 3 : 4);
    fprintf(f, "int p%d_%d(int a, int b, int c) {\n  int t = ", i, k);
    write_expr(f, &p->e[0]);
    fprintf(f, ";\n  if (");
    write_expr(f, &p->e[1]);
    fprintf(f, ") {\n    t = t + (");
    write_expr(f, &p->e[2]);
    fprintf(f, ");\n  } else {\n    t = t ^ (");
    write_expr(f, &p->e[3]);
    fprintf(f, ");\n  }\n  return t - (");
    write_expr(f, &p->e[4]);
    fprintf(f, ");\n}\n\n");
  }
  if (ccdriver && i > 0)
    fprintf(f, "int g%d(int x);\n\n", i - 1);
  fprintf(f, "int f%d(int n) {\n  int i = 0;\n  int s = %d;\n  while (i < n) {\n", i, fl->c0);
  fprintf(f, "    if (i %% %d == %d) {\n      s = s + p%d_0(i, s, %d);\n", fl->m, fl->r, i, fl->c4);
  fprintf(f, "    } else {\n      s = s ^ i * %d;\n    }\n    i = i + 1;\n  }\n", fl->c4);
  fprintf(f, "  return s + g%d(s & 65535);\n}\n", i > 0 ? i - 1 : i);
  if (fclose(f) != 0)
    die("write error");
}

static void write_makefile(void)
{
  FILE *f = fopen("Makefile", "w");
  int i;

  if (!f)
    die("cannot create the Makefile");
  fprintf(f, "# Makefile generated by pmake: %d sources\n%s:", nfiles, ccdriver ? "prog" : "prog.img");
  for (i = 0; i < nfiles; i++)
    fprintf(f, " f%02d.o", i);
  if (ccdriver)
    fprintf(f, " main.o\n\t%s -o prog", ccdriver);
  else
    fprintf(f, "\n\tcc1 -l -o prog.img");
  for (i = 0; i < nfiles; i++)
    fprintf(f, " f%02d.o", i);
  fprintf(f, ccdriver ? " main.o\n\nmain.o: main.c\n\t%s -c main.c -o main.o\n\n" : "\n\n", ccdriver);
  for (i = 0; i < nfiles; i++) {
    char src[300];
    snprintf(src, sizeof src, "%s%sf%02d.c", srcdir ? srcdir : "", srcdir ? "/" : "", i);
    fprintf(f, "f%02d.o: %s\n\t%s %s%s%s%s%s -o f%02d.o\n\n", i, src, ccdriver ? ccdriver : "cc1",
            incdir ? "-I " : "", incdir ? incdir : "", incdir ? " " : "", ccdriver ? "-c " : "", src, i);
  }
  if (fclose(f) != 0)
    die("write error");
}

/* ---- the make part: parse the Makefile, run the rules in parallel ---- */

#define MAXRULES (MAXFILES + 4)
#define MAXDEPS (MAXFILES + 4)

struct rule {
  char *target, *deps[MAXDEPS], *cmd;
  int ndeps, state;      /* 0 waiting, 1 running, 2 done */
  pid_t pid;
};

static struct rule rules[MAXRULES];
static int nrules;

static void parse_makefile(void)
{
  FILE *f = fopen("Makefile", "r");
  char line[2048];

  if (!f)
    die("cannot read the Makefile");
  while (fgets(line, sizeof line, f)) {
    char *colon, *w, *save;
    line[strcspn(line, "\n")] = 0;
    if (line[0] == '#' || line[0] == 0)
      continue;
    if (line[0] == '\t') {
      if (nrules == 0)
        die("command before the first rule");
      rules[nrules - 1].cmd = strdup(line + 1);
      continue;
    }
    if (!(colon = strchr(line, ':')) || nrules == MAXRULES)
      die("bad Makefile line");
    *colon = 0;
    rules[nrules].target = strdup(line);
    for (w = strtok_r(colon + 1, " ", &save); w; w = strtok_r(0, " ", &save))
      if (rules[nrules].ndeps < MAXDEPS)
        rules[nrules].deps[rules[nrules].ndeps++] = strdup(w);
    nrules++;
  }
  fclose(f);
}

/* True when every dependency of r is built (or is a plain source file). */
static int ready(const struct rule *r)
{
  int i, j;

  for (i = 0; i < r->ndeps; i++)
    for (j = 0; j < nrules; j++)
      if (strcmp(rules[j].target, r->deps[i]) == 0 && rules[j].state != 2)
        return 0;
  return 1;
}

static pid_t start(struct rule *r)
{
  char *argv[MAXDEPS + 8], *cmd = strdup(r->cmd), *save, *w;
  int argc = 0;
  pid_t pid;

  for (w = strtok_r(cmd, " ", &save); w && argc < MAXDEPS + 7; w = strtok_r(0, " ", &save))
    argv[argc++] = w;
  argv[argc] = 0;
  if (verbose)
    printf("%s\n", r->cmd);
  pid = fork();
  if (pid < 0)
    die("fork");
  if (pid == 0) {
    execvp(argv[0], argv);
    if (cc1_fallback[0] && strcmp(argv[0], "cc1") == 0)
      execv(cc1_fallback, argv);
    fprintf(stderr, "pmake: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  free(cmd);
  return pid;
}

/* Builds every rule, at most njobs at a time; returns the number of processes run. */
static int build(void)
{
  int done = 0, running = 0, started = 0, i;

  while (done < nrules) {
    for (i = 0; i < nrules && running < njobs; i++) {
      if (rules[i].state == 0 && ready(&rules[i])) {
        rules[i].pid = start(&rules[i]);
        rules[i].state = 1;
        running++;
        started++;
      }
    }
    if (running == 0)
      die("nothing left to run: dependency cycle");
    {
      int st;
      pid_t pid = wait(&st);
      if (pid < 0) {
        if (errno == EINTR)
          continue;
        die("wait");
      }
      for (i = 0; i < nrules && rules[i].pid != pid; i++)
        ;
      if (i == nrules)
        continue;
      if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        errno = 0;
        fprintf(stderr, "pmake: '%s' failed (status 0x%x)\n", rules[i].cmd, st);
        die("build failed");
      }
      rules[i].state = 2;
      running--;
      done++;
    }
  }
  return started;
}

/* ---- loading and interpreting the image ---- */

struct ifunc {
  char name[64];
  int nparams, nlocals, ncode;
  uint32_t *code;
};

static struct ifunc *img;
static int nimg;
static uint32_t img_sum;

static uint32_t rd(const unsigned char **p)
{
  uint32_t w = (*p)[0] | (*p)[1] << 8 | (*p)[2] << 16 | (uint32_t)(*p)[3] << 24;

  *p += 4;
  return w;
}

static void load_image(const char *path)
{
  int fd = open(path, O_RDONLY);
  struct stat st;
  unsigned char *data;
  const unsigned char *p;
  int i, k;

  if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < 12)
    die("cannot open the image");
  data = malloc(st.st_size);
  if (read(fd, data, st.st_size) != st.st_size)
    die("short read of the image");
  close(fd);
  p = data + st.st_size - 4;
  img_sum = rd(&p);
  if (fnv1a(FNV_INIT, data, st.st_size - 4) != img_sum)
    die("image checksum mismatch");
  p = data;
  if (rd(&p) != DIMG_MAGIC)
    die("not an image");
  nimg = rd(&p);
  img = calloc(nimg, sizeof *img);
  for (i = 0; i < nimg; i++) {
    uint32_t n = rd(&p);
    for (k = 0; k < (int)n; k += 4) {
      uint32_t w = rd(&p);
      memcpy(img[i].name + k, &w, 4);
    }
    img[i].nparams = rd(&p);
    img[i].nlocals = rd(&p);
    img[i].ncode = rd(&p);
    img[i].code = (uint32_t *)malloc(img[i].ncode * 4);
    for (k = 0; k < img[i].ncode; k++)
      img[i].code[k] = rd(&p);
  }
}

static int find(const char *name)
{
  int i;

  for (i = 0; i < nimg; i++)
    if (strcmp(img[i].name, name) == 0)
      return i;
  errno = 0;
  fprintf(stderr, "pmake: %s missing from the image\n", name);
  die("bad image");
}

static int32_t interp(int fi, const int32_t *args, int depth)
{
  const struct ifunc *f = &img[fi];
  int32_t loc[64], stack[128], a, b;
  int sp = 0, pc = 0, i;

  if (depth > 50 || f->nlocals > 64)
    die("interpreter limits exceeded");
  for (i = 0; i < f->nlocals; i++)
    loc[i] = i < f->nparams ? args[i] : 0;
  for (;;) {
    uint32_t op, arg = 0;
    if (pc >= f->ncode || sp > 120)
      die("bad code");
    op = f->code[pc++];
    if (op < OP_HAS_ARG_END)
      arg = f->code[pc++];
    switch (op) {
    case OP_PUSH: stack[sp++] = (int32_t)arg; break;
    case OP_LOAD: stack[sp++] = loc[arg & 63]; break;
    case OP_STORE: loc[arg & 63] = stack[--sp]; break;
    case OP_JMP: pc = arg; break;
    case OP_JZ: if (stack[--sp] == 0) pc = arg; break;
    case OP_CALL: {
      int32_t cargs[16];
      int n = img[arg].nparams;
      if (arg >= (uint32_t)nimg || n > 16 || n > sp)
        die("bad call");
      sp -= n;
      memcpy(cargs, stack + sp, n * sizeof(int32_t));
      stack[sp++] = interp(arg, cargs, depth + 1);
      break;
    }
    case OP_POP: sp--; break;
    case OP_RET: return stack[sp - 1];
    case OP_NEG: stack[sp - 1] = (int32_t)(0u - (uint32_t)stack[sp - 1]); break;
    case OP_NOT: stack[sp - 1] = !stack[sp - 1]; break;
    case OP_BNOT: stack[sp - 1] = ~stack[sp - 1]; break;
    default:
      if (op < OP_ADD || op >= OP_NEG || sp < 2)
        die("bad opcode");
      b = stack[--sp];
      a = stack[--sp];
      stack[sp++] = dobj_binop(op, a, b);
    }
  }
}

/* The arguments verify() and main.c call filler k of file i with. */
static void filler_args(int i, int k, int32_t *args)
{
  args[0] = 1000 * i + k;
  args[1] = -7 * k + i;
  args[2] = 12345 + i * k;
}

/* What verify() and ./prog must get: filler k of file i (k < nfill) or f_i (k == nfill). */
static int32_t reference(int i, int k)
{
  int32_t a[3];

  if (k == nfill)
    return ref_f(i, karg);
  filler_args(i, k, a);
  return run_filler(&files[i].fill[k], a[0], a[1], a[2]);
}

/* Runs every generated function in the image and checks it; returns the result checksum. */
static uint32_t verify(void)
{
  uint32_t h = fnv1a(FNV_INIT, &img_sum, 4);
  char name[32];
  int i, k, bad = 0;

  for (i = 0; i < nfiles; i++) {
    int32_t args[3], want, got;
    for (k = 0; k < nfill; k++) {
      filler_args(i, k, args);
      snprintf(name, sizeof name, "p%d_%d", i, k);
      want = reference(i, k);
      got = interp(find(name), args, 0);
      if (got != want && bad++ < 5)
        fprintf(stderr, "pmake: %s(%d,%d,%d) = %d, expected %d\n", name, args[0], args[1], args[2], got, want);
      h = fnv1a(h, &got, 4);
    }
    args[0] = karg;
    snprintf(name, sizeof name, "f%d", i);
    want = reference(i, nfill);
    got = interp(find(name), args, 0);
    if (got != want && bad++ < 5)
      fprintf(stderr, "pmake: %s(%d) = %d, expected %d\n", name, karg, got, want);
    h = fnv1a(h, &got, 4);
  }
  if (bad) {
    errno = 0;
    die("results differ from the reference");
  }
  return h;
}

/* -C: main.c, which prints every function's result in verify()'s order, one a line. */
static void write_main(void)
{
  FILE *f = fopen("main.c", "w");
  int i, k;

  if (!f)
    die("cannot create main.c");
  fprintf(f, "/* main.c: generated by pmake */\n#include <stdio.h>\n\n");
  for (i = 0; i < nfiles; i++) {
    for (k = 0; k < nfill; k++)
      fprintf(f, "int p%d_%d(int, int, int);\n", i, k);
    fprintf(f, "int f%d(int);\n", i);
  }
  fprintf(f, "\nint main(void) {\n");
  for (i = 0; i < nfiles; i++) {
    for (k = 0; k < nfill; k++) {
      int32_t a[3];
      filler_args(i, k, a);
      fprintf(f, "  printf(\"%%d\\n\", p%d_%d(%d, %d, %d));\n", i, k, (int)a[0], (int)a[1], (int)a[2]);
    }
    fprintf(f, "  printf(\"%%d\\n\", f%d(%d));\n", i, karg);
  }
  fprintf(f, "  return 0;\n}\n");
  if (fclose(f) != 0)
    die("write error");
}

/* -C: runs ./prog, checks every line it prints against the reference; returns the checksum. */
static uint32_t verify_program(void)
{
  uint32_t h = FNV_INIT;
  int i, k, bad = 0, st;
  int fds[2];
  pid_t pid;
  FILE *p;
  char line[64];

  if (pipe(fds) < 0 || (pid = fork()) < 0)
    die("cannot run ./prog");
  if (pid == 0) {
    close(fds[0]);
    if (dup2(fds[1], 1) < 0)
      _exit(127);
    close(fds[1]);
    char *pargv[] = { "prog", 0 };
    execv("./prog", pargv);
    _exit(127);
  }
  close(fds[1]);
  if (!(p = fdopen(fds[0], "r")))
    die("fdopen");
  for (i = 0; i < nfiles; i++) {
    for (k = 0; k <= nfill; k++) {
      int32_t want = reference(i, k), got;
      if (!fgets(line, sizeof line, p)) {
        errno = 0;
        die("./prog printed too little");
      }
      got = (int32_t)strtol(line, 0, 10);
      if (got != want && bad++ < 5)
        fprintf(stderr, "pmake: ./prog line %d: %d, expected %d\n", i * (nfill + 1) + k + 1, got, want);
      h = fnv1a(h, &got, 4);
    }
  }
  while (fgets(line, sizeof line, p))
    bad++;
  fclose(p);
  if (waitpid(pid, &st, 0) < 0)
    die("waitpid");
  if (bad || st != 0) {
    errno = 0;
    die(st != 0 ? "./prog failed" : "results differ from the reference");
  }
  return h;
}

static void cleanup(const char *dir)
{
  char name[32];
  int i;

  for (i = 0; i < nfiles; i++) {
    snprintf(name, sizeof name, "f%02d.c", i);
    if (!srcdir)
      unlink(name);
    snprintf(name, sizeof name, "f%02d.o", i);
    unlink(name);
  }
  unlink("prog.img");
  unlink("prog");
  unlink("main.c");
  unlink("main.o");
  unlink("Makefile");
  if (chdir("/") == 0 && rmdir(dir) < 0)
    fprintf(stderr, "pmake: cannot remove %s: %s\n", dir, strerror(errno));
}

/* -I DIR: the headers every source includes, from DIR/pmake.list (one name a line). */
static void read_index(void)
{
  char path[300], line[128];
  FILE *f;

  snprintf(path, sizeof path, "%s/pmake.list", incdir);
  if (!(f = fopen(path, "r")))
    die(path);
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    if (line[0] == 0 || line[0] == '#')
      continue;
    if (nincs == 64 || strlen(line) >= sizeof incnames[0])
      die("too many headers in pmake.list");
    strcpy(incnames[nincs++], line);
  }
  fclose(f);
}

/* Where cc1 is if it is not on PATH: beside this program (absolute, as we chdir). */
static void find_fallback(const char *argv0)
{
  const char *slash = strrchr(argv0, '/');
  char cwd[256];

  if (!slash)
    return;
  if (argv0[0] == '/' || !getcwd(cwd, sizeof cwd))
    cwd[0] = 0;
  snprintf(cc1_fallback, sizeof cc1_fallback, "%s%s%.*scc1", cwd, cwd[0] ? "/" : "",
           (int)(slash - argv0 + 1), argv0);
}

int main(int argc, char **argv)
{
  char dir[256] = "";
  int i, keep = 0, nproc;
  uint32_t h;

  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-keep") == 0) keep = 1;
    else if (strcmp(a, "-v") == 0) verbose = 1;
    else if (i + 1 < argc && strcmp(a, "-j") == 0) njobs = atoi(argv[++i]);
    else if (i + 1 < argc && strcmp(a, "-n") == 0) nfiles = atoi(argv[++i]);
    else if (i + 1 < argc && strcmp(a, "-f") == 0) nfill = atoi(argv[++i]);
    else if (i + 1 < argc && strcmp(a, "-k") == 0) karg = atoi(argv[++i]);
    else if (i + 1 < argc && strcmp(a, "-s") == 0) seed = (uint32_t)strtoul(argv[++i], 0, 0);
    else if (i + 1 < argc && strcmp(a, "-d") == 0) snprintf(dir, sizeof dir, "%s", argv[++i]);
    else if (i + 1 < argc && strcmp(a, "-I") == 0) incdir = argv[++i];
    else if (i + 1 < argc && strcmp(a, "-S") == 0) srcdir = argv[++i];
    else if (i + 1 < argc && strcmp(a, "-C") == 0) ccdriver = argv[++i];
    else {
      fprintf(stderr, "usage: pmake [-j jobs] [-n files] [-f fillers] [-k arg] [-s seed] [-d dir] [-I incdir] [-S srcdir] [-C \"cc flags\"] [-keep] [-v]\n");
      return 2;
    }
  }
  if (njobs < 1 || nfiles < 1 || nfiles > MAXFILES || nfill < 1 || nfill > MAXFILL || seed == 0) {
    fprintf(stderr, "pmake: bad parameters (1 <= files <= %d, 1 <= fillers <= %d, seed != 0)\n", MAXFILES, MAXFILL);
    return 2;
  }
  if (incdir)
    read_index();
  find_fallback(argv[0]);
  if (!dir[0]) {
    mkdir("/tmp", 01777);
    snprintf(dir, sizeof dir, "/tmp/pmake.%d", getpid());
  }
  if (mkdir(dir, 0777) < 0 || chdir(dir) < 0)
    die(dir);
  for (i = 0; i < nfiles; i++)
    generate(i);
  if (ccdriver)
    write_main();
  write_makefile();
  parse_makefile();
  nproc = build();
  if (ccdriver) {
    h = verify_program();
  } else {
    load_image("prog.img");
    h = verify();
  }
  if (!keep)
    cleanup(dir);
  printf("pmake: %d files, %d compiler runs, -j %d\n", nfiles, nproc, njobs);
  printf("pmake: OK %08x\n", h);
  return 0;
}
