// The virtual subnet (paper §4.2.6): every VM is a station with an Ethernet-like link address
// (NET in abi/monitor-abi.ts); the monitor switches frames between the VMs it runs. A frame is a
// scatter list of guest-physical fragments (a NET_DESC descriptor); it is delivered at send
// time into a receive descriptor the destination posted earlier, fragment i into fragment i, so
// the guest's alignment is preserved: a fragment that is a whole page-aligned page on both
// sides is remapped (the sender's machine page shared read-only into the receiver) when the
// memory layer can share pages (memory/sharing.ts: copy-on-write), otherwise copied. REMAP is the guest HAL's bcopy-that-remaps.
// Every check failure is a MERR value or a counted drop; nothing here throws on guest input,
// and a VM only ever names its own guest-physical addresses (translated through its own pmap).

import type { Cpu } from '../../../machine/src/cpu/cpu.js';
import { MERR, NET, NET_DESC, VIRQ } from '../abi/monitor-abi.js';
import { PAGE_CLASS } from '../memory/footprint.js';
import { PAGE_BYTES, PAGE_SHIFT } from '../memory/memmap.js';
import { PAGE_FLAG } from '../memory/pmap.js';
import { writeFault } from '../memory/sharing.js';
import { C, NETC } from '../metrics.js';
import type { Monitor } from '../monitor.js';
import { charge } from '../vcpu/trap.js';
import type { VCpu } from '../vcpu/vcpu.js';
import type { Vm } from '../vm.js';

/** Largest REMAP call (bytes). */
export const REMAP_MAX = 64 * 1024;

interface RxDesc {
  desc: number;
  n: number;
  pa: Int32Array;
  cap: Int32Array;
}

/** One VM's side of the subnet: posted receive descriptors and filled ones awaiting NET_RECV. */
class NetPort {
  readonly posted: RxDesc[] = [];
  readonly filled: { desc: number; len: number }[] = [];
  constructor(readonly boots: number) {}
}

/**
 * Optional page sharing supplied by the memory layer: map guest page `srcGp` of `src` read-only
 * (copy-on-write) at guest page `dstGp` of `dst` (or of the same VM) and return true, or return
 * false when it cannot (then the caller copies).
 */
export type SharePage = (cpu: Cpu, v: VCpu, src: Vm, srcGp: number, dst: Vm, dstGp: number) => boolean;

export class VirtualSubnet {
  private readonly ports = new Map<Vm, NetPort>();
  /** Second result (v1) of the last call. */
  r1 = 0;
  /** Page sharing (the memory layer's remap, memory/sharing.ts); null: every fragment is copied. */
  sharePage: SharePage | null;
  /** Turn remapping off (experiments: copied vs remapped). */
  remapEnabled = true;
  private readonly scratch = new Uint8Array(NET_DESC.BYTES);
  private readonly dv = new DataView(this.scratch.buffer);
  private readonly txPa = new Int32Array(NET.MAX_FRAGS);
  private readonly txLen = new Int32Array(NET.MAX_FRAGS);
  private readonly hdr = new Uint8Array(NET.HDR_BYTES);

  constructor(private readonly m: Monitor) {
    this.sharePage = (cpu, v, src, sgp, dst, dgp) => m.remapPage(cpu, v, src, sgp, dst, dgp) === 0;
  }

  /** The VM's port (a fresh one after each boot: posted buffers do not survive a reboot). */
  port(vm: Vm): NetPort {
    let p = this.ports.get(vm);
    if (p === undefined || p.boots !== vm.boots) {
      p = new NetPort(vm.boots);
      this.ports.set(vm, p);
    }
    return p;
  }

  /** Station number of a VM (the last two bytes of its link address). */
  static station(vm: Vm): number {
    return vm.id + 1;
  }

  /** The 6-byte link address of a station, as text (aa:bb:..). */
  static mac(station: number): string {
    return [NET.MAC0, NET.MAC1, NET.MAC2, NET.MAC3, (station >>> 8) & 0xff, station & 0xff].map((b) => b.toString(16).padStart(2, '0')).join(':');
  }

