/* run.c: executing the tree: redirections (saved and restored around builtins), builtins,
 * simple commands, pipelines, subshells and background jobs, with process groups and the
 * tty's foreground group when job control is on. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ctype.h>
#include <sys/wait.h>
#include "sh.h"

/* ---- redirections ---- */

/* Applies redirections; with `saved` (10 slots) the old fds are kept for restore_fds. */
int apply_redirs(struct redir *r, int *saved)
{
  for (; r; r = r->next) {
    char *target = expand_one(r->target);
    int fd;

    if (saved && r->fd < 10 && saved[r->fd] == -2) {
      saved[r->fd] = fcntl(r->fd, F_DUPFD, 10);
      if (saved[r->fd] >= 0)
        fcntl(saved[r->fd], F_SETFD, FD_CLOEXEC);
    }
    if (r->kind == R_DUP) {
      if (strcmp(target, "-") == 0) {
        close(r->fd);
        continue;
      }
      if (!isdigit((unsigned char)target[0]) || dup2(atoi(target), r->fd) < 0) {
        fprintf(stderr, "sh: %s: bad file descriptor\n", target);
        return -1;
      }
      continue;
    }
    if (r->kind == R_IN)
      fd = open(target, O_RDONLY);
    else
      fd = open(target, O_WRONLY | O_CREAT | (r->kind == R_APPEND ? O_APPEND : O_TRUNC), 0666);
    if (fd < 0) {
      fprintf(stderr, "sh: %s: %s\n", target, strerror(errno));
      return -1;
    }
    if (fd != r->fd) {
      dup2(fd, r->fd);
      close(fd);
    }
  }
  return 0;
}

void restore_fds(int *saved)
{
  int i;

  for (i = 0; i < 10; i++) {
    if (saved[i] == -2)
      continue;
    if (saved[i] >= 0) {
      dup2(saved[i], i);
      close(saved[i]);
    } else {
      close(i);
    }
  }
}

/* ---- running commands ---- */

/* In a new child: its own process group (job control) and default signal actions. */
static void child_setup(pid_t pgid, int foreground)
{
  if (jobctl) {
    setpgid(0, pgid);
    if (foreground)
      tcsetpgrp(0, pgid ? pgid : getpid());
  }
  signal(SIGINT, SIG_DFL);
  signal(SIGQUIT, SIG_DFL);
  signal(SIGTSTP, SIG_IGN);         /* no ^Z: the shell cannot resume stopped jobs */
  signal(SIGTTOU, SIG_DFL);
  signal(SIGTTIN, SIG_DFL);
}

/* The $? value of a wait status; `report` prints how a killed foreground job died. */
int status_of(int st, int report)
{
  if (WIFEXITED(st))
    return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) {
    int sig = WTERMSIG(st);
    if (!report)
      ;
    else if (sig != SIGINT && sig != SIGPIPE)
      fprintf(stderr, "sh: killed by signal %s\n", signame(sig) ? signame(sig) : "?");
    else if (sig == SIGINT && interactive)
      fprintf(stderr, "\n");
    return 128 + sig;
  }
  return 128;
}

/* Waits for the foreground job's processes; returns the last one's status. */
static int wait_job(pid_t *pids, int n)
{
  int i, st = 0, result = 0;

  for (i = 0; i < n; i++) {
    while (waitpid(pids[i], &st, 0) < 0) {
      if (errno != EINTR) {
        st = 0;
        break;
      }
    }
    if (i == n - 1)
      result = status_of(st, 1);
  }
  if (jobctl)
    tcsetpgrp(0, shell_pgid);
  return result;
}

/* Reports background jobs that finished (interactive shells, before each prompt). */
void reap_background(void)
{
  int st;
  pid_t pid;

  while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
    if (interactive)
      fprintf(stderr, "[%d] done, status %d\n", pid, status_of(st, 0));
}

static int builtin_wait(char **argv)
{
  int st = 0, r = 0;

  if (!argv[1]) {
    while (wait(&st) > 0 || errno == EINTR)
      ;
    return 0;
  }
  for (argv++; *argv; argv++) {
    if (waitpid(atoi(*argv), &st, 0) < 0)
      r = 127;
    else
      r = status_of(st, 0);
  }
  return r;
}

static int builtin_cd(char **argv)
{
  const char *dir = argv[1] ? argv[1] : var_get("HOME");

  if (!dir)
    dir = "/";
  if (chdir(dir) < 0) {
    fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
    return 1;
  }
  return 0;
}

