/* cc1: the compiler of the pmake workload. `cc1 file.c -o file.o` compiles a small C subset
 * (int functions and variables; if/else, while, return, blocks; the C operators with C
 * precedence, && || short-circuit; calls, also across files) to stack-machine code in the
 * object format of dobj.h. `cc1 -l -o prog.img a.o b.o ...` links objects: checks their
 * checksums, resolves calls by name and writes an image. `cc1 -I DIR file.c -o file.o` also
 * takes preprocessor lines: `#include "name"` reads DIR/name (once per compile; nested
 * includes too) and lexes it, skipping its declarations (prototypes, typedef-like lines);
 * `#define`, `#ifndef`, `#endif` and other directives are skipped. Headers never change the
 * object. Without -I a '#' line is an error, as before. Errors: a message, exit 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include "dobj.h"

#define MAXFUNCS 256
#define MAXSYMS 256
#define MAXLOCALS 64
#define MAXOBJS 64

static const char *srcname;
static int line = 1;
static const char *incdir;       /* -I DIR: where #include "name" is looked for */
static int bol = 1;              /* the lexer is at the start of a line */

static __attribute__((noreturn)) void fail(const char *msg, const char *arg)
{
  fprintf(stderr, "cc1: %s:%d: %s%s%s\n", srcname, line, msg, arg ? " " : "", arg ? arg : "");
  exit(1);
}

/* ---- code buffers and the object being built ---- */

struct func {
  char name[64];
  int nparams, nlocals;
  uint32_t *code;
  int ncode, cap;
};

static struct func funcs[MAXFUNCS];
static int nfuncs;
static char syms[MAXSYMS][64];
static int nsyms;
static struct func *cur;
static char locals[MAXLOCALS][64];

static int emit(uint32_t w)
{
  if (cur->ncode == cur->cap) {
    cur->cap = cur->cap ? cur->cap * 2 : 256;
    cur->code = realloc(cur->code, cur->cap * sizeof(uint32_t));
  }
  cur->code[cur->ncode] = w;
  return cur->ncode++;
}

static int emit2(int op, uint32_t arg)
{
  emit(op);
  return emit(arg);
}

static int sym_index(const char *name)
{
  int i;

  for (i = 0; i < nsyms; i++)
    if (strcmp(syms[i], name) == 0)
      return i;
  if (nsyms == MAXSYMS)
    fail("too many symbols", 0);
  strcpy(syms[nsyms], name);
  return nsyms++;
}

static int local_slot(const char *name)
{
  int i;

  for (i = 0; i < cur->nlocals; i++)
    if (strcmp(locals[i], name) == 0)
      return i;
  return -1;
}

/* ---- lexer ---- */

enum { K_EOF, K_NUM, K_IDENT, K_INT, K_IF, K_ELSE, K_WHILE, K_RETURN, K_PUNCT };

static const char *src;
static int tok, tokval;
static char tokstr[64];

static void directive(void);

static void next(void)
{
  static const char *const two[] = { "==", "!=", "<=", ">=", "<<", ">>", "&&", "||", 0 };
  int i;

  for (;;) {
    while (isspace((unsigned char)*src))
      if (*src++ == '\n') {
        line++;
        bol = 1;
      }
    if (incdir && bol && *src == '#') {
      directive();
      continue;
    }
    bol = 0;
    if (src[0] == '/' && src[1] == '/') {
      while (*src && *src != '\n')
        src++;
    } else if (src[0] == '/' && src[1] == '*') {
      for (src += 2; *src && !(src[0] == '*' && src[1] == '/'); src++)
        if (*src == '\n')
          line++;
      if (*src)
        src += 2;
    } else {
      break;
    }
  }
  if (!*src) {
    tok = K_EOF;
    return;
  }
  if (isdigit((unsigned char)*src)) {
    uint32_t v = 0;
    for (; isdigit((unsigned char)*src); src++)
      v = v * 10 + (*src - '0');
    tok = K_NUM;
    tokval = (int32_t)v;
    return;
  }
  if (isalpha((unsigned char)*src) || *src == '_') {
    int n = 0;
    while (isalnum((unsigned char)*src) || *src == '_') {
      if (n < 63)
        tokstr[n++] = *src;
      src++;
    }
    tokstr[n] = 0;
    tok = strcmp(tokstr, "int") == 0 ? K_INT : strcmp(tokstr, "if") == 0 ? K_IF :
          strcmp(tokstr, "else") == 0 ? K_ELSE : strcmp(tokstr, "while") == 0 ? K_WHILE :
          strcmp(tokstr, "return") == 0 ? K_RETURN : K_IDENT;
    return;
  }
  tok = K_PUNCT;
  for (i = 0; two[i]; i++)
    if (src[0] == two[i][0] && src[1] == two[i][1]) {
      memcpy(tokstr, two[i], 3);
      src += 2;
      return;
    }
  tokstr[0] = *src++;
  tokstr[1] = 0;
}

