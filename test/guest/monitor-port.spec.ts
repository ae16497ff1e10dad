// The kernel's own test programs on its monitor port (guest/images/kernel-disco.elf) under the
// Disco monitor, in a VM of 2 vCPUs time-shared on one physical CPU: signal frames, FPU state
// across context switches (lazy FPU through the virtual CU1), mmap/COW, ENOSYS, a process
// exhausting memory; and the port's hot paths: trap entry/exit, spinlocks and the TLB refill
// handler use the special page, so the only privileged instructions emulated in bulk are
// eret, tlbwr and the page-invalidation pair (docs/guest.md, "Monitor port").
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { defaultMonitorKernelPath, MonitorSession, type VmConsole } from '../../apps/cli/src/commands/monitor-session.js';
import type { MetricsSnapshot } from '../../libs/disco/src/metrics.js';
import { e2fsck, makeImage } from './support.js';

const FIXED_CLOCK = (): number => Date.UTC(2026, 0, 1);
const suite = existsSync(defaultMonitorKernelPath()) ? describe : describe.skip;

function stripAnsi(s: string): string {
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

function run(c: VmConsole, cmd: string, hostMs = 60_000): string {
  c.type(cmd + '\n');
  const end = c.waitForPrompt(undefined, { hostMs });
  if (end !== null) throw new Error(`"${cmd}": ${JSON.stringify(end)}\n${c.output.slice(-2000)}`);
  const lines = stripAnsi(c.recent).replace(/\r\n/g, '\n').split('\n');
  lines.shift();
  lines.pop();
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}

suite('guest kernel monitor port: test programs under the monitor', () => {
  let image: { path: string; cleanup: () => void };
  let s: MonitorSession;
  let c: VmConsole;
  const metrics = (): MetricsSnapshot => s.monitor.vmMetrics(c.vm);

  beforeAll(() => {
    image = makeImage({ progs: true });
    s = new MonitorSession({ vms: [{ disk: image.path, vcpus: 2, memoryMiB: 48 }], cpus: 1, clock: FIXED_CLOCK });
    s.boot();
    c = s.consoles[0]!;
    const end = c.waitForPrompt(undefined, { hostMs: 60_000 });
    if (end !== null) throw new Error(`no prompt: ${JSON.stringify(end)}\n${c.output}`);
  });
  afterAll(() => {
    s?.close();
    image?.cleanup();
  });

  it('boots both vCPUs', () => {
    expect(c.output).toContain('disco guest kernel: 2 CPUs, 1 nodes');
  });

  it('delivers signals through both frame kinds and returns with sigreturn', () => {
    const out = run(c, 'sigtest; echo status=$?');
    expect(out).toContain('sigtest: SIGUSR1 handled');
    expect(out).toContain('SIGSEGV at 0x00001234 (expected)');
    expect(out).toContain('status=0');
  });

  it('keeps every process\'s FPU registers across context switches', () => {
    expect(run(c, 'fpstress')).toBe('fpstress: OK\n');
  });

  it('implements mmap, munmap, mprotect, brk and copy-on-write', () => {
    expect(run(c, 'memtest')).toBe('memtest: OK\n');
  });

  it('answers unknown system calls with ENOSYS', () => {
    expect(run(c, 'nosys')).toBe('nosys: ENOSYS ok\n');
  });

  it('kills a process that exhausts memory and gets all of it back', () => {
    const free = (): number => Number(/MemFree: (\d+) kB/.exec(run(c, 'cat /proc/meminfo'))![1]);
    const before = free();
    const out = run(c, 'oom; echo status=$?');
    expect(out).toContain('out of memory');
    expect(out).toContain('status=139');
    expect(free()).toBeGreaterThan(before - 256);
  });

  it('runs its hot paths on the special page', () => {
    const a = metrics();
    expect(run(c, 'pmake -j 2')).toMatch(/^pmake: OK [0-9a-f]{8}$/m);
    const b = metrics();
    const d = (k: string): number => (b.emulated[k] ?? 0) - (a.emulated[k] ?? 0);
    const reflected = b.reflected - a.reflected;
    expect(reflected).toBeGreaterThan(1000);
    expect(d('di') + d('ei')).toBe(0);                    // spinlocks: Status by load/store
    expect(d('eret')).toBeLessThan(reflected * 1.1);       // about one per reflected exception (+ new processes)
    expect((d('mfc0') + d('mtc0')) * 10).toBeLessThan(d('eret'));   // ASID switches, CU1 changes
    expect(d('tlbwr')).toBe((b.tlb.reflectedRefills - a.tlb.reflectedRefills));
    expect(b.monitorCalls.PAGE_ZERO ?? 0).toBeGreaterThan(a.monitorCalls.PAGE_ZERO ?? 0);   // zero-page hint
  });

  it('powers off with a clean file system', () => {
    c.type('poweroff\n');
    expect(s.runUntil(() => false, { hostMs: 30_000 })).toEqual({ kind: 'poweroff', code: 0 });
    expect(c.vm.exit).toMatchObject({ code: 0 });
    expect(e2fsck(image.path).status).toBe(0);
  });
});
