/* parse.c: the shell's front end. An arena holds everything one command needs (tree and
 * expansions) and is freed in one go; the lexer turns text into words (quotes kept raw)
 * and operators; the recursive-descent parser builds the tree of one complete command:
 *   list := and_or ((; | & | newline) and_or)*     and_or := pipeline ((&& | ||) pipeline)*
 *   pipeline := command (| command)*    command := ( list ) redirs | (word | redir)+ */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sh.h"

/* ---- arena: everything of one command (tree, expansions) is freed together ---- */

struct block {
  struct block *next;
  size_t used, size;
  char data[];
};
static struct block *arena;

void *alloc(size_t n)
{
  n = (n + 7) & ~(size_t)7;
  if (!arena || arena->used + n > arena->size) {
    size_t size = n > 16384 ? n : 16384;
    struct block *b = malloc(sizeof *b + size);
    if (!b) {
      fprintf(stderr, "sh: out of memory\n");
      exit(2);
    }
    b->next = arena;
    b->used = 0;
    b->size = size;
    arena = b;
  }
  arena->used += n;
  return arena->data + arena->used - n;
}

void arena_reset(void)
{
  while (arena) {
    struct block *next = arena->next;
    free(arena);
    arena = next;
  }
}

char *astrndup(const char *s, size_t n)
{
  char *p = alloc(n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

/* Growable string in the arena. */
void str_addn(struct str *b, const char *s, size_t n)
{
  if (b->len + n + 1 > b->cap) {
    size_t cap = (b->cap + n + 1) * 2;
    char *t = alloc(cap);
    if (b->len)
      memcpy(t, b->s, b->len);
    b->s = t;
    b->cap = cap;
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}

void str_addc(struct str *b, char c)
{
  str_addn(b, &c, 1);
}

/* ---- lexer ---- */

static int is_op_char(int c)
{
  return c == '|' || c == '&' || c == ';' || c == '(' || c == ')' || c == '<' || c == '>' ||
         c == '\n' || c == ' ' || c == '\t' || c == 0;
}

/* Scans a word (quotes and escapes kept raw); sets lx->incomplete on an open quote. */
static void lex_word(struct lexer *lx)
{
  const char *s = lx->p;

  while (!is_op_char(*lx->p)) {
    char c = *lx->p++;
    if (c == '\\') {
      if (!*lx->p) {
        lx->incomplete = 1;
        break;
      }
      lx->p++;
    } else if (c == '\'' || c == '"') {
      while (*lx->p && *lx->p != c) {
        if (c == '"' && *lx->p == '\\' && lx->p[1])
          lx->p++;
        lx->p++;
      }
      if (!*lx->p) {
        lx->incomplete = 1;
        break;
      }
      lx->p++;
    }
  }
  lx->word = astrndup(s, lx->p - s);
  lx->tok = lx->incomplete ? T_ERROR : T_WORD;
}

void lex_next(struct lexer *lx)
{
  const char *p;
  int fd = -1;

  while (*lx->p == ' ' || *lx->p == '\t' || (lx->p[0] == '\\' && lx->p[1] == '\n'))
    lx->p += *lx->p == '\\' ? 2 : 1;
  if (*lx->p == '#')
    while (*lx->p && *lx->p != '\n')
      lx->p++;
  p = lx->p;
  if (isdigit((unsigned char)*p) && (p[1] == '<' || p[1] == '>')) {
    fd = *p - '0';
    p++;
  }
  switch (*p) {
  case 0: lx->tok = T_EOF; return;
  case '\n': lx->tok = T_NL; lx->p = p + 1; return;
  case ';': lx->tok = T_SEMI; lx->p = p + 1; return;
  case '(': lx->tok = T_LPAREN; lx->p = p + 1; return;
  case ')': lx->tok = T_RPAREN; lx->p = p + 1; return;
  case '|':
    lx->tok = p[1] == '|' ? T_OR : T_PIPE;
    lx->p = p + (p[1] == '|' ? 2 : 1);
    return;
  case '&':
    lx->tok = p[1] == '&' ? T_AND : T_AMP;
    lx->p = p + (p[1] == '&' ? 2 : 1);
    return;
  case '<':
  case '>':
    lx->tok = T_REDIR;
    lx->rfd = fd >= 0 ? fd : *p == '<' ? 0 : 1;
    if (p[1] == '&') {
      lx->rkind = R_DUP;
      lx->p = p + 2;
    } else if (p[0] == '>' && p[1] == '>') {
      lx->rkind = R_APPEND;
      lx->p = p + 2;
    } else {
      lx->rkind = *p == '<' ? R_IN : R_OUT;
      lx->p = p + 1;
    }
    return;
  }
  lex_word(lx);
}

/* ---- parser: builds the tree of one complete command ---- */

int perr;

static struct node *node(enum ntype type, struct node *l, struct node *r)
{
  struct node *n = alloc(sizeof *n);

  memset(n, 0, sizeof *n);
  n->type = type;
  n->left = l;
  n->right = r;
  return n;
}

static void syntax(struct lexer *lx)
{
  if (perr == P_OK)
    perr = (lx->tok == T_EOF || lx->tok == T_ERROR) ? P_MORE : P_SYNTAX;
}

struct node *parse_list(struct lexer *lx, int nested);

/* Parses the redirection at the current token onto *tail. */
static int parse_redir(struct lexer *lx, struct redir ***tail)
{
  struct redir *r = alloc(sizeof *r);

  r->fd = lx->rfd;
  r->kind = lx->rkind;
  r->next = 0;
  lex_next(lx);
  if (lx->tok != T_WORD) {
    syntax(lx);
    return -1;
  }
  r->target = lx->word;
  **tail = r;
  *tail = &r->next;
  lex_next(lx);
  return 0;
}

static struct node *parse_command(struct lexer *lx)
{
  struct node *n;
  struct redir **rtail;
  char *words[256];
  int nw = 0;

  if (lx->tok == T_LPAREN) {
    lex_next(lx);
    n = node(N_SUB, parse_list(lx, 1), 0);
    if (perr)
      return 0;
    if (lx->tok != T_RPAREN) {
      syntax(lx);
      return 0;
    }
    lex_next(lx);
    rtail = &n->redirs;
    while (lx->tok == T_REDIR)
      if (parse_redir(lx, &rtail) < 0)
        return 0;
    return n;
  }
  n = node(N_CMD, 0, 0);
  rtail = &n->redirs;
  for (;;) {
    if (lx->tok == T_WORD) {
      if (nw == 255) {
        fprintf(stderr, "sh: too many words\n");
        perr = P_SYNTAX;
        return 0;
      }
      words[nw++] = lx->word;
      lex_next(lx);
    } else if (lx->tok == T_REDIR) {
      if (parse_redir(lx, &rtail) < 0)
        return 0;
    } else {
      break;
    }
  }
  if (nw == 0 && !n->redirs) {
    syntax(lx);
    return 0;
  }
  n->words = alloc((nw + 1) * sizeof(char *));
  memcpy(n->words, words, nw * sizeof(char *));
  n->words[nw] = 0;
  n->nwords = nw;
  return n;
}

static struct node *parse_pipeline(struct lexer *lx)
{
  struct node *n = parse_command(lx);

  while (n && lx->tok == T_PIPE) {
    lex_next(lx);
    while (lx->tok == T_NL)
      lex_next(lx);
    n = node(N_PIPE, n, parse_command(lx));
    if (!n->right)
      return 0;
  }
  return n;
}

static struct node *parse_andor(struct lexer *lx)
{
  struct node *n = parse_pipeline(lx);

  while (n && (lx->tok == T_AND || lx->tok == T_OR)) {
    enum ntype t = lx->tok == T_AND ? N_AND : N_OR;
    lex_next(lx);
    while (lx->tok == T_NL)
      lex_next(lx);
    n = node(t, n, parse_pipeline(lx));
    if (!n->right)
      return 0;
  }
  return n;
}

/* A list: and-or lists separated by ; & (and newlines when nested in parentheses).
 * At top level it stops after the first newline, so each line runs before the next. */
struct node *parse_list(struct lexer *lx, int nested)
{
  struct node *list = 0;

  for (;;) {
    struct node *n;
    while (nested && lx->tok == T_NL)
      lex_next(lx);
    if (lx->tok == T_EOF || lx->tok == T_NL || lx->tok == T_RPAREN) {
      if (nested && lx->tok == T_EOF)
        syntax(lx);
      if (!list && !(lx->tok == T_NL || lx->tok == T_EOF))
        syntax(lx);
      return list;
    }
    n = parse_andor(lx);
    if (!n)
      return 0;
    if (lx->tok == T_AMP) {
      n = node(N_BG, n, 0);
      lex_next(lx);
    } else if (lx->tok == T_SEMI) {
      lex_next(lx);
    } else if (lx->tok != T_NL && lx->tok != T_EOF && lx->tok != T_RPAREN) {
      syntax(lx);
      return 0;
    }
    list = list ? node(N_SEQ, list, n) : n;
  }
}

