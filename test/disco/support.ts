// Shared helpers of the monitor tests: build the test guests (test/disco/guests) and run VMs.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine, type MachineOptions } from '../../libs/machine/src/board/machine.js';
import { Monitor, type MonitorOptions } from '../../libs/disco/src/monitor.js';
import type { Vm, VmConfig } from '../../libs/disco/src/vm.js';
import { MONITOR_OWNER, SHARED_OWNER } from '../../libs/disco/src/memory/memmap.js';
import { physFrames } from '../../libs/disco/src/memory/phys-tlb.js';
import type { VmConsole } from '../../apps/cli/src/commands/monitor-session.js';

const root = join(import.meta.dirname, '..', '..');
let built = false;

export function buildGuests(): void {
  if (built) return;
  execFileSync(process.execPath, [join(root, 'scripts/build-disco-guests.mjs')], { stdio: 'inherit' });
  built = true;
}

export function guestElf(name: string): Uint8Array {
  buildGuests();
  return readFileSync(join(root, 'build/disco-guests', `${name}.elf`));
}

export interface TestVm {
  vm: Vm;
  out: () => string;
}

/** A monitor on a fresh machine plus VMs running test guests; output collected per VM. */
export function setup(
  vms: (Omit<VmConfig, 'kernel'> & { guest: string })[],
  machine: MachineOptions = {},
  monitor: MonitorOptions = {},
): { m: Monitor; vms: TestVm[] } {
  const mach = new Machine({ cpus: 2, nodes: 1, memoryBytes: 64 * 1024 * 1024, consoleOutput: () => {}, ...machine });
  const m = new Monitor(mach, { clock: () => 1_750_000_000_000, ...monitor });
  const out: TestVm[] = [];
  for (const spec of vms) {
    let text = '';
    const { guest, ...rest } = spec;
    const vm = m.createVm({ memoryMiB: 4, ...rest, kernel: guestElf(guest), console: (b) => { text += String.fromCharCode(b); } });
    out.push({ vm, out: () => text });
  }
  for (const t of out) m.startVm(t.vm);
  return { m, vms: out };
}

/** Run until every VM stopped or `cycles` passed. */
export function runAll(m: Monitor, cycles = 2_000_000_000): string {
  return m.run(cycles);
}

/**
 * The isolation invariant, checked between slices: every valid frame in the physical TLB of a
 * CPU running a vCPU is that VM's page (its pmap's page or, with NUMA, one of its replicas),
 * its special page, or a shared page (kernel text, disk cache, remap) its pmap maps. Returns
 * the number of entries checked; throws naming the first foreign frame.
 */
export function checkPhysicalTlbs(m: Monitor): number {
  let checked = 0;
  for (let p = 0; p < m.cpus.length; p++) {
    const v = m.current[p];
    if (v === null) continue;
    for (const e of physFrames(m.cpus[p])) {
      checked++;
      if (e.frame === v.spPage) continue;
      const owner = m.pages.owner[e.frame];
      if (owner === SHARED_OWNER && v.vm.pmap.machinePage.includes(e.frame)) continue;
      const gp = m.pages.guestPage[e.frame];
      const copies = gp >= 0 ? (m.numa?.copies(v.vm, gp) ?? [v.vm.pmap.machinePage[gp]]) : [];
      if (owner !== v.vm.id || !copies.includes(e.frame)) {
        throw new Error(`CPU ${p} (${v.vm.name}) maps va 0x${e.vpn2.toString(16)} to machine frame 0x${e.frame.toString(16)} owned by ${owner === MONITOR_OWNER ? 'the monitor' : owner}`);
      }
    }
  }
  return checked;
}

export function stripAnsi(s: string): string {
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

/** Type a command at a VM console's prompt; what it printed (the echo and the next prompt removed). */
export function runCommand(c: VmConsole, cmd: string, hostMs = 60_000): string {
  c.type(cmd + '\n');
  const end = c.waitForPrompt(undefined, { hostMs });
  if (end !== null) throw new Error(`"${cmd}": ${JSON.stringify(end)}\n${c.output.slice(-2000)}`);
  const lines = stripAnsi(c.recent).replace(/\r\n/g, '\n').split('\n');
  lines.shift();
  lines.pop();
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}
