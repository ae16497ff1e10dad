// The guest kernel's monitor port (guest/images/kernel-disco.elf) booted in one or more VMs
// under the Disco monitor on one emulated machine, each VM with its own root disk, driven
// through its console: the building block of `disco boot --monitor` and of test/disco/. Each
// VmConsole offers the same methods as GuestSession (type, recent, waitForPrompt, ...), and
// running one VM's console runs the whole machine.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine, type MachineOptions } from '../../../../libs/machine/src/board/machine.js';
import { MACHINE } from '../../../../libs/machine/src/board/memory-map.js';
import { FileBlockBackend } from '../../../../libs/machine/src/devices/block/block.backend.js';
import type { CostTable } from '../../../../libs/disco/src/costs.js';
import { Monitor, type MonitorOptions } from '../../../../libs/disco/src/monitor.js';
import type { Vm, VmConfig } from '../../../../libs/disco/src/vm.js';
import type { DiskConfig, DiskKind } from '../../../../libs/disco/src/io/disk-config.js';
import { DEFAULT_PROMPT, KERNEL_PANIC_CODE, repoRoot, type GuestEnd } from './boot-session.js';

/** Cycles per run() slice: 5 ms of emulated time. */
const SLICE = MACHINE.CPU_CLOCK_HZ / 200;

export function defaultMonitorKernelPath(): string {
  return join(repoRoot(), 'guest', 'images', 'kernel-disco.elf');
}

export interface VmSpec {
  /** Root disk image: used in place ('private': the VM's writes stay in the file) or as the base of a COW disk. */
  disk: string;
  /** 'private' (default), 'cow' (shared base, changes dropped at power-off), 'cow-persistent' (changes kept in `overlay`). */
  diskKind?: DiskKind;
  /** Overlay file of a 'cow-persistent' disk. */
  overlay?: string;
  name?: string;
  vcpus?: number;
  memoryMiB?: number;
  cmdline?: string;
  /** First-touch (default) or round-robin page placement (bench/numa's baseline). */
  placement?: VmConfig['placement'];
}

export interface MonitorSessionOptions {
  kernel?: string | Uint8Array;
  vms: VmSpec[];
  cpus?: number;
  nodes?: number;
  /** Machine RAM in MiB (default: enough for every VM, at least 64). */
  machineMiB?: number;
  timed?: boolean;
  clock?: () => number;
  costs?: Partial<CostTable>;
  /** Map the sseg direct map with 64 KiB pages where possible (default true; false: 4 KiB pages only). */
  largeSsegPages?: boolean;
  /** Share kernel text pages between VMs (default true). */
  shareKernelText?: boolean;
  /** Most pages the global disk cache holds (default: the monitor's). */
  diskCachePages?: number;
  l2tlb?: boolean;
  /** NUMA migration/replication policy (MonitorOptions.numa; timed mode). */
  numa?: MonitorOptions['numa'];
  /** Timed mode: cache size and miss latencies (MachineOptions.cache). */
  cache?: MachineOptions['cache'];
  /** Every console byte of VM `vm` (index). */
  onOutput?: (vm: number, byte: number) => void;
  onSlice?: () => void;
}

