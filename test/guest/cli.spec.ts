// `disco boot --bare`: argument errors, a scripted session end to end (exit 0 at poweroff),
// directives (#@sleep, #@ctrl-c), a kernel panic (no init on the disk: exit 3) and a
// timeout (exit 124). Runs the built CLI (npm test builds dist/ first).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoPath } from '../support/run.js';

function disco(args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [discoPath, ...args], { encoding: 'utf8', input, timeout: 120_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('disco boot --bare', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'disco-boot-cli-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('rejects bad arguments with status 2', () => {
    expect(disco(['boot']).status).toBe(2);
    const r = disco(['boot', '--bare', '--cpus', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--cpus takes a whole number');
    expect(disco(['boot', '--bare', '--cpus', '6', '--nodes', '4']).stderr).toContain('does not divide');
    const missing = disco(['boot', '--bare', '--root', join(tmp, 'nope.img')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no such file');
    expect(disco(['boot', '--bare', '--frobnicate']).stderr).toContain('unknown option --frobnicate');
  });

  it('types a script into the console and exits 0 when the guest powers off', () => {
    const script = ['echo hello from the script', 'sleep 100', '#@sleep 300', '#@ctrl-c', 'echo after', 'poweroff'].join('\n');
    const r = disco(['boot', '--bare', '--cpus', '2', '--script', '-'], script);
    expect(r.stdout).toContain('hello from the script');
    expect(r.stdout).toMatch(/after\r?\n/);
    expect(r.stdout).toContain('reboot: power down');
    expect(r.status).toBe(0);
  });

  it('reports a kernel panic with status 3', () => {
    const img = join(tmp, 'empty.img');
    expect(disco(['mkimage', '--out', img, '--no-rootfs', '--size', '8']).status).toBe(0);
    const r = disco(['boot', '--bare', '--root', img, '--script', '-'], 'echo unreachable\n');
    expect(r.stdout).toContain('panic: no init found');
    expect(r.stderr).toContain('kernel panic');
    expect(r.status).toBe(3);
  });

  it('gives up with status 124 when the guest never powers off', () => {
    const script = join(tmp, 'forever.txt');
    writeFileSync(script, 'echo waiting forever\n');
    const r = disco(['boot', '--bare', '--script', script, '--timeout', '2']);
    expect(r.stdout).toContain('waiting forever');
    expect(r.status).toBe(124);
  });
});
