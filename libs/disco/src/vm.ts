// One virtual machine: its configuration, guest physical memory (the pmap), vCPUs, virtual
// devices, counters, and life cycle (boot, poweroff, reboot, fault). The monitor (monitor.ts)
// runs its vCPUs; this file holds the per-VM state and the guest-physical memory helpers.

import type { BlockBackend } from '../../machine/src/devices/block/block.backend.js';
import { parseElf } from '../../machine/src/loader/elf.js';
import { GUEST_VSEG } from './abi/monitor-abi.js';
import { VirtualConsole } from './io/console.js';
import { type DiskLatency, VirtualDisk } from './io/disk.js';
import type { VmDisk } from './io/disk-config.js';
import { CHUNK_SHIFT, MachinePages, PAGE_BYTES, PAGE_SHIFT } from './memory/memmap.js';
import { PAGE_FLAG, Pmap } from './memory/pmap.js';
import { Counters } from './metrics.js';
import { VCpu } from './vcpu/vcpu.js';

export interface VmConfig {
  name?: string;
  /** Kernel ELF linked in sseg (GUEST_VSEG.KERNEL_LINK_BASE). */
  kernel: Uint8Array;
  /** Guest physical memory in MiB (default 32). */
  memoryMiB?: number;
  vcpus?: number;
  cmdline?: string;
  /**
   * Disks 0..3: a BlockBackend (private, persistent: the backend's own storage) or a DiskConfig
   * (io/disk-config.ts): { kind: 'private', path }, { kind: 'cow', base } (changes dropped at
   * power-off), { kind: 'cow-persistent', base, overlay } (changes kept in the overlay file).
   */
  disks?: (VmDisk | undefined)[];
  diskLatency?: DiskLatency;
  /** Console output, one byte at a time (default: discarded). */
  console?: (byte: number) => void;
  /** Virtual TLB entries (default 64). */
  tlbEntries?: number;
  /** Use the second-level software TLB (default true). */
  l2tlb?: boolean;
  /** Stop the VM when a vCPU runs this many cycles in a row with interrupts disabled (default 2 s). */
  watchdogCycles?: number;
  /** Preferred home node (default: the least loaded). */
  node?: number;
  /**
   * Where a guest page is allocated on first touch: 'first-touch' (default) on the touching
   * vCPU's node, 'round-robin' 64 KiB chunk by chunk across the nodes (the NUMA-oblivious
   * baseline of bench/numa, as IRIX's placement in the paper's Figure 8).
   */
  placement?: 'first-touch' | 'round-robin';
  /** Called when the VM starts (or reboots), stops, pauses or resumes. */
  onStateChange?: (vm: Vm) => void;
}

export type VmState = 'created' | 'running' | 'stopped';

export type VmExit =
  | { kind: 'poweroff'; code: number }
  | { kind: 'fault'; reason: string }
  | { kind: 'killed'; reason: string };

export class Vm {
  readonly name: string;
  readonly memoryBytes: number;
  readonly pmap: Pmap;
  readonly vcpus: VCpu[] = [];
  readonly disks: (VirtualDisk | undefined)[];
  readonly console: VirtualConsole;
  readonly counters = new Counters();
  readonly ram32: Int32Array;
  readonly ram8: Uint8Array;
  state: VmState = 'created';
  /** Paused by the host: not scheduled, virtual timers stopped. */
  paused = false;
  exit: VmExit | null = null;
  /** A RESET was requested: the monitor reboots the VM at the next round boundary. */
  resetPending = false;
  boots = 0;
  /** Reset code of the last guest reboot. */
  lastResetCode = 0;
  readonly watchdogCycles: number;
  readonly diskLatency: DiskLatency | undefined;
  /** config.placement === 'round-robin'. */
  readonly roundRobin: boolean;
  /** Home nodes of the vCPUs' physical CPUs (memory is allocated there). */
  homeNode = 0;
  /** Make a write-protected guest page writable (set by the monitor: memory/sharing.ts); its machine page or -1. */
  onProtectedWrite: (gp: number) => number = () => -1;
  /** What each guest page holds, as far as the monitor saw (PAGE_CLASS, memory/footprint.ts). */
  readonly pageClass: Uint8Array;