/* ---- headers (-I): a preprocessor that only includes and skips ---- */

#define MAXINCS 64
static char included[MAXINCS][96];
static int nincluded;

static char *read_file(const char *path, long *len);

/* Lexes the header at `path` to its end, discarding its tokens (declarations only). */
static void include_file(const char *name)
{
  char path[256];
  const char *save_src = src, *save_name = srcname;
  int save_line = line, save_tok = tok, i;
  char *buf;

  for (i = 0; i < nincluded; i++)
    if (strcmp(included[i], name) == 0)
      return;
  if (nincluded == MAXINCS || strlen(name) >= sizeof included[0])
    fail("too many headers at", name);
  strcpy(included[nincluded++], name);
  snprintf(path, sizeof path, "%s/%s", incdir, name);
  if (!(buf = read_file(path, 0)))
    fail("cannot read header", path);
  src = buf;
  srcname = path;
  line = 1;
  bol = 1;
  do
    next();
  while (tok != K_EOF);
  free(buf);
  src = save_src;
  srcname = save_name;
  line = save_line;
  tok = save_tok;
  bol = 0;
}

/* At a '#' that starts a line: #include "name" includes, anything else is skipped. */
static void directive(void)
{
  const char *p = src + 1, *end = src;
  char name[96];
  int n = 0;

  while (*end && *end != '\n')
    end++;
  while (*p == ' ' || *p == '\t')
    p++;
  if (strncmp(p, "include", 7) == 0) {
    for (p += 7; *p == ' ' || *p == '\t'; p++)
      ;
    if (*p++ != '"')
      fail("bad #include", 0);
    while (p < end && *p != '"' && n < (int)sizeof name - 1)
      name[n++] = *p++;
    name[n] = 0;
    if (*p != '"')
      fail("bad #include", 0);
    src = end;
    include_file(name);
    bol = 1;
    return;
  }
  src = end;
}

static int is_punct(const char *p)
{
  return tok == K_PUNCT && strcmp(tokstr, p) == 0;
}

static void expect(const char *p)
{
  if (!is_punct(p))
    fail("expected", p);
  next();
}

/* ---- expressions: precedence climbing over the binary operators ---- */

static const struct { const char *text; int prec, op; } binops[] = {
  { "||", 1, 0 }, { "&&", 2, 0 }, { "|", 3, OP_OR }, { "^", 4, OP_XOR }, { "&", 5, OP_AND },
  { "==", 6, OP_EQ }, { "!=", 6, OP_NE }, { "<", 7, OP_LT }, { "<=", 7, OP_LE },
  { ">", 7, OP_GT }, { ">=", 7, OP_GE }, { "<<", 8, OP_SHL }, { ">>", 8, OP_SHR },
  { "+", 9, OP_ADD }, { "-", 9, OP_SUB }, { "*", 10, OP_MUL }, { "/", 10, OP_DIV },
  { "%", 10, OP_MOD }, { 0, 0, 0 },
};

