// Monitor calls (`syscall` from the guest kernel, physical supervisor mode): one call per device
// command, arguments in registers, DMA buffers as guest physical addresses translated through
// the pmap. v0 = call number, a0..a3 and t0 = arguments; v0 (and v1) = results.

import type { Cpu } from '../../../machine/src/cpu/cpu.js';
import { BLOCK } from '../../../machine/src/devices/block/block.regs.js';
import { ABI, DISK_OP, DISK_STATE, MCALL, MERR, POWER_OP, SPECIAL, VIRQ } from '../abi/monitor-abi.js';
import { PAGE_CLASS } from '../memory/footprint.js';
import { physInvalidateAsid } from '../memory/phys-tlb.js';
import { CowDisk } from './cow-disk.js';
import { cowDiskRead } from './cow-read.js';
import { C } from '../metrics.js';
import type { Monitor } from '../monitor.js';
import { charge, nextPc, resume } from '../vcpu/trap.js';
import { VCPU_STATE, type VCpu } from '../vcpu/vcpu.js';

const MAX_SECTORS = 2048;
const CONSOLE_MAX = 1 << 20;

export function monitorCall(m: Monitor, cpu: Cpu, v: VCpu): void {
  const g = cpu.gpr;
  const vm = v.vm;
  const call = g[2];
  const a0 = g[4];
  const a1 = g[5];
  const a2 = g[6];
  const a3 = g[7];
  const t0 = g[8];
  const costs = m.costs;
  charge(cpu, v, costs.mcall);
  if (call >= 0 && call < 32) vm.counters.mcalls[call]++;
  let r = 0;
  let r1 = g[3];
  switch (call) {
    case MCALL.VERSION:
      r = ABI.VERSION;
      break;
    case MCALL.CONSOLE_WRITE: {
      const pa = a0 >>> 0;
      const len = a1 >>> 0;
      if (len > CONSOLE_MAX) { r = MERR.INVALID; break; }
      if (!vm.inRange(pa, len)) { r = MERR.BAD_ADDRESS; break; }
      const buf = new Uint8Array(len);
      if (!vm.readGuest(pa, buf)) { r = MERR.IO_ERROR; break; }
      for (let i = 0; i < len; i++) vm.console.write(buf[i]);
      vm.counters.c[C.CONSOLE_OUT] += len;
      charge(cpu, v, costs.consoleByte * len + costs.dmaPage * pagesSpanned(pa, len));
      r = len;
      break;
    }
    case MCALL.CONSOLE_READ: {
      const pa = a0 >>> 0;
      const cap = a1 >>> 0;
      if (cap > CONSOLE_MAX) { r = MERR.INVALID; break; }
      if (!vm.inRange(pa, cap)) { r = MERR.BAD_ADDRESS; break; }
      const bytes = vm.console.take(cap);
      if (bytes.length > 0 && m.prepareWrite(cpu, v, pa, bytes.length)) vm.writeGuest(pa, bytes, m.dmaWritten);
      vm.counters.c[C.CONSOLE_IN] += bytes.length;
      charge(cpu, v, costs.consoleByte * bytes.length + costs.dmaPage * pagesSpanned(pa, bytes.length));
      r = bytes.length;
      break;
    }
    case MCALL.CONSOLE_WINSIZE:
      r = vm.console.rows;
      r1 = vm.console.cols;
      break;
    case MCALL.DISK_INFO: {
      const d = a0 >>> 0 < 4 ? vm.disks[a0] : undefined;
      if (d === undefined) { r = MERR.NO_DEVICE; break; }
      r = d.sectors | 0;
      r1 = d.readOnly ? 1 : 0;
      break;
    }
    case MCALL.DISK_START:
      r = diskStart(m, cpu, v, a0 >>> 0, a1, a2 >>> 0, a3 >>> 0, t0 >>> 0);
      break;
    case MCALL.DISK_POLL: {
      const d = a0 >>> 0 < 4 ? vm.disks[a0] : undefined;
      if (d === undefined) { r = MERR.NO_DEVICE; break; }
      r = d.state;
      if (d.state === DISK_STATE.DONE || d.state === DISK_STATE.FAILED) {
        d.state = DISK_STATE.IDLE;
        vm.vcpus[0].virq &= ~(VIRQ.DISK0 << a0); // the completion is acknowledged with it
      }
      break;
    }
    case MCALL.TIMER_SET: {
      const period = a0 >>> 0;
      v.timerPeriod = period;
      v.nextTick = period === 0 ? Infinity : cpu.cycles + period;
      m.noteTimer(v.nextTick);
      break;
    }
    case MCALL.CLOCK_READ: {
      const now = Math.max(cpu.cycles, v.lastClock);
      v.lastClock = now;
      r = now % 4294967296 | 0;
      r1 = Math.floor(now / 4294967296) | 0;
      break;
    }
    case MCALL.RTC_READ: {
      m.rtc(cpu.cycles);
      r = m.rtcSec | 0;
      r1 = m.rtcNsec | 0;
      break;
    }
    case MCALL.IPI_SEND: {
      const mask = a0 >>> 0;
      for (let i = 0; i < vm.vcpus.length && i < 32; i++) {
        if (((mask >>> i) & 1) === 0) continue;
        vm.counters.c[C.IPIS]++;
        m.post(vm.vcpus[i], VIRQ.IPI, cpu, v);
      }
      break;
    }
    case MCALL.IRQ_ACK:
      v.virq &= ~a0;
      r = v.virq;
      break;
    case MCALL.IRQ_CHECK:
      break; // resume() below delivers a pending, enabled interrupt
    case MCALL.VCPU_START: {
      const target = vm.vcpus[a0 >>> 0];
      if (target === undefined || target === v || target.state !== VCPU_STATE.Held) { r = MERR.INVALID; break; }
      m.startVcpu(target, a1, a2, cpu.cycles);
      break;
    }
    case MCALL.POWER: {
      if (a0 === POWER_OP.OFF) {
        m.stopVm(vm, { kind: 'poweroff', code: a1 | 0 });
        cpu.requestStop();
        return;
      }
      if (a0 === POWER_OP.RESET) {
        vm.resetPending = true;
        vm.lastResetCode = a1 | 0;
        m.haltForReset(vm);
        cpu.requestStop();
        return;
      }
      r = MERR.INVALID;
      break;
    }
    case MCALL.TLB_FLUSH: {
      const asid = a0 === -1 ? -1 : a0 & 0xff;
      flushVtlb(v, asid);
      v.l2?.dropAsid(asid);
      physInvalidateAsid(cpu, asid);
      vm.counters.c[C.TLB_FLUSHES]++;
      charge(cpu, v, costs.emulateTlbWrite);
      break;
    }
    case MCALL.PAGE_ZERO: {
      const pa = a0 >>> 0;
      if (!vm.inRange(pa, 1) || (pa & 0xfff) !== 0) { r = MERR.INVALID; break; }
      m.zeroGuestPage(cpu, v, pa >>> 12);
      break;
    }
    case MCALL.PAGE_FREE: {
      const pa = a0 >>> 0;
      if (!vm.inRange(pa, 1) || (pa & 0xfff) !== 0) { r = MERR.INVALID; break; }
      m.freeGuestPage(cpu, v, pa >>> 12);
      break;
    }
    case MCALL.NET_INFO:
      r = m.net.info(v);
      r1 = m.net.r1;
      break;
    case MCALL.NET_SEND:
      r = m.net.send(cpu, v, a0);
      break;
    case MCALL.NET_RX_POST:
      r = m.net.rxPost(cpu, v, a0);
      break;
    case MCALL.NET_RECV:
      r = m.net.recv(v);
      r1 = m.net.r1;
      break;
    case MCALL.REMAP:
      r = m.net.remap(cpu, v, a0, a1, a2);
      break;
    default:
      r = MERR.NO_CALL;
  }
  if (!vm.running) {
    cpu.requestStop();
    return;
  }
  g[2] = r;
  g[3] = r1;
  resume(m, cpu, v, nextPc(cpu));
}

