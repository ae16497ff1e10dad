// The virtual console of one VM: output goes to the VM's sink byte by byte; host input waits in
// a queue until the guest's CONSOLE_READ copies it out (input posts VIRQ CONSOLE_RX). The window
// size is the host's last resize (posts VIRQ CONSOLE_WINSIZE; the guest asks CONSOLE_WINSIZE).

import { CONSOLE } from '../abi/monitor-abi.js';

export class VirtualConsole {
  private queue: Uint8Array = new Uint8Array(4096);
  private head = 0;
  private tail = 0;

  /** Window size (rows x columns) the guest reads with CONSOLE_WINSIZE; kept across reboots. */
  rows: number = CONSOLE.DEFAULT_ROWS;
  cols: number = CONSOLE.DEFAULT_COLS;

  constructor(private readonly sink: (byte: number) => void) {}

  write(byte: number): void {
    this.sink(byte);
  }

  /** Queue host input. */
  input(bytes: Uint8Array): void {
    const n = this.tail - this.head;
    if (this.tail + bytes.length > this.queue.length) {
      const cap = Math.max(this.queue.length * 2, n + bytes.length);
      const q = new Uint8Array(cap);
      q.set(this.queue.subarray(this.head, this.tail));
      this.queue = q;
      this.head = 0;
      this.tail = n;
    }
    this.queue.set(bytes, this.tail);
    this.tail += bytes.length;
  }

  get waiting(): number {
    return this.tail - this.head;
  }

  /** Take up to `max` bytes. */
  take(max: number): Uint8Array {
    const n = Math.min(max, this.tail - this.head);
    const out = this.queue.subarray(this.head, this.head + n);
    this.head += n;
    if (this.head === this.tail) this.head = this.tail = 0;
    return out;
  }

  clear(): void {
    this.head = this.tail = 0;
  }
}
