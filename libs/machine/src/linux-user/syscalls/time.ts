// Time syscalls: clocks (32- and 64-bit timespecs), gettimeofday/time, sleeping (the process
// blocks and the scheduler runs others or idles the host), alarm/itimers, times, getrandom.

import { randomFillSync } from 'node:crypto';
import { CLOCK, E, TIMER } from '../abi.js';
import { WOULD_BLOCK } from '../files.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../process.js';
import { type HandlerTable, readStruct, Struct } from './common.js';

const CPU_HZ = 200_000_000;
const epochNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** Nanoseconds on clock `id`, or null for an unknown clock. */
function clockNs(p: Process, id: number): bigint | null {
  switch (id) {
    case CLOCK.REALTIME:
    case CLOCK.REALTIME_COARSE:
    case CLOCK.REALTIME_ALARM:
    case CLOCK.TAI:
      return epochNs + process.hrtime.bigint();
    case CLOCK.MONOTONIC:
    case CLOCK.MONOTONIC_RAW:
    case CLOCK.MONOTONIC_COARSE:
    case CLOCK.BOOTTIME:
    case CLOCK.BOOTTIME_ALARM:
      return process.hrtime.bigint();
    case CLOCK.PROCESS_CPUTIME_ID:
    case CLOCK.THREAD_CPUTIME_ID:
      return BigInt(Math.floor((p.cpu.cycles / CPU_HZ) * 1e9));
    default:
      return null;
  }
}

function timespec(ns: bigint, wide: boolean): Uint8Array {
  const sec = ns / 1_000_000_000n;
  const nsec = ns % 1_000_000_000n;
  return wide ? new Struct(16).u64(0, sec).u64(8, nsec).bytes : new Struct(8).u32(0, Number(sec)).u32(4, Number(nsec)).bytes;
}

/** Read a timespec as milliseconds; null on a fault, NaN when invalid. */
function readTimespecMs(p: Process, va: number, wide: boolean): number | null {
  const dv = readStruct(p, va, wide ? 16 : 8);
  if (dv === null) return null;
  const sec = wide ? Number(dv.getBigInt64(0, true)) : dv.getInt32(0, true);
  const nsec = wide ? Number(dv.getBigInt64(8, true) & 0xffffffffn) | 0 : dv.getInt32(4, true);
  if (sec < 0 || nsec < 0 || nsec >= 1e9) return NaN;
  return sec * 1000 + nsec / 1e6;
}

function clockGettime(p: Process, wide: boolean): number {
  const ns = clockNs(p, p.sarg(0));
  if (ns === null) return -E.INVAL;
  return p.mm.write(p.arg(1), timespec(ns, wide)) ? 0 : -E.FAULT;
}

function clockGetres(p: Process, wide: boolean): number {
  if (clockNs(p, p.sarg(0)) === null) return -E.INVAL;
  if (p.arg(1) === 0) return 0;
  return p.mm.write(p.arg(1), timespec(1n, wide)) ? 0 : -E.FAULT;
}

/**
 * Sleep for `ms` (relative) or until host time `untilMs`: blocks the process and is retried.
 * `remVa` gets zero on completion.
 */
function sleep(p: Process, compute: () => number | null): number {
  const st = p.blockState as { until: number } | undefined;
  let until: number;
  if (st === undefined) {
    const u = compute();
    if (u === null) return -E.FAULT;
    if (Number.isNaN(u)) return -E.INVAL;
    until = u;
    p.blockState = { until };
  } else until = st.until;
  if (Date.now() >= until) return 0;
  p.wakeAt = until;
  return WOULD_BLOCK;
}

function nanosleep(p: Process, reqVa: number, wide: boolean): number {
  return sleep(p, () => {
    const ms = readTimespecMs(p, reqVa, wide);
    return ms === null || Number.isNaN(ms) ? ms : Date.now() + ms;
  });
}

