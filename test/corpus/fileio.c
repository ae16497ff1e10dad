/* Corpus: stdio and POSIX file I/O in the current directory: create, write (buffered and
 * unbuffered), seek/tell, read back, append, rename, stat sizes, directory listing of our own
 * files, unlink; the file name includes the pid so parallel runs cannot collide. */
/* LFS: without it glibc's 32-bit readdir fails with EOVERFLOW on qemu-user, which passes the
 * host's 64-bit ext4 directory cookies through getdents64. */
#define _FILE_OFFSET_BITS 64
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>
#include <sys/stat.h>
#include <dirent.h>

static int fails;
#define CHECK(cond, what) do { if (!(cond)) { printf("FAIL: %s (errno %d)\n", what, errno); fails++; } } while (0)

int main(void) {
  char name[64], name2[64], dname[64];
  snprintf(name, sizeof name, "corpus-fileio-%d.txt", (int)getpid());
  snprintf(name2, sizeof name2, "corpus-fileio-%d.renamed", (int)getpid());
  snprintf(dname, sizeof dname, "corpus-fileio-%d.d", (int)getpid());

  /* stdio write */
  FILE *f = fopen(name, "w");
  CHECK(f != NULL, "fopen w");
  if (!f) return 1;
  for (int i = 0; i < 1000; i++) fprintf(f, "line %04d: %d squared is %d\n", i, i, i * i);
  long pos = ftell(f);
  printf("written bytes (ftell)=%ld\n", pos);
  CHECK(fclose(f) == 0, "fclose");

  /* stat */
  struct stat st;
  CHECK(stat(name, &st) == 0, "stat");
  printf("stat size=%ld regular=%d\n", (long)st.st_size, S_ISREG(st.st_mode) ? 1 : 0);

  /* read back with fgets, check and checksum */
  f = fopen(name, "r");
  CHECK(f != NULL, "fopen r");
  if (!f) return 1;
  char line[128];
  int n = 0, bad = 0;
  uint32_t h = 0;
  while (fgets(line, sizeof line, f)) {
    int a, b, c;
    if (sscanf(line, "line %d: %d squared is %d", &a, &b, &c) != 3 || a != n || c != n * n) bad++;
    for (char *p = line; *p; p++) h = h * 31 + (uint8_t)*p;
    n++;
  }
  printf("read lines=%d bad=%d hash=%08x eof=%d\n", n, bad, h, feof(f) ? 1 : 0);

  /* seek around */
  CHECK(fseek(f, 333L, SEEK_SET) == 0, "fseek set");
  CHECK(fgets(line, sizeof line, f) != NULL, "fgets after seek");
  printf("at offset 333: %s", line);
  printf("ftell after fgets=%ld\n", ftell(f));
  CHECK(fseek(f, -32L, SEEK_END) == 0, "fseek end");
  CHECK(fgets(line, sizeof line, f) != NULL, "fgets at end");
  printf("last line: %s", line);
  fclose(f);

  /* append with POSIX calls */
  int fd = open(name, O_WRONLY | O_APPEND);
  CHECK(fd >= 0, "open append");
  const char tail[] = "appended tail\n";
  CHECK(write(fd, tail, sizeof tail - 1) == (ssize_t)(sizeof tail - 1), "write");
  close(fd);

  /* binary read with lseek/read */
  fd = open(name, O_RDONLY);
  CHECK(fd >= 0, "open r");
  off_t end = lseek(fd, 0, SEEK_END);
  printf("size after append=%ld\n", (long)end);
  CHECK(lseek(fd, end - 14, SEEK_SET) == end - 14, "lseek");
  char buf[32] = {0};
  ssize_t got = read(fd, buf, sizeof buf - 1);
  printf("read %ld bytes: %s", (long)got, buf);
  got = read(fd, buf, sizeof buf);
  printf("read at EOF returns %ld\n", (long)got);
  close(fd);

  /* binary round trip with fwrite/fread */
  f = fopen(name, "wb+");
  CHECK(f != NULL, "fopen wb+");
  if (!f) return 1;
  static double arr[4096], back[4096];
  for (int i = 0; i < 4096; i++) arr[i] = i * 0.5 - 100.0;
  CHECK(fwrite(arr, sizeof arr[0], 4096, f) == 4096, "fwrite");
  rewind(f);
  CHECK(fread(back, sizeof back[0], 4096, f) == 4096, "fread");
  printf("binary round trip equal=%d\n", memcmp(arr, back, sizeof arr) == 0);
  fclose(f);

  /* rename, directory, listing, unlink */
  CHECK(rename(name, name2) == 0, "rename");
  CHECK(access(name, F_OK) != 0 && errno == ENOENT, "old name gone");
  CHECK(mkdir(dname, 0755) == 0, "mkdir");
  DIR *d = opendir(".");
  CHECK(d != NULL, "opendir");
  int seen = 0;
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
      if (strcmp(e->d_name, name2) == 0 || strcmp(e->d_name, dname) == 0) seen++;
    closedir(d);
  }
  printf("listing shows our 2 entries: %s\n", seen == 2 ? "yes" : "no");
  CHECK(rmdir(dname) == 0, "rmdir");
  CHECK(unlink(name2) == 0, "unlink");
  CHECK(open(name2, O_RDONLY) < 0 && errno == ENOENT, "open after unlink fails with ENOENT");
  printf("fopen of missing file: %s\n", fopen("corpus-no-such-file", "r") == NULL && errno == ENOENT ? "ENOENT" : "?");
  printf("fails=%d\n", fails);
  return fails ? 1 : 0;
}