  constructor(
    readonly id: number,
    readonly config: VmConfig,
    readonly pages: MachinePages,
    ram: Uint8Array,
    ram32: Int32Array,
    spPages: number[],
    /** The disks' backends (DiskConfigs opened by the monitor); default config.disks as backends. */
    backends?: (BlockBackend | undefined)[],
  ) {
    this.name = config.name ?? `vm${id}`;
    const mib = config.memoryMiB ?? 32;
    this.memoryBytes = mib * 1024 * 1024;
    this.ram8 = ram;
    this.ram32 = ram32;
    this.pmap = new Pmap(id, this.memoryBytes, pages, ram);
    const n = config.vcpus ?? 1;
    for (let i = 0; i < n; i++) this.vcpus.push(new VCpu(i, this, spPages[i], config.tlbEntries ?? 64, config.l2tlb ?? true));
    const b = backends ?? (config.disks as (BlockBackend | undefined)[] | undefined);
    this.disks = [0, 1, 2, 3].map((u) => (b?.[u] ? new VirtualDisk(b[u]!) : undefined));
    this.pageClass = new Uint8Array(this.pmap.guestPages);
    this.console = new VirtualConsole(config.console ?? (() => {}));
    this.watchdogCycles = config.watchdogCycles ?? 400_000_000;
    this.diskLatency = config.diskLatency;
    this.roundRobin = config.placement === 'round-robin';
  }

  get running(): boolean {
    return this.state === 'running';
  }

  /** The node a first touch of guest page gp by a vCPU of node `toucher` allocates on. */
  allocNode(gp: number, toucher: number): number {
    return this.roundRobin ? (gp >>> CHUNK_SHIFT) % this.pages.nodes : toucher;
  }

  /** Machine page backing guest page gp, allocating it (zeroed) on the VM's node; <0 on failure. */
  machinePage(gp: number, node = this.homeNode): number {
    return this.pmap.lookupOrAlloc(gp, this.allocNode(gp, node));
  }

  /** Machine page of guest page gp made writable (copy-on-write, replica collapse); <0 on failure. */
  writablePage(gp: number): number {
    if ((this.pmap.flags[gp] & PAGE_FLAG.WRITE_PROTECT) !== 0) return this.onProtectedWrite(gp);
    return this.pmap.lookupOrAlloc(gp, this.allocNode(gp, this.homeNode));
  }

  /** True when [pa, pa + len) lies inside guest physical memory. */
  inRange(pa: number, len: number): boolean {
    return pa >= 0 && len >= 0 && pa + len <= this.memoryBytes;
  }

  /** Copy guest physical bytes out (the range must be checked). Returns false on out-of-memory. */
  readGuest(pa: number, into: Uint8Array): boolean {
    let done = 0;
    while (done < into.length) {
      const a = pa + done;
      const m = this.machinePage(a >>> PAGE_SHIFT);
      if (m < 0) return false;
      const off = a & (PAGE_BYTES - 1);
      const n = Math.min(PAGE_BYTES - off, into.length - done);
      into.set(this.ram8.subarray((m << PAGE_SHIFT) + off, (m << PAGE_SHIFT) + off + n), done);
      done += n;
    }
    return true;
  }

  /** Copy bytes into guest physical memory; `touched(machineAddr, len)` sees every machine range written. */
  writeGuest(pa: number, data: Uint8Array, touched?: (ma: number, len: number) => void): boolean {
    let done = 0;
    while (done < data.length) {
      const a = pa + done;
      const m = this.writablePage(a >>> PAGE_SHIFT);
      if (m < 0) return false;
      const off = a & (PAGE_BYTES - 1);
      const n = Math.min(PAGE_BYTES - off, data.length - done);
      const ma = (m << PAGE_SHIFT) + off;
      this.ram8.set(data.subarray(done, done + n), ma);
      touched?.(ma, n);
      done += n;
    }
    return true;
  }

  /** Load the kernel image and the command line into fresh guest memory; returns the entry or an error. */
  loadKernel(): { entry: number } | { error: string } {
    const image = parseElf(this.config.kernel);
    if ('error' in image) return { error: image.error };
    for (const seg of image.segments) {
      const va = seg.vaddr >>> 0;
      const pa = va - GUEST_VSEG.KSEG_BASE;
      if (va < GUEST_VSEG.KSEG_BASE || pa + seg.memsz > this.memoryBytes) {
        return { error: `segment at 0x${va.toString(16)} (+${seg.memsz} bytes) is not inside the VM's sseg direct map (${this.memoryBytes} bytes)` };
      }
      // Only the file bytes are written: fresh guest memory is zero, so bss-like parts
      // (memsz beyond filesz) get machine pages only when the kernel touches them.
      const bytes = this.config.kernel.subarray(seg.offset, seg.offset + seg.filesz);
      if (bytes.length > 0 && !this.writeGuest(pa, bytes)) return { error: 'out of machine memory loading the kernel' };
    }
    const cmd = this.config.cmdline ?? '';
    if (cmd !== '') {
      const b = Buffer.from(cmd + '\0', 'latin1');
      if (b.length > GUEST_VSEG.CMDLINE_BYTES) return { error: 'command line too long' };
      this.writeGuest(GUEST_VSEG.CMDLINE_PA, b);
    }
    return { entry: image.entry };
  }
}
