// Dynamically linked programs in the guest (exec.c's PT_INTERP support): a glibc program
// built by the host cross compiler, PIE and non-PIE, runs with Debian's own ld.so.1 and
// libc.so.6 (from libc6-mipsel-cross) and prints what it prints under qemu-mipsel; a program
// whose interpreter is missing fails to exec with "not found" and the shell goes on.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRootImage } from '../../apps/cli/src/commands/boot-session.js';
import { QEMU, repoRoot } from '../support/run.js';
import { bootToPrompt, e2fsck, powerOff, run, type GuestSession } from './support.js';

const SYSROOT = '/usr/mipsel-linux-gnu';
const source = join(repoRoot, 'test', 'guest', 'dynamic', 'dyn.c');

describe('guest kernel: dynamically linked programs', () => {
  let work: string;
  let image: { path: string; cleanup: () => void };
  let s: GuestSession;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'disco-dyn-'));
    const tree = join(work, 'tree');
    mkdirSync(join(tree, 'lib'), { recursive: true });
    mkdirSync(join(tree, 'bin'), { recursive: true });
    copyFileSync(join(SYSROOT, 'lib', 'ld.so.1'), join(tree, 'lib', 'ld.so.1'));
    copyFileSync(join(SYSROOT, 'lib', 'libc.so.6'), join(tree, 'lib', 'libc.so.6'));
    execFileSync('mipsel-linux-gnu-gcc', ['-O2', '-o', join(tree, 'bin', 'dyn'), source]);
    execFileSync('mipsel-linux-gnu-gcc', ['-O2', '-no-pie', '-o', join(tree, 'bin', 'dyn-nopie'), source]);
    execFileSync('mipsel-linux-gnu-gcc', ['-O2', '-Wl,--dynamic-linker=/lib/missing.so.1', '-o', join(tree, 'bin', 'dyn-noint'), source]);
    image = buildRootImage({ adds: [tree] });
    s = bootToPrompt(image.path, { cpus: 2 });
  }, 120_000);
  afterAll(() => {
    s?.close();
    image?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function onQemu(prog: string, args: string[]): { out: string; status: number | null } {
    const r = spawnSync(QEMU, ['-L', SYSROOT, join(work, 'tree', 'bin', prog), ...args], { encoding: 'latin1' });
    if (r.error) throw new Error(`${QEMU}: ${r.error.message}`);
    return { out: r.stdout, status: r.status };
  }

  it('runs a PIE glibc program through ld.so.1 as qemu-mipsel does', () => {
    const ref = onQemu('dyn', ['one', 'two']);
    expect(ref.status).toBe(0);
    expect(ref.out).toContain('interpreter mapped: yes');
    expect(run(s, 'dyn one two')).toBe(ref.out);
  });

  it('runs a non-PIE one, and passes its exit status back', () => {
    const ref = onQemu('dyn-nopie', ['fail']);
    expect(ref.status).toBe(3);
    expect(run(s, 'dyn-nopie fail; echo status $?')).toBe(`${ref.out}status 3\n`);
  });

  it('refuses a program whose interpreter is missing, and the shell goes on', () => {
    expect(run(s, 'dyn-noint; echo status $?')).toMatch(/not found[\s\S]*status 127\n$/);
    expect(run(s, 'dyn x')).toBe(onQemu('dyn', ['x']).out);
  });

  it('leaves a clean file system', () => {
    expect(powerOff(s).kind).toBe('poweroff');
    expect(e2fsck(image.path).status).toBe(0);
  });
});
