// Host terminal handling for TCGETS/TCSETS on a tty: the guest's termios is remembered, and
// turning ICANON off or on switches the host terminal to raw or cooked mode (so line editors
// such as busybox sh's work interactively). The terminal is restored when the run ends.

import * as tty from 'node:tty';

const ICANON = 0x2;
const streams = new Map<number, tty.ReadStream>();
let current: Uint8Array | null = null;

/** Linux's default termios for a terminal, in MIPS bit values (reference §5.5). */
function defaultTermios(): Uint8Array {
  const b = new Uint8Array(40);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0x500, true); // ICRNL | IXON
  dv.setUint32(4, 0x5, true); // OPOST | ONLCR
  dv.setUint32(8, 0x4bf, true); // B38400 | CS8 | CREAD | HUPCL
  dv.setUint32(12, 0xb3b, true); // ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN
  const cc: [number, number][] = [[0, 3], [1, 0x1c], [2, 0x7f], [3, 0x15], [4, 1], [5, 0], [8, 0x11], [9, 0x13], [10, 0x1a], [12, 0x12], [13, 0x0f], [14, 0x17], [15, 0x16], [16, 4]];
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
  const raw = (new DataView(current.buffer).getUint32(12, true) & ICANON) === 0;
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
