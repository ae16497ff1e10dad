/* raytrace [-w width] [-h height] [-p processes] [-s spheres] [-o file.ppm]: the paper's "raytrace"
 * workload, floating point in several processes. Each child renders a band of rows of one
 * scene (spheres over a checkered floor, a point light with shadows, Phong highlights, a
 * mirror bounce, gamma correction through pow) and sends its 8-bit pixels up a pipe; the
 * parent assembles the image, re-renders a sample of pixels itself to check the children,
 * and prints "raytrace: OK <checksum>". Every pixel is computed the same way whatever the
 * band split, so the checksum does not depend on -p. A child renders its whole band before
 * sending it, so the bands render in parallel. Defaults: -w 160 -h 120 -p 2.
 * -s N renders a large scene instead, like the paper's (a read-shared scene bigger than the
 * caches): N small spheres scattered deterministically over a box in front of the camera,
 * found through a uniform grid (cell -> sphere index list), built by the parent before it
 * forks, so every child reads the same (copy-on-write, never written) pages. Children then
 * take interleaved rows (child i renders rows i, i+p, ...), so each one's rays cross the
 * whole scene. The scene takes about 72 bytes per sphere plus the grid (-s 16384: 1,149 KiB). */
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

/* The large scene (-s): spheres, and a GX x GY x GZ grid over [lo, hi]; cell c holds the
 * sphere indices cellidx[cellstart[c] .. cellstart[c + 1]). Read only once built. */
static int nbig;
static struct sphere *big;
static int gx, gy, gz;
static struct vec glo, ghi, gcell;
static uint32_t *cellstart, *cellidx;
static int interleave;
#ifndef SPHERES_PER_CELL
#define SPHERES_PER_CELL 8
#endif

