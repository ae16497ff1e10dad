// Differential test on third-party code: Debian's busybox-static (build/busybox/busybox) must give
// the same output under bin/disco user as under qemu-mipsel for single applets, and the expected
// output for a shell pipeline (run only under disco: qemu-user's /proc/self/exe breaks those).
import { describe, it, beforeAll, expect } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  busyboxPath,
  expectOutput,
  expectReference,
  expectSameRun,
  prepareBusybox,
  requireDisco,
  runDisco,
  runQemu,
  skipDifferential,
  type RunOptions,
  type RunResult,
} from '../support/index.js';

if (skipDifferential) console.warn('busybox.spec.ts: DISCO_SKIP_DIFFERENTIAL=1, skipping the busybox differential tests');
const suite = skipDifferential ? describe.skip : describe;

type Runner = (elf: string, args: readonly string[], opts?: RunOptions) => Promise<RunResult>;
const RUNNERS: Record<'qemu' | 'disco', Runner> = { qemu: runQemu, disco: runDisco };

/** Runs `busybox ARGS` under both runners (each with its own copy of `files` in a temp dir). */
async function both(
  args: string[],
  opts: { input?: string | Buffer; files?: Record<string, Buffer | string> } = {},
): Promise<{ q: RunResult; d: RunResult; qFiles: Record<string, Buffer>; dFiles: Record<string, Buffer> }> {
  requireDisco();
  const run = async (which: 'qemu' | 'disco'): Promise<{ r: RunResult; files: Record<string, Buffer> }> => {
    const dir = mkdtempSync(join(tmpdir(), `disco-bb-${which}-`));
    try {
      for (const [name, data] of Object.entries(opts.files ?? {})) writeFileSync(join(dir, name), data);
      const r = await RUNNERS[which](busyboxPath, args, { cwd: dir, input: opts.input });
      const files: Record<string, Buffer> = {};
      for (const name of readdirSync(dir).sort()) files[name] = readFileSync(join(dir, name));
      return { r, files };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const [q, d] = await Promise.all([run('qemu'), run('disco')]);
  return { q: q.r, d: d.r, qFiles: q.files, dFiles: d.files };
}

/** Deterministic pseudo-random bytes (xorshift32). */
function pseudoRandom(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    b[i] = s & 0xff;
  }
  return b;
}

/** Compressible text: numbered lines with repeating words. */
function sampleText(lines: number): string {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa'];
  let s = '';
  for (let i = 0; i < lines; i++) s += `${i}: ${words[i % 10]} ${words[(i * 7) % 10]} ${(i * i) % 1000}\n`;
  return s;
}

suite('busybox: bin/disco user matches qemu-mipsel', () => {
  beforeAll(() => {
    prepareBusybox();
  });

  it('echo', async () => {
    for (const args of [
      ['echo', 'hello', 'world'],
      ['echo', '-n', 'no newline'],
      ['echo', '-e', 'tab\\there\\nnext line \\x41\\0101'],
      ['echo', ''],
    ]) {
      const { q, d } = await both(args);
      expectReference(q, 0);
      expectSameRun(d, q);
    }
  });

  it('sort of stdin', async () => {
    const rnd = pseudoRandom(3000, 7);
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) lines.push(`${(rnd.readUInt16LE(i * 2) % 5000) - 2500} k${rnd[2000 + i]! % 37}`);
    const input = lines.join('\n') + '\n';
    const expectedNumeric = [...lines].sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || (a < b ? -1 : a > b ? 1 : 0));
    for (const args of [['sort'], ['sort', '-n'], ['sort', '-r', '-u'], ['sort', '-t', ' ', '-k', '2', '-s']]) {
      const { q, d } = await both(args, { input });
      expectReference(q, 0);
      expectSameRun(d, q);
      if (args[1] === '-n') expect(q.stdout.toString()).toBe(expectedNumeric.join('\n') + '\n');
    }
  });

  it('md5sum of a file', async () => {
    const data = pseudoRandom(200_000, 42);
    const md5 = createHash('md5').update(data).digest('hex');
    const { q, d } = await both(['md5sum', 'data.bin'], { files: { 'data.bin': data } });
    expectReference(q, 0);
    expect(q.stdout.toString()).toBe(`${md5}  data.bin\n`);
    expectSameRun(d, q);
  });

  it('gzip then gunzip round trip through files', async () => {
    const text = sampleText(20_000);
    // 1. compress to stdout: same bytes from both, and node's zlib can inflate them
    const c = await both(['gzip', '-9', '-n', '-c', 'in.txt'], { files: { 'in.txt': text } });
    expectReference(c.q, 0);
    expect(gunzipSync(c.q.stdout).toString()).toBe(text);
    expectSameRun(c.d, c.q);
    // 2. in place (-n: no name or time stamp in the header, so both runs write the same bytes)
    const gz = await both(['gzip', '-9', '-n', 'in.txt'], { files: { 'in.txt': text } });
    expectReference(gz.q, 0);
    expectSameRun(gz.d, gz.q);
    expect(Object.keys(gz.qFiles)).toEqual(['in.txt.gz']);
    expect(gunzipSync(gz.qFiles['in.txt.gz']!).toString()).toBe(text);
    expect(gz.dFiles).toEqual(gz.qFiles);
    // 3. gunzip restores the original file
    const un = await both(['gunzip', 'in.txt.gz'], { files: { 'in.txt.gz': gz.qFiles['in.txt.gz']! } });
    expectReference(un.q, 0);
    expectSameRun(un.d, un.q);
    expect(Object.keys(un.qFiles)).toEqual(['in.txt']);
    expect(un.qFiles['in.txt']!.toString()).toBe(text);
    expect(un.dFiles).toEqual(un.qFiles);
    // 4. gunzip -c of the stream compressed in step 1
    const direct = await both(['gunzip', '-c', 'in.txt.gz'], { files: { 'in.txt.gz': c.q.stdout } });
    expectReference(direct.q, 0);
    expect(direct.q.stdout.toString()).toBe(text);
    expectSameRun(direct.d, direct.q);
  });

  it('awk with floating point', async () => {
    const programs: [string[], string | undefined, string | undefined][] = [
      [['awk', 'BEGIN{x=0; for(i=1;i<=100;i++) x+=1/i; printf "%.10f\\n", x}'], undefined, '5.1873775176\n'],
      // Debian's busybox awk is built without libm: no sqrt/exp/sin, no %, no ^; plain arithmetic only.
      [
        ['awk', 'BEGIN{e=1;t=1;for(i=1;i<20;i++){t/=i;e+=t}; s=2; for(k=0;k<20;k++) s=(s+2/s)/2; p=0; for(k=0;k<10000;k++) p+=(k-2*int(k/2)?-4:4)/(2*k+1); printf "%.12f %.12f %.8f %.6e %d %s\\n", e, s, p, 1/3e10, int(-7.9), 0.1+0.2}'],
        undefined,
        '2.718281828459 1.414213562373 3.14149265 3.333333e-11 -7 0.3\n',
      ],
      [['awk', 'BEGIN{print 1e300*1e10, -1/3, 100000000000000000000, 17/4, -17/4, 123456789*1000, 0.000001234; x=1; for(i=0;i<40;i++){x*=-1.37; printf "%g ", x}; print ""}'], undefined, undefined],
      [['awk', '{ s += $1 * 1.5; n++ } END { printf "%.4f %d %.3g\\n", s, n, s/n }'], '1\n2.25\n-3\n1e3\n0.125\n', undefined],
    ];
    for (const [args, input, expected] of programs) {
      const { q, d } = await both(args, { input });
      expectReference(q, 0);
      if (expected !== undefined) expect(q.stdout.toString()).toBe(expected);
      expectSameRun(d, q);
    }
  });

  it('sh -c with arithmetic, loops and functions (builtins only)', async () => {
    const script = [
      'i=0; s=0',
      'while [ $i -lt 300 ]; do s=$((s + i*i - (i % 7) * 3)); i=$((i+1)); done',
      'echo "sum=$s"',
      'f() { echo "f:$1:$#:$*"; return 3; }',
      'f a "b c" d; echo "ret=$?"',
      'x=hello.world.txt; echo ${x%.*} ${x#*.} ${#x} ${x%%.*}',
      'case $x in *.txt) echo is-txt;; *) echo other;; esac',
      'for w in one two three; do printf "%s-%d " $w ${#w}; done; echo',
      'n=1; until [ $n -gt 1000 ]; do n=$((n*3)); done; echo "n=$n hex=$(printf %x $n)"',
      'echo $(( (1<<20) / 3 )) $(( -17 % 5 )) $(( 0x7fffffff + 1 ))',
      'exit 7',
    ].join('\n');
    const { q, d } = await both(['sh', '-c', script]);
    expectReference(q, 7);
    expectSameRun(d, q);
  });

  it('a shell pipeline (disco only; compared with independently computed output)', async () => {
    requireDisco();
    const dir = mkdtempSync(join(tmpdir(), 'disco-bb-pipe-'));
    try {
      const script = [
        'seq 1 100 | awk \'{ s += $1 } END { print s }\'',
        'printf "b\\nc\\na\\n" | sort | tr a-z A-Z',
        'echo hello > f.txt && cat f.txt f.txt | wc -l',
        'seq 1 1000 | grep 7 | wc -l',
      ].join('\n');
      const r = await runDisco(busyboxPath, ['sh', '-c', script], { cwd: dir });
      let sevens = 0;
      for (let i = 1; i <= 1000; i++) if (String(i).includes('7')) sevens++;
      const expected = `5050\nA\nB\nC\n2\n${sevens}\n`;
      expectOutput(r, expected);
      expect(existsSync(join(dir, 'f.txt'))).toBe(true);
      expect(readFileSync(join(dir, 'f.txt'), 'utf8')).toBe('hello\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
