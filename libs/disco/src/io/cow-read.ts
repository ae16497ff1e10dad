// DISK_START READ on a copy-on-write disk, through the global disk cache (paper §2.5): each
// whole page of the request (8 sectors into a page-aligned guest page) that this VM never wrote
// is served from the cache when present — the cached machine page is mapped read-only into the
// guest page, no data moves — and otherwise read from the base image into the VM's own page,
// which is then shared into the cache for the next reader. Sectors the VM wrote come from its
// overlay (never from the cache), and partial pages are copied. Also here: the kernel loader's
// sharing of kernel text between VMs booted from the same kernel image, through the same cache.

import { createHash } from 'node:crypto';
import type { Cpu } from '../../../machine/src/cpu/cpu.js';
import { parseElf } from '../../../machine/src/loader/elf.js';
import { GUEST_VSEG } from '../abi/monitor-abi.js';
import { PAGE_CLASS } from '../memory/footprint.js';
import { PAGE_BYTES } from '../memory/memmap.js';
import { NOT_MAPPED, PAGE_FLAG } from '../memory/pmap.js';
import { writeFault } from '../memory/sharing.js';
import { C, MON } from '../metrics.js';
import type { Monitor } from '../monitor.js';
import { charge } from '../vcpu/trap.js';
import type { VCpu } from '../vcpu/vcpu.js';
import type { Vm } from '../vm.js';
import type { CowDisk } from './cow-disk.js';
import type { CacheImage } from './disk-cache.js';

const SECTOR = 512;
const PAGE_SECTORS = PAGE_BYTES / SECTOR;
const scratch = new Uint8Array(PAGE_BYTES);

/**
 * Map cached machine page `mp` (a disk-cache entry) read-only into guest page gp of v's VM: one
 * more reference for the guest page, the old page given back. False when memory ran out
 * collapsing a replicated page.
 */
function mapCached(m: Monitor, cpu: Cpu | null, v: VCpu | null, vm: Vm, gp: number, mp: number, loaded = true): boolean {
  const pmap = vm.pmap;
  if (pmap.machinePage[gp] === mp) return true;
  if ((pmap.flags[gp] & PAGE_FLAG.REPLICATED) !== 0 && writeFault(m, cpu, v, vm, gp) < 0) return false;
  const old = pmap.machinePage[gp];
  if (old !== NOT_MAPPED && loaded) m.shootdownPage(cpu, v, vm, gp, old);
  m.pages.addRef(mp);
  pmap.mapShared(gp, mp);
  vm.counters.c[C.PAGES_REMAPPED]++;
  return true;
}

/** Share guest page gp of vm (just filled with (img, sector)) into the disk cache, if it admits it. */
function insertPage(m: Monitor, cpu: Cpu | null, v: VCpu | null, vm: Vm, gp: number, img: CacheImage, sector: number, loaded = true): void {
  const cache = m.diskCache;
  if (!cache.admit()) return;
  const pmap = vm.pmap;
  const mp = pmap.machinePage[gp];
  if (mp === NOT_MAPPED || (pmap.flags[gp] & PAGE_FLAG.WRITE_PROTECT) !== 0) return;
  if (loaded) m.shootdownPage(cpu, v, vm, gp, mp);
  pmap.share(gp, 1);
  cache.insert(img, sector, mp);
}

/**
 * Read `count` sectors from `sector` of COW disk `disk` into guest physical `pa` of v's VM (the
 * range is checked by the caller). Returns the sectors that needed the host (the base image or
 * the overlay: they pay the modelled latency), or -1 when machine memory ran out (the VM was
 * stopped). Host I/O errors throw (the caller turns them into DISK_STATE.FAILED).
 */
