// A guest kernel booted on the bare emulated machine, driven through its console: the
// building block of `disco boot --bare` and of the guest tests (test/guest/). It loads the
// kernel ELF, attaches the disk image, collects console output, types input, waits for
// prompts or patterns, and follows the machine through poweroff, reset (it boots again on
// the same disk) and kernel panics.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Machine } from '../../../../libs/machine/src/board/machine.js';
import { FileBlockBackend } from '../../../../libs/machine/src/devices/block/block.backend.js';
import { MACHINE } from '../../../../libs/machine/src/board/memory-map.js';
import { addStandardDevices, buildImage, dir, merge, readHostTree } from '../../../../libs/ext2/src/index.js';
import { repoRoot } from '../repo-root.js';

export { repoRoot }; // for the commands that import it from here

/** Power-off code the kernel uses after printing "panic:" (guest/kernel/defs.h). */
export const KERNEL_PANIC_CODE = 0x7a;
/** Physical address where the boot command line is placed (the kernel gets a kseg0 pointer). */
export const CMDLINE_PA = 0x400;
const CMDLINE_MAX = 255;
/** Cycles per run() slice: 5 ms of emulated time. */
const SLICE = MACHINE.CPU_CLOCK_HZ / 200;
/** Default console prompt: a line ending in "# ", "$ " or "> " (ANSI escapes ignored). */
export const DEFAULT_PROMPT = /[#$>] $/;

export interface GuestOptions {
  /** Kernel ELF: a path or the bytes. */
  kernel: string | Uint8Array;
  /** Disk image for disk 0 (used in place: the guest's writes stay in the file). */
  disk: string;
  cpus?: number;
  nodes?: number;
  memoryMiB?: number;
  /** Boot command line ("init=/bin/sh", "strace", "strace=err"). */
  cmdline?: string;
  timed?: boolean;
  /** Called with every console byte (besides collecting it). */
  onOutput?: (byte: number) => void;
  /** Host wall clock for the RTC (tests pass a fixed one). */
  clock?: () => number;
  /** Called after every slice of emulated time (a few ms): flush output, pace, etc. */
  onSlice?: () => void;
  /** Emulated cycles per slice (default 5 ms): the resolution of waits and of `seconds` at their end. */
  sliceCycles?: number;
}

export type GuestEnd =
  | { kind: 'poweroff'; code: number }
  | { kind: 'panic'; message: string }
  | { kind: 'timeout' };

export function defaultKernelPath(): string {
  return join(repoRoot(), 'guest', 'images', 'kernel-bare.elf');
}

/**
 * Build an ext2 root image from guest/images/rootfs (or `rootfs`), plus each `adds`
 * directory merged at the root, plus the standard /dev nodes, into a fresh temporary file.
 * Returns the path and a cleanup function.
 */
export function buildRootImage(options: { rootfs?: string; adds?: string[]; sizeMiB?: number } = {}): {
  path: string;
  cleanup: () => void;
} {
  const root = dir();
  const rootfs = options.rootfs ?? join(repoRoot(), 'guest', 'images', 'rootfs');
  if (existsSync(rootfs)) merge(root, readHostTree(rootfs));
  for (const add of options.adds ?? []) merge(root, readHostTree(add));
  root.mode = 0o755;
  addStandardDevices(root);
  const image = buildImage(root, options.sizeMiB !== undefined ? { sizeBytes: options.sizeMiB * 1024 * 1024 } : {});
  const tmp = mkdtempSync(join(tmpdir(), 'disco-root-'));
  const path = join(tmp, 'root.img');
  image.writeFile(path);
  return { path, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

function stripAnsi(s: string): string {
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

export class GuestSession {
  machine!: Machine;
  /** Everything the console printed since boot (all boots), as latin-1 text. */
  output = '';
  /** Number of boots (1 + resets followed). */
  boots = 0;
  private kernelBytes: Uint8Array;
  private disk: FileBlockBackend | null = null;
  private inputMark = 0;
  private readonly slice: number;

  constructor(private readonly opts: GuestOptions) {
    this.kernelBytes = typeof opts.kernel === 'string' ? readFileSync(opts.kernel) : opts.kernel;
    if ((opts.cmdline ?? '').length > CMDLINE_MAX) throw new RangeError(`boot command line longer than ${CMDLINE_MAX} bytes`);
    this.slice = opts.sliceCycles ?? SLICE;
    if (!(this.slice >= 1)) throw new RangeError('sliceCycles must be at least 1');
  }

  /** Power on (or again after a reset): fresh machine, same disk file. */
  boot(): void {
    this.disk?.close();
    this.disk = new FileBlockBackend(this.opts.disk);
    const m = new Machine({
      cpus: this.opts.cpus ?? 2,
      nodes: this.opts.nodes ?? 1,
      memoryBytes: (this.opts.memoryMiB ?? 64) * 1024 * 1024,
      timed: this.opts.timed ?? false,
      disks: [this.disk],
      consoleOutput: (b) => {
        this.output += String.fromCharCode(b);
        this.opts.onOutput?.(b);
      },
      ...(this.opts.clock ? { clock: this.opts.clock } : {}),
    });
    const loaded = m.loadElf(this.kernelBytes);
    if ('error' in loaded) throw new Error(`kernel: ${loaded.error}`);
    let arg = 0;
    const cmd = this.opts.cmdline ?? '';
    if (cmd !== '') {
      m.memory.u8.set(Buffer.from(cmd + '\0', 'latin1'), CMDLINE_PA);
      arg = (0x80000000 | CMDLINE_PA) >>> 0;
    }
    m.boot(loaded.entry, arg);
    this.machine = m;
    this.boots++;
  }

  /** Emulated seconds since this boot. */
  get seconds(): number {
    return this.machine.now / MACHINE.CPU_CLOCK_HZ;
  }

  /** Type text on the console. */
  type(text: string): void {
    this.inputMark = this.output.length;
    const bytes = Buffer.from(text, 'latin1');
    let off = 0;
    while (off < bytes.length) {
      const n = this.machine.devices.uart.input(bytes.subarray(off));
      off += n;
      if (off < bytes.length) this.machine.run(this.slice);
    }
  }

  /** Output since the last type(). */
  get recent(): string {
    return this.output.slice(this.inputMark);
  }

  /**
   * Run until `done()` is true, the machine powers off or panics, or the budget runs out
   * (host milliseconds and/or emulated cycles). A reset reboots on the same disk unless
   * `stopOnReset`. Returns null while `done()` became true and the machine still runs.
   */
  runUntil(done: () => boolean, limits: { hostMs?: number; cycles?: number; stopOnReset?: boolean } = {}): GuestEnd | null {
    const t0 = Date.now();
    const c0 = this.machine.now;
    for (;;) {
      if (done()) return null;
      const r = this.machine.run(this.slice);
      this.opts.onSlice?.();
      if (r === 'poweroff' || r === 'reset') {
        const code = (this.machine.power as { code: number }).code | 0;
        const panic = /\npanic: ([^\n]*)/.exec(this.output);
        if (panic !== null && code === KERNEL_PANIC_CODE) return { kind: 'panic', message: panic[1]!.trim() };
        if (r === 'poweroff' || limits.stopOnReset) return { kind: 'poweroff', code };
        this.boot();
        continue;
      }
      if (limits.hostMs !== undefined && Date.now() - t0 > limits.hostMs) return { kind: 'timeout' };
      if (limits.cycles !== undefined && this.machine.now - c0 > limits.cycles) return { kind: 'timeout' };
    }
  }

  /** Run until the output since the last input ends with a prompt. */
  waitForPrompt(prompt: RegExp = DEFAULT_PROMPT, limits: { hostMs?: number; cycles?: number } = { hostMs: 30_000 }): GuestEnd | null {
    return this.runUntil(() => prompt.test(stripAnsi(this.output.slice(this.inputMark))), limits);
  }

  /** Run until the output since the last input matches `pattern`. */
  waitFor(pattern: RegExp, limits: { hostMs?: number; cycles?: number } = { hostMs: 30_000 }): GuestEnd | null {
    return this.runUntil(() => pattern.test(stripAnsi(this.output.slice(this.inputMark))), limits);
  }

  /** Run for `ms` milliseconds of emulated time (reports poweroff/panic if it happens). */
  runFor(ms: number): GuestEnd | null {
    const until = this.machine.now + (ms * MACHINE.CPU_CLOCK_HZ) / 1000;
    return this.runUntil(() => this.machine.now >= until);
  }

  close(): void {
    this.disk?.close();
    this.disk = null;
  }
}
