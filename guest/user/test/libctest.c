/* libctest [dir]: checks our libc from the inside: formatting, conversions, strings, sorting,
 * the allocator, setjmp, 64-bit arithmetic, math, environment, time, stdio files, signals,
 * fork/pipe/wait, directories and stat (in `dir`, default the current directory). Prints one
 * line per failure and "libctest: OK <n> checks" or "libctest: FAIL <k> of <n>". */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <ctype.h>
#include <sys/stat.h>
#include <sys/wait.h>

static int checks, failures;

static void check(int ok, const char *what, int line)
{
  checks++;
  if (!ok) {
    failures++;
    printf("FAIL line %d: %s\n", line, what);
  }
}
#define CHECK(e) check((e) != 0, #e, __LINE__)

static void check_fmt(const char *got, const char *want, int line)
{
  checks++;
  if (strcmp(got, want) != 0) {
    failures++;
    printf("FAIL line %d: got \"%s\", want \"%s\"\n", line, got, want);
  }
}
#define FMT(want, ...) do { char b_[256]; snprintf(b_, sizeof b_, __VA_ARGS__); check_fmt(b_, want, __LINE__); } while (0)

static int near(double a, double b)
{
  return fabs(a - b) <= 1e-13 * (fabs(b) > 1 ? fabs(b) : 1);
}

static const char *volatile null_string;