  // ---- monitor calls -------------------------------------------------------------------------

  info(v: VCpu): number {
    this.r1 = NET.MTU;
    return VirtualSubnet.station(v.vm);
  }

  /** Read and check a descriptor into txPa/txLen; the fragment count or a MERR. */
  private readDesc(vm: Vm, desc: number, receive: boolean): number {
    if (desc === 0 || (desc & 3) !== 0) return MERR.INVALID;
    if (!vm.inRange(desc, NET_DESC.BYTES)) return MERR.BAD_ADDRESS;
    if (!vm.readGuest(desc, this.scratch)) return MERR.IO_ERROR;
    const dv = this.dv;
    const n = dv.getUint32(NET_DESC.NFRAG, true);
    if (n < 1 || n > NET.MAX_FRAGS) return MERR.INVALID;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const off = NET_DESC.FRAG + i * NET_DESC.FRAG_BYTES;
      const pa = dv.getUint32(off + NET_DESC.FRAG_PA, true);
      const len = dv.getUint32(off + NET_DESC.FRAG_LEN, true);
      if (len > NET.MTU) return MERR.INVALID;
      if (!vm.inRange(pa, len)) return MERR.BAD_ADDRESS;
      this.txPa[i] = pa;
      this.txLen[i] = len;
      total += len;
    }
    if (!receive && (this.txLen[0] < NET.HDR_BYTES || total > NET.MTU)) return MERR.INVALID;
    if (receive && this.txLen[0] < NET.HDR_BYTES) return MERR.INVALID;
    return n;
  }

  rxPost(cpu: Cpu, v: VCpu, desc: number): number {
    const vm = v.vm;
    const port = this.port(vm);
    const n = this.readDesc(vm, desc >>> 0, true);
    if (n < 0) return n;
    if (port.posted.length >= NET.RX_MAX) return MERR.BUSY;
    port.posted.push({ desc: desc >>> 0, n, pa: this.txPa.slice(0, n), cap: this.txLen.slice(0, n) });
    return 0;
  }

  recv(v: VCpu): number {
    const vm = v.vm;
    const port = this.port(vm);
    const f = port.filled.shift();
    if (port.filled.length === 0) vm.vcpus[0].virq &= ~VIRQ.NET;
    if (f === undefined) {
      this.r1 = 0;
      return 0;
    }
    this.r1 = f.len;
    return f.desc | 0;
  }

  send(cpu: Cpu, v: VCpu, desc: number): number {
    const src = v.vm;
    const costs = this.m.costs;
    const n = this.readDesc(src, desc >>> 0, false);
    if (n < 0) return n;
    let total = 0;
    for (let i = 0; i < n; i++) total += this.txLen[i];
    if (!src.readGuest(this.txPa[0], this.hdr)) return MERR.IO_ERROR;
    const k = src.counters.net;
    k[NETC.FRAMES_SENT]++;
    k[NETC.BYTES_SENT] += total;
    charge(cpu, v, costs.netFrame);
    const h = this.hdr;
    let broadcast = true;
    for (let i = 0; i < 6; i++) if (h[i] !== 0xff) broadcast = false;
    let delivered = 0;
    if (broadcast) {
      k[NETC.BROADCASTS]++;
      for (const dst of this.m.vms) if (dst !== src && dst.running && this.deliver(cpu, v, dst, n, total)) delivered++;
      return delivered;
    }
    const station = (h[4] << 8) | h[5];
    // Station = VM id + 1; ids are never reused, but destroyVm removes VMs from the list, so
    // the list index is not the id once a VM has been destroyed (the server destroys every VM it stops).
    const dst = h[0] === NET.MAC0 && h[1] === NET.MAC1 && h[2] === NET.MAC2 && h[3] === NET.MAC3 ? this.byStation(station) : undefined;
    if (dst === undefined || !dst.running) {
      k[NETC.DROP_NO_STATION]++;
      return 0;
    }
    return this.deliver(cpu, v, dst, n, total) ? 1 : 0;
  }

  private byStation(station: number): Vm | undefined {
    const vms = this.m.vms;
    const i = station - 1;
    if (i < vms.length && vms[i]?.id === i) return vms[i];
    for (const vm of vms) if (vm.id === i) return vm;
    return undefined;
  }

  /** Place the frame in txPa/txLen (n fragments) into dst's next posted descriptor. */
  private deliver(cpu: Cpu, v: VCpu, dst: Vm, n: number, total: number): boolean {
    const src = v.vm;
    const port = this.port(dst);
    const k = dst.counters.net;
    if (port.posted.length === 0 || port.filled.length >= NET.RXQ_MAX) {
      k[NETC.DROP_NO_BUFFER]++;
      return false;
    }
    const rx = port.posted[0];
    if (n > rx.n) {
      k[NETC.DROP_TOO_BIG]++;
      return false;
    }
    for (let i = 0; i < n; i++) {
      if (this.txLen[i] > rx.cap[i]) {
        k[NETC.DROP_TOO_BIG]++;
        return false;
      }
    }
    port.posted.shift();
    const costs = this.m.costs;
    if (dst !== src) charge(cpu, v, costs.netFrame);
    let remapped = 0;
    let copied = 0;
    for (let i = 0; i < n; i++) {
      const len = this.txLen[i];
      const spa = this.txPa[i];
      const dpa = rx.pa[i];
      if (i > 0 && len === PAGE_BYTES && (spa & (PAGE_BYTES - 1)) === 0 && (dpa & (PAGE_BYTES - 1)) === 0 && this.share(cpu, v, src, spa >>> PAGE_SHIFT, dst, dpa >>> PAGE_SHIFT)) {
        remapped |= 1 << i;
        k[NETC.PAGES_REMAPPED]++;   // remapPage charged pageRemap
        continue;
      }
      if (!this.copy(cpu, v, src, spa, dst, dpa, len)) {
        // Out of machine memory for the receiver's page: the frame is lost (its buffer is reused).
        port.posted.unshift(rx);
        k[NETC.DROP_NO_BUFFER]++;
        return false;
      }
      copied += len;
    }
    k[NETC.BYTES_COPIED] += copied;
    charge(cpu, v, Math.ceil((copied * costs.pageCopy) / PAGE_BYTES));
    // The source address is the sender's, whatever the sender wrote.
    const st = VirtualSubnet.station(src);
    const mac = new Uint8Array([NET.MAC0, NET.MAC1, NET.MAC2, NET.MAC3, st >>> 8, st & 0xff]);
    dst.writeGuest(rx.pa[0] + 6, mac, this.m.dmaWritten);
    // Results in the receiver's descriptor.
    const out = this.scratch;
    const dv = this.dv;
    out.fill(0);
    dv.setUint32(NET_DESC.NFRAG, rx.n, true);
    dv.setUint32(NET_DESC.LEN, total, true);
    dv.setUint32(NET_DESC.REMAPPED, remapped >>> 0, true);
    dv.setUint32(NET_DESC.FROM, st, true);
    for (let i = 0; i < rx.n; i++) {
      const off = NET_DESC.FRAG + i * NET_DESC.FRAG_BYTES;
      dv.setUint32(off + NET_DESC.FRAG_PA, rx.pa[i], true);
      dv.setUint32(off + NET_DESC.FRAG_LEN, i < n ? this.txLen[i] : 0, true);
    }
    dst.writeGuest(rx.desc, out, this.m.dmaWritten);
    charge(cpu, v, costs.dmaPage * 2);
    port.filled.push({ desc: rx.desc, len: total });
    k[NETC.FRAMES_RECEIVED]++;
    k[NETC.BYTES_RECEIVED] += total;
    this.m.post(dst.vcpus[0], VIRQ.NET, cpu, v);
    return true;
  }

  /** REMAP (dst_pa, src_pa, len) inside the calling VM: whole aligned pages shared, the rest copied. */
  remap(cpu: Cpu, v: VCpu, dstPa: number, srcPa: number, len: number): number {
    const vm = v.vm;
    dstPa >>>= 0;
    srcPa >>>= 0;
    len >>>= 0;
    if (len > REMAP_MAX) return MERR.INVALID;
    if (!vm.inRange(dstPa, len) || !vm.inRange(srcPa, len)) return MERR.BAD_ADDRESS;
    if (len === 0) return 0;
    if (dstPa < srcPa + len && srcPa < dstPa + len) return MERR.INVALID;
    const k = vm.counters.net;
    const costs = this.m.costs;
    let pages = 0;
    let done = 0;
    let copied = 0;
    while (done < len) {
      const s = srcPa + done;
      const d = dstPa + done;
      if ((s & (PAGE_BYTES - 1)) === 0 && (d & (PAGE_BYTES - 1)) === 0 && len - done >= PAGE_BYTES &&
          this.share(cpu, v, vm, s >>> PAGE_SHIFT, vm, d >>> PAGE_SHIFT)) {
        pages++;
        done += PAGE_BYTES;
        continue;
      }
      const n = Math.min(len - done, PAGE_BYTES - (s & (PAGE_BYTES - 1)), PAGE_BYTES - (d & (PAGE_BYTES - 1)));
      if (!this.copy(cpu, v, vm, s, vm, d, n)) return MERR.IO_ERROR;
      copied += n;
      done += n;
    }
    k[NETC.REMAP_PAGES] += pages;
    k[NETC.REMAP_BYTES_COPIED] += copied;
    // Accounting (memory/footprint.ts): REMAP is the guest's bcopy of received file data into
    // its buffer cache (the DNFS client's cache pages), so the destination pages are buffer cache.
    for (let gp = dstPa >>> PAGE_SHIFT; gp <= (dstPa + len - 1) >>> PAGE_SHIFT; gp++) vm.pageClass[gp] = PAGE_CLASS.BUFFER;
    charge(cpu, v, Math.ceil((copied * costs.pageCopy) / PAGE_BYTES) + costs.dmaPage * 2 * Math.ceil(len / PAGE_BYTES));
    return pages;
  }

  private share(cpu: Cpu, v: VCpu, src: Vm, sgp: number, dst: Vm, dgp: number): boolean {
    if (!this.remapEnabled || this.sharePage === null) return false;
    return this.sharePage(cpu, v, src, sgp, dst, dgp);
  }

  /** Copy len bytes from src's guest-physical spa to dst's dpa, page piece by page piece. */
  private copy(cpu: Cpu, v: VCpu, src: Vm, spa: number, dst: Vm, dpa: number, len: number): boolean {
    const ram = this.m.ram8;
    let done = 0;
    while (done < len) {
      const s = spa + done;
      const d = dpa + done;
      const n = Math.min(len - done, PAGE_BYTES - (s & (PAGE_BYTES - 1)), PAGE_BYTES - (d & (PAGE_BYTES - 1)));
      const sm = this.page(cpu, v, src, s >>> PAGE_SHIFT, false);
      if (sm < 0) return false;
      const dm = this.page(cpu, v, dst, d >>> PAGE_SHIFT, true);
      if (dm < 0) return false;
      const sa = sm * PAGE_BYTES + (s & (PAGE_BYTES - 1));
      const da = dm * PAGE_BYTES + (d & (PAGE_BYTES - 1));
      ram.copyWithin(da, sa, sa + n);
      this.m.dmaWritten(da, n);
      done += n;
    }
    return true;
  }

  /** Machine page of vm's guest page gp (allocated zeroed on vm's node on first touch); <0 when memory is out. */
  private page(cpu: Cpu, v: VCpu, vm: Vm, gp: number, write: boolean): number {
    // A write into a write-protected (shared) page gets the writer a private copy first.
    const m = write && (vm.pmap.flags[gp] & PAGE_FLAG.WRITE_PROTECT) !== 0 ? writeFault(this.m, cpu, v, vm, gp) : vm.machinePage(gp);
    if (m < 0) return m;
    const z = vm.pmap.lastZeroed;
    if (z > 0) {
      vm.counters.c[C.PAGES_ZEROED] += z;
      charge(cpu, v, this.m.costs.pageAlloc + this.m.costs.pageZero * z);
      vm.pmap.lastZeroed = 0;
    }
    return m;
  }
}
