// Shared helpers of the monitor tests: build the test guests (test/disco/guests) and run VMs.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine, type MachineOptions } from '../../libs/machine/src/board/machine.js';
import { Monitor, type MonitorOptions } from '../../libs/disco/src/monitor.js';
import type { Vm, VmConfig } from '../../libs/disco/src/vm.js';

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
