// End-to-end tests of the Linux user-mode runner: small static C programs built with the MIPS
// cross compiler run in-process through runUser, with stdout/stderr captured in temp files.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, realpathSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runUser } from './runner.js';

const CC = 'mipsel-linux-gnu-gcc';

const PROGRAMS: Record<string, string> = {
  hello: `#include <stdio.h>
int main(void) { printf("hello, world\\n"); return 3; }`,
  args: `#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  for (int i = 0; i < argc; i++) printf("%d:%s\\n", i, argv[i]);
  printf("env=%s\\n", getenv("DISCO_TEST_VAR") ? getenv("DISCO_TEST_VAR") : "(none)");
  return 0;
}`,
  files: `#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <dirent.h>
int main(void) {
  int fd = open("data.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  if (fd < 0) { perror("open"); return 1; }
  const char *msg = "line one\\nline two\\n";
  if (write(fd, msg, strlen(msg)) != (ssize_t)strlen(msg)) return 2;
  close(fd);
  struct stat st;
  if (stat("data.txt", &st) != 0) return 3;
  printf("size=%ld reg=%d\\n", (long)st.st_size, S_ISREG(st.st_mode));
  FILE *f = fopen("data.txt", "r");
  char buf[64];
  while (fgets(buf, sizeof buf, f)) printf("read:%s", buf);
  fseek(f, 5, SEEK_SET);
  printf("at5:%c tell=%ld\\n", fgetc(f), ftell(f));
  fclose(f);
  mkdir("sub", 0755);
  rename("data.txt", "sub/moved.txt");
  DIR *d = opendir("sub");
  struct dirent *e;
  int n = 0;
  while ((e = readdir(d)) != NULL) if (e->d_name[0] != '.') printf("entry:%s\\n", e->d_name), n++;
  closedir(d);
  printf("unlink=%d\\n", unlink("sub/moved.txt"));
  printf("rmdir=%d\\n", rmdir("sub"));
  printf("gone=%d\\n", access("sub", F_OK));
  return n == 1 ? 0 : 4;
}`,
  forkpipe: `#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
int global = 1;
int main(void) {
  int fds[2];
  if (pipe(fds) != 0) return 1;
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    global = 42;
    const char *m = "ping from child";
    write(fds[1], m, strlen(m));
    _exit(7);
  }
  close(fds[1]);
  char buf[64] = {0};
  ssize_t n, total = 0;
  while ((n = read(fds[0], buf + total, sizeof buf - 1 - total)) > 0) total += n;
  int status = 0;
  pid_t w = waitpid(pid, &status, 0);
  printf("got '%s' w_ok=%d exited=%d code=%d global=%d\\n", buf, w == pid, WIFEXITED(status), WEXITSTATUS(status), global);
  return 0;
}`,
  exec: `#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv) {
  if (argc < 2) return 1;
  fflush(stdout);
  char *args[] = { "child-name", "x", "y z", NULL };
  char *env[] = { "DISCO_TEST_VAR=from-exec", NULL };
  execve(argv[1], args, env);
  perror("execve");
  return 2;
}`,
  segv: `#include <stdio.h>
#include <signal.h>
#include <setjmp.h>
#include <string.h>
static sigjmp_buf env;
static volatile void *fault_addr;
static volatile int code;
static void handler(int sig, siginfo_t *si, void *uc) { (void)uc; fault_addr = si->si_addr; code = si->si_code; siglongjmp(env, sig); }
int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);
  for (int round = 0; round < 2; round++) {
    int r = sigsetjmp(env, 1);
    if (r == 0) { *(volatile int *)(0x10 + round * 4) = 1; printf("not reached\\n"); }
    else printf("caught %d addr=%p code=%d\\n", r, fault_addr, code);
  }
  return 0;
}`,
  divzero: `#include <stdio.h>
int main(int argc, char **argv) { (void)argv; volatile int z = argc - 1; printf("before\\n"); fflush(stdout); return 10 / z; }`,
  reexec: `#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <spawn.h>
#include <sys/wait.h>
extern char **environ;
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "again") == 0) { printf("re-executed as %s\\n", argv[0]); return 0; }
  if (argc > 1 && strcmp(argv[1], "spawned") == 0) return 5;
  pid_t pid;
  char *sargs[] = { "sp", "spawned", NULL };
  int r = posix_spawn(&pid, "/proc/self/exe", NULL, NULL, sargs, environ);
  int st = 0;
  waitpid(pid, &st, 0);
  printf("posix_spawn r=%d status=%d\\n", r, WEXITSTATUS(st));
  fflush(stdout);
  char *args[] = { "applet", "again", NULL };
  execv("/proc/self/exe", args);
  return 1;
}`,
  selfexe: `#include <stdio.h>
#include <unistd.h>
int main(void) { char b[4096]; ssize_t n = readlink("/proc/self/exe", b, sizeof b - 1); if (n < 0) return 1; b[n] = 0; printf("%s\\n", b); return 0; }`,
  signals: `#include <stdio.h>
#include <signal.h>
#include <unistd.h>
#include <string.h>
#include <sys/wait.h>
static volatile int got_usr1, got_chld;
static void on_usr1(int s) { got_usr1 = s; }
static void on_chld(int s) { got_chld = s; }
int main(void) {
  signal(SIGUSR1, on_usr1);
  signal(SIGCHLD, on_chld);
  kill(getpid(), SIGUSR1);
  printf("usr1=%d\\n", got_usr1);
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, &old);
  got_usr1 = 0;
  raise(SIGUSR1);
  printf("blocked usr1=%d\\n", got_usr1);
  sigprocmask(SIG_SETMASK, &old, NULL);
  printf("unblocked usr1=%d\\n", got_usr1);
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  int st;
  while (waitpid(pid, &st, 0) < 0) {}
  printf("chld=%d\\n", got_chld);
  double x = 1.5; for (int i = 0; i < 10; i++) x = x * 1.25 + 0.5;
  printf("fp=%.6f\\n", x);
  signal(SIGTERM, SIG_DFL);
  fflush(stdout);
  raise(SIGTERM);
  return 0;
}`,
  pipe2: `#define _GNU_SOURCE
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
int main(void) {
  int fds[2];
  int direct = pipe2(fds, O_DIRECT | O_CLOEXEC);
  int bad = pipe2(fds, 0x4000);   /* __O_SYNC: not a pipe2 flag (x86's O_DIRECT value) */
  printf("direct=%d bad=%d errno=%d\\n", direct, bad, errno);
  return 0;
}`,
  mmap: `#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <unistd.h>
int main(void) {
  size_t len = 8 << 20;
  unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 1;
  unsigned long sum = 0;
  for (size_t i = 0; i < len; i += 4096) { sum += p[i]; p[i] = (unsigned char)(i >> 12); }
  for (size_t i = 0; i < len; i += 4096) sum += p[i];
  printf("sum=%lu\\n", sum);
  if (munmap(p, len) != 0) return 2;
  int fd = open("/proc/self/exe", O_RDONLY);
  unsigned char *f = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  printf("elf=%c%c%c\\n", f[1], f[2], f[3]);
  char *big = malloc(50 << 20);
  memset(big, 7, 50 << 20);
  printf("big=%d\\n", big[(50 << 20) - 1]);
  free(big);
  return 0;
}`,
};