static int binop_index(void)
{
  int i;

  if (tok != K_PUNCT)
    return -1;
  for (i = 0; binops[i].text; i++)
    if (strcmp(tokstr, binops[i].text) == 0)
      return i;
  return -1;
}

static void expr(int min_prec);

static void primary(void)
{
  if (tok == K_NUM) {
    emit2(OP_PUSH, (uint32_t)tokval);
    next();
  } else if (tok == K_IDENT) {
    char name[64];
    strcpy(name, tokstr);
    next();
    if (is_punct("(")) {
      int nargs = 0;
      next();
      while (!is_punct(")")) {
        expr(1);
        nargs++;
        if (!is_punct(")"))
          expect(",");
      }
      next();
      emit2(OP_CALL, (uint32_t)sym_index(name) | (uint32_t)nargs << 24);
    } else {
      int slot = local_slot(name);
      if (slot < 0)
        fail("undeclared variable", name);
      emit2(OP_LOAD, slot);
    }
  } else if (is_punct("(")) {
    next();
    expr(1);
    expect(")");
  } else if (is_punct("-") || is_punct("!") || is_punct("~")) {
    int op = tokstr[0] == '-' ? OP_NEG : tokstr[0] == '!' ? OP_NOT : OP_BNOT;
    next();
    primary();
    emit(op);
  } else {
    fail("expected an expression", 0);
  }
}

/* Parses a binary expression whose operators bind at least as tightly as min_prec. */
static void expr(int min_prec)
{
  int i;

  primary();
  while ((i = binop_index()) >= 0 && binops[i].prec >= min_prec) {
    int prec = binops[i].prec;
    next();
    if (prec <= 2) {                           /* && and ||: short-circuit */
      int jz1, jz2, jmp;
      if (prec == 1)
        emit(OP_NOT);                          /* a || b == !( !a && !b ) */
      jz1 = emit2(OP_JZ, 0);
      expr(prec + 1);
      if (prec == 1)
        emit(OP_NOT);
      jz2 = emit2(OP_JZ, 0);
      emit2(OP_PUSH, prec == 1 ? 0 : 1);
      jmp = emit2(OP_JMP, 0);
      cur->code[jz1] = cur->code[jz2] = cur->ncode;
      emit2(OP_PUSH, prec == 1 ? 1 : 0);
      cur->code[jmp] = cur->ncode;
    } else {
      int op = binops[i].op;
      expr(prec + 1);
      emit(op);
    }
  }
}

/* ---- statements and functions ---- */

static void statement(void)
{
  if (is_punct("{")) {
    next();
    while (!is_punct("}")) {
      if (tok == K_EOF)
        fail("unexpected end of file", 0);
      statement();
    }
    next();
  } else if (tok == K_INT) {
    next();
    if (tok != K_IDENT)
      fail("expected a variable name", 0);
    if (local_slot(tokstr) >= 0)
      fail("redeclared", tokstr);
    if (cur->nlocals == MAXLOCALS)
      fail("too many variables", 0);
    strcpy(locals[cur->nlocals], tokstr);
    cur->nlocals++;
    next();
    if (is_punct("=")) {
      next();
      expr(1);
      emit2(OP_STORE, cur->nlocals - 1);
    }
    expect(";");
  } else if (tok == K_IF) {
    int jz, jmp;
    next();
    expect("(");
    expr(1);
    expect(")");
    jz = emit2(OP_JZ, 0);
    statement();
    if (tok == K_ELSE) {
      next();
      jmp = emit2(OP_JMP, 0);
      cur->code[jz] = cur->ncode;
      statement();
      cur->code[jmp] = cur->ncode;
    } else {
      cur->code[jz] = cur->ncode;
    }
  } else if (tok == K_WHILE) {
    int top = cur->ncode, jz;
    next();
    expect("(");
    expr(1);
    expect(")");
    jz = emit2(OP_JZ, 0);
    statement();
    emit2(OP_JMP, top);
    cur->code[jz] = cur->ncode;
  } else if (tok == K_RETURN) {
    next();
    expr(1);
    emit(OP_RET);
    expect(";");
  } else if (tok == K_IDENT && src[strspn(src, " \t")] == '=' && src[strspn(src, " \t") + 1] != '=') {
    int slot = local_slot(tokstr);
    if (slot < 0)
      fail("undeclared variable", tokstr);
    next();
    expect("=");
    expr(1);
    emit2(OP_STORE, slot);
    expect(";");
  } else {
    expr(1);
    emit(OP_POP);
    expect(";");
  }
}

