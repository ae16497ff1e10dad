// The guest kernel's monitor port (guest/images/kernel-disco.elf) under the Disco monitor: one
// VM runs busybox and the paper-style workloads with the bare machine's results; four VMs run
// different scripts at once; an SMP VM with 4 vCPUs on 2 physical CPUs; 8 two-vCPU VMs on 4
// CPUs; reboot and poweroff. The physical TLBs are inspected between slices: they never hold
// a frame outside the running VM's pmap.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { defaultMonitorKernelPath, MonitorSession, type VmConsole } from '../../apps/cli/src/commands/monitor-session.js';
import { e2fsck, makeImage } from '../guest/support.js';
import { checkPhysicalTlbs, runCommand as run, stripAnsi } from './support.js';

const FIXED_CLOCK = (): number => Date.UTC(2026, 0, 1);
const skip = !existsSync(defaultMonitorKernelPath()) || process.env.DISCO_SKIP_DIFFERENTIAL === '1';
const suite = skip ? describe.skip : describe;




function boot(vms: { vcpus?: number; memoryMiB?: number; busybox?: boolean }[], cpus: number, nodes = 1): { s: MonitorSession; images: { path: string; cleanup: () => void }[] } {
  const images = vms.map((v) => makeImage({ busybox: v.busybox ?? false }));
  const s = new MonitorSession({
    vms: vms.map((v, i) => ({ disk: images[i]!.path, vcpus: v.vcpus ?? 1, memoryMiB: v.memoryMiB ?? 32 })),
    cpus, nodes, clock: FIXED_CLOCK,
  });
  s.boot();
  for (const c of s.consoles) {
    const end = c.waitForPrompt(undefined, { hostMs: 60_000 });
    if (end !== null) throw new Error(`${c.vm.name}: no prompt: ${JSON.stringify(end)}\n${c.output}`);
  }
  return { s, images };
}

suite('guest kernel under the monitor: one VM', () => {
  let s: MonitorSession;
  let images: { path: string; cleanup: () => void }[];
  let c: VmConsole;
  beforeAll(() => {
    ({ s, images } = boot([{ busybox: true, memoryMiB: 64 }], 1));
    c = s.consoles[0]!;
  });
  afterAll(() => {
    s?.close();
    for (const i of images ?? []) i.cleanup();
  });

  it('boots to the shell in supervisor mode', () => {
    expect(c.output).toContain('disco guest kernel: 1 CPUs');
    expect(c.output).toContain('rc done');
    checkPhysicalTlbs(s.monitor);
  });

  it('idles for 5 emulated seconds without tripping the interrupts-off watchdog (2 s)', () => {
    expect(c.runFor(5000)).toBeNull();
    expect(c.vm.state).toBe('running');
    expect(run(c, 'echo awake')).toBe('awake\n');
  });

  it('runs busybox', () => {
    const seq = Array.from({ length: 1000 }, (_, i) => `${i + 1}\n`).join('');
    expect(run(c, 'busybox seq 1 1000 | busybox md5sum')).toBe(`${createHash('md5').update(seq).digest('hex')}  -\n`);
    expect(run(c, `busybox awk 'BEGIN { s = 0; for (i = 1; i <= 100; i++) s += 1/i; printf "%.6f\\n", s }'`)).toBe('5.187378\n');
    expect(run(c, `busybox sh -c 'echo $((6*7)); (exit 3); echo $?'`)).toBe('42\n3\n');
  });

  it('passes console resizes to the guest: TIOCGWINSZ, SIGWINCH to the foreground group', () => {
    expect(run(c, 'busybox stty size')).toBe('24 80\n');
    expect(s.monitor.consoleResize(c.vm, 132, 50)).toBe(true);
    expect(s.monitor.consoleResize(c.vm, 132, 50)).toBe(false);   // same size: nothing posted
    expect(c.runFor(200)).toBeNull();
    expect(run(c, 'busybox stty size')).toBe('50 132\n');
    expect(() => s.monitor.consoleResize(c.vm, 0, 10)).toThrow(RangeError);
    expect(() => s.monitor.consoleResize(c.vm, 80, 1.5)).toThrow(RangeError);
    expect(run(c, 'busybox stty size')).toBe('50 132\n');
    // A foreground job that traps WINCH sees the resize (the trap runs when its sleep ends).
    c.type(`busybox sh -c 'trap "echo winch \\$(busybox stty size)" WINCH; busybox sleep 1; echo done'\n`);
    expect(c.runFor(300)).toBeNull();
    s.monitor.consoleResize(c.vm, 100, 40);
    const end = c.waitForPrompt(undefined, { hostMs: 60_000 });
    expect(end).toBeNull();
    const out = stripAnsi(c.recent).replace(/\r\n/g, '\n');
    expect(out).toContain('winch 40 100\ndone\n');
    expect(run(c, 'busybox stty size')).toBe('40 100\n');
  });

  it('runs the workloads with the bare machine\'s results', () => {
    expect(run(c, 'pmake')).toMatch(/^pmake: OK 5fb3050a$/m);
    expect(run(c, 'raytrace -w 64 -h 48')).toMatch(/^raytrace: OK d7741d19$/m); // bare: d7741d19
    expect(run(c, 'database -n 50000 -q 3000')).toMatch(/^database: OK c5e0e746$/m); // bare: c5e0e746
    checkPhysicalTlbs(s.monitor);
    const mt = s.monitor.vmMetrics(c.vm);
    expect(mt.tlb.l2tlbHits).toBeGreaterThan(mt.tlb.reflectedRefills);
    expect(mt.cycles.user).toBeGreaterThan(0);
    expect(mt.disk.reads).toBeGreaterThan(10);
  });

  it('reboots and powers off; the file system stays clean', () => {
    c.type('reboot\n');
    expect(c.waitFor(/rc done/, { hostMs: 60_000 })).toBeNull();
    expect(c.vm.boots).toBe(2);
    expect(c.waitForPrompt(undefined, { hostMs: 30_000 })).toBeNull();
    c.type('poweroff\n');
    expect(c.runUntil(() => false, { hostMs: 30_000 })).toEqual({ kind: 'poweroff', code: 0 });
    s.close();
    expect(e2fsck(images[0]!.path).status).toBe(0);
  });
});