function clockNanosleep(p: Process, wide: boolean): number {
  const clock = p.sarg(0);
  const abs = (p.arg(1) & TIMER.ABSTIME) !== 0;
  const now = clockNs(p, clock);
  if (now === null || clock === CLOCK.THREAD_CPUTIME_ID) return -E.INVAL;
  return sleep(p, () => {
    const ms = readTimespecMs(p, p.arg(2), wide);
    if (ms === null || Number.isNaN(ms)) return ms;
    return abs ? Date.now() + (ms - Number(now / 1_000_000n)) : Date.now() + ms;
  });
}

function gettimeofday(p: Process): number {
  const ns = epochNs + process.hrtime.bigint();
  if (p.arg(0) !== 0) {
    const us = ns / 1000n;
    if (!p.mm.write(p.arg(0), new Struct(8).u32(0, Number(us / 1_000_000n)).u32(4, Number(us % 1_000_000n)).bytes)) return -E.FAULT;
  }
  if (p.arg(1) !== 0 && !p.mm.write(p.arg(1), new Uint8Array(8))) return -E.FAULT;
  return 0;
}

function alarm(p: Process, ms: number): number {
  const now = Date.now();
  const old = p.alarmAt === Infinity ? 0 : Math.max(0, p.alarmAt - now);
  p.alarmAt = ms > 0 ? now + ms : Infinity;
  return old;
}

/** setitimer/getitimer for ITIMER_REAL (one-shot; intervals are not re-armed). */
function itimer(p: Process, set: boolean): number {
  if (p.arg(0) !== 0) return -E.INVAL;
  const oldVa = set ? p.arg(2) : p.arg(1);
  let old = p.alarmAt === Infinity ? 0 : Math.max(0, p.alarmAt - Date.now());
  if (set) {
    const dv = p.arg(1) === 0 ? null : readStruct(p, p.arg(1), 16);
    if (p.arg(1) !== 0 && dv === null) return -E.FAULT;
    const ms = dv === null ? 0 : dv.getInt32(8, true) * 1000 + dv.getInt32(12, true) / 1000;
    old = alarm(p, ms);
  }
  if (oldVa !== 0) {
    const us = Math.round(old * 1000);
    if (!p.mm.write(oldVa, new Struct(16).u32(8, Math.floor(us / 1e6)).u32(12, us % 1e6).bytes)) return -E.FAULT;
  }
  return 0;
}

function times(_k: Kernel, p: Process): number {
  const ticks = (c: number): number => Math.floor((c / CPU_HZ) * 100);
  if (p.arg(0) !== 0) {
    const b = new Struct(16).u32(0, ticks(p.cpu.cycles)).u32(8, ticks(p.childCycles)).bytes;
    if (!p.mm.write(p.arg(0), b)) return -E.FAULT;
  }
  return (Math.floor((Date.now() - p.startMs) / 10) + 10000) & 0x3fffffff;
}

function getrandom(p: Process): number {
  const len = Math.min(p.arg(1), 1 << 25);
  const b = new Uint8Array(len);
  randomFillSync(b);
  return p.mm.write(p.arg(0), b) ? len : -E.FAULT;
}

export const TIME_SYSCALLS: HandlerTable = {
  4013: (_k, p) => {
    const t = Number((epochNs + process.hrtime.bigint()) / 1_000_000_000n);
    if (p.arg(0) !== 0 && !p.mm.writeU32(p.arg(0), t)) return -E.FAULT;
    return t;
  },
  4078: (_k, p) => gettimeofday(p),
  4263: (_k, p) => clockGettime(p, false),
  4403: (_k, p) => clockGettime(p, true),
  4264: (_k, p) => clockGetres(p, false),
  4406: (_k, p) => clockGetres(p, true),
  4166: (_k, p) => nanosleep(p, p.arg(0), false),
  4265: (_k, p) => clockNanosleep(p, false),
  4407: (_k, p) => clockNanosleep(p, true),
  4027: (_k, p) => Math.ceil(alarm(p, p.arg(0) * 1000) / 1000),
  4104: (_k, p) => itimer(p, true),
  4105: (_k, p) => itimer(p, false),
  4043: times,
  4353: (_k, p) => getrandom(p),
};
