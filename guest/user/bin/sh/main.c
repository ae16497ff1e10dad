/* sh: the shell. Usage: sh [-i] | sh -c 'commands' [name args...] | sh file [args...].
 * Grammar: lists joined by ; & && || and newlines, pipelines a | b | c, ( subshells ),
 * simple commands with NAME=value prefixes and redirections < > >> N> N>> N< N>&M N>&-.
 * Words: '...' and "..." quoting, \ escapes, $NAME ${NAME} $? $$ $! $# $0-$9 $@ $*, ~,
 * and * ? [..] globbing. Builtins: cd pwd exit wait export unset set : . exec.
 * Interactive shells use process groups and the tty's foreground group (tcsetpgrp) so ^C
 * reaches only the foreground job; if the kernel lacks them the shell just ignores SIGINT
 * and its children restore the default. The text is parsed one complete command at a
 * time, then run; expansion happens at run time. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sh.h"

struct var *vars;
int last_status, interactive, jobctl;
pid_t shell_pid, shell_pgid, last_bg = -1;
char *arg0 = "sh";
char **posargs;          /* $1 ... */
int nposargs;

/* ---- reading and driving ---- */

/* Parses and runs text one complete command at a time; returns the last status. On a
 * syntax error it stops (scripts) with status 2. */
int run_text(const char *text, int stop_on_error)
{
  struct lexer lx;

  memset(&lx, 0, sizeof lx);
  lx.p = text;
  lex_next(&lx);
  while (lx.tok != T_EOF) {
    struct node *n;
    perr = P_OK;
    n = parse_list(&lx, 0);
    if (perr) {
      fprintf(stderr, "sh: syntax error%s\n", perr == P_MORE ? ": unexpected end of input" : "");
      last_status = 2;
      if (stop_on_error)
        return 2;
      break;
    }
    if (n)
      run(n, 0);
    if (lx.tok == T_NL)
      lex_next(&lx);
  }
  return last_status;
}

/* Reads one line from fd 0 a byte at a time (children share the fd offset). Returns the
 * line without its newline, or 0 at end of input. */
static char *read_line(struct str *b)
{
  char c;
  int got = 0;

  b->len = 0;
  for (;;) {
    ssize_t n = read(0, &c, 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    got = 1;
    if (c == '\n')
      break;
    str_addc(b, c);
  }
  if (!got)
    return 0;
  if (!b->s)
    str_addc(b, 0), b->len = 0;
  return b->s;
}

/* True when text holds a complete command (no open quote, no trailing | && || or "("). */
static int complete(const char *text)
{
  struct lexer lx;

  memset(&lx, 0, sizeof lx);
  lx.p = text;
  lex_next(&lx);
  while (lx.tok != T_EOF) {
    perr = P_OK;
    parse_list(&lx, 0);
    if (perr == P_MORE)
      return 0;
    if (perr)
      return 1;
    if (lx.tok == T_NL)
      lex_next(&lx);
  }
  return 1;
}

/* The read-eval loop on stdin. */
static int run_stdin(void)
{
  for (;;) {
    struct str line = { 0 };
    char *text, *l;
    size_t len;

    if (interactive) {
      reap_background();
      fputs(getuid() == 0 ? "# " : "$ ", stderr);
    }
    arena_reset();
    if (!(l = read_line(&line)))
      break;
    text = strdup(l);
    while (!complete(text)) {
      struct str more = { 0 };
      if (interactive)
        fputs("> ", stderr);
      if (!(l = read_line(&more)))
        break;
      len = strlen(text);
      text = realloc(text, len + strlen(l) + 2);
      text[len] = '\n';
      strcpy(text + len + 1, l);
    }
    run_text(text, 0);
    free(text);
  }
  if (interactive)
    fputs("\n", stderr);
  return last_status;
}

/* Reads a whole script file into memory. */
static char *read_file(const char *path)
{
  int fd = open(path, O_RDONLY);
  char *buf = 0;
  size_t len = 0, cap = 0;
  ssize_t n;

  if (fd < 0)
    return 0;
  for (;;) {
    if (len + 4096 + 1 > cap) {
      cap = (cap + 4096) * 2;
      buf = realloc(buf, cap);
    }
    n = read(fd, buf + len, cap - len - 1);
    if (n <= 0)
      break;
    len += n;
  }
  close(fd);
  buf[len] = 0;
  return buf;
}

/* Interactive start: own process group, the terminal's foreground, job signals ignored. */
static void init_interactive(void)
{
  signal(SIGINT, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  signal(SIGTSTP, SIG_IGN);
  signal(SIGTTOU, SIG_IGN);
  signal(SIGTTIN, SIG_IGN);
  if (getpgrp() != getpid())
    setpgid(0, 0);
  shell_pgid = getpgrp();
  jobctl = shell_pgid > 0 && tcsetpgrp(0, shell_pgid) == 0 && tcgetpgrp(0) == shell_pgid;
}

int main(int argc, char **argv)
{
  char **e;
  int i = 1, force_interactive = 0;

  shell_pid = getpid();
  for (e = environ; *e; e++) {
    char *eq = strchr(*e, '=');
    if (eq) {
      *eq = 0;
      var_set(*e, eq + 1, 1);
      *eq = '=';
    }
  }
  if (i < argc && strcmp(argv[i], "-i") == 0) {
    force_interactive = 1;
    i++;
  }
  if (i < argc && strcmp(argv[i], "-c") == 0) {
    if (i + 1 >= argc) {
      fprintf(stderr, "sh: -c needs an argument\n");
      return 2;
    }
    if (i + 2 < argc)
      arg0 = argv[i + 2];
    posargs = argv + i + 3 > argv + argc ? argv + argc : argv + i + 3;
    nposargs = argc - (i + 3) > 0 ? argc - (i + 3) : 0;
    return run_text(argv[i + 1], 1);
  }
  if (i < argc) {
    char *text = read_file(argv[i]);
    if (!text) {
      fprintf(stderr, "sh: %s: %s\n", argv[i], strerror(errno));
      return 127;
    }
    arg0 = argv[i];
    posargs = argv + i + 1;
    nposargs = argc - i - 1;
    return run_text(text, 1);
  }
  interactive = force_interactive || (isatty(0) && isatty(2));
  if (interactive)
    init_interactive();
  return run_stdin();
}

