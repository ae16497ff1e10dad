// Debian's busybox-static 1.35 (unmodified glibc binary) inside the guest: sh -c, sort,
// md5sum, gzip/gunzip, awk (floating point), pipelines through /proc/self/exe, and busybox
// sh as the interactive shell (line editing, job control, ^C) started as init.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { bootToPrompt, e2fsck, makeImage, powerOff, run, type GuestSession } from './support.js';

const skip = process.env.DISCO_SKIP_DIFFERENTIAL === '1';
if (skip) console.warn('test/guest/busybox.spec.ts: DISCO_SKIP_DIFFERENTIAL=1, skipping');
const suite = skip ? describe.skip : describe;

suite('guest kernel: busybox', () => {
  let image: { path: string; cleanup: () => void };
  let s: GuestSession;

  beforeAll(() => {
    image = makeImage({ busybox: true, scripts: true });
    s = bootToPrompt(image.path, { cpus: 4, nodes: 2 });
  });
  afterAll(() => {
    s?.close();
    image?.cleanup();
  });

  it('runs sh -c with arithmetic, loops and a subshell status', () => {
    expect(run(s, `busybox sh -c 'echo $((6*7)); for i in 1 2 3; do echo -n $i; done; echo; (exit 3); echo $?'`)).toBe('42\n123\n3\n');
  });

  it('sorts and hashes', () => {
    const seq = Array.from({ length: 1000 }, (_, i) => `${i + 1}\n`).join('');
    const md5 = createHash('md5').update(seq).digest('hex');
    expect(run(s, 'busybox seq 1 1000 | busybox md5sum')).toBe(`${md5}  -\n`);
    expect(run(s, 'busybox seq 1 12 | busybox sort -n -r | busybox head -3')).toBe('12\n11\n10\n');
    expect(run(s, `busybox sh -c 'printf "b\\na\\nc\\n" | busybox sort'`)).toBe('a\nb\nc\n');
  });

  it('compresses and decompresses with gzip', () => {
    run(s, 'busybox seq 1 5000 > /big.txt');
    run(s, 'busybox gzip /big.txt');
    expect(run(s, 'busybox ls /big.txt.gz')).toBe('/big.txt.gz\n');
    run(s, 'busybox gunzip /big.txt.gz');
    const seq = Array.from({ length: 5000 }, (_, i) => `${i + 1}\n`).join('');
    expect(run(s, 'busybox md5sum /big.txt')).toBe(`${createHash('md5').update(seq).digest('hex')}  /big.txt\n`);
    run(s, 'busybox rm /big.txt');
  });

  it('computes with awk (the FPU)', () => {
    expect(run(s, `busybox awk 'BEGIN { print 1/3; s = 0; for (i = 1; i <= 100; i++) s += 1/i; printf "%.6f\\n", s }'`))
      .toBe('0.333333\n5.187378\n');
  });

  it('re-executes itself through /proc/self/exe', () => {
    expect(run(s, 'busybox readlink /proc/self/exe')).toBe('/bin/busybox\n');
    expect(run(s, `busybox sh -c 'busybox echo piped | busybox cat | busybox wc -c'`).trim()).toBe('6');
  });

  it('keeps ext2 consistent through a file-system workout', () => {
    const out = run(s, 'busybox sh /scripts/fsstress.sh 2>&1', { hostMs: 120_000 });
    expect(out).toContain('file 3\n');
    expect(out).toContain('/d/this/is/a/very/long/symlink/target/that/does/not/fit/in/the/inode/itself/really\n');
    expect(out).toContain('f5\n');
    expect(out).toContain('replaced\n');
    expect(out).toContain('194\n2 7\n1 100000\n');
    expect(out).toMatch(/fsstress-done\n$/);
  });

  it('runs six busybox workers in parallel on four CPUs', () => {
    const out = run(s, 'busybox sh /scripts/parallel.sh 6 2>&1', { hostMs: 120_000 });
    for (let w = 1; w <= 6; w++) expect(out).toContain(`worker ${w} done 20`);
    expect(out).toMatch(/parallel-done\n$/);
  });

  it('works as the interactive shell (init=/bb/sh): job control and ^C', () => {
    expect(powerOff(s)).toEqual({ kind: 'poweroff', code: 0 });
    s = bootToPrompt(image.path, { cpus: 2, cmdline: 'init=/bb/sh' });
    expect(s.output).toContain('built-in shell (ash)');
    expect(run(s, 'for i in a b; do echo $i; done')).toBe('a\nb\n');
    const t0 = s.seconds;
    s.type('busybox sleep 100\n');
    expect(s.runFor(300)).toBeNull();
    s.type('\x03');
    expect(s.waitForPrompt(undefined, { hostMs: 20_000 })).toBeNull();
    expect(s.seconds - t0).toBeLessThan(10);
    expect(run(s, 'echo $?')).toBe('130\n');
    expect(run(s, 'busybox sleep 1 & wait; echo waited')).toMatch(/^waited$/m);
    expect(powerOff(s, 'busybox poweroff -f')).toEqual({ kind: 'poweroff', code: 0 });
    expect(e2fsck(image.path).status).toBe(0);
  });
});