static void test_printf(void)
{
  char small[6];

  FMT("42 -17 0", "%d %i %u", 42, -17, 0u);
  FMT("[   42] [42   ] [00042] [+42] [ 42]", "[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
  FMT("ff FF 0xff 377 0", "%x %X %#x %o %x", 255, 255, 255, 255, 0);
  FMT("-2147483648 4294967295", "%d %u", (int)0x80000000, 0xffffffffu);
  FMT("-9223372036854775808 18446744073709551615", "%lld %llu", (long long)0x8000000000000000ull, ~0ull);
  FMT("123456789012 1234567890abcdef", "%lld %llx", 123456789012ll, 0x1234567890abcdefull);
  FMT("[abc] [  abc] [abc  ] [ab]", "[%s] [%5s] [%-5s] [%.2s]", "abc", "abc", "abc", "abc");
  FMT("[hel]", "[%.*s]", 3, "hello");
  FMT("[    7]", "[%*d]", 5, 7);
  FMT("x%y", "x%%y");
  FMT("c=A", "c=%c", 'A');
  FMT("0x1000", "%p", (void *)0x1000);
  FMT("(null)", "%s", null_string);
  FMT("3.141593 3.14 3 -0.500", "%f %.2f %.0f %.3f", M_PI, M_PI, M_PI, -0.5);
  FMT("1.000000e+00 1.234568e+05 1.5E-07", "%e %e %.1E", 1.0, 123456.789, 1.5e-7);
  FMT("100000 1e+06 0.0001 1e-05 3.14159 0", "%g %g %g %g %g %g", 1e5, 1e6, 1e-4, 1e-5, M_PI, 0.0);
  FMT("0.1 0.3 2.5 1e+100 -1.5", "%g %g %g %g %g", 0.1, 0.3, 2.5, 1e100, -1.5);
  FMT("1234567.000000 99.990 10.00", "%f %.3f %.2f", 1234567.0, 99.99, 9.996);
  FMT("inf -inf nan", "%f %f %f", HUGE_VAL, -HUGE_VAL, NAN);
  FMT("[  3.50] [3.50  ] [003.50]", "[%6.2f] [%-6.2f] [%06.2f]", 3.5, 3.5, 3.5);
  FMT("1e+300 1e-300", "%g %g", 1e300, 1e-300);
  FMT("1000000000000000.500000", "%f", 1e15 + 0.5);
  FMT("18446744073709552000.000000", "%f", 18446744073709551616.0);   /* 17 digits, then 0s */
  CHECK(snprintf(small, sizeof small, "%s", "truncated") == 9 && strcmp(small, "trunc") == 0);
}

static int cmp_int(const void *a, const void *b)
{
  int x = *(const int *)a, y = *(const int *)b;

  return x < y ? -1 : x > y;
}

static void test_conversions(void)
{
  char *end;

  CHECK(strtol("  -123xyz", &end, 10) == -123 && *end == 'x');
  CHECK(strtol("0x1f", 0, 0) == 31 && strtol("017", 0, 0) == 15 && strtol("z", 0, 36) == 35);
  CHECK(strtoul("4294967295", 0, 10) == 4294967295ul);
  errno = 0;
  CHECK(strtol("99999999999", 0, 10) == 2147483647L && errno == ERANGE);
  CHECK(strtoll("-9223372036854775807", 0, 10) == -9223372036854775807ll);
  CHECK(strtoull("18446744073709551615", 0, 10) == ~0ull);
  CHECK(atoi("42") == 42 && atoi("-7") == -7);
  CHECK(strtod("3.25", 0) == 3.25 && strtod("-1e3", 0) == -1000.0 && strtod("2.5e-3", 0) == 0.0025);
  CHECK(strtod("0.1", 0) == 0.1 && strtod("123456789.0", 0) == 123456789.0);
  CHECK(isinf(strtod("inf", 0)) && isnan(strtod("nan", 0)));
  CHECK(strtod("abc", &end) == 0 && strcmp(end, "abc") == 0);
  CHECK(isdigit('7') && !isdigit('a') && isalpha('Q') && isspace('\t') && toupper('a') == 'A');
}

static void test_strings(void)
{
  char buf[64], *tok, *save;
  static char big1[1000], big2[1000];
  int i;

  CHECK(strlen("hello") == 5 && strcmp("abc", "abd") < 0 && strncmp("abcx", "abcy", 3) == 0);
  CHECK(strcasecmp("HeLLo", "hello") == 0);
  strcpy(buf, "foo");
  strcat(buf, "bar");
  CHECK(strcmp(buf, "foobar") == 0 && strchr(buf, 'b') == buf + 3 && strrchr(buf, 'o') == buf + 2);
  CHECK(strstr(buf, "oba") == buf + 2 && strstr(buf, "xyz") == 0);
  CHECK(strspn("aabbc", "ab") == 4 && strcspn("hello", "l") == 2);
  strcpy(buf, "a,b,,c");
  tok = strtok_r(buf, ",", &save);
  CHECK(tok && strcmp(tok, "a") == 0);
  tok = strtok_r(0, ",", &save);
  CHECK(tok && strcmp(tok, "b") == 0);
  tok = strtok_r(0, ",", &save);
  CHECK(tok && strcmp(tok, "c") == 0 && strtok_r(0, ",", &save) == 0);
  for (i = 0; i < 1000; i++)
    big1[i] = (char)i;
  memcpy(big2 + 1, big1 + 3, 900);
  CHECK(memcmp(big2 + 1, big1 + 3, 900) == 0);
  memmove(big1 + 10, big1, 500);
  CHECK(big1[10] == 0 && big1[509] == (char)499);
  memset(big2, 'x', 777);
  CHECK(big2[0] == 'x' && big2[776] == 'x' && big2[777] != 'x');
  CHECK(strcmp(strerror(ENOENT), "No such file or directory") == 0);
}

static void test_sort_and_alloc(void)
{
  int *a = malloc(5000 * sizeof(int)), i, sorted = 1;
  void *blocks[200];
  unsigned seed = 7;

  for (i = 0; i < 5000; i++)
    a[i] = (int)((seed = seed * 1103515245u + 12345u) >> 8) % 1000;
  qsort(a, 5000, sizeof(int), cmp_int);
  for (i = 1; i < 5000; i++)
    if (a[i - 1] > a[i])
      sorted = 0;
  CHECK(sorted);
  i = 500;
  CHECK(bsearch(&a[1234], a, 5000, sizeof(int), cmp_int) != 0);
  free(a);
  for (i = 0; i < 200; i++) {
    size_t n = (i * 7919) % (i % 10 == 0 ? 300000 : 3000) + 1;
    blocks[i] = malloc(n);
    CHECK(blocks[i] != 0 && ((unsigned long)blocks[i] & 7) == 0);
    memset(blocks[i], i, n);
  }
  for (i = 0; i < 200; i += 2)
    free(blocks[i]);
  for (i = 1; i < 200; i += 2) {
    unsigned char *p = blocks[i];
    CHECK(p[0] == (unsigned char)i);
    blocks[i] = realloc(p, 5000);
    CHECK(((unsigned char *)blocks[i])[0] == (unsigned char)i);
    free(blocks[i]);
  }
  a = calloc(1000, sizeof(int));
  for (i = 0, sorted = 1; i < 1000; i++)
    if (a[i])
      sorted = 0;
  CHECK(sorted);
  free(a);
}

static jmp_buf jb;

static volatile int depth_reached;

static void jump_deep(int n)
{
  depth_reached = n;
  if (n > 1000)
    return;
  if (n <= 0)
    longjmp(jb, 7);
  jump_deep(n - 1);
  depth_reached = -1;
}

static void test_setjmp_and_arith(void)
{
  volatile int count = 0;
  volatile double d = 2.5;
  volatile unsigned long long u = 0xfedcba9876543210ull;
  volatile long long s = -1234567890123ll;

  if (setjmp(jb) == 0) {
    count = 1;
    jump_deep(10);
  } else {
    count += 10;
  }
  CHECK(count == 11 && d == 2.5);
  CHECK(u / 10 == 0x197c790f3f086b68ull && u % 10 == 0 && u % 7 == 18364758544493064720ull % 7);
  CHECK(s / 1000 == -1234567890 && s % 1000 == -123);
  CHECK(u / 0x100000000ull == 0xfedcba98ull && u / u == 1);
  CHECK((long long)-2.5e18 == -2500000000000000000ll && (unsigned long long)1.5e19 == 15000000000000000000ull);
  CHECK((double)s == -1234567890123.0 && (double)u == 18364758544493064720.0);
}

static void test_math(void)
{
  CHECK(sqrt(2.0) == 1.4142135623730951 && sqrt(144.0) == 12.0);
  CHECK(floor(-2.5) == -3.0 && ceil(-2.5) == -2.0 && floor(3.0) == 3.0 && trunc(-7.9) == -7.0);
  CHECK(round(2.5) == 3.0 && fabs(-3.0) == 3.0 && fmod(10.5, 3.0) == 1.5);
  CHECK(near(exp(1.0), M_E) && near(exp(-20.0), 2.061153622438558e-09) && exp(0) == 1.0);
  CHECK(near(log(M_E), 1.0) && near(log(1e-10), -23.025850929940457) && log(1.0) == 0);
  CHECK(near(pow(2.0, 0.5), 1.4142135623730951) && pow(2.0, 10.0) == 1024.0 && pow(-2.0, 3.0) == -8.0);
  CHECK(near(pow(10.0, -2.5), 0.0031622776601683794));
  CHECK(near(sin(M_PI / 6), 0.5) && near(cos(M_PI / 3), 0.5) && near(sin(100.0), -0.5063656411097588));
  CHECK(near(cos(-1e4), -0.9521553682590148) && near(tan(0.5), 0.5463024898437905));
  CHECK(near(atan(1.0), M_PI / 4) && near(atan2(-1.0, -1.0), -3 * M_PI / 4));
  CHECK(near(log10(1000.0), 3.0));
}

static void test_env_time(void)
{
  struct tm tm;
  time_t t = 951782400;     /* 2000-02-29 00:00:00 UTC */
  struct timespec a, b;

  CHECK(setenv("LIBCTEST", "one", 1) == 0 && strcmp(getenv("LIBCTEST"), "one") == 0);
  CHECK(setenv("LIBCTEST", "two", 0) == 0 && strcmp(getenv("LIBCTEST"), "one") == 0);
  CHECK(unsetenv("LIBCTEST") == 0 && getenv("LIBCTEST") == 0);
  gmtime_r(&t, &tm);
  CHECK(tm.tm_year == 100 && tm.tm_mon == 1 && tm.tm_mday == 29 && tm.tm_wday == 2);
  t = 1700000000;
  gmtime_r(&t, &tm);
  CHECK(tm.tm_year == 123 && tm.tm_mon == 10 && tm.tm_mday == 14 && tm.tm_hour == 22 && tm.tm_min == 13);
  CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0 && clock_gettime(CLOCK_MONOTONIC, &b) == 0);
  CHECK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
  CHECK(time(0) > 1600000000);
}

