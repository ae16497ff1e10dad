// poll/ppoll, select (pselect6 and _newselect) over our descriptions, and ioctl (the tty
// requests programs probe with: TCGETS, TIOCGWINSZ, ...; ENOTTY for non-ttys).

import { E, IOCTL, O, POLL } from '../abi.js';
import { HostFile, PipeEnd, WOULD_BLOCK } from '../files.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../process.js';
import { isTty, ttyGetAttr, ttySetAttr } from '../tty.js';
import { type HandlerTable, readStruct, Struct } from './common.js';

/** revents for one pollfd. */
function revents(p: Process, fd: number, events: number): number {
  if (fd < 0) return 0;
  const d = p.fds.get(fd);
  if (d === undefined) return POLL.NVAL;
  const b = d.pollBits();
  let r = 0;
  if (b.in && (events & (POLL.IN | POLL.RDNORM)) !== 0) r |= events & (POLL.IN | POLL.RDNORM);
  if (b.out && (events & POLL.OUT) !== 0) r |= POLL.OUT;
  if (b.hup) r |= d instanceof PipeEnd && d.isWriteEnd ? POLL.ERR : POLL.HUP;
  return r;
}

/** Block until `ready` or the timeout (ms; <0 = forever) passes; retried by the scheduler. */
function waitOrTimeout(p: Process, timeoutMs: number): boolean | null {
  if (timeoutMs === 0) return false;
  let st = p.blockState as { until: number } | undefined;
  if (st === undefined) {
    st = { until: timeoutMs < 0 ? Infinity : Date.now() + timeoutMs };
    p.blockState = st;
  }
  if (Date.now() >= st.until) return false;
  p.wakeAt = st.until;
  return null;
}

function poll(p: Process, fdsVa: number, nfds: number, timeoutMs: number): number {
  if (nfds > 65536) return -E.INVAL;
  const dv = readStruct(p, fdsVa, nfds * 8);
  if (dv === null) return -E.FAULT;
  let ready = 0;
  const out = new Uint8Array(dv.buffer.slice(0));
  const odv = new DataView(out.buffer);
  for (let i = 0; i < nfds; i++) {
    const r = revents(p, dv.getInt32(i * 8, true), dv.getInt16(i * 8 + 4, true));
    odv.setInt16(i * 8 + 6, r, true);
    if (r !== 0) ready++;
  }
  if (ready === 0 && waitOrTimeout(p, timeoutMs) === null) return WOULD_BLOCK;
  return p.mm.write(fdsVa, out) ? ready : -E.FAULT;
}

function timeoutOf(p: Process, va: number, kind: 'ts32' | 'ts64' | 'tv'): number | null {
  if (va === 0) return -1;
  const dv = readStruct(p, va, kind === 'ts64' ? 16 : 8);
  if (dv === null) return null;
  if (kind === 'ts64') return Number(dv.getBigInt64(0, true)) * 1000 + Number(dv.getBigInt64(8, true)) / 1e6;
  return dv.getInt32(0, true) * 1000 + dv.getInt32(4, true) / (kind === 'tv' ? 1e3 : 1e6);
}

function select(p: Process, nfds: number, rVa: number, wVa: number, eVa: number, timeoutMs: number | null): number {
  if (timeoutMs === null) return -E.FAULT;
  if (nfds < 0 || nfds > 1024) return -E.INVAL;
  const words = Math.ceil(nfds / 32);
  const sets = [rVa, wVa, eVa].map((va) => (va === 0 ? null : readStruct(p, va, words * 4)));
  if (sets.some((s, i) => s === null && [rVa, wVa, eVa][i] !== 0)) return -E.FAULT;
  const outs = sets.map(() => new Struct(words * 4));
  let count = 0;
  for (let fd = 0; fd < nfds; fd++) {
    const bit = 1 << (fd & 31);
    const w = fd >>> 5;
    const want = sets.map((s) => s !== null && (s.getUint32(w * 4, true) & bit) !== 0);
    if (!want.some((x) => x)) continue;
    const d = p.fds.get(fd);
    if (d === undefined) return -E.BADF;
    const b = d.pollBits();
    const got = [want[0] && (b.in || b.hup), want[1] && b.out, false];
    got.forEach((g, i) => {
      if (g) {
        const o = outs[i];
        o.u32(w * 4, (new DataView(o.bytes.buffer).getUint32(w * 4, true) | bit) >>> 0);
        count++;
      }
    });
  }
  if (count === 0 && waitOrTimeout(p, timeoutMs) === null) return WOULD_BLOCK;
  for (let i = 0; i < 3; i++) {
    const va = [rVa, wVa, eVa][i];
    if (va !== 0 && !p.mm.write(va, outs[i].bytes)) return -E.FAULT;
  }
  return count;
}

