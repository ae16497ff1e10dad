// Debian's busybox-static 1.35 (unmodified glibc binary) inside the guest: sh -c, sort,
// md5sum, gzip/gunzip, awk (floating point), each compared with the same applets run on the
// host under qemu-mipsel (qemu-user breaks busybox's own pipelines, so the reference
// pipelines are host pipes between single applets); pipelines through /proc/self/exe, an
// ext2 workout, parallel workers, and busybox sh as the interactive shell (line editing, job
// control, ^C) started as init.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { busyboxPath, QEMU } from '../support/run.js';
import { bootToPrompt, e2fsck, makeImage, powerOff, run, type GuestSession } from './support.js';

const skip = process.env.DISCO_SKIP_DIFFERENTIAL === '1';
if (skip) console.warn('test/guest/busybox.spec.ts: DISCO_SKIP_DIFFERENTIAL=1, skipping');
const suite = skip ? describe.skip : describe;

/** A pipeline of busybox applets on the host under qemu-mipsel (each stage's stdout feeds the next); returns the last stdout. */
function onQemu(...stages: string[][]): string {
  let data: Buffer = Buffer.alloc(0);
  for (const args of stages) {
    const r = spawnSync(QEMU, [busyboxPath, ...args], { input: data, maxBuffer: 64 << 20 });
    if (r.error) throw new Error(`${QEMU}: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`${QEMU} busybox ${args.join(' ')}: status ${r.status}\n${r.stderr}`);
    data = r.stdout;
  }
  return data.toString('latin1');
}

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

  it('runs sh -c with arithmetic, loops and a subshell status, as on qemu-mipsel', () => {
    const script = 'echo $((6*7)); for i in 1 2 3; do echo -n $i; done; echo; (exit 3); echo $?';
    const reference = onQemu(['sh', '-c', script]);
    expect(reference).toBe('42\n123\n3\n');
    expect(run(s, `busybox sh -c '${script}'`)).toBe(reference);
  });

  it('sorts and hashes as on qemu-mipsel', () => {
    const md5 = onQemu(['seq', '1', '1000'], ['md5sum']);
    expect(md5).toBe(`${createHash('md5').update(Array.from({ length: 1000 }, (_, i) => `${i + 1}\n`).join('')).digest('hex')}  -\n`);
    expect(run(s, 'busybox seq 1 1000 | busybox md5sum')).toBe(md5);
    const sorted = onQemu(['seq', '1', '12'], ['sort', '-n', '-r'], ['head', '-3']);
    expect(sorted).toBe('12\n11\n10\n');
    expect(run(s, 'busybox seq 1 12 | busybox sort -n -r | busybox head -3')).toBe(sorted);
    const words = onQemu(['sh', '-c', 'printf "pear\\napple\\nfig\\napple\\n"'], ['sort', '-u']);
    expect(run(s, `busybox sh -c 'printf "pear\\napple\\nfig\\napple\\n"' | busybox sort -u`)).toBe(words);
  });

  it('compresses to the same bytes as on qemu-mipsel and decompresses', () => {
    const gz = onQemu(['seq', '1', '5000'], ['gzip', '-c'], ['md5sum']);
    expect(run(s, 'busybox seq 1 5000 | busybox gzip -c | busybox md5sum')).toBe(gz);
    run(s, 'busybox seq 1 5000 > /big.txt');
    run(s, 'busybox gzip /big.txt');
    expect(run(s, 'busybox ls /big.txt.gz')).toBe('/big.txt.gz\n');
    run(s, 'busybox gunzip /big.txt.gz');
    const seq = Array.from({ length: 5000 }, (_, i) => `${i + 1}\n`).join('');
    expect(run(s, 'busybox md5sum /big.txt')).toBe(`${createHash('md5').update(seq).digest('hex')}  /big.txt\n`);
    run(s, 'busybox rm /big.txt');
  });

  it('computes with awk (the FPU) as on qemu-mipsel', () => {
    const prog = 'BEGIN { print 1/3; s = 0; for (i = 1; i <= 100; i++) s += 1/i; printf "%.6f %g %.3e %d\\n", s, 355/113, 1e300 * 1e5 / 7, int(-7.9) }';
    const reference = onQemu(['awk', prog]);
    expect(reference).toBe('0.333333\n5.187378 3.14159 1.429e+304 -7\n');
    expect(run(s, `busybox awk '${prog}'`)).toBe(reference);
  });

  it('reads the console settings with stty (TCGETS, TIOCGWINSZ)', () => {
    expect(run(s, 'busybox stty size')).toBe('24 80\n');
    const all = run(s, 'busybox stty -a');
    expect(all).toMatch(/rows 24; columns 80/);
    expect(all).toMatch(/(^| )icanon( |$)/m);
    expect(all).toMatch(/(^| )echo( |$)/m);
    expect(all).toMatch(/intr = \^C/);
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
