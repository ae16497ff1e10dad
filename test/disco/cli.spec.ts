// `disco boot --monitor`: argument errors, two VMs running a script at once with labelled
// consoles, one script per VM, the shared COW base with persistent overlays, and the exit status. Runs the built CLI (npm test builds first).
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultMonitorKernelPath } from '../../apps/cli/src/commands/monitor-session.js';
import { discoPath } from '../support/run.js';

function disco(args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [discoPath, ...args], { encoding: 'utf8', input, timeout: 120_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const suite = existsSync(defaultMonitorKernelPath()) ? describe : describe.skip;

suite('disco boot --monitor', () => {
  it('rejects bad arguments with status 2', () => {
    expect(disco(['boot', '--monitor', '--vms', '0']).stderr).toContain('--vms takes a whole number');
    expect(disco(['boot', '--monitor', '--bare']).status).toBe(2);
    expect(disco(['boot', '--monitor', '--vms', '2', '--script', '-', '--script', '-']).stderr).toContain('only one --script may be -');
    expect(disco(['boot', '--monitor', '--vms', '16', '--mem', '64']).stderr).toContain('do not fit');
    expect(disco(['boot', '--monitor', '--help']).stdout).toContain('--vcpus K');
  });

  it('runs two VMs with labelled consoles and per-VM scripts', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'disco-monitor-cli-'));
    try {
      writeFileSync(join(tmp, 'a.txt'), 'echo I am the first\npoweroff\n');
      writeFileSync(join(tmp, 'b.txt'), 'echo I am the second\npoweroff\n');
      const r = disco(['boot', '--monitor', '--vms', '2', '--mem', '32', '--script', join(tmp, 'a.txt'), '--script', join(tmp, 'b.txt'), '--timeout', '60', '--console-dir', join(tmp, 'logs')]);
      expect(readFileSync(join(tmp, 'logs', 'vm1.log'), 'latin1')).toContain('I am the second');
      expect(readFileSync(join(tmp, 'logs', 'vm0.log'), 'latin1')).not.toContain('I am the second');
      expect(r.stdout).toMatch(/^\[vm0\] I am the first\r?$/m);
      expect(r.stdout).toMatch(/^\[vm1\] I am the second\r?$/m);
      expect(r.stdout).toMatch(/^\[vm1\] reboot: power down/m);
      expect(r.status).toBe(0);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('boots VMs from one shared base image; --persistent keeps each VM\'s changes across runs; --metrics shows the sharing', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'cow-cli-'));
    try {
      const dir = join(tmp, 'overlays');
      const first = disco(['boot', '--monitor', '--vms', '2', '--mem', '32', '--persistent', dir, '--script', '-', '--metrics', '--timeout', '60'], 'cat /etc/rc > /dev/null\necho mine > /note\npoweroff\n');
      expect(first.status).toBe(0);
      expect(first.stderr).toMatch(/disco boot: sharing: \d+ shared machine pages mapped by \d+ guest pages; disk cache \d+ pages/);
      expect(first.stderr).toMatch(/disco boot: footprint: virtual [0-9.]+ MiB \(kernel text/);
      expect(existsSync(join(dir, 'vm0.cow')) && existsSync(join(dir, 'vm1.cow'))).toBe(true);
      const again = disco(['boot', '--monitor', '--vms', '2', '--mem', '32', '--persistent', dir, '--script', '-', '--timeout', '60'], 'cat /note\npoweroff\n');
      expect(again.stdout).toMatch(/^\[vm0\] mine\r?$/m);
      expect(again.stdout).toMatch(/^\[vm1\] mine\r?$/m);
      const plain = disco(['boot', '--monitor', '--mem', '32', '--script', '-', '--timeout', '60'], 'cat /note\npoweroff\n');
      expect(plain.stdout).toMatch(/cat: \/note: No such file/);
      expect(disco(['boot', '--monitor', '--private-disks', '--persistent', dir]).stderr).toContain('exclude each other');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('prints the metrics and the cost table with --metrics', () => {
    const r = disco(['boot', '--monitor', '--vcpus', '2', '--mem', '32', '--script', '-', '--metrics'], 'echo smp\npoweroff\n');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('disco guest kernel: 2 CPUs');
    expect(r.stderr).toContain('cost table disco-');
    const json = JSON.parse(r.stderr.slice(r.stderr.indexOf('{')));
    expect(json.vms.vm0.exit).toEqual({ kind: 'poweroff', code: 0 });
    expect(json.total.monitorCalls.VCPU_START).toBe(1);
  });
});
