/* stdio.c: buffered FILE streams. A stream is either reading (rpos < rend holds unread
 * input) or writing (wlen bytes wait in buf); switching direction drains the other side.
 * stdout is line-buffered on a tty and fully buffered otherwise, stderr is unbuffered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include "internal.h"

enum { F_READ = 1, F_WRITE = 2, F_EOF = 4, F_ERR = 8, F_OWNBUF = 16, F_MODESET = 32 };

struct FILE {
  int fd;
  int flags;
  int mode;               /* _IOFBF, _IOLBF or _IONBF */
  unsigned char *buf;
  size_t size;
  size_t rpos, rend;      /* reading: unread bytes are buf[rpos..rend) */
  size_t wlen;            /* writing: buf[0..wlen) not yet written */
  int unget;              /* a pushed-back byte, or EOF */
  struct FILE *next;      /* all open streams, for exit-time flushing */
};

static unsigned char inbuf[BUFSIZ], outbuf[BUFSIZ];
static FILE f_stdin = { 0, F_READ, _IOFBF, inbuf, BUFSIZ, 0, 0, 0, EOF, 0 };
static FILE f_stdout = { 1, F_WRITE, _IOFBF, outbuf, BUFSIZ, 0, 0, 0, EOF, &f_stdin };
static FILE f_stderr = { 2, F_WRITE, _IONBF, 0, 0, 0, 0, 0, EOF, &f_stdout };
FILE *stdin = &f_stdin, *stdout = &f_stdout, *stderr = &f_stderr;
static FILE *all_files = &f_stderr;

