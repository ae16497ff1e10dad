// Host terminal handling for TCGETS/TCSETS on a tty: the guest's termios is remembered, and
// turning ICANON off or on switches the host terminal to raw or cooked mode (so line editors
// such as busybox sh's work interactively). The terminal is restored when the run ends.

import * as tty from 'node:tty';
import { CFLAG, IFLAG, LFLAG, OFLAG, VCC } from './abi.js';

const streams = new Map<number, tty.ReadStream>();
let current: Uint8Array | null = null;

/** Linux's default termios for a terminal, in MIPS bit values (reference §5.5). */
function defaultTermios(): Uint8Array {
  const b = new Uint8Array(40);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, IFLAG.ICRNL | IFLAG.IXON, true);
  dv.setUint32(4, OFLAG.OPOST | OFLAG.ONLCR, true);
  dv.setUint32(8, CFLAG.B38400 | CFLAG.CS8 | CFLAG.CREAD | CFLAG.HUPCL, true);
  const l = LFLAG;
  dv.setUint32(12, l.ISIG | l.ICANON | l.ECHO | l.ECHOE | l.ECHOK | l.ECHOCTL | l.ECHOKE | l.IEXTEN, true);
  const cc: [number, number][] = [
    [VCC.INTR, 3], [VCC.QUIT, 0x1c], [VCC.ERASE, 0x7f], [VCC.KILL, 0x15], [VCC.MIN, 1], [VCC.TIME, 0],
    [VCC.START, 0x11], [VCC.STOP, 0x13], [VCC.SUSP, 0x1a], [VCC.REPRINT, 0x12], [VCC.DISCARD, 0x0f],
    [VCC.WERASE, 0x17], [VCC.LNEXT, 0x16], [VCC.EOF, 4],
  ];
  for (const [i, v] of cc) b[17 + i] = v;
  return b;
}

export function isTty(fd: number): boolean {
  return tty.isatty(fd);
}

/** The termios the guest last set (or the default). */
export function ttyGetAttr(): Uint8Array {
  return (current ??= defaultTermios()).slice();
}

/** Remember the guest's termios; follow ICANON with the host terminal's raw mode. */
export function ttySetAttr(fd: number, termios: Uint8Array): void {
  current = termios.slice();
  const raw = (new DataView(current.buffer).getUint32(12, true) & LFLAG.ICANON) === 0;
  try {
    let s = streams.get(fd);
    if (s === undefined) {
      if (!raw) return;
      s = new tty.ReadStream(fd);
      streams.set(fd, s);
    }
    s.setRawMode(raw);
  } catch {
    /* not a terminal we can drive: keep the stored state only */
  }
}

/** Put every terminal we touched back into its original mode. */
export function ttyRestore(): void {
  for (const s of streams.values()) {
    try {
      s.setRawMode(false);
      s.destroy();
    } catch {
      /* ignore */
    }
  }
  streams.clear();
  current = null;
}