function stripAnsi(s: string): string {
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

/** One VM's console, with the GuestSession interface. */
export class VmConsole {
  output = '';
  private inputMark = 0;
  private disk: FileBlockBackend | null = null;

  constructor(
    readonly session: MonitorSession,
    readonly index: number,
    public vm: Vm,
  ) {}

  attachDisk(d: FileBlockBackend): void {
    this.disk = d;
  }

  get seconds(): number {
    return this.session.monitor.now / MACHINE.CPU_CLOCK_HZ;
  }

  type(text: string): void {
    this.inputMark = this.output.length;
    this.session.monitor.consoleInput(this.vm, Buffer.from(text, 'latin1'));
  }

  get recent(): string {
    return this.output.slice(this.inputMark);
  }

  /** How this VM ended, or null while it runs (a guest reboot is followed). */
  end(): GuestEnd | null {
    const vm = this.vm;
    if (vm.state !== 'stopped' || vm.exit === null) return null;
    const exit = vm.exit;
    if (exit.kind === 'poweroff') {
      const panic = /\npanic: ([^\n]*)/.exec(this.output);
      if (panic !== null && exit.code === KERNEL_PANIC_CODE) return { kind: 'panic', message: panic[1]!.trim() };
      return { kind: 'poweroff', code: exit.code };
    }
    return { kind: 'panic', message: `monitor stopped the VM: ${exit.reason}` };
  }

  runUntil(done: () => boolean, limits: { hostMs?: number; cycles?: number; stopOnReset?: boolean } = {}): GuestEnd | null {
    const boots = this.vm.boots;
    const reset = (): boolean => limits.stopOnReset === true && (this.vm.boots !== boots || this.vm.resetPending);
    const r = this.session.runUntil(() => done() || this.end() !== null || reset(), limits);
    if (r !== null && r.kind === 'timeout') return r;
    if (done()) return null;
    const e = this.end();
    if (e !== null) return e;
    if (reset()) return { kind: 'poweroff', code: this.vm.lastResetCode };
    return r;
  }

  waitForPrompt(prompt: RegExp = DEFAULT_PROMPT, limits: { hostMs?: number; cycles?: number } = { hostMs: 30_000 }): GuestEnd | null {
    return this.runUntil(() => prompt.test(stripAnsi(this.output.slice(this.inputMark))), limits);
  }

  waitFor(pattern: RegExp, limits: { hostMs?: number; cycles?: number } = { hostMs: 30_000 }): GuestEnd | null {
    return this.runUntil(() => pattern.test(stripAnsi(this.output.slice(this.inputMark))), limits);
  }

  runFor(ms: number): GuestEnd | null {
    const until = this.session.monitor.now + (ms * MACHINE.CPU_CLOCK_HZ) / 1000;
    return this.runUntil(() => this.session.monitor.now >= until);
  }

  close(): void {
    this.disk?.close();
    this.disk = null;
  }
}

export class MonitorSession {
  readonly machine: Machine;
  readonly monitor: Monitor;
  readonly consoles: VmConsole[] = [];

  constructor(private readonly opts: MonitorSessionOptions) {
    const kernel = typeof opts.kernel === 'string' || opts.kernel === undefined
      ? readFileSync(opts.kernel ?? defaultMonitorKernelPath())
      : opts.kernel;
    const need = opts.vms.reduce((a, v) => a + (v.memoryMiB ?? 64), 0) + 16;
    const cpus = opts.cpus ?? 2;
    const nodes = opts.nodes ?? 1;
    let mib = opts.machineMiB ?? Math.max(64, need);
    mib = Math.min(496 - (496 % nodes), Math.ceil(mib / nodes) * nodes);
    this.machine = new Machine({ cpus, nodes, memoryBytes: mib * 1024 * 1024, timed: opts.timed ?? false, consoleOutput: () => {}, cache: opts.cache });
    this.monitor = new Monitor(this.machine, {
      costs: opts.costs,
      numa: opts.numa,
      ...(opts.largeSsegPages !== undefined ? { largeSsegPages: opts.largeSsegPages } : {}),
      ...(opts.shareKernelText !== undefined ? { shareKernelText: opts.shareKernelText } : {}),
      ...(opts.diskCachePages !== undefined ? { diskCachePages: opts.diskCachePages } : {}),
      ...(opts.clock ? { clock: opts.clock } : {}),
    });
    opts.vms.forEach((spec, i) => {
      if (!existsSync(spec.disk)) throw new Error(`disk ${spec.disk}: no such file`);
      const kind = spec.diskKind ?? 'private';
      let disk: FileBlockBackend | DiskConfig;
      if (kind === 'private') disk = new FileBlockBackend(spec.disk);
      else if (kind === 'cow') disk = { kind, base: spec.disk };
      else {
        if (spec.overlay === undefined) throw new Error(`disk ${spec.disk}: a cow-persistent disk needs an overlay file`);
        disk = { kind, base: spec.disk, overlay: spec.overlay };
      }
      const con = new VmConsole(this, i, null as unknown as Vm);
      const vm = this.monitor.createVm({
        name: spec.name ?? `vm${i}`,
        kernel,
        memoryMiB: spec.memoryMiB ?? 64,
        vcpus: spec.vcpus ?? 1,
        cmdline: spec.cmdline ?? '',
        disks: [disk],
        l2tlb: opts.l2tlb ?? true,
        placement: spec.placement,
        console: (b) => {
          con.output += String.fromCharCode(b);
          opts.onOutput?.(i, b);
        },
      });
      con.vm = vm;
      if (disk instanceof FileBlockBackend) con.attachDisk(disk);
      this.consoles.push(con);
    });
  }

  boot(): void {
    for (const c of this.consoles) this.monitor.startVm(c.vm);
  }

  /** Run slices until done() (null), every VM stopped ({kind:'poweroff'} of the last), or a limit ({kind:'timeout'}). */
  runUntil(done: () => boolean, limits: { hostMs?: number; cycles?: number } = {}): GuestEnd | null {
    const t0 = Date.now();
    const c0 = this.monitor.now;
    for (;;) {
      if (done()) return null;
      const r = this.monitor.run(SLICE);
      this.opts.onSlice?.();
      if (r === 'halted') return done() ? null : { kind: 'poweroff', code: 0 };
      if (limits.hostMs !== undefined && Date.now() - t0 > limits.hostMs) return { kind: 'timeout' };
      if (limits.cycles !== undefined && this.monitor.now - c0 > limits.cycles) return { kind: 'timeout' };
    }
  }

  close(): void {
    for (const c of this.consoles) c.close();
    this.monitor.closeDisks();
  }
}