let dir = '';
const bin = (name: string): string => join(dir, name);

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function run(name: string, args: string[] = [], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Run {
  const outPath = join(dir, `${name}.out`);
  const errPath = join(dir, `${name}.err`);
  const inFd = openSync('/dev/null', 'r');
  const outFd = openSync(outPath, 'w');
  const errFd = openSync(errPath, 'w');
  const cwd = process.cwd();
  try {
    if (opts.cwd) process.chdir(opts.cwd);
    const r = runUser({ elf: bin(name), args, env: opts.env ?? { PATH: '/bin', DISCO_TEST_VAR: 'hi' }, stdio: [inFd, outFd, errFd] });
    return { status: r.status, stdout: readFileSync(outPath, 'utf8'), stderr: readFileSync(errPath, 'utf8') };
  } finally {
    process.chdir(cwd);
    closeSync(inFd);
    closeSync(outFd);
    closeSync(errFd);
  }
}

describe('linux-user runner', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'disco-linux-user-'));
    for (const [name, src] of Object.entries(PROGRAMS)) {
      writeFileSync(join(dir, `${name}.c`), src);
      execFileSync(CC, ['-static', '-O2', '-o', bin(name), join(dir, `${name}.c`)], { stdio: 'pipe' });
    }
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs hello world with its exit status', () => {
    const r = run('hello');
    expect(r).toEqual({ status: 3, stdout: 'hello, world\n', stderr: '' });
  });

  it('passes argv and the environment', () => {
    const r = run('args', ['one', 'two words', '']);
    expect(r.stdout).toBe(`0:${bin('args')}\n1:one\n2:two words\n3:\nenv=hi\n`);
    expect(r.status).toBe(0);
  });

  it('creates, reads, renames, lists and unlinks files in the cwd', () => {
    const work = mkdtempSync(join(dir, 'work-'));
    const r = run('files', [], { cwd: work });
    expect(r.stdout).toBe(
      'size=18 reg=1\nread:line one\nread:line two\nat5:o tell=6\nentry:moved.txt\nunlink=0\nrmdir=0\ngone=-1\n',
    );
    expect(r.status).toBe(0);
    expect(existsSync(join(work, 'sub'))).toBe(false);
  });

  it('forks, pipes and waits (copy-on-write keeps the parent memory)', () => {
    const r = run('forkpipe');
    expect(r.stdout).toBe("got 'ping from child' w_ok=1 exited=1 code=7 global=1\n");
    expect(r.status).toBe(0);
  });

  it('pipe2 takes the MIPS O_DIRECT and refuses other flags', () => {
    expect(run('pipe2')).toEqual({ status: 0, stdout: 'direct=0 bad=-1 errno=22\n', stderr: '' });
  });

  it('execve replaces the image with another binary', () => {
    const r = run('exec', [bin('args')]);
    expect(r.stdout).toBe('0:child-name\n1:x\n2:y z\nenv=from-exec\n');
    expect(r.status).toBe(0);
  });

  it('re-executes itself through /proc/self/exe (execve and vfork-based posix_spawn)', () => {
    const r = run('reexec');
    expect(r.stdout).toBe('posix_spawn r=0 status=5\nre-executed as applet\n');
    expect(r.status).toBe(0);
  });

  it('runs #! scripts through their interpreter', () => {
    const script = join(dir, 'script.sh');
    writeFileSync(script, `#!${bin('args')} -opt\n`, { mode: 0o755 });
    const r = run('exec', [script]);
    expect(r.stdout).toBe(`0:${bin('args')}\n1:-opt\n2:${script}\n3:x\n4:y z\nenv=from-exec\n`);
  });

  it('delivers SIGSEGV to a SA_SIGINFO handler that siglongjmps back', () => {
    const r = run('segv');
    expect(r.stdout).toBe('caught 11 addr=0x10 code=1\ncaught 11 addr=0x14 code=1\n');
    expect(r.status).toBe(0);
  });

  it('turns an integer division by zero into SIGFPE (status 136)', () => {
    const r = run('divzero');
    expect(r.stdout).toBe('before\n');
    expect(r.status).toBe(136);
    expect(r.stderr).toContain('uncaught target signal 8');
  });

  it('answers readlink("/proc/self/exe") with the running ELF', () => {
    const r = run('selfexe');
    expect(r.stdout).toBe(`${realpathSync(bin('selfexe'))}\n`);
  });

  it('runs plain signal handlers (sigreturn), masks, SIGCHLD and default SIGTERM', () => {
    const r = run('signals');
    expect(r.stdout).toBe('usr1=16\nblocked usr1=0\nunblocked usr1=16\nchld=18\nfp=30.596290\n');
    expect(r.status).toBe(128 + 15);
    expect(r.stderr).toBe('');
  });

  it('maps anonymous and file-backed memory, and grows the heap', () => {
    const r = run('mmap');
    expect(r.stdout).toBe('sum=261120\nelf=ELF\nbig=7\n');
    expect(r.status).toBe(0);
  });

  it('reports a missing program without running anything', () => {
    const outFd = openSync('/dev/null', 'w');
    try {
      const r = runUser({ elf: join(dir, 'does-not-exist'), args: [], stdio: [outFd, outFd, outFd] });
      expect(r.status).toBe(127);
    } finally {
      closeSync(outFd);
    }
  });
});
