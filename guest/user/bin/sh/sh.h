/* sh.h: the shell's shared types and functions. The shell is split by stage: parse.c
 * (arena, lexer, parser), expand.c (variables, $-expansion, globbing), run.c (redirections,
 * builtins, processes and pipelines) and main.c (options, reading input, the main loop). */
#ifndef SH_H
#define SH_H
#include <stddef.h>
#include <sys/types.h>

/* A growable string in the arena. */
struct str {
  char *s;
  size_t len, cap;
};

/* A shell variable; exported ones go into the environment of programs. */
struct var {
  char *name, *value;
  int exported;
  struct var *next;
};

/* Tokens, and the kinds of redirection a T_REDIR carries. */
enum tok { T_WORD, T_PIPE, T_AND, T_OR, T_SEMI, T_AMP, T_LPAREN, T_RPAREN, T_REDIR, T_NL, T_EOF, T_ERROR };
enum rkind { R_IN, R_OUT, R_APPEND, R_DUP };

/* The lexer over one text: the current token, and for T_WORD its raw text. */
struct lexer {
  const char *p;
  enum tok tok;
  char *word;            /* T_WORD: raw text, quotes kept */
  int rfd, rkind;        /* T_REDIR */
  int incomplete;        /* ran out of text inside a quote */
};

/* The parse tree of one complete command: the node types, redirections, nodes. */
enum ntype { N_CMD, N_PIPE, N_AND, N_OR, N_SEQ, N_BG, N_SUB };

struct redir {
  int fd, kind;
  char *target;
  struct redir *next;
};

struct node {
  enum ntype type;
  struct node *left, *right;
  char **words;          /* N_CMD */
  int nwords;
  struct redir *redirs;  /* N_CMD, N_SUB */
};

/* Parser outcome (perr): fine, a syntax error, or the text ended too early. */
enum { P_OK, P_SYNTAX, P_MORE };

/* The fields a word expands to (a NULL-terminated argv in the arena). */
struct fields {
  char **v;
  int n, cap;
};

/* Shell state (main.c). */
extern struct var *vars;
extern int last_status, interactive, jobctl, nposargs;
extern pid_t shell_pid, shell_pgid, last_bg;
extern char *arg0, **posargs;

/* parse.c: everything of one command lives in an arena freed by arena_reset. */
void *alloc(size_t n);
void arena_reset(void);
char *astrndup(const char *s, size_t n);
void str_addn(struct str *b, const char *s, size_t n);
void str_addc(struct str *b, char c);
void lex_next(struct lexer *lx);
struct node *parse_list(struct lexer *lx, int nested);
extern int perr;

/* expand.c */
const char *var_get(const char *name);
void var_set(const char *name, const char *value, int export);
void var_unset(const char *name);
char **build_env(void);
int is_name(const char *s, size_t n);
void expand_word(const char *w, struct fields *out);
char *expand_one(const char *w);

/* run.c */
int apply_redirs(struct redir *r, int *saved);
void restore_fds(int *saved);
int run(struct node *n, int tail);
int status_of(int st, int report);
void reap_background(void);

/* main.c */
int run_text(const char *text, int stop_on_error);
#endif
