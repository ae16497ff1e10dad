// The guest kernel's workloads under the monitor with NUMA migration/replication on and off
// (timed mode, 4 CPUs in 2 nodes with 64 KiB caches so the guest kernel's text keeps missing,
// one 4-vCPU VM, pages placed round-robin so the policy has work): the same results either way,
// while the policy migrates and replicates pages (guest kernel text among them). Physical TLBs are checked between slices.
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { defaultMonitorKernelPath, MonitorSession } from '../../apps/cli/src/commands/monitor-session.js';
import { GUEST_VSEG } from '../../libs/disco/src/abi/monitor-abi.js';
import { parseElf } from '../../libs/machine/src/loader/elf.js';
import { makeImage } from '../guest/support.js';
import { checkPhysicalTlbs } from './support.js';

const skip = !existsSync(defaultMonitorKernelPath()) || process.env.DISCO_SKIP_DIFFERENTIAL === '1';
const suite = skip ? describe.skip : describe;
const strip = (s: string): string => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');


const COMMANDS = ['raytrace -p 4 -w 64 -h 48', 'engineering -w 4 -m 1 -i 1', 'pmake -j 4'];

function runAll(numa: boolean): { results: string[]; s: MonitorSession; cleanup: () => void } {
  const img = makeImage({ busybox: false });
  const s = new MonitorSession({
    vms: [{ disk: img.path, vcpus: 4, memoryMiB: 48, placement: 'round-robin' }],
    cpus: 4, nodes: 2, timed: true, clock: () => Date.UTC(2026, 0, 1), numa, cache: { cacheBytes: 64 * 1024 },
  });
  s.boot();
  const c = s.consoles[0]!;
  expect(c.waitForPrompt(undefined, { hostMs: 120_000 })).toBeNull();
  const results: string[] = [];
  for (const cmd of COMMANDS) {
    c.type(cmd + '\n');
    let guard = 0;
    while (!/[#$] $/.test(strip(c.recent)) && guard++ < 5000) {
      s.monitor.run(2_000_000);
      checkPhysicalTlbs(s.monitor);
    }
    results.push(/: OK [0-9a-f]{8}/.exec(strip(c.recent))?.[0] ?? strip(c.recent));
  }
  return { results, s, cleanup: () => { s.close(); img.cleanup(); } };
}

suite('NUMA policy on and off: the workloads give identical results', () => {
  it('raytrace, engineering and pmake: same results, pages migrated and replicated (kernel text too)', () => {
    const off = runAll(false);
    off.cleanup();
    const on = runAll(true);
    try {
      expect(on.results).toEqual(off.results);
      expect(on.results[0]).toBe(': OK d7741d19'); // the bare machine's raytrace -w 64 -h 48
      for (const r of on.results) expect(r).toMatch(/^: OK [0-9a-f]{8}$/);
      const m = on.s.monitor;
      const vm = on.s.consoles[0]!.vm;
      const mt = m.vmMetrics(vm);
      expect(mt.numa.hotPages).toBeGreaterThan(0);
      expect(mt.numa.migrations).toBeGreaterThan(0);
      expect(mt.numa.replications).toBeGreaterThan(0);
      // Some page of the guest kernel's text has replicas.
      const elf = parseElf(readFileSync(defaultMonitorKernelPath()));
      if ('error' in elf) throw new Error(elf.error);
      const text = elf.segments.find((g) => g.flags.x && g.vaddr === GUEST_VSEG.KERNEL_LINK_BASE)!;
      const first = (text.vaddr - GUEST_VSEG.KSEG_BASE) >>> 12;
      const last = (text.vaddr + text.filesz - 1 - GUEST_VSEG.KSEG_BASE) >>> 12;
      let replicated = 0;
      for (let gp = first; gp <= last; gp++) if (m.numa!.copies(vm, gp).length > 1) replicated++;
      expect(replicated).toBeGreaterThan(0);
    } finally {
      on.cleanup();
    }
  });
});