static int builtin_export(char **argv, int unset)
{
  struct var *v;

  if (!argv[1] && !unset) {
    for (v = vars; v; v = v->next)
      if (v->exported && v->value)
        printf("export %s='%s'\n", v->name, v->value);
    return 0;
  }
  for (argv++; *argv; argv++) {
    char *eq = strchr(*argv, '=');
    if (unset) {
      var_unset(*argv);
    } else if (eq) {
      *eq = 0;
      var_set(*argv, eq + 1, 1);
      *eq = '=';
    } else {
      var_set(*argv, 0, 1);
    }
  }
  return 0;
}

static int builtin_source(char **argv)
{
  int fd, n, r;
  struct str text = { 0 };
  char buf[4096];

  if (!argv[1]) {
    fprintf(stderr, "sh: .: file name required\n");
    return 2;
  }
  if ((fd = open(argv[1], O_RDONLY)) < 0) {
    fprintf(stderr, "sh: %s: %s\n", argv[1], strerror(errno));
    return 1;
  }
  while ((n = read(fd, buf, sizeof buf)) > 0)
    str_addn(&text, buf, n);
  close(fd);
  r = run_text(text.s ? strdup(text.s) : "", 0);
  return r;
}

static void exec_command(char **argv, char **env)
{
  environ = env;
  execvp(argv[0], argv);
  fprintf(stderr, "sh: %s: %s\n", argv[0], errno == ENOENT ? "not found" : strerror(errno));
  _exit(errno == ENOENT ? 127 : 126);
}

static int is_builtin(const char *c)
{
  static const char *const names[] = { "cd", "exit", "wait", "export", "unset", ":", ".", "pwd",
                                       "set", "exec", 0 };
  int i;

  for (i = 0; names[i]; i++)
    if (strcmp(c, names[i]) == 0)
      return 1;
  return 0;
}

/* Runs the builtin argv[0]; returns its status. */
static int builtin(char **argv)
{
  const char *c = argv[0];
  int status = 0;

  if (strcmp(c, "cd") == 0) status = builtin_cd(argv);
  else if (strcmp(c, "exit") == 0) exit(argv[1] ? atoi(argv[1]) : last_status);
  else if (strcmp(c, "wait") == 0) status = builtin_wait(argv);
  else if (strcmp(c, "export") == 0) status = builtin_export(argv, 0);
  else if (strcmp(c, "unset") == 0) status = builtin_export(argv, 1);
  else if (strcmp(c, ".") == 0) status = builtin_source(argv);
  else if (strcmp(c, "pwd") == 0) {
    char buf[4096];
    status = getcwd(buf, sizeof buf) ? (printf("%s\n", buf), 0) : 1;
  } else if (strcmp(c, "set") == 0) {
    struct var *v;
    for (v = vars; v; v = v->next)
      if (v->value)
        printf("%s='%s'\n", v->name, v->value);
  } else if (strcmp(c, "exec") == 0 && argv[1]) {
    exec_command(argv + 1, build_env());
  }
  fflush(stdout);
  return status;
}

/* Sets the NAME=value prefix words of a command (exported when they are for a program). */
static void assign(struct node *n, int count, int export)
{
  int i;

  for (i = 0; i < count; i++) {
    char *w = n->words[i], *eq = strchr(w, '=');
    *eq = 0;
    var_set(w, expand_one(eq + 1), export);
    *eq = '=';
  }
}

/* A simple command: assignments, then a builtin or a program. With `tail` nothing else
 * runs in this process afterwards, so a program is exec'ed without forking. */
