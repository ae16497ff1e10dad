/* raytrace [-w width] [-h height] [-p processes] [-o file.ppm]: the paper's "raytrace"
 * workload, floating point in several processes. Each child renders a band of rows of one
 * scene (spheres over a checkered floor, a point light with shadows, Phong highlights, a
 * mirror bounce, gamma correction through pow) and sends its 8-bit pixels up a pipe; the
 * parent assembles the image, re-renders a sample of pixels itself to check the children,
 * and prints "raytrace: OK <checksum>". Every pixel is computed the same way whatever the
 * band split, so the checksum does not depend on -p. A child renders its whole band before
 * sending it, so the bands render in parallel. Defaults: -w 160 -h 120 -p 2. */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdint.h>
#include <sys/wait.h>

#define MAXPROCS 16

/* The checksum of the default 160x120 image, as rendered under qemu-mipsel (it changes
 * whenever the scene or our libm changes: update it then). 0 disables the check. */
#define DEFAULT_CHECKSUM 0xe1a2a0a9u

struct vec {
  double x, y, z;
};

struct sphere {
  struct vec c;
  double r;
  struct vec color;
  double mirror;
};

static const struct sphere spheres[] = {
  { { 0.0, 1.0, 5.0 }, 1.0, { 0.9, 0.2, 0.2 }, 0.3 },
  { { -2.2, 0.7, 6.0 }, 0.7, { 0.2, 0.9, 0.3 }, 0.1 },
  { { 2.0, 0.8, 4.2 }, 0.8, { 0.3, 0.4, 0.95 }, 0.5 },
  { { 0.6, 0.35, 3.2 }, 0.35, { 0.95, 0.85, 0.2 }, 0.0 },
};
#define NSPHERES (int)(sizeof spheres / sizeof spheres[0])

static const struct vec light = { -4.0, 6.0, 0.0 };
static int width = 160, height = 120;

static struct vec v(double x, double y, double z) { struct vec r = { x, y, z }; return r; }
static struct vec add(struct vec a, struct vec b) { return v(a.x + b.x, a.y + b.y, a.z + b.z); }
static struct vec sub(struct vec a, struct vec b) { return v(a.x - b.x, a.y - b.y, a.z - b.z); }
static struct vec scale(struct vec a, double s) { return v(a.x * s, a.y * s, a.z * s); }
static double dot(struct vec a, struct vec b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
static struct vec norm(struct vec a) { return scale(a, 1.0 / sqrt(dot(a, a))); }

/* Nearest hit along o + t d (d unit): returns t > 0 or -1; *what = sphere index, or -2 for
 * the floor (y = 0). */
static double hit(struct vec o, struct vec d, int *what)
{
  double best = -1;
  int i;

  *what = -1;
  for (i = 0; i < NSPHERES; i++) {
    struct vec oc = sub(o, spheres[i].c);
    double b = dot(oc, d), c = dot(oc, oc) - spheres[i].r * spheres[i].r, disc = b * b - c;
    if (disc > 0) {
      double t = -b - sqrt(disc);
      if (t > 1e-6 && (best < 0 || t < best)) {
        best = t;
        *what = i;
      }
    }
  }
  if (d.y < -1e-9) {
    double t = -o.y / d.y;
    if (t > 1e-6 && (best < 0 || t < best)) {
      best = t;
      *what = -2;
    }
  }
  return best;
}

static struct vec trace(struct vec o, struct vec d, int depth)
{
  struct vec p, n, color, tolight, result;
  double t, diffuse, spec, mirror = 0;
  int what, blocker;

  t = hit(o, d, &what);
  if (what == -1) {
    double k = 0.5 * (d.y + 1.0);
    return add(scale(v(1, 1, 1), 1.0 - k), scale(v(0.4, 0.6, 1.0), k));   /* sky */
  }
  p = add(o, scale(d, t));
  if (what == -2) {
    int check = ((int)floor(p.x * 1.5) + (int)floor(p.z * 1.5)) & 1;
    n = v(0, 1, 0);
    color = check ? v(0.9, 0.9, 0.9) : v(0.25, 0.25, 0.3);
    mirror = 0.15;
  } else {
    n = norm(sub(p, spheres[what].c));
    color = spheres[what].color;
    mirror = spheres[what].mirror;
  }
  tolight = norm(sub(light, p));
  diffuse = dot(n, tolight);
  if (diffuse < 0)
    diffuse = 0;
  {
    double lt = sqrt(dot(sub(light, p), sub(light, p)));
    double bt = hit(add(p, scale(n, 1e-4)), tolight, &blocker);
    if (blocker != -1 && bt < lt)
      diffuse *= 0.25;              /* in shadow */
  }
  {
    struct vec h = norm(sub(tolight, d));
    double nh = dot(n, h);
    spec = nh > 0 && diffuse > 0.2 ? pow(nh, 40.0) : 0;
  }
  result = add(scale(color, 0.12 + 0.88 * diffuse), scale(v(1, 1, 1), 0.6 * spec));
  if (mirror > 0 && depth < 2) {
    struct vec r = sub(d, scale(n, 2 * dot(d, n)));
    result = add(scale(result, 1 - mirror), scale(trace(add(p, scale(n, 1e-4)), norm(r), depth + 1), mirror));
  }
  return result;
}

static unsigned char quantise(double c)
{
  if (c <= 0)
    return 0;
  if (c >= 1)
    return 255;
  return (unsigned char)(pow(c, 1 / 2.2) * 255.0 + 0.5);
}

/* Renders pixel (x, y) into rgb[3]. */
static void render_pixel(int x, int y, unsigned char *rgb)
{
  double aspect = (double)width / height;
  double px = (2 * ((x + 0.5) / width) - 1) * aspect * 0.6;
  double py = (1 - 2 * ((y + 0.5) / height)) * 0.6;
  struct vec d = norm(v(px, py + 0.05, 1.0));
  struct vec c = trace(v(0, 1.3, -1.5), d, 0);

  rgb[0] = quantise(c.x);
  rgb[1] = quantise(c.y);
  rgb[2] = quantise(c.z);
}

static void render_band(int y0, int y1, int fd)
{
  size_t rowbytes = (size_t)width * 3, n = rowbytes * (size_t)(y1 - y0), off = 0;
  unsigned char *band = malloc(n);
  int x, y;

  /* Render the whole band first, then send it: the parent reads the bands in order, so
   * writing row by row would stall every band but the first on a full pipe. */
  if (!band)
    _exit(1);
  for (y = y0; y < y1; y++)
    for (x = 0; x < width; x++)
      render_pixel(x, y, band + (size_t)(y - y0) * rowbytes + 3 * x);
  while (off < n) {
    ssize_t w = write(fd, band + off, n - off);
    if (w <= 0)
      _exit(1);
    off += (size_t)w;
  }
  _exit(0);
}

static int read_full(int fd, unsigned char *p, size_t n)
{
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r <= 0)
      return -1;
    p += r;
    n -= r;
  }
  return 0;
}