static void function(void)
{
  if (tok != K_INT)
    fail("expected 'int' to start a function", 0);
  next();
  if (tok != K_IDENT)
    fail("expected a function name", 0);
  if (nfuncs == MAXFUNCS)
    fail("too many functions", 0);
  cur = &funcs[nfuncs++];
  memset(cur, 0, sizeof *cur);
  strcpy(cur->name, tokstr);
  next();
  expect("(");
  while (!is_punct(")")) {
    if (tok != K_INT)
      fail("expected 'int' parameter", 0);
    next();
    if (tok != K_IDENT)
      fail("expected a parameter name", 0);
    strcpy(locals[cur->nlocals++], tokstr);
    next();
    if (!is_punct(")"))
      expect(",");
  }
  next();
  cur->nparams = cur->nlocals;
  if (!is_punct("{"))
    fail("expected a function body", 0);
  statement();
  emit2(OP_PUSH, 0);                           /* falling off the end returns 0 */
  emit(OP_RET);
}

/* ---- output ---- */

static uint32_t sum;

static void put_word(FILE *f, uint32_t w)
{
  unsigned char b[4] = { w, w >> 8, w >> 16, w >> 24 };

  sum = fnv1a(sum, b, 4);
  fwrite(b, 1, 4, f);
}

static void put_name(FILE *f, const char *s)
{
  size_t n = strlen(s), i;
  uint32_t w;

  put_word(f, n);
  for (i = 0; i < n; i += 4) {
    w = 0;
    memcpy(&w, s + i, n - i < 4 ? n - i : 4);
    put_word(f, w);
  }
}

static void put_func(FILE *f, const struct func *fn)
{
  int i;

  put_name(f, fn->name);
  put_word(f, fn->nparams);
  put_word(f, fn->nlocals);
  put_word(f, fn->ncode);
  for (i = 0; i < fn->ncode; i++)
    put_word(f, fn->code[i]);
}

static char *read_file(const char *path, long *len)
{
  FILE *f = fopen(path, "r");
  char *buf = 0;
  long n = 0, cap = 0;
  size_t got;

  if (!f)
    return 0;
  do {
    if (n + 4096 + 1 > cap) {
      cap = (cap + 4096) * 2;
      buf = realloc(buf, cap);
    }
    got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
  } while (got > 0);
  fclose(f);
  buf[n] = 0;
  if (len)
    *len = n;
  return buf;
}

static int compile(const char *in, const char *out)
{
  FILE *f;
  int i;

  srcname = in;
  if (!(src = read_file(in, 0)))
    fail("cannot read the source", 0);
  next();
  while (tok != K_EOF)
    function();
  if (!(f = fopen(out, "w")))
    fail("cannot create", out);
  sum = FNV_INIT;
  put_word(f, DOBJ_MAGIC);
  put_word(f, nfuncs);
  for (i = 0; i < nfuncs; i++)
    put_func(f, &funcs[i]);
  put_word(f, nsyms);
  for (i = 0; i < nsyms; i++)
    put_name(f, syms[i]);
  put_word(f, sum);
  if (fclose(f) != 0)
    fail("write error on", out);
  return 0;
}

/* ---- link ---- */

static const unsigned char *rp, *rend;

static uint32_t get_word(void)
{
  uint32_t w;

  if (rp + 4 > rend)
    fail("truncated object", 0);
  w = rp[0] | rp[1] << 8 | rp[2] << 16 | (uint32_t)rp[3] << 24;
  rp += 4;
  return w;
}

