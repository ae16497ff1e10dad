// Memory accounting (paper §5.3, Figure 6): per VM and per machine, the virtual footprint (guest
// pages backed by machine memory: what the VMs would need without sharing) against the machine
// footprint (distinct machine pages), split by what the pages hold. The monitor classifies each
// guest page from what it saw happen to it (Vm.pageClass):
//   - kernel text: pages of the kernel ELF's non-writable segments (the loader knows them);
//   - buffer cache: pages a disk read DMA'd into (the guest's buffer cache and page cache;
//     file pages mapped into processes, such as program text, stay buffer cache);
//   - user: pages a kuseg translation mapped (anonymous memory, stacks, private file copies);
//   - kernel data: everything else the guest touched (the kernel's data, bss and stacks, page
//     tables, kmalloc, pipes ...).
// A page's class is reset when the guest hints that it is zeroed or free (PAGE_ZERO, PAGE_FREE),
// which is when the guest reuses a page for something else. Monitor pages are the special pages
// and L2TLB tables of each vCPU, plus disk-cache pages no guest maps any more. A shared machine
// page counts once in the machine footprint (with the class of the first guest page seen
// mapping it); per VM, "machine" charges each shared page 1/n to each of the n guest pages
// mapping it (a proportional share, so the VMs' machine footprints add up to the machine's,
// less the cache-only pages).

import { CHUNK_PAGES, PAGE_BYTES, SHARED_OWNER } from './memmap.js';
import type { MachinePages } from './memmap.js';
import { NOT_MAPPED, PAGE_FLAG } from './pmap.js';
import type { Vm } from '../vm.js';

/** Per guest page class (Vm.pageClass). Higher wins when a page is seen in two roles. */
export const PAGE_CLASS = { KERNEL_DATA: 0, USER: 1, BUFFER: 2, KERNEL_TEXT: 3 } as const;
export const CLASS_NAMES = ['kernelData', 'user', 'bufferCache', 'kernelText'] as const;

export interface FootprintSplit {
  kernelText: number;
  kernelData: number;
  bufferCache: number;
  user: number;
  monitor: number;
  total: number;
}

export interface VmFootprint {
  /** Bytes of guest memory backed by machine pages (private + shared), by class; monitor = its special pages and L2TLB tables. */
  virtual: FootprintSplit;
  /** Private pages plus each shared page's 1/n share, in bytes, by class. */
  machine: FootprintSplit;
  /** Guest pages mapping a shared machine page / private pages. */
  sharedPages: number;
  privatePages: number;
}

export interface MachineFootprint {
  /** Sum of the VMs' virtual footprints plus the monitor's pages. */
  virtual: FootprintSplit;
  /** Distinct machine pages in use, by class; monitor includes disk-cache pages no guest maps. */
  machine: FootprintSplit;
  /** Distinct shared machine pages, and the guest pages mapping them. */
  sharedMachinePages: number;
  sharedGuestPages: number;
  /** Disk-cache entries, and those no guest maps. */
  diskCachePages: number;
  diskCacheOnlyPages: number;
}

const empty = (): FootprintSplit => ({ kernelText: 0, kernelData: 0, bufferCache: 0, user: 0, monitor: 0, total: 0 });

function addClass(s: FootprintSplit, cls: number, bytes: number): void {
  s[CLASS_NAMES[cls] ?? 'kernelData'] += bytes;
  s.total += bytes;
}

function addMonitor(s: FootprintSplit, bytes: number): void {
  s.monitor += bytes;
  s.total += bytes;
}

/** Monitor-owned machine pages of a VM: one special page and (with the L2TLB) one 64 KiB table per vCPU. */
export function monitorPagesOf(vm: Vm): number {
  let n = 0;
  for (const v of vm.vcpus) n += 1 + (v.l2 !== null ? CHUNK_PAGES : 0);
  return n;
}

/** Guest pages mapping each shared machine page, over every VM. */
function sharedMappers(vms: readonly Vm[]): Map<number, number> {
  const n = new Map<number, number>();
  for (const vm of vms) {
    const { machinePage, flags, guestPages } = vm.pmap;
    if (vm.pmap.sharedMapped === 0) continue;
    for (let gp = 0; gp < guestPages; gp++) {
      if ((flags[gp] & PAGE_FLAG.SHARED) === 0) continue;
      const mp = machinePage[gp];
      n.set(mp, (n.get(mp) ?? 0) + 1);
    }
  }
  return n;
}

function vmFootprint(vm: Vm, mappers: Map<number, number>): VmFootprint {
  const { machinePage, flags, guestPages } = vm.pmap;
  const cls = vm.pageClass;
  const virt = empty();
  const mach = empty();
  let shared = 0;
  let priv = 0;
  for (let gp = 0; gp < guestPages; gp++) {
    const mp = machinePage[gp];
    if (mp === NOT_MAPPED) continue;
    const c = cls[gp];
    addClass(virt, c, PAGE_BYTES);
    if ((flags[gp] & PAGE_FLAG.SHARED) !== 0) {
      shared++;
      addClass(mach, c, PAGE_BYTES / (mappers.get(mp) ?? 1));
    } else {
      priv++;
      addClass(mach, c, PAGE_BYTES);
    }
  }
  const mon = monitorPagesOf(vm) * PAGE_BYTES;
  addMonitor(virt, mon);
  addMonitor(mach, mon);
  return { virtual: virt, machine: mach, sharedPages: shared, privatePages: priv };
}

/** Footprint of one VM (pass every VM of the monitor so shared pages are divided right). */
export function footprintOf(vm: Vm, all: readonly Vm[]): VmFootprint {
  return vmFootprint(vm, sharedMappers(all));
}

/** Footprints of every VM and of the machine. `cachePages`: the disk cache's machine pages. */
export function machineFootprint(
  vms: readonly Vm[],
  pages: MachinePages,
  cachePages: Iterable<number>,
): { vms: Map<Vm, VmFootprint>; machine: MachineFootprint } {
  const mappers = sharedMappers(vms);
  const per = new Map<Vm, VmFootprint>();
  const virt = empty();
  const mach = empty();
  const seen = new Set<number>();
  let sharedGuest = 0;
  for (const vm of vms) {
    const f = vmFootprint(vm, mappers);
    per.set(vm, f);
    for (const k of Object.keys(virt) as (keyof FootprintSplit)[]) virt[k] += f.virtual[k];
    sharedGuest += f.sharedPages;
    const { machinePage, flags, guestPages } = vm.pmap;
    for (let gp = 0; gp < guestPages; gp++) {
      const mp = machinePage[gp];
      if (mp === NOT_MAPPED) continue;
      if ((flags[gp] & PAGE_FLAG.SHARED) !== 0) {
        if (seen.has(mp)) continue;
        seen.add(mp);
      }
      addClass(mach, vm.pageClass[gp], PAGE_BYTES);
    }
    addMonitor(mach, monitorPagesOf(vm) * PAGE_BYTES);
  }
  let cacheAll = 0;
  let cacheOnly = 0;
  for (const mp of cachePages) {
    cacheAll++;
    if (pages.owner[mp] === SHARED_OWNER && !seen.has(mp)) {
      cacheOnly++;
      addMonitor(mach, PAGE_BYTES);
      addMonitor(virt, PAGE_BYTES);
    }
  }
  return {
    vms: per,
    machine: { virtual: virt, machine: mach, sharedMachinePages: seen.size, sharedGuestPages: sharedGuest, diskCachePages: cacheAll, diskCacheOnlyPages: cacheOnly },
  };
}