static int run_command(struct node *n, int tail)
{
  struct fields f = { 0 };
  int i, nassign = 0, status = 0, saved[10];
  pid_t pid;

  while (nassign < n->nwords) {
    char *eq = strchr(n->words[nassign], '=');
    if (!eq || !is_name(n->words[nassign], eq - n->words[nassign]))
      break;
    nassign++;
  }
  for (i = nassign; i < n->nwords; i++)
    expand_word(n->words[i], &f);
  for (i = 0; i < 10; i++)
    saved[i] = -2;
  if (f.n == 0 || is_builtin(f.v[0])) {
    int permanent = f.n && strcmp(f.v[0], "exec") == 0;
    assign(n, nassign, permanent);
    if (apply_redirs(n->redirs, permanent ? 0 : saved) < 0)
      status = 1;
    else if (f.n)
      status = builtin(f.v);
    restore_fds(saved);
    return status;
  }
  if (tail) {
    assign(n, nassign, 1);
    if (apply_redirs(n->redirs, 0) < 0)
      exit(1);
    exec_command(f.v, build_env());
  }
  pid = fork();
  if (pid < 0) {
    perror("sh: fork");
    return 1;
  }
  if (pid == 0) {
    child_setup(0, 1);
    assign(n, nassign, 1);
    if (apply_redirs(n->redirs, 0) < 0)
      _exit(1);
    exec_command(f.v, build_env());
  }
  if (jobctl) {
    setpgid(pid, pid);
    tcsetpgrp(0, pid);
  }
  return wait_job(&pid, 1);
}

/* Forks a child that runs n with stdin `in` and stdout `out` (if >= 0), closing `other`
 * (the read end of its own output pipe); returns the pid. */
static pid_t fork_node(struct node *n, pid_t pgid, int in, int out, int other)
{
  pid_t pid = fork();

  if (pid == 0) {
    child_setup(pgid, 1);
    if (other >= 0)
      close(other);
    if (in >= 0) {
      dup2(in, 0);
      close(in);
    }
    if (out >= 0) {
      dup2(out, 1);
      close(out);
    }
    exit(run(n, 1));
  }
  if (pid > 0 && jobctl) {
    setpgid(pid, pgid ? pgid : pid);
    if (!pgid)
      tcsetpgrp(0, pid);
  }
  return pid;
}

static int run_pipeline(struct node *n)
{
  struct node *cmds[64];
  pid_t pids[64], pgid = 0;
  int ncmd = 0, i, in = -1;

  for (; n->type == N_PIPE && ncmd < 62; n = n->left)
    cmds[ncmd++] = n->right;
  cmds[ncmd++] = n;
  for (i = 0; i < ncmd / 2; i++) {             /* the tree nests to the left: reverse */
    struct node *t = cmds[i];
    cmds[i] = cmds[ncmd - 1 - i];
    cmds[ncmd - 1 - i] = t;
  }
  for (i = 0; i < ncmd; i++) {
    int p[2] = { -1, -1 };
    if (i < ncmd - 1 && pipe(p) < 0) {
      perror("sh: pipe");
      break;
    }
    pids[i] = fork_node(cmds[i], pgid, in, p[1], p[0]);
    if (pgid == 0)
      pgid = pids[i];
    if (in >= 0)
      close(in);
    if (p[1] >= 0)
      close(p[1]);
    in = p[0];
  }
  if (in >= 0)
    close(in);
  return wait_job(pids, i);
}

/* Runs a tree; `tail` as for run_command. Returns the exit status (also in $?). */
int run(struct node *n, int tail)
{
  int s;

  if (!n)
    return 0;
  switch (n->type) {
  case N_CMD:
    return last_status = run_command(n, tail);
  case N_PIPE:
    return last_status = run_pipeline(n);
  case N_AND:
    s = run(n->left, 0);
    return s == 0 ? run(n->right, tail) : s;
  case N_OR:
    s = run(n->left, 0);
    return s != 0 ? run(n->right, tail) : s;
  case N_SEQ:
    run(n->left, 0);
    return run(n->right, tail);
  case N_BG: {
    pid_t pid = fork();
    if (pid == 0) {
      child_setup(0, 0);
      if (!jobctl) {
        signal(SIGINT, SIG_IGN);
        signal(SIGQUIT, SIG_IGN);
      }
      exit(run(n->left, 1));
    }
    if (pid < 0) {
      perror("sh: fork");
      return last_status = 1;
    }
    if (jobctl)
      setpgid(pid, pid);
    last_bg = pid;
    if (interactive)
      fprintf(stderr, "[%d]\n", pid);
    return last_status = 0;
  }
  case N_SUB: {
    pid_t pid = tail ? 0 : fork();
    if (pid == 0) {
      if (!tail)
        child_setup(0, 1);
      if (apply_redirs(n->redirs, 0) < 0)
        exit(1);
      exit(run(n->left, 1));
    }
    if (pid < 0) {
      perror("sh: fork");
      return last_status = 1;
    }
    if (jobctl) {
      setpgid(pid, pid);
      tcsetpgrp(0, pid);
    }
    return last_status = wait_job(&pid, 1);
  }
  }
  return 1;
}

