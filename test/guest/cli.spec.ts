// `disco boot --bare`: argument errors, a scripted session end to end (exit 0 at poweroff),
// directives (#@sleep, #@ctrl-c), a kernel panic (no init on the disk: exit 3), a timeout
// (exit 124), and the interactive console on a pseudo-terminal (util-linux `script`):
// typing, ^C reaching the guest, Ctrl-] q quitting. Runs the built CLI (npm test builds dist/ first).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoPath } from '../support/run.js';

function disco(args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [discoPath, ...args], { encoding: 'utf8', input, timeout: 120_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `script` from util-linux gives the CLI a pseudo-terminal as its console. */
const haveScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
if (!haveScript) console.warn('cli.spec.ts: util-linux `script` missing, skipping the interactive console test');

/**
 * Run `disco ARGS` on a pseudo-terminal; `steps` are [pattern, keys]: when the output since
 * the previous step matches the pattern, the keys are typed. Resolves with status and output.
 */
function interactive(args: string[], steps: [RegExp, string][], timeoutMs = 60_000): Promise<{ status: number; output: string }> {
  const quote = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;
  const child = spawn('script', ['-qfec', [process.execPath, discoPath, ...args].map(quote).join(' '), '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let mark = 0;
  let next = 0;
  const onData = (d: Buffer): void => {
    output += d.toString('latin1');
    while (next < steps.length && steps[next]![0].test(output.slice(mark))) {
      mark = output.length;
      child.stdin.write(steps[next++]![1]);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, output });
    });
  });
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
    expect(r.stdout).toMatch(/after\r*\n/);
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

  (haveScript ? it : it.skip)('runs interactively on a terminal: typing, ^C to the guest, Ctrl-] q quits with 130', async () => {
    const r = await interactive(['boot', '--bare', '--cpus', '1'], [
      [/# $/, 'echo typed on a terminal\r'],
      [/typed on a terminal\r*\n[^]*# $/, 'sleep 100\r'],
      [/sleep 100\r*\n/, '\x03'],
      [/# $/, 'echo after ^C\r'],
      [/after \^C\r*\n[^]*# $/, '\x1dq'],
    ]);
    expect(r.output).toMatch(/\ntyped on a terminal\r*\n/);
    expect(r.output).toMatch(/\nafter \^C\r*\n/);
    expect(r.output).toContain('quit (Ctrl-] q)');
    expect(r.status).toBe(130);
  });
});
