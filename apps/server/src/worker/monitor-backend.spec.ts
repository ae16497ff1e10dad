// The monitor backend on the real guest kernel (kernel-disco.elf) and one shared machine: two
// VMs boot side by side (boot script typed at the first prompt, placement and memory in the
// snapshot), the power button powers a guest off in order, an exception out of the emulator
// while one VM's vCPU runs faults only that VM, writes to a VM's disk persist into its next
// run, a closed VM gives its machine memory back, and bad topologies are refused.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { addStandardDevices, buildImage, dir, merge, readHostTree } from '../../../../libs/ext2/src/index.js';
import type { VmSpec } from '../../../../libs/protocol/src/index.js';
import { DEFAULT_KERNEL, kernelImages, rootfsDir } from '../config/paths.js';
import { MonitorBackend, topologyProblems } from './monitor-backend.js';
import type { VmHandle } from './vm-backend.js';

let tmp: string;
const disks: string[] = [];

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'disco-monitor-backend-'));
  const root = dir();
  merge(root, readHostTree(rootfsDir()));
  root.mode = 0o755;
  addStandardDevices(root);
  const image = buildImage(root, { sizeBytes: 8 * 1024 * 1024 });
  for (const n of ['a', 'b']) {
    disks.push(join(tmp, `${n}.img`));
    image.writeFile(disks[disks.length - 1]!);
  }
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function spec(name: string, disk: string, extra: Partial<VmSpec> = {}): VmSpec {
  return {
    vmId: `vm-${name}`, runId: `run-${name}`, name, vcpus: 1, memoryMiB: 16, homeNode: 0, kernelPath: kernelImages()[DEFAULT_KERNEL]!,
    cmdline: '', disks: [{ slot: 0, mode: 'private', path: disk, readOnly: false }], bootScript: '', ...extra,
  };
}

class Con {
  text = '';
  readonly put = (b: number): void => {
    this.text += String.fromCharCode(b);
  };
}

/** Run the machine until `done` or a limit of machine time; false on the limit. */
function runUntil(m: MonitorBackend, done: () => boolean, ms = 20_000): boolean {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) return false;
    m.run(1_000_000);
  }
  return true;
}