static void test_files(const char *dir)
{
  char path[256], line[64];
  FILE *f;
  struct stat st;
  DIR *d;
  struct dirent *e;
  int i, found = 0;

  snprintf(path, sizeof path, "%s/libctest.tmp", dir);
  f = fopen(path, "w");
  CHECK(f != 0);
  if (!f)
    return;
  for (i = 0; i < 1000; i++)
    fprintf(f, "line %d\n", i);
  CHECK(fclose(f) == 0);
  CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 8890);
  f = fopen(path, "r");
  CHECK(fgets(line, sizeof line, f) && strcmp(line, "line 0\n") == 0);
  CHECK(fseek(f, -9, SEEK_END) == 0 && fgets(line, sizeof line, f) && strcmp(line, "line 999\n") == 0);
  CHECK(fgets(line, sizeof line, f) == 0 && feof(f));
  rewind(f);
  CHECK(fread(line, 1, 10, f) == 10 && ftell(f) == 10 && memcmp(line, "line 0\nlin", 10) == 0);
  fclose(f);
  f = fopen(path, "a");
  fputs("tail\n", f);
  fclose(f);
  CHECK(stat(path, &st) == 0 && st.st_size == 8895);
  d = opendir(dir);
  CHECK(d != 0);
  while (d && (e = readdir(d)))
    if (strcmp(e->d_name, "libctest.tmp") == 0)
      found = 1;
  if (d)
    closedir(d);
  CHECK(found);
  CHECK(unlink(path) == 0 && stat(path, &st) < 0 && errno == ENOENT);
  CHECK(open(path, O_RDONLY) < 0 && errno == ENOENT);
}