int main(int argc, char **argv)
{
  int nprocs = 2, i, bad = 0, fds[MAXPROCS];
  pid_t pids[MAXPROCS];
  const char *out = 0;
  unsigned char *image;
  uint32_t sum = 2166136261u;
  size_t k, total;

  for (i = 1; i < argc; i++) {
    if (i + 1 < argc && strcmp(argv[i], "-w") == 0) width = atoi(argv[++i]);
    else if (i + 1 < argc && strcmp(argv[i], "-h") == 0) height = atoi(argv[++i]);
    else if (i + 1 < argc && strcmp(argv[i], "-p") == 0) nprocs = atoi(argv[++i]);
    else if (i + 1 < argc && strcmp(argv[i], "-o") == 0) out = argv[++i];
    else {
      fprintf(stderr, "usage: raytrace [-w width] [-h height] [-p processes] [-o file.ppm]\n");
      return 2;
    }
  }
  if (width < 1 || height < 1 || width > 4096 || height > 4096 || nprocs < 1 || nprocs > MAXPROCS) {
    fprintf(stderr, "raytrace: bad parameters\n");
    return 2;
  }
  if (nprocs > height)
    nprocs = height;
  total = (size_t)width * height * 3;
  image = malloc(total);
  for (i = 0; i < nprocs; i++) {
    int p[2];
    if (pipe(p) < 0 || (pids[i] = fork()) < 0) {
      perror("raytrace: pipe/fork");
      return 1;
    }
    if (pids[i] == 0) {
      close(p[0]);
      render_band(height * i / nprocs, height * (i + 1) / nprocs, p[1]);
    }
    close(p[1]);
    fds[i] = p[0];
  }
  for (i = 0; i < nprocs; i++) {
    int y0 = height * i / nprocs, y1 = height * (i + 1) / nprocs, st;
    if (read_full(fds[i], image + (size_t)y0 * width * 3, (size_t)(y1 - y0) * width * 3) < 0)
      bad = 1;
    close(fds[i]);
    if (waitpid(pids[i], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
      bad = 1;
  }
  for (k = 0; k < total / 3; k += 37) {       /* the parent checks a sample itself */
    unsigned char rgb[3];
    render_pixel((int)(k % width), (int)(k / width), rgb);
    if (memcmp(rgb, image + 3 * k, 3) != 0)
      bad = 1;
  }
  for (k = 0; k < total; k++)
    sum = (sum ^ image[k]) * 16777619u;
  if (out) {
    FILE *f = fopen(out, "w");
    if (!f || fprintf(f, "P6\n%d %d\n255\n", width, height) < 0 || fwrite(image, 1, total, f) != total ||
        fclose(f) != 0) {
      perror(out);
      bad = 1;
    }
  }
  if (width == 160 && height == 120 && DEFAULT_CHECKSUM && sum != DEFAULT_CHECKSUM) {
    fprintf(stderr, "raytrace: checksum %08x, expected %08x\n", sum, DEFAULT_CHECKSUM);
    bad = 1;
  }
  printf("raytrace: %dx%d, %d processes\n", width, height, nprocs);
  if (bad) {
    printf("raytrace: FAIL\n");
    return 1;
  }
  printf("raytrace: OK %08x\n", sum);
  return 0;
}