describe('MonitorBackend', () => {
  test('bad topologies are refused with the reason', () => {
    expect(topologyProblems({ cpus: 6, nodes: 4, memoryMiB: 256, timed: false })).toEqual(['4 nodes do not divide 6 CPUs']);
    expect(topologyProblems({ cpus: 8, nodes: 4, memoryMiB: 1000, timed: false })[0]).toMatch(/memory must be 16\.\.496 MiB/);
    expect(() => new MonitorBackend({ cpus: 0, nodes: 1, memoryMiB: 64, timed: false, numa: 'off' })).toThrow(/bad machine topology: cpus must be/);
  });

  test('two VMs on one machine; power button; emulator error faults one VM only; disks persist; memory comes back', () => {
    const m = new MonitorBackend({ cpus: 4, nodes: 2, memoryMiB: 128, timed: false, numa: 'off' });
    const free0 = m.monitor.pages.freeOn(0) + m.monitor.pages.freeOn(1);
    const ca = new Con();
    const cb = new Con();
    const a = m.create(spec('a', disks[0]!, { bootScript: 'echo persisted > /tmp-a; sync; echo script-ran' }), ca.put);
    const b = m.create(spec('b', disks[1]!, { vcpus: 2, homeNode: 1, memoryMiB: 24 }), cb.put);
    const ids = new Map<VmHandle, string>([[a, 'vm-a'], [b, 'vm-b']]);
    expect(runUntil(m, () => /\nscript-ran/.test(ca.text) && /# $/.test(cb.text))).toBe(true);
    expect(cb.text).toMatch(/disco guest kernel: 2 CPUs/);
    const snap = m.snapshot(ids);
    expect(snap.cpus).toHaveLength(4);
    expect(new Set(snap.cpus.map((c) => c.vmId).filter((x) => x !== null))).toEqual(new Set(['vm-a', 'vm-b']));
    expect(snap.nodes[1]!.vms.find((v) => v.vmId === 'vm-b')!.pages).toBeGreaterThan(256);
    expect(snap.nodes.every((n) => n.monitorPages > 0)).toBe(true);
    expect(a.counters().diskCommands).toBeGreaterThan(0);
    expect(a.instructions).toBeGreaterThan(1_000_000);

    // The power button: b shuts down in order, a runs on.
    b.powerButton();
    expect(runUntil(m, () => b.end() !== null)).toBe(true);
    expect(b.end()).toEqual({ kind: 'poweroff', code: 0 });
    expect(cb.text).toMatch(/power button: powering off/);
    b.close();

    // An exception out of the CPU while a's vCPU runs: a is faulted, nothing else breaks.
    const c2 = new Con();
    const c = m.create(spec('c', disks[1]!), c2.put);
    expect(runUntil(m, () => /# $/.test(c2.text))).toBe(true);
    const victim = (a as unknown as { vm: unknown }).vm;
    const cpus = m.machine.cpus;
    const runs = cpus.map((cpu) => cpu.run.bind(cpu));
    cpus.forEach((cpu, p) => {
      cpu.run = (until: number) => {
        if (m.monitor.current[p]?.vm === victim) throw new Error('boom');
        return runs[p]!(until);
      };
    });
    a.input(Buffer.from('echo poke\n'));
    expect(runUntil(m, () => a.end() !== null, 5000)).toBe(true);
    expect(a.end()).toEqual({ kind: 'fault', reason: 'emulator error: boom' });
    cpus.forEach((cpu, p) => (cpu.run = runs[p]!));
    c.input(Buffer.from('echo still-here\n'));
    expect(runUntil(m, () => /\nstill-here/.test(c2.text))).toBe(true);
    expect(c.end()).toBeNull();
    a.close();
    c.kill('test over');
    c.close();
    expect(m.monitor.vms).toHaveLength(0);
    expect(m.monitor.pages.freeOn(0) + m.monitor.pages.freeOn(1)).toBe(free0);

    // a's disk kept what its boot script wrote.
    const ca2 = new Con();
    const a2 = m.create(spec('a', disks[0]!, { runId: 'run-a2' }), ca2.put);
    expect(runUntil(m, () => /# $/.test(ca2.text))).toBe(true);
    a2.input(Buffer.from('cat /tmp-a\n'));
    expect(runUntil(m, () => /\npersisted/.test(ca2.text))).toBe(true);
    a2.close();
  });

  test('NUMA policy in timed mode; stations on the virtual subnet; DNFS between two VMs after another was destroyed', () => {
    expect(new MonitorBackend({ cpus: 2, nodes: 2, memoryMiB: 64, timed: false, numa: 'disco' }).monitor.numa).toBeNull();
    const m = new MonitorBackend({ cpus: 4, nodes: 2, memoryMiB: 128, timed: true, numa: 'disco' });
    expect(m.monitor.numa).not.toBeNull();
    // A VM that comes and goes first: the next VMs' stations are 2 and 3, no longer their list index + 1.
    const x = m.create(spec('x', disks[0]!), () => {});
    expect(x.net).toEqual({ station: 1, mac: '02:44:49:53:00:01' });
    x.kill('test');
    x.close();
    const cs = new Con();
    const cc = new Con();
    const srv = m.create(spec('srv', disks[0]!, { bootScript: 'mkdir -p /export\ncp /bin/sh /export/sh\nnfsd /export &\necho srv-ready' }), cs.put);
    const cli = m.create(spec('cli', disks[1]!, { homeNode: 1 }), cc.put);
    expect(srv.net).toEqual({ station: 2, mac: '02:44:49:53:00:02' });
    expect(cli.net).toEqual({ station: 3, mac: '02:44:49:53:00:03' });
    // Typed lines are echoed, so a marker counts once typed and once printed.
    const twice = (text: string, marker: string): boolean => text.split(marker).length > 2;
    expect(runUntil(m, () => /# $/.test(cc.text) && twice(cs.text, 'srv-ready'), 60_000)).toBe(true);
    cli.input(Buffer.from(`mkdir -p /mnt; mount -t dnfs ${srv.net!.station}:/export /mnt && cksum /mnt/sh && echo dnfs-ok\n`));
    const ok = runUntil(m, () => twice(cc.text, 'dnfs-ok'), 60_000);
    if (!ok) console.log(`server console: ${cs.text.slice(-400)}\nclient console: ${cc.text.slice(-400)}`);
    expect(ok).toBe(true);
    const k = cli.counters();
    expect(k.netFramesReceived).toBeGreaterThan(0);
    expect(k.netFramesSent).toBeGreaterThan(0);
    expect(k.netBytesCopied + k.netBytesRemapped).toBeGreaterThan(20_000); // /bin/sh (about 40 KB) came over the subnet
    expect(srv.counters().netFramesReceived).toBeGreaterThan(0);
    expect(k.cacheLocalMisses).toBeGreaterThan(0);
    for (const name of ['numaHotPages', 'numaMigrations', 'numaReplications', 'numaCollapses', 'pagesRemapped', 'cowCopies', 'netDrops'] as const) {
      expect(typeof k[name]).toBe('number');
    }
    const g = cli.gauges();
    expect(Number.isInteger(g.replicaPages) && Number.isInteger(g.sharedPages)).toBe(true);
    const snap = m.snapshot(new Map<VmHandle, string>([[srv, 'vm-srv'], [cli, 'vm-cli']]));
    expect(snap.nodes.reduce((s, n) => s + n.localMisses, 0)).toBeGreaterThan(0);
    expect(snap.nodes[1]!.vms.find((v) => v.vmId === 'vm-cli')).toMatchObject({ replicaPages: expect.any(Number) });
    srv.close();
    cli.close();
    // After VMs were destroyed (the server destroys every VM it stops), NUMA still acts: four
    // engineering workers on 4 vCPUs over both nodes sweep grids first touched elsewhere.
    const ce = new Con();
    const eng = m.create(spec('eng', disks[0]!, { vcpus: 4, memoryMiB: 48, bootScript: 'engineering -w 4 -m 1; echo eng-done' }), ce.put);
    expect(runUntil(m, () => twice(ce.text, 'eng-done'), 90_000)).toBe(true);
    expect(ce.text).toMatch(/engineering: OK/);
    const ke = eng.counters();
    expect(ke.numaHotPages).toBeGreaterThan(0);
    expect(ke.numaMigrations).toBeGreaterThan(0);
    eng.close();
  });

  test('disk modes: cow changes are dropped at power-off, cow-persistent ones kept in the overlay, the base untouched', () => {
    const m = new MonitorBackend({ cpus: 2, nodes: 1, memoryMiB: 64, timed: false, numa: 'off' });
    const base = disks[1]!;
    const before = readFileSync(base);
    const overlay = join(tmp, 'vm-p-0.cow');
    const boot = (name: string, mode: 'cow' | 'cow-persistent', script: string): string => {
      const con = new Con();
      const h = m.create(spec(name, base, { disks: [{ slot: 0, mode, path: base, readOnly: false, ...(mode === 'cow-persistent' ? { overlay } : {}) }], bootScript: `${script}; sync; echo done-done` }), con.put);
      expect(runUntil(m, () => con.text.split('done-done').length > 2)).toBe(true);
      h.kill('test');
      h.close();
      return con.text;
    };
    boot('c1', 'cow', 'echo scratch > /cow-file');
    expect(boot('c2', 'cow', 'cat /cow-file || echo no-cow-file')).toMatch(/\nno-cow-file/);
    boot('p1', 'cow-persistent', 'echo kept > /p-file');
    expect(existsSync(overlay)).toBe(true);
    expect(boot('p2', 'cow-persistent', 'cat /p-file')).toMatch(/\nkept/);
    expect(readFileSync(base).equals(before)).toBe(true);
    // A base image that is not there: the VM does not start, with the file named.
    expect(() => m.create(spec('z', base, { disks: [{ slot: 0, mode: 'cow', path: join(tmp, 'missing.img'), readOnly: false }] }), () => {})).toThrow(/missing\.img/);
  });

  test('a kernel that cannot load is a start error, and leaves nothing behind', () => {
    const m = new MonitorBackend({ cpus: 2, nodes: 1, memoryMiB: 64, timed: false, numa: 'off' });
    const free = m.monitor.pages.freeOn(0);
    expect(() => m.create(spec('x', disks[1]!, { kernelPath: kernelImages()[DEFAULT_KERNEL]!.replace('kernel-disco', 'kernel-bare') }), () => {})).toThrow(/kernel/);
    expect(m.monitor.vms).toHaveLength(0);
    expect(m.monitor.pages.freeOn(0)).toBe(free);
  });
});