function ioctl(_k: Kernel, p: Process): number {
  const fd = p.sarg(0);
  const req = p.arg(1);
  const arg = p.arg(2);
  const d = p.fds.get(fd);
  if (d === undefined) return -E.BADF;
  const tty = d instanceof HostFile && isTty(d.hostFd);
  switch (req) {
    case IOCTL.FIOCLEX:
    case IOCTL.FIONCLEX:
      p.fds.setCloexec(fd, req === IOCTL.FIOCLEX);
      return 0;
    case IOCTL.FIONBIO: {
      const v = p.mm.readU32(arg);
      if (v === null) return -E.FAULT;
      d.flags = v !== 0 ? d.flags | O.NONBLOCK : d.flags & ~O.NONBLOCK;
      return 0;
    }
    case IOCTL.FIONREAD: {
      const n = d instanceof PipeEnd ? d.pipe.size : 0;
      return p.mm.writeU32(arg, n) ? 0 : -E.FAULT;
    }
  }
  if (!tty) return -E.NOTTY;
  switch (req) {
    case IOCTL.TCGETS:
      return p.mm.write(arg, ttyGetAttr()) ? 0 : -E.FAULT;
    case IOCTL.TCSETS:
    case IOCTL.TCSETSW:
    case IOCTL.TCSETSF: {
      const t = p.mm.read(arg, 40);
      if (t === null) return -E.FAULT;
      ttySetAttr(d.hostFd, t);
      return 0;
    }
    case IOCTL.TIOCSWINSZ:
    case IOCTL.TIOCSPGRP:
    case IOCTL.TIOCSCTTY:
      return 0;
    case IOCTL.TIOCGWINSZ: {
      const rows = Number(process.env.LINES) || 24;
      const cols = Number(process.env.COLUMNS) || 80;
      return p.mm.write(arg, new Struct(8).u16(0, rows).u16(2, cols).bytes) ? 0 : -E.FAULT;
    }
    case IOCTL.TIOCGPGRP:
      return p.mm.writeU32(arg, p.pgid) ? 0 : -E.FAULT;
    default:
      return -E.NOTTY;
  }
}

export const POLL_SYSCALLS: HandlerTable = {
  4054: ioctl,
  4188: (_k, p) => poll(p, p.arg(0), p.arg(1), p.sarg(2)),
  4302: (_k, p) => {
    const t = timeoutOf(p, p.arg(2), 'ts32');
    return t === null ? -E.FAULT : poll(p, p.arg(0), p.arg(1), t);
  },
  4414: (_k, p) => {
    const t = timeoutOf(p, p.arg(2), 'ts64');
    return t === null ? -E.FAULT : poll(p, p.arg(0), p.arg(1), t);
  },
  4142: (_k, p) => select(p, p.sarg(0), p.arg(1), p.arg(2), p.arg(3), timeoutOf(p, p.arg(4), 'tv')),
  4301: (_k, p) => select(p, p.sarg(0), p.arg(1), p.arg(2), p.arg(3), timeoutOf(p, p.arg(4), 'ts32')),
  4413: (_k, p) => select(p, p.sarg(0), p.arg(1), p.arg(2), p.arg(3), timeoutOf(p, p.arg(4), 'ts64')),
};