suite('guest kernel under the monitor: several VMs', () => {
  it('runs four VMs with different scripts at once', () => {
    const { s, images } = boot([{}, {}, {}, {}], 2);
    try {
      const cmds = ['pmake', 'raytrace -w 64 -h 48', 'database -n 20000 -q 1000', 'ls /bin | wc -l'];
      s.consoles.forEach((c, i) => c.type(cmds[i] + '\n'));
      const done = (c: VmConsole): boolean => /[#$] $/.test(stripAnsi(c.recent));
      let guard = 0;
      while (!s.consoles.every(done) && guard++ < 2000) {
        s.runUntil(() => true);
        s.monitor.run(2_000_000);
        checkPhysicalTlbs(s.monitor);
      }
      expect(s.consoles[0]!.recent).toMatch(/pmake: OK 5fb3050a/);
      expect(s.consoles[1]!.recent).toMatch(/raytrace: OK/);
      expect(s.consoles[2]!.recent).toMatch(/database: OK/);
      expect(s.consoles[3]!.recent).toMatch(/\n27\r?\n/);   // the userland: 27 programs
      const m = s.monitor.metrics('test');
      expect(Object.keys(m.vms)).toHaveLength(4);
      for (const v of Object.values(m.vms)) expect(v.cycles.kernel).toBeGreaterThan(0);
    } finally {
      s.close();
      for (const i of images) i.cleanup();
    }
  });

  it('runs an SMP VM with 4 vCPUs on 2 physical CPUs', () => {
    const { s, images } = boot([{ vcpus: 4, memoryMiB: 64 }], 2);
    try {
      const c = s.consoles[0]!;
      expect(c.output).toContain('disco guest kernel: 4 CPUs');
      expect(run(c, 'pmake -j 4')).toMatch(/^pmake: OK 5fb3050a$/m);
      expect(run(c, 'raytrace -p 4 -w 96 -h 72')).toMatch(/^raytrace: OK [0-9a-f]{8}$/m);
      checkPhysicalTlbs(s.monitor);
      const mt = s.monitor.vmMetrics(c.vm);
      expect(mt.ipis.sent).toBeGreaterThan(0);
      expect(mt.vcpuSwitches).toBeGreaterThan(4);
      c.type('poweroff\n');
      expect(c.runUntil(() => false, { hostMs: 30_000 })).toEqual({ kind: 'poweroff', code: 0 });
    } finally {
      s.close();
      for (const i of images) i.cleanup();
    }
  });

  it('runs 8 two-vCPU VMs on 4 physical CPUs in 2 nodes', () => {
    const { s, images } = boot(Array.from({ length: 8 }, () => ({ vcpus: 2, memoryMiB: 24 })), 4, 2);
    try {
      for (const c of s.consoles) expect(run(c, `echo ${c.vm.name} alive`)).toBe(`${c.vm.name} alive\n`);
      checkPhysicalTlbs(s.monitor);
      const m = s.monitor.metrics('test');
      expect(m.total.pagesPerNode[0]).toBeGreaterThan(0);
      expect(m.total.pagesPerNode[1]).toBeGreaterThan(0);
    } finally {
      s.close();
      for (const i of images) i.cleanup();
    }
  });
});