function pagesSpanned(pa: number, len: number): number {
  return len === 0 ? 0 : ((pa + len - 1) >>> 12) - (pa >>> 12) + 1;
}

/** Forget every non-wired virtual TLB entry of `asid` (all non-wired ones when asid < 0). */
function flushVtlb(v: VCpu, asid: number): void {
  const wired = (v.get(SPECIAL.WIRED) >>> 0) % v.tlbEntries;
  for (let i = wired; i < v.tlbEntries; i++) {
    if (asid >= 0 && ((v.tHi[i] & 0xff) !== asid || (v.tLo0[i] & v.tLo1[i] & 1) !== 0)) continue;
    v.tHi[i] = (0x80000000 + i * 0x2000) | 0;
    v.tLo0[i] = v.tLo1[i] = 0;
  }
}

function diskStart(m: Monitor, cpu: Cpu, v: VCpu, unit: number, op: number, sector: number, count: number, pa: number): number {
  const vm = v.vm;
  const d = unit < 4 ? vm.disks[unit] : undefined;
  if (d === undefined) return MERR.NO_DEVICE;
  if (d.state === DISK_STATE.BUSY) return MERR.BUSY;
  const c = vm.counters.c;
  if (op === DISK_OP.FLUSH) {
    try {
      d.backend.flush?.();
      d.result = DISK_STATE.DONE;
    } catch {
      d.result = DISK_STATE.FAILED;
    }
    c[C.DISK_FLUSHES]++;
    m.diskIssued(vm, unit, cpu.cycles, 0);
    return 0;
  }
  if (op !== DISK_OP.READ && op !== DISK_OP.WRITE) return MERR.INVALID;
  if (count < 1 || count > MAX_SECTORS || sector + count > d.sectors) return MERR.INVALID;
  const bytes = count * BLOCK.SECTOR_BYTES;
  if (!vm.inRange(pa, bytes)) return MERR.BAD_ADDRESS;
  if (op === DISK_OP.WRITE && d.readOnly) return MERR.READ_ONLY;
  charge(cpu, v, m.costs.dmaPage * pagesSpanned(pa, bytes));
  if (op === DISK_OP.READ && d.backend instanceof CowDisk) {
    // Through the global disk cache (io/cow-read.ts); cache hits complete at once.
    let host = 0;
    try {
      host = cowDiskRead(m, cpu, v, d.backend, sector, count, pa);
      d.result = DISK_STATE.DONE;
    } catch {
      d.result = DISK_STATE.FAILED;
    }
    if (!vm.running) return 0;
    c[C.DISK_READS]++;
    c[C.DISK_SECTORS_READ] += count;
    m.diskIssued(vm, unit, cpu.cycles, host, host === 0);
    return 0;
  }
  const buf = new Uint8Array(bytes);
  try {
    if (op === DISK_OP.READ) {
      d.backend.read(sector, count, buf);
      if (m.prepareWrite(cpu, v, pa, bytes)) vm.writeGuest(pa, buf, m.dmaWritten);
      for (let gp = pa >>> 12; gp <= (pa + bytes - 1) >>> 12; gp++) vm.pageClass[gp] = PAGE_CLASS.BUFFER;
      c[C.DISK_READS]++;
      c[C.DISK_SECTORS_READ] += count;
    } else {
      vm.readGuest(pa, buf);
      d.backend.write(sector, buf);
      c[C.DISK_WRITES]++;
      c[C.DISK_SECTORS_WRITTEN] += count;
    }
    d.result = DISK_STATE.DONE;
  } catch {
    d.result = DISK_STATE.FAILED;
  }
  m.diskIssued(vm, unit, cpu.cycles, count);
  return 0;
}
