// Machine pages shared read-only between guest pages (of one VM or several): the mechanism
// under the global disk cache, copy-on-write disks and the virtual subnet's page remapping
// (paper §2.5, §2.6). A shared page is refcounted in the memmap (SHARED_OWNER) and flagged
// SHARED | WRITE_PROTECT in every pmap that maps it; its translations never carry D. The first
// write — a guest store (Mod exception) or a DMA/monitor write into the page — comes here:
// the writer gets a private copy (or the page itself when it held the last reference).

import type { Cpu } from '../../../machine/src/cpu/cpu.js';
import { MERR } from '../abi/monitor-abi.js';
import { C, MON } from '../metrics.js';
import type { Monitor } from '../monitor.js';
import { charge } from '../vcpu/trap.js';
import type { VCpu } from '../vcpu/vcpu.js';
import type { Vm } from '../vm.js';
import { PAGE_BYTES } from './memmap.js';
import { NOT_MAPPED, PAGE_FLAG } from './pmap.js';

/**
 * Make guest page gp of `vm` writable (it is WRITE_PROTECT): copy-on-write for a shared page,
 * collapse for a replicated one. `cpu`/`by` are who pays (null for host-side writes). Returns
 * the page's machine page afterwards, or -1 when memory ran out (the VM is then faulted).
 */
export function writeFault(m: Monitor, cpu: Cpu | null, by: VCpu | null, vm: Vm, gp: number): number {
  const pmap = vm.pmap;
  const flags = pmap.flags[gp];
  const old = pmap.machinePage[gp];
  if ((flags & PAGE_FLAG.REPLICATED) !== 0 && m.replicaWriteFault !== null) {
    const r = m.replicaWriteFault(cpu, by, vm, gp);
    if (r < 0 || (pmap.flags[gp] & PAGE_FLAG.WRITE_PROTECT) === 0) return r;
  }
  if ((flags & PAGE_FLAG.SHARED) === 0) {
    pmap.flags[gp] &= ~PAGE_FLAG.WRITE_PROTECT;
    return old;
  }
  const c = vm.counters;
  m.shootdownPage(cpu, by, vm, gp, old);
  if (m.pages.refs[old] <= 1) {
    // The last reference: the page itself becomes private, no copy.
    pmap.unshare(gp, old);
    c.c[C.COW_REUSED]++;
    return old;
  }
  const node = by !== null ? by.homeNode : vm.homeNode;
  const fresh = m.pages.alloc(node, vm.id, gp);
  if (fresh < 0) {
    m.faultVm(vm, `out of machine memory (copy-on-write of guest page 0x${gp.toString(16)})`);
    cpu?.requestStop();
    return -1;
  }
  m.ram8.copyWithin(fresh * PAGE_BYTES, old * PAGE_BYTES, (old + 1) * PAGE_BYTES);
  pmap.unshare(gp, fresh);
  c.c[C.COW_COPIES]++;
  if (cpu !== null && by !== null) {
    const before = c.c[C.CY_MONITOR];
    m.chargePageWork(cpu, by, fresh * PAGE_BYTES, 1, m.costs.pageCopy);
    c.monitor[MON.sharing] += c.c[C.CY_MONITOR] - before;
  }
  return fresh;
}

/**
 * Map guest page `sgp` of `src` read-only into guest page `dgp` of `dst` (the same machine
 * page afterwards, copy-on-write on both sides): the paper's remap. The source page is
 * allocated if it was never touched. Returns 0 or a negative MERR.
 */
export function remapPage(m: Monitor, cpu: Cpu | null, by: VCpu | null, src: Vm, sgp: number, dst: Vm, dgp: number): number {
  if (sgp < 0 || sgp >= src.pmap.guestPages || dgp < 0 || dgp >= dst.pmap.guestPages) return MERR.BAD_ADDRESS;
  if (src === dst && sgp === dgp) return 0;
  let mp = src.pmap.machinePage[sgp];
  if (mp === NOT_MAPPED) {
    mp = src.machinePage(sgp);
    if (mp < 0) return MERR.NO_MEMORY;
  }
  if (src.pmap.machinePage[sgp] === dst.pmap.machinePage[dgp]) return 0;
  if ((src.pmap.flags[sgp] & PAGE_FLAG.REPLICATED) !== 0 && m.replicaWriteFault !== null) {
    // Replicas are per VM; collapse before the page is shared out.
    if (m.replicaWriteFault(cpu, by, src, sgp) < 0) return MERR.NO_MEMORY;
    mp = src.pmap.machinePage[sgp];
  }
  if ((src.pmap.flags[sgp] & PAGE_FLAG.SHARED) === 0) m.shootdownPage(cpu, by, src, sgp, mp);
  src.pmap.share(sgp, 1);
  const oldDst = dst.pmap.machinePage[dgp];
  if (oldDst !== NOT_MAPPED) m.shootdownPage(cpu, by, dst, dgp, oldDst);
  dst.pmap.mapShared(dgp, mp);
  dst.counters.c[C.PAGES_REMAPPED]++;
  if (cpu !== null && by !== null) charge(cpu, by, m.costs.pageRemap);
  return 0;
}