export function cowDiskRead(m: Monitor, cpu: Cpu, v: VCpu, disk: CowDisk, sector: number, count: number, pa: number): number {
  const vm = v.vm;
  const c = vm.counters.c;
  const cls = vm.pageClass;
  const base = disk.base;
  let s = sector;
  let p = pa;
  let left = count;
  let fromHost = 0;
  if ((pa & (SECTOR - 1)) !== 0) {
    // Not even sector-aligned: copy the whole request.
    const buf = new Uint8Array(count * SECTOR);
    disk.read(sector, count, buf);
    if (!m.prepareWrite(cpu, v, pa, buf.length) || !vm.writeGuest(pa, buf, m.dmaWritten)) return -1;
    for (let gp = pa >>> 12; gp <= (pa + buf.length - 1) >>> 12; gp++) cls[gp] = PAGE_CLASS.BUFFER;
    return count;
  }
  while (left > 0) {
    const gp = p >>> 12;
    const off = p & (PAGE_BYTES - 1);
    const n = Math.min(left, (PAGE_BYTES - off) / SECTOR);
    cls[gp] = PAGE_CLASS.BUFFER;
    if (n === PAGE_SECTORS && !disk.written(s, PAGE_SECTORS)) {
      const hit = m.diskCache.lookup(base, s);
      if (hit >= 0) {
        if (!mapCached(m, cpu, v, vm, gp, hit)) return -1;
        c[C.DCACHE_HITS]++;
        charge(cpu, v, m.costs.pageRemap);
        vm.counters.monitor[MON.sharing] += m.costs.pageRemap;
      } else {
        base.backend.read(s, PAGE_SECTORS, scratch);
        // The page is overwritten whole: a shared page is let go rather than copied first.
        if ((vm.pmap.flags[gp] & PAGE_FLAG.SHARED) !== 0) {
          m.shootdownPage(cpu, v, vm, gp, vm.pmap.machinePage[gp]);
          vm.pmap.drop(gp);
        }
        if (!m.prepareWrite(cpu, v, p, PAGE_BYTES) || !vm.writeGuest(p, scratch, m.dmaWritten)) return -1;
        c[C.DCACHE_MISSES]++;
        fromHost += PAGE_SECTORS;
        insertPage(m, cpu, v, vm, gp, base, s);
      }
    } else {
      const part = scratch.subarray(0, n * SECTOR);
      disk.read(s, n, part);
      if (n === PAGE_SECTORS) c[C.DCACHE_OVERLAY]++;
      if (!m.prepareWrite(cpu, v, p, part.length) || !vm.writeGuest(p, part, m.dmaWritten)) return -1;
      fromHost += n;
    }
    s += n;
    p += n * SECTOR;
    left -= n;
  }
  return fromHost;
}

const kernelImages = new WeakMap<Uint8Array, { identity: string }>();

/** Identity of a kernel ELF (SHA-256 of its bytes, computed once per buffer). */
function kernelIdentity(elf: Uint8Array): string {
  let k = kernelImages.get(elf);
  if (k === undefined) {
    k = { identity: `kernel:${createHash('sha256').update(elf).digest('hex')}` };
    kernelImages.set(elf, k);
  }
  return k.identity;
}

/**
 * After the kernel was loaded into vm: mark its text pages (non-writable segments) as kernel
 * text and, when `share`, make every whole text page the same machine page as in the other VMs
 * booted from the same kernel (the disk cache holds one reference per page; a guest write to its
 * text would take a copy-on-write fault like any shared page). Called while no vCPU of the VM
 * is loaded and its TLBs are empty (startVm), so no shootdown is needed.
 */
export function shareKernelText(m: Monitor, vm: Vm, share: boolean): void {
  const image = parseElf(vm.config.kernel);
  if ('error' in image) return;
  const img = share ? m.disks.pseudoImage(kernelIdentity(vm.config.kernel)) : null;
  if (img !== null) m.disks.use(vm, img.index);
  for (const seg of image.segments) {
    if (seg.flags.w) continue;
    const pa = (seg.vaddr >>> 0) - GUEST_VSEG.KSEG_BASE;
    const first = Math.ceil(pa / PAGE_BYTES);
    const end = Math.floor((pa + seg.filesz) / PAGE_BYTES);
    for (let gp = pa >>> 12; gp <= (pa + seg.memsz - 1) >>> 12; gp++) vm.pageClass[gp] = PAGE_CLASS.KERNEL_TEXT;
    if (img === null) continue;
    for (let gp = first; gp < end; gp++) {
      const key = gp * PAGE_SECTORS;
      const hit = m.diskCache.lookup(img, key);
      if (hit >= 0) {
        if (!mapCached(m, null, null, vm, gp, hit, false)) return;
      } else {
        insertPage(m, null, null, vm, gp, img, key, false);
      }
    }
  }
}
