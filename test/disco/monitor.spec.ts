// The monitor with small supervisor-mode test guests (test/disco/guests): boot protocol and
// special page, trap-and-emulate and reflection, TLB translation and the L2TLB, devices by
// monitor call, SMP vCPUs, isolation and faults, poweroff and reboot.
import { describe, expect, it } from '@jest/globals';
import { MemoryBlockBackend } from '../../libs/machine/src/devices/block/block.backend.js';
import type { Monitor } from '../../libs/disco/src/monitor.js';
import { checkPhysicalTlbs, setup } from './support.js';


/** Run in slices, checking the physical TLBs after each, until everything stopped. */
function runChecked(m: Monitor, slices = 400, slice = 1_000_000): number {
  let checked = 0;
  for (let i = 0; i < slices; i++) {
    const r = m.run(slice);
    checked += checkPhysicalTlbs(m);
    if (r === 'halted' || r === 'idle') break;
  }
  return checked;
}

// The test guests need Debian's cross compiler (like test/baremetal): DISCO_SKIP_DIFFERENTIAL=1 skips.
const suite = process.env.DISCO_SKIP_DIFFERENTIAL === '1' ? describe.skip : describe;

suite('Disco monitor with test guests', () => {
  it('boots a guest: boot registers, special page, mfc0/mtc0, rdhwr, clocks', () => {
    const { m, vms } = setup([{ guest: 'hello', cmdline: 'hello world' }]);
    expect(m.run(100_000_000)).toBe('halted');
    const out = vms[0].out();
    expect(out).toContain('RESULT PASS');
    expect(out).not.toContain('FAIL');
    expect(vms[0].vm.exit).toEqual({ kind: 'poweroff', code: 0 });
    const mt = m.vmMetrics(vms[0].vm);
    expect(mt.emulated.mfc0).toBeGreaterThan(3);
    expect(mt.monitorCalls.CONSOLE_WRITE).toBeGreaterThan(5);
    expect(mt.cycles.monitor).toBeGreaterThan(0);
  });

  it('emulates privileged instructions, reflects exceptions, translates TLB writes, answers misses from the L2TLB', () => {
    const { m, vms } = setup([{ guest: 'priv' }]);
    const checked = runChecked(m, 200, 50_000);
    const out = vms[0].out();
    expect(out).toContain('RESULT PASS');
    expect(out).not.toContain('FAIL');
    expect(checked).toBeGreaterThan(100);
    const mt = m.vmMetrics(vms[0].vm);
    expect(mt.tlb.l2tlbHits).toBeGreaterThanOrEqual(128);
    expect(mt.tlb.reflectedRefills).toBeGreaterThanOrEqual(128);
    expect(mt.emulated.tlbwr).toBeGreaterThanOrEqual(128);
    expect(mt.pageFaults).toBe(2);
    expect(mt.shootdowns).toBe(1);
    expect(mt.interrupts).toBeGreaterThanOrEqual(5);
  });

  it('without the L2TLB every evicted entry is refilled by the guest', () => {
    const { vms, m } = setup([{ guest: 'priv', l2tlb: false }]);
    m.run(100_000_000);
    expect(vms[0].out()).toContain('FAIL second pass refills (L2TLB)');
    expect(m.vmMetrics(vms[0].vm).tlb.l2tlbHits).toBe(0);
  });

  it('drives disks by monitor call, with a modelled latency', () => {
    const disk0 = new MemoryBlockBackend(64);
    for (let k = 0; k < 64; k++) new DataView(disk0.data.buffer).setUint32(k * 512, k, true);
    const disk1 = new MemoryBlockBackend(8, { readOnly: true });
    const { m, vms } = setup([{ guest: 'disk', disks: [disk0, disk1], diskLatency: { fixedCycles: 20_000, perSectorCycles: 100 } }]);
    m.run(200_000_000);
    expect(vms[0].out()).toContain('RESULT PASS');
    expect(new DataView(disk0.data.buffer).getUint32(61 * 512, true)).toBe(0xd00d0001);
    const mt = m.vmMetrics(vms[0].vm);
    expect(mt.disk.reads).toBe(3);
    expect(mt.disk.writes).toBe(1);
    expect(mt.disk.sectorsRead).toBe(73);
  });

  it('runs an SMP guest: VCPU_START, LL/SC across vCPUs, IPIs, wait', () => {
    const { m, vms } = setup([{ guest: 'smp', vcpus: 4 }]);
    const checked = runChecked(m, 4000, 20_000);
    expect(vms[0].out()).toContain('RESULT PASS');
    expect(checked).toBeGreaterThan(0);
    const mt = m.vmMetrics(vms[0].vm);
    expect(mt.ipis.sent).toBe(3);
    expect(mt.vcpuSwitches).toBeGreaterThan(3);
  });

  it('is deterministic: the same run twice gives the same metrics', () => {
    const once = (): string => {
      const { m, vms } = setup([{ guest: 'smp', vcpus: 3 }, { guest: 'priv' }], { cpus: 2 });
      m.run(200_000_000);
      return JSON.stringify(m.metrics('x')) + vms.map((t) => t.out()).join('|');
    };
    expect(once()).toBe(once());
  });

  it('runs 8 VMs with more vCPUs than physical CPUs', () => {
    const specs = Array.from({ length: 8 }, () => ({ guest: 'smp', vcpus: 2 }));
    const { m, vms } = setup(specs, { cpus: 4, nodes: 2, memoryBytes: 64 * 1024 * 1024 });
    runChecked(m, 400, 500_000);
    for (const t of vms) {
      expect(t.out()).toContain('RESULT PASS');
      expect(t.vm.exit).toEqual({ kind: 'poweroff', code: 0 });
    }
    const total = m.metrics('test').total;
    expect(total.pagesPerNode.reduce((a, b) => a + b, 0)).toBe(0); // all freed at poweroff
  });

  it('a hostile guest writing arbitrary frame numbers cannot reach another VM', () => {
    const { m, vms } = setup([
      { guest: 'hostile', cmdline: 'victim', memoryMiB: 4 },
      { guest: 'hostile', memoryMiB: 4 },
    ]);
    runChecked(m, 600, 500_000);
    const out = vms[1].out();
    expect(out).toContain('FOUND 0');
    const busErr = /BUSERR (\d+) EXPECTED (\d+)/.exec(out);
    expect(busErr).not.toBeNull();
    expect(Number(busErr![1])).toBe(Number(busErr![2]));
    expect(Number(busErr![1])).toBeGreaterThan(3000);
    expect(vms[0].out()).toContain('victim ready');
    expect(vms[0].vm.state).toBe('running');
  });

  it.each([
    ['panic', /poweroff/],
    ['spin', /interrupts disabled/],
    ['garbage', /exceptions in a row at EXL=1/],
    ['wild', /exceptions in a row at EXL=1/],
  ])('a crashing guest (%s) stops alone', (mode, reason) => {
    const { m, vms } = setup([{ guest: 'crash', cmdline: mode, watchdogCycles: 5_000_000 }, { guest: 'smp', vcpus: 2 }]);
    m.run(300_000_000);
    const bad = vms[0].vm;
    expect(bad.state).toBe('stopped');
    const exit = bad.exit!;
    expect(exit.kind === 'poweroff' ? `poweroff ${exit.code}` : (exit as { reason: string }).reason).toMatch(reason);
    if (mode === 'panic') expect(exit).toEqual({ kind: 'poweroff', code: 0x7a });
    if (mode === 'wild') expect(vms[0].out()).toContain('wild stores survived');
    expect(vms[1].out()).toContain('RESULT PASS');
  });

  it('random guests (privileged ops, TLB writes, monitor calls with random arguments) never break the monitor or escape', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const { m, vms } = setup([{ guest: 'chaos', vcpus: 1 + (seed % 2), cmdline: `${seed}0000`, watchdogCycles: 5_000_000 }, { guest: 'smp', vcpus: 2 }]);
      runChecked(m, 100, 1_000_000);
      const exit = vms[0].vm.exit;
      if (exit !== null && exit.kind !== 'poweroff') expect(exit.reason).not.toMatch(/monitor error/);
      expect(vms[1].out()).toContain('RESULT PASS');
    }
  });

  it('host operations: pause, resume, reset, kill; state changes reported', () => {
    const changes: string[] = [];
    const { m, vms } = setup([{ guest: 'smp', vcpus: 2, onStateChange: (vm) => changes.push(`${vm.state}${vm.paused ? '/paused' : ''}`) }]);
    const vm = vms[0].vm;
    m.pauseVm(vm);
    expect(m.run(50_000_000)).toBe('idle');
    expect(vms[0].out()).toBe('');
    m.resumeVm(vm);
    m.run(300_000_000);
    expect(vms[0].out()).toContain('RESULT PASS');
    m.startVm(vm);
    m.run(20_000);
    m.resetVm(vm);
    m.run(300_000_000);
    expect(vm.boots).toBe(3);
    expect(vms[0].out().match(/RESULT PASS/g)).toHaveLength(2);
    const { m: m2, vms: v2 } = setup([{ guest: 'crash', cmdline: 'spin' }]);
    m2.run(1_000_000);
    m2.killVm(v2[0].vm);
    expect(v2[0].vm.exit).toEqual({ kind: 'killed', reason: 'stopped by the host' });
    expect(m2.run(1_000_000)).toBe('halted');
    expect(changes.slice(0, 4)).toEqual(['running', 'running/paused', 'running', 'stopped']);
  });

  it('places a VM\'s memory on the node of its vCPUs (timed mode: misses stay local)', () => {
    const { m, vms } = setup([{ guest: 'priv', node: 1 }], { cpus: 4, nodes: 2, timed: true });
    let peak: number[] = [];
    for (let i = 0; i < 200 && vms[0].vm.running; i++) {
      m.run(200_000);
      const p = m.vmMetrics(vms[0].vm).pagesPerNode;
      if (p[1]! > (peak[1] ?? 0)) peak = p;
    }
    expect(vms[0].out()).toContain('RESULT PASS');
    expect(peak[0]).toBe(0);
    expect(peak[1]).toBeGreaterThan(200);
    const mt = m.vmMetrics(vms[0].vm);
    expect(mt.cacheMisses.local).toBeGreaterThan(0);
    expect(mt.cacheMisses.remote).toBe(0);
  });

  it('reboots a guest on POWER RESET, its disk persisting', () => {
    const disk = new MemoryBlockBackend(8);
    const { m, vms } = setup([{ guest: 'crash', cmdline: 'reboot', disks: [disk] }]);
    m.run(300_000_000);
    expect(vms[0].vm.exit).toEqual({ kind: 'poweroff', code: 3 });
    expect(vms[0].vm.boots).toBe(3);
    expect(vms[0].out()).toContain('boot 1\nboot 2\nboot 3\n');
  });
});