static volatile int got_signal;

static void on_usr1(int sig)
{
  got_signal = sig;
}

static void test_processes(void)
{
  int p[2], st;
  char buf[16];
  pid_t pid;
  sigset_t set, old;

  CHECK(signal(SIGUSR1, on_usr1) != SIG_ERR);
  raise(SIGUSR1);
  CHECK(got_signal == SIGUSR1);
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  got_signal = 0;
  CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0);
  raise(SIGUSR1);
  CHECK(got_signal == 0);
  CHECK(sigprocmask(SIG_SETMASK, &old, 0) == 0 && got_signal == SIGUSR1);
  CHECK(pipe(p) == 0);
  pid = fork();
  if (pid == 0) {
    close(p[0]);
    write(p[1], "child", 5);
    _exit(42);
  }
  CHECK(pid > 0);
  close(p[1]);
  CHECK(read(p[0], buf, sizeof buf) == 5 && memcmp(buf, "child", 5) == 0);
  CHECK(read(p[0], buf, sizeof buf) == 0);
  close(p[0]);
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 42);
  pid = fork();
  if (pid == 0) {
    for (;;)
      sleep(100);
  }
  CHECK(kill(pid, SIGTERM) == 0);
  CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
  CHECK(waitpid(-1, &st, WNOHANG) < 0 && errno == ECHILD);
}

int main(int argc, char **argv)
{
  test_printf();
  test_conversions();
  test_strings();
  test_sort_and_alloc();
  test_setjmp_and_arith();
  test_math();
  test_env_time();
  test_files(argc > 1 ? argv[1] : ".");
  test_processes();
  if (failures) {
    printf("libctest: FAIL %d of %d\n", failures, checks);
    return 1;
  }
  printf("libctest: OK %d checks\n", checks);
  return 0;
}