static struct vec v(double x, double y, double z) { struct vec r = { x, y, z }; return r; }
static struct vec add(struct vec a, struct vec b) { return v(a.x + b.x, a.y + b.y, a.z + b.z); }
static struct vec sub(struct vec a, struct vec b) { return v(a.x - b.x, a.y - b.y, a.z - b.z); }
static struct vec scale(struct vec a, double s) { return v(a.x * s, a.y * s, a.z * s); }
static double dot(struct vec a, struct vec b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
static struct vec norm(struct vec a) { return scale(a, 1.0 / sqrt(dot(a, a))); }

/* Nearest hit along o + t d (d unit): returns t > 0 or -1; *what = sphere index, or -2 for
 * the floor (y = 0). */
static double hit_big(struct vec o, struct vec d, int *what);

static double hit(struct vec o, struct vec d, int *what)
{
  double best = -1;
  int i;

  if (nbig)
    return hit_big(o, d, what);
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

/* One sphere against the ray: updates *best / *what when it is nearer. */
static void hit_sphere(const struct sphere *s, int i, struct vec o, struct vec d, double *best, int *what)
{
  struct vec oc = sub(o, s->c);
  double b = dot(oc, d), c = dot(oc, oc) - s->r * s->r, disc = b * b - c;
  if (disc > 0) {
    double t = -b - sqrt(disc);
    if (t > 1e-6 && (*best < 0 || t < *best)) {
      *best = t;
      *what = i;
    }
  }
}

static double clampd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

/* The large scene: walk the grid cells along the ray (3D DDA, Amanatides & Woo), testing each
 * cell's spheres; a hit counts once it lies before the cell's far side (a sphere spanning
 * cells may be hit beyond the current one). Then the floor. */
static double hit_big(struct vec o, struct vec d, int *what)
{
  double best = -1, t0 = 0, t1 = 1e30;
  double dv[3] = { d.x, d.y, d.z }, ov[3] = { o.x, o.y, o.z };
  double lo[3] = { glo.x, glo.y, glo.z }, hi[3] = { ghi.x, ghi.y, ghi.z }, cs[3] = { gcell.x, gcell.y, gcell.z };
  int n[3] = { gx, gy, gz }, a;

  *what = -1;
  for (a = 0; a < 3; a++) {             /* clip the ray to the grid's box */
    if (fabs(dv[a]) < 1e-12) {
      if (ov[a] < lo[a] || ov[a] > hi[a])
        t1 = -1;
    } else {
      double ta = (lo[a] - ov[a]) / dv[a], tb = (hi[a] - ov[a]) / dv[a];
      if (ta > tb) { double x = ta; ta = tb; tb = x; }
      if (ta > t0) t0 = ta;
      if (tb < t1) t1 = tb;
    }
  }
  if (t0 <= t1) {
    int cell[3], step[3];
    double tmax[3], tdelta[3];
    for (a = 0; a < 3; a++) {
      double p = ov[a] + dv[a] * t0;
      int c = (int)floor((p - lo[a]) / cs[a]);
      cell[a] = c < 0 ? 0 : c >= n[a] ? n[a] - 1 : c;
      if (dv[a] > 1e-12) {
        step[a] = 1;
        tmax[a] = (lo[a] + (cell[a] + 1) * cs[a] - ov[a]) / dv[a];
        tdelta[a] = cs[a] / dv[a];
      } else if (dv[a] < -1e-12) {
        step[a] = -1;
        tmax[a] = (lo[a] + cell[a] * cs[a] - ov[a]) / dv[a];
        tdelta[a] = -cs[a] / dv[a];
      } else {
        step[a] = 0;
        tmax[a] = 1e30;
        tdelta[a] = 1e30;
      }
    }
    for (;;) {
      uint32_t c = ((uint32_t)cell[2] * gy + cell[1]) * gx + cell[0], k;
      double tout;
      int m = tmax[0] < tmax[1] ? (tmax[0] < tmax[2] ? 0 : 2) : (tmax[1] < tmax[2] ? 1 : 2);
      for (k = cellstart[c]; k < cellstart[c + 1]; k++)
        hit_sphere(&big[cellidx[k]], (int)cellidx[k], o, d, &best, what);
      tout = tmax[m];
      if (best > 0 && best <= tout)
        break;
      if (tout > t1)
        break;
      cell[m] += step[m];
      if (cell[m] < 0 || cell[m] >= n[m])
        break;
      tmax[m] += tdelta[m];
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

/* A deterministic generator (no libc rand: the scene must not depend on the libc). */
static uint32_t lcg_state = 12345u;
static double rnd(void)
{
  lcg_state = lcg_state * 1664525u + 1013904223u;
  return (lcg_state >> 8) * (1.0 / 16777216.0);
}

/* Builds the -s scene: n spheres and their grid (about SPHERES_PER_CELL spheres per cell). */
static int build_big(int n)
{
  int i, cells, x, y, z;
  uint32_t total = 0, *fill;
  double g;

  big = malloc((size_t)n * sizeof *big);
  if (!big)
    return -1;
  glo = v(-7.0, 0.0, 3.0);
  ghi = v(7.0, 4.0, 17.0);
  for (i = 0; i < n; i++) {
    struct sphere *s = &big[i];
    s->r = 0.04 + 0.08 * rnd();
    s->c = v(glo.x + s->r + (ghi.x - glo.x - 2 * s->r) * rnd(), s->r + (ghi.y - 2 * s->r) * rnd(),
             glo.z + s->r + (ghi.z - glo.z - 2 * s->r) * rnd());
    s->color = v(0.2 + 0.75 * rnd(), 0.2 + 0.75 * rnd(), 0.2 + 0.75 * rnd());
    s->mirror = rnd() < 0.25 ? 0.4 : 0.0;
  }
  /* cells of about equal sides, n / SPHERES_PER_CELL of them */
  g = pow((ghi.x - glo.x) * (ghi.y - glo.y) * (ghi.z - glo.z) / (n / (double)SPHERES_PER_CELL + 1), 1.0 / 3);
  gx = (int)clampd(ceil((ghi.x - glo.x) / g), 1, 256);
  gy = (int)clampd(ceil((ghi.y - glo.y) / g), 1, 256);
  gz = (int)clampd(ceil((ghi.z - glo.z) / g), 1, 256);
  gcell = v((ghi.x - glo.x) / gx, (ghi.y - glo.y) / gy, (ghi.z - glo.z) / gz);
  cells = gx * gy * gz;
  cellstart = calloc((size_t)cells + 1, sizeof *cellstart);
  fill = calloc((size_t)cells, sizeof *fill);
  if (!cellstart || !fill)
    return -1;
  for (int pass = 0; pass < 2; pass++) {    /* count, then fill */
    for (i = 0; i < n; i++) {
      const struct sphere *s = &big[i];
      int x0 = (int)clampd(floor((s->c.x - s->r - glo.x) / gcell.x), 0, gx - 1);
      int x1 = (int)clampd(floor((s->c.x + s->r - glo.x) / gcell.x), 0, gx - 1);
      int y0 = (int)clampd(floor((s->c.y - s->r - glo.y) / gcell.y), 0, gy - 1);
      int y1 = (int)clampd(floor((s->c.y + s->r - glo.y) / gcell.y), 0, gy - 1);
      int z0 = (int)clampd(floor((s->c.z - s->r - glo.z) / gcell.z), 0, gz - 1);
      int z1 = (int)clampd(floor((s->c.z + s->r - glo.z) / gcell.z), 0, gz - 1);
      for (z = z0; z <= z1; z++)
        for (y = y0; y <= y1; y++)
          for (x = x0; x <= x1; x++) {
            uint32_t c = ((uint32_t)z * gy + y) * gx + x;
            if (pass == 0)
              cellstart[c + 1]++;
            else
              cellidx[cellstart[c] + fill[c]++] = (uint32_t)i;
          }
    }
    if (pass == 0) {
      for (i = 0; i < cells; i++)
        cellstart[i + 1] += cellstart[i];
      total = cellstart[cells];
      cellidx = malloc((size_t)total * sizeof *cellidx + 4);
      if (!cellidx)
        return -1;
    }
  }
  free(fill);
  nbig = n;
  return 0;
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
    const struct sphere *s = nbig ? &big[what] : &spheres[what];
    n = norm(sub(p, s->c));
    color = s->color;
    mirror = s->mirror;
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

/* Child `i` of `nprocs`: renders its rows (a band, or with -s every nprocs-th row from i) and
 * sends them in order. */
static void render_rows(int i, int nprocs, int fd)
{
  int y0 = interleave ? i : height * i / nprocs, y1 = interleave ? height : height * (i + 1) / nprocs;
  int dy = interleave ? nprocs : 1, rows = (y1 - y0 + dy - 1) / dy;
  size_t rowbytes = (size_t)width * 3, n = rowbytes * (size_t)rows, off = 0;
  unsigned char *band = malloc(n);
  int x, y;

  /* Render the whole band first, then send it: the parent reads the bands in order, so
   * writing row by row would stall every band but the first on a full pipe. */
  if (!band)
    _exit(1);
  for (y = y0; y < y1; y += dy)
    for (x = 0; x < width; x++)
      render_pixel(x, y, band + (size_t)((y - y0) / dy) * rowbytes + 3 * x);
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
  int nprocs = 2, nspheres = 0, i, bad = 0, fds[MAXPROCS];
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
    else if (i + 1 < argc && strcmp(argv[i], "-s") == 0) nspheres = atoi(argv[++i]);
    else {
      fprintf(stderr, "usage: raytrace [-w width] [-h height] [-p processes] [-s spheres] [-o file.ppm]\n");
      return 2;
    }
  }
  if (width < 1 || height < 1 || width > 4096 || height > 4096 || nprocs < 1 || nprocs > MAXPROCS ||
      nspheres < 0 || nspheres > 1 << 20) {
    fprintf(stderr, "raytrace: bad parameters\n");
    return 2;
  }
  if (nprocs > height)
    nprocs = height;
  if (nspheres > 0) {
    if (build_big(nspheres) < 0) {
      fprintf(stderr, "raytrace: out of memory for the scene\n");
      return 1;
    }
    interleave = 1;
  }
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
      render_rows(i, nprocs, p[1]);
    }
    close(p[1]);
    fds[i] = p[0];
  }
  for (i = 0; i < nprocs; i++) {
    int y0 = height * i / nprocs, y1 = height * (i + 1) / nprocs, st, y;
    if (interleave) {
      for (y = i; y < height; y += nprocs)
        if (read_full(fds[i], image + (size_t)y * width * 3, (size_t)width * 3) < 0)
          bad = 1;
    } else if (read_full(fds[i], image + (size_t)y0 * width * 3, (size_t)(y1 - y0) * width * 3) < 0)
      bad = 1;
    close(fds[i]);
    if (waitpid(pids[i], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
      bad = 1;
  }
  /* The parent checks a sample itself: every 37th pixel, with -s every (37 * processes)th, so
   * the serial check stays a small fraction of the parallel render. */
  for (k = 0; k < total / 3; k += nbig ? 37 * (size_t)nprocs : 37) {
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
  if (width == 160 && height == 120 && !nbig && DEFAULT_CHECKSUM && sum != DEFAULT_CHECKSUM) {
    fprintf(stderr, "raytrace: checksum %08x, expected %08x\n", sum, DEFAULT_CHECKSUM);
    bad = 1;
  }
  if (nbig)
    printf("raytrace: %d spheres, %dx%dx%d grid, %u KiB scene\n", nbig, gx, gy, gz,
           (unsigned)(((size_t)nbig * sizeof *big + ((size_t)gx * gy * gz + 1) * 4 + (size_t)cellstart[gx * gy * gz] * 4) >> 10));
  printf("raytrace: %dx%d, %d processes\n", width, height, nprocs);
  if (bad) {
    printf("raytrace: FAIL\n");
    return 1;
  }
  printf("raytrace: OK %08x\n", sum);
  return 0;
}