/* Writes all of buf to fd, retrying short writes; returns 0 or -1. */
static int write_all(int fd, const unsigned char *buf, size_t n)
{
  while (n > 0) {
    ssize_t w = write(fd, buf, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    buf += w;
    n -= w;
  }
  return 0;
}

/* The first write to stdout decides its buffering: lines on a terminal, blocks otherwise. */
static void pick_mode(FILE *f)
{
  if (!(f->flags & F_MODESET)) {
    f->flags |= F_MODESET;
    if (f == stdout && isatty(1))
      f->mode = _IOLBF;
  }
}

int fflush(FILE *f)
{
  if (!f) {
    __stdio_flushall();
    return 0;
  }
  if (f->wlen) {
    int r = write_all(f->fd, f->buf, f->wlen);
    f->wlen = 0;
    if (r < 0) {
      f->flags |= F_ERR;
      return EOF;
    }
  }
  if (f->rpos < f->rend) {               /* give unread input back to the file position */
    lseek(f->fd, -(off_t)(f->rend - f->rpos), SEEK_CUR);
    f->rpos = f->rend = 0;
  }
  return 0;
}

void __stdio_flushall(void)
{
  FILE *f;

  for (f = all_files; f; f = f->next)
    if (f->wlen)
      fflush(f);
}

static int mode_flags(const char *mode, int *oflags)
{
  int plus = strchr(mode, '+') != 0;

  switch (mode[0]) {
  case 'r': *oflags = plus ? O_RDWR : O_RDONLY; break;
  case 'w': *oflags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC; break;
  case 'a': *oflags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND; break;
  default: errno = EINVAL; return -1;
  }
  return plus ? F_READ | F_WRITE : mode[0] == 'r' ? F_READ : F_WRITE;
}

FILE *fdopen(int fd, const char *mode)
{
  int oflags, flags = mode_flags(mode, &oflags);
  FILE *f;

  if (flags < 0)
    return 0;
  f = calloc(1, sizeof *f);
  if (!f)
    return 0;
  f->buf = malloc(BUFSIZ);
  if (!f->buf) {
    free(f);
    return 0;
  }
  f->fd = fd;
  f->flags = flags | F_OWNBUF | F_MODESET;
  f->mode = _IOFBF;
  f->size = BUFSIZ;
  f->unget = EOF;
  f->next = all_files;
  all_files = f;
  return f;
}

FILE *fopen(const char *path, const char *mode)
{
  int oflags, fd;
  FILE *f;

  if (mode_flags(mode, &oflags) < 0)
    return 0;
  fd = open(path, oflags, 0666);
  if (fd < 0)
    return 0;
  f = fdopen(fd, mode);
  if (!f)
    close(fd);
  return f;
}

int fclose(FILE *f)
{
  FILE **pp;
  int r = fflush(f);

  if (close(f->fd) < 0)
    r = EOF;
  for (pp = &all_files; *pp; pp = &(*pp)->next)
    if (*pp == f) {
      *pp = f->next;
      break;
    }
  if (f == stdin || f == stdout || f == stderr)
    return r;
  if (f->flags & F_OWNBUF)
    free(f->buf);
  free(f);
  return r;
}

int setvbuf(FILE *f, char *buf, int mode, size_t size)
{
  f->mode = mode;
  f->flags |= F_MODESET;
  if (buf && size) {
    if (f->flags & F_OWNBUF)
      free(f->buf);
    f->flags &= ~F_OWNBUF;
    f->buf = (unsigned char *)buf;
    f->size = size;
  }
  return 0;
}

void setbuf(FILE *f, char *buf)
{
  setvbuf(f, buf, buf ? _IOFBF : _IONBF, BUFSIZ);
}

/* Refills the read buffer; returns the number of bytes now available (0 at EOF/error). */
static size_t refill(FILE *f)
{
  ssize_t n;

  if (f->wlen)
    fflush(f);
  if (f == stdin)
    fflush(stdout);           /* prompts appear before we block for input */
  f->rpos = f->rend = 0;
  if (!f->buf) {                 /* a bufferless stream (stderr) reads a byte at a time */
    static unsigned char onebyte;
    f->buf = &onebyte;
    f->size = 1;
  }
  do
    n = read(f->fd, f->buf, f->mode == _IONBF ? 1 : f->size);
  while (n < 0 && errno == EINTR);
  if (n <= 0) {
    f->flags |= n == 0 ? F_EOF : F_ERR;
    return 0;
  }
  f->rend = n;
  return n;
}

int fgetc(FILE *f)
{
  if (f->unget != EOF) {
    int c = f->unget;
    f->unget = EOF;
    return c;
  }
  if (f->rpos == f->rend && refill(f) == 0)
    return EOF;
  return f->buf[f->rpos++];
}

int getc(FILE *f) { return fgetc(f); }
int getchar(void) { return fgetc(stdin); }

int ungetc(int c, FILE *f)
{
  if (c == EOF)
    return EOF;
  f->unget = (unsigned char)c;
  f->flags &= ~F_EOF;
  return c;
}

char *fgets(char *buf, int size, FILE *f)
{
  int i = 0, c = 0;

  while (i < size - 1 && (c = fgetc(f)) != EOF) {
    buf[i++] = (char)c;
    if (c == '\n')
      break;
  }
  if (i == 0 && size > 0)
    return 0;
  buf[i] = 0;
  return buf;
}

size_t fread(void *buf, size_t size, size_t n, FILE *f)
{
  unsigned char *p = buf;
  size_t want = size * n, got = 0;

  if (want == 0)
    return 0;
  if (f->unget != EOF) {
    p[got++] = (unsigned char)f->unget;
    f->unget = EOF;
  }
  while (got < want) {
    size_t avail = f->rend - f->rpos;
    if (avail == 0) {
      if (want - got >= f->size && f->mode != _IONBF && !f->wlen) {
        ssize_t r = read(f->fd, p + got, want - got);   /* big reads bypass the buffer */
        if (r < 0 && errno == EINTR)
          continue;
        if (r <= 0) {
          f->flags |= r == 0 ? F_EOF : F_ERR;
          break;
        }
        got += r;
        continue;
      }
      if ((avail = refill(f)) == 0)
        break;
    }
    if (avail > want - got)
      avail = want - got;
    memcpy(p + got, f->buf + f->rpos, avail);
    f->rpos += avail;
    got += avail;
  }
  return got / size;
}

/* Appends n bytes to the write buffer, flushing as the buffering mode requires. */
static int put_bytes(FILE *f, const unsigned char *p, size_t n)
{
  pick_mode(f);
  if (f->rpos < f->rend)
    fflush(f);
  if (f->mode == _IONBF || !f->buf) {
    if (write_all(f->fd, p, n) < 0) {
      f->flags |= F_ERR;
      return EOF;
    }
    return 0;
  }
  if (n >= f->size) {                     /* big writes bypass the buffer */
    if (fflush(f) == EOF || write_all(f->fd, p, n) < 0) {
      f->flags |= F_ERR;
      return EOF;
    }
    return 0;
  }
  if (f->wlen + n > f->size && fflush(f) == EOF)
    return EOF;
  memcpy(f->buf + f->wlen, p, n);
  f->wlen += n;
  if (f->mode == _IOLBF && memchr(p, '\n', n))
    return fflush(f);
  return 0;
}

size_t fwrite(const void *buf, size_t size, size_t n, FILE *f)
{
  if (size == 0 || n == 0)
    return 0;
  return put_bytes(f, buf, size * n) == EOF ? 0 : n;
}

int fputc(int c, FILE *f)
{
  unsigned char b = (unsigned char)c;

  if (f->wlen < f->size && f->mode == _IOFBF && (f->flags & F_MODESET) && f->rpos == f->rend) {
    f->buf[f->wlen++] = b;                /* the common case, kept short */
    return b;
  }
  return put_bytes(f, &b, 1) == EOF ? EOF : b;
}

int putc(int c, FILE *f) { return fputc(c, f); }
int putchar(int c) { return fputc(c, stdout); }

int fputs(const char *s, FILE *f)
{
  return put_bytes(f, (const unsigned char *)s, strlen(s));
}

int puts(const char *s)
{
  if (fputs(s, stdout) == EOF)
    return EOF;
  return fputc('\n', stdout) == EOF ? EOF : 0;
}

int feof(FILE *f) { return (f->flags & F_EOF) != 0; }
int ferror(FILE *f) { return (f->flags & F_ERR) != 0; }
void clearerr(FILE *f) { f->flags &= ~(F_EOF | F_ERR); }
int fileno(FILE *f) { return f->fd; }

int fseek(FILE *f, long off, int whence)
{
  if (fflush(f) == EOF)
    return -1;
  f->unget = EOF;
  f->flags &= ~F_EOF;
  return lseek(f->fd, off, whence) < 0 ? -1 : 0;
}

long ftell(FILE *f)
{
  off_t pos = lseek(f->fd, 0, SEEK_CUR);

  if (pos < 0)
    return -1;
  return pos + f->wlen - (f->rend - f->rpos) - (f->unget != EOF);
}

void rewind(FILE *f)
{
  fseek(f, 0, SEEK_SET);
  clearerr(f);
}

int remove(const char *path)
{
  if (unlink(path) == 0)
    return 0;
  return errno == EISDIR ? rmdir(path) : -1;
}