static void get_name(char *out)
{
  uint32_t n = get_word(), i;

  if (n > 63)
    fail("name too long", 0);
  for (i = 0; i < n; i += 4) {
    uint32_t w = get_word();
    memcpy(out + i, &w, 4);
  }
  out[n] = 0;
}

static int link(const char *out, char **objs, int nobjs)
{
  static int firstfunc[MAXFUNCS + 1];
  static char objsyms[MAXOBJS][MAXSYMS / 4][64];
  FILE *f;
  int i, j, k;

  srcname = "link";
  if (nobjs > MAXOBJS)
    fail("too many objects", 0);
  for (i = 0; i < nobjs; i++) {
    long len;
    unsigned char *data = (unsigned char *)read_file(objs[i], &len);
    uint32_t n, ns, want;
    if (!data || len < 12)
      fail("cannot read object", objs[i]);
    rp = data;
    rend = data + len;
    want = data[len - 4] | data[len - 3] << 8 | data[len - 2] << 16 | (uint32_t)data[len - 1] << 24;
    if (fnv1a(FNV_INIT, data, len - 4) != want)
      fail("bad checksum in", objs[i]);
    if (get_word() != DOBJ_MAGIC)
      fail("not an object:", objs[i]);
    n = get_word();
    firstfunc[i] = nfuncs;
    for (j = 0; j < (int)n; j++) {
      if (nfuncs == MAXFUNCS)
        fail("too many functions", 0);
      cur = &funcs[nfuncs++];
      get_name(cur->name);
      cur->nparams = get_word();
      cur->nlocals = get_word();
      cur->ncode = cur->cap = get_word();
      cur->code = malloc(cur->ncode * sizeof(uint32_t) + 4);
      for (k = 0; k < cur->ncode; k++)
        cur->code[k] = get_word();
    }
    ns = get_word();
    if (ns > MAXSYMS / 4)
      fail("too many symbols in", objs[i]);
    for (j = 0; j < (int)ns; j++)
      get_name(objsyms[i][j]);
    free(data);
  }
  firstfunc[nobjs] = nfuncs;
  for (i = 0; i < nobjs; i++) {                 /* resolve calls: symbol -> function index */
    for (j = firstfunc[i]; j < firstfunc[i + 1]; j++) {
      struct func *fn = &funcs[j];
      for (k = 0; k < fn->ncode; k++) {
        uint32_t op = fn->code[k];
        if (op == OP_CALL) {
          uint32_t arg = fn->code[k + 1], s = arg & 0xffffff, nargs = arg >> 24;
          int t;
          for (t = 0; t < nfuncs && strcmp(funcs[t].name, objsyms[i][s]) != 0; t++)
            ;
          if (t == nfuncs)
            fail("undefined reference to", objsyms[i][s]);
          if ((int)nargs != funcs[t].nparams)
            fail("wrong argument count for", objsyms[i][s]);
          fn->code[k + 1] = t;
        }
        if (op < OP_HAS_ARG_END)
          k++;
      }
    }
  }
  if (!(f = fopen(out, "w")))
    fail("cannot create", out);
  sum = FNV_INIT;
  put_word(f, DIMG_MAGIC);
  put_word(f, nfuncs);
  for (i = 0; i < nfuncs; i++)
    put_func(f, &funcs[i]);
  put_word(f, sum);
  if (fclose(f) != 0)
    fail("write error on", out);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc >= 3 && strcmp(argv[1], "-I") == 0) {
    incdir = argv[2];
    argv += 2;
    argc -= 2;
  }
  if (argc >= 4 && strcmp(argv[1], "-l") == 0 && strcmp(argv[2], "-o") == 0)
    return link(argv[3], argv + 4, argc - 4);
  if (argc == 4 && strcmp(argv[2], "-o") == 0)
    return compile(argv[1], argv[3]);
  fprintf(stderr, "usage: cc1 [-I dir] file.c -o file.o | cc1 -l -o image objects...\n");
  return 2;
}
