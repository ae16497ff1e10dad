// Memory syscalls: brk, mmap/mmap2 (anonymous, and private file mappings by copying),
// munmap, mprotect, madvise, mremap, and the no-op msync/mlock family.

import { E, MAP } from '../abi.js';
import { HostFile } from '../files.js';
import type { Kernel } from '../kernel.js';
import { STACK_SIZE, STACK_TOP } from '../loader.js';
import { PAGE } from '../memory.js';
import type { Process } from '../process.js';
import { type HandlerTable } from './common.js';

const USER_TOP_VPN = (STACK_TOP - STACK_SIZE) / PAGE - 16;

function brk(_k: Kernel, p: Process): number {
  const want = p.arg(0);
  if (want === 0 || want < p.brkStart) return p.brk;
  const oldEnd = Math.ceil(p.brk / PAGE);
  const newEnd = Math.ceil(want / PAGE);
  if (newEnd > oldEnd) {
    if (newEnd >= USER_TOP_VPN) return p.brk;
    for (let v = oldEnd; v < newEnd; v++) if (p.mm.isMapped(v)) return p.brk;
    p.mm.map(oldEnd, newEnd - oldEnd, 7);
  } else if (newEnd < oldEnd) p.mm.unmap(newEnd, oldEnd - newEnd);
  p.brk = want;
  return want;
}

function rangeFree(p: Process, vpn: number, n: number): boolean {
  if (vpn < 16 || vpn + n > USER_TOP_VPN) return false;
  for (let i = 0; i < n; i++) if (p.mm.isMapped(vpn + i)) return false;
  return true;
}

/** A free range of n pages for a non-fixed mapping (top-down below the stack), or -1. */
function placeMapping(p: Process, hint: number, n: number): number {
  const hv = Math.floor(hint / PAGE);
  if (hint !== 0 && rangeFree(p, hv, n)) return hv;
  const floor = Math.max(16, Math.ceil(p.brk / PAGE) + 256);
  let v = p.mm.findFree(n, Math.min(p.mmapTopVpn, USER_TOP_VPN), floor);
  if (v < 0) v = p.mm.findFree(n, USER_TOP_VPN, floor);
  if (v < 0) v = p.mm.findFree(n, USER_TOP_VPN, 16);
  return v;
}

function mmap(p: Process, addr: number, len: number, prot: number, flags: number, fd: number, pgoff: number): number {
  if (len === 0 || len > 0x7fffffff) return -E.INVAL;
  const type = flags & MAP.TYPE;
  if (type < 1 || type > 3) return -E.INVAL;
  const n = Math.ceil(len / PAGE);
  const fixed = (flags & MAP.FIXED) !== 0;
  const noreplace = (flags & MAP.FIXED_NOREPLACE) !== 0;
  let vpn: number;
  if (fixed || noreplace) {
    if ((addr & (PAGE - 1)) !== 0) return -E.INVAL;
    vpn = addr / PAGE;
    if (vpn + n > 0x80000) return -E.NOMEM;
    if (noreplace && !rangeFree(p, vpn, n)) return -E.EXIST;
  } else {
    vpn = placeMapping(p, addr, n);
    if (vpn < 0) return -E.NOMEM;
  }
  const anon = (flags & MAP.ANONYMOUS) !== 0;
  let data: Uint8Array | null = null;
  if (!anon) {
    const d = p.fds.get(fd);
    if (d === undefined) return -E.BADF;
    if (!(d instanceof HostFile) || !d.seekable || d.isDir) return -E.NODEV;
    if (!d.readable) return -E.ACCES;
    const parts: Uint8Array[] = [];
    let got = 0;
    while (got < n * PAGE) {
      const r = d.readAt(n * PAGE - got, pgoff * PAGE + got);
      if (typeof r === 'number') return r;
      if (r.length === 0) break;
      parts.push(r);
      got += r.length;
    }
    data = Buffer.concat(parts);
  }
  const shared = type !== 2 && anon;
  p.mm.map(vpn, n, prot & 7, shared);
  if (data !== null && data.length > 0 && !p.mm.write(vpn * PAGE, data, true)) return -E.NOMEM;
  if (!fixed && !noreplace && vpn < p.mmapTopVpn) p.mmapTopVpn = vpn;
  return vpn * PAGE;
}

function munmap(_k: Kernel, p: Process): number {
  const addr = p.arg(0);
  const len = p.arg(1);
  if ((addr & (PAGE - 1)) !== 0 || len === 0) return -E.INVAL;
  const vpn = addr / PAGE;
  const n = Math.min(Math.ceil(len / PAGE), 0x80000 - vpn);
  if (n <= 0) return -E.INVAL;
  p.mm.unmap(vpn, n);
  return 0;
}

function mprotect(_k: Kernel, p: Process): number {
  const addr = p.arg(0);
  if ((addr & (PAGE - 1)) !== 0) return -E.INVAL;
  const n = Math.ceil(p.arg(1) / PAGE);
  if (n === 0) return 0;
  return p.mm.protect(addr / PAGE, n, p.arg(2) & 7) ? 0 : -E.NOMEM;
}

function madvise(_k: Kernel, p: Process): number {
  const addr = p.arg(0);
  if ((addr & (PAGE - 1)) !== 0) return -E.INVAL;
  const advice = p.arg(2);
  if (advice === 4) p.mm.discard(addr / PAGE, Math.ceil(p.arg(1) / PAGE)); // MADV_DONTNEED
  return 0;
}

function mremap(_k: Kernel, p: Process): number {
  const old = p.arg(0);
  const oldN = Math.ceil(p.arg(1) / PAGE);
  const newN = Math.ceil(p.arg(2) / PAGE);
  const flags = p.arg(3);
  if ((old & (PAGE - 1)) !== 0 || newN === 0 || (flags & ~3) !== 0) return -E.INVAL;
  const vpn = old / PAGE;
  for (let i = 0; i < oldN; i++) if (!p.mm.isMapped(vpn + i)) return -E.FAULT;
  if ((flags & 2) !== 0) return -E.INVAL; // MREMAP_FIXED is not supported
  if (newN <= oldN) {
    p.mm.unmap(vpn + newN, oldN - newN);
    return old;
  }
  const prot = p.mm.protOf(vpn + oldN - 1);
  if (rangeFree(p, vpn + oldN, newN - oldN)) {
    p.mm.map(vpn + oldN, newN - oldN, prot);
    return old;
  }
  if ((flags & 1) === 0) return -E.NOMEM;
  const to = placeMapping(p, 0, newN);
  if (to < 0) return -E.NOMEM;
  p.mm.move(vpn, to, oldN);
  p.mm.map(to + oldN, newN - oldN, prot);
  return to * PAGE;
}

const ok = (): number => 0;

export const MEM_SYSCALLS: HandlerTable = {
  4045: brk,
  4090: (_k, p) => {
    const off = p.arg(5);
    if ((off & (PAGE - 1)) !== 0) return -E.INVAL;
    return mmap(p, p.arg(0), p.arg(1), p.arg(2), p.arg(3), p.sarg(4), off / PAGE);
  },
  4210: (_k, p) => mmap(p, p.arg(0), p.arg(1), p.arg(2), p.arg(3), p.sarg(4), p.arg(5)),
  4091: munmap,
  4125: mprotect,
  4218: madvise,
  4167: mremap,
  4144: ok, // msync
  4147: ok, // cacheflush
  4154: ok, // mlock
  4155: ok, // munlock
  4156: ok, // mlockall
  4157: ok, // munlockall
};
