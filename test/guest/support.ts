// Helpers of the guest-kernel tests: root images (the committed userland, plus busybox and
// the kernel's own test programs when asked), booting the committed kernel on the bare
// machine, typing commands and reading back what they printed, and e2fsck.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  buildRootImage, defaultKernelPath, GuestSession, type GuestEnd, type GuestOptions,
} from '../../apps/cli/src/commands/boot-session.js';
import { busyboxPath, repoRoot } from '../support/run.js';

export { GuestSession, type GuestEnd };

export const kernelPath = defaultKernelPath();
export const progsDir = join(repoRoot, 'test', 'guest', 'progs');
export const scriptsDir = join(repoRoot, 'test', 'guest', 'scripts');
const CROSS_CC = 'mipsel-linux-gnu-gcc';
/** Fixed wall clock for repeatable runs: 2026-01-01. */
export const FIXED_CLOCK = (): number => Date.UTC(2026, 0, 1);

export function requireBusybox(): string {
  if (!existsSync(busyboxPath)) {
    throw new Error(`${busyboxPath} is missing: run \`node scripts/fetch-busybox.mjs\` first`);
  }
  return busyboxPath;
}

/** Build test/guest/progs/*.c (each with start.S) into dir/bin. */
export function buildProgs(dir: string): string[] {
  const out = join(dir, 'bin');
  mkdirSync(out, { recursive: true });
  const names = readdirSync(progsDir).filter((f) => f.endsWith('.c')).map((f) => basename(f, '.c')).sort();
  for (const n of names) {
    execFileSync(CROSS_CC, [
      '-march=mips32r2', '-EL', '-mabi=32', '-static', '-nostdlib', '-ffreestanding', '-fno-pic', '-mno-abicalls',
      '-G0', '-O2', '-Wall', '-Wno-array-bounds', '-Wl,--build-id=none', '-o', join(out, n),
      join(progsDir, 'start.S'), join(progsDir, `${n}.c`),
    ], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return names;
}

export interface ImageOptions {
  busybox?: boolean;
  progs?: boolean;
  /** test/guest/scripts/*.sh copied to /scripts */
  scripts?: boolean;
  sizeMiB?: number;
}

/** A temporary root image: the userland, optionally busybox (/bin/busybox, /bb/sh) and the progs. */
export function makeImage(opts: ImageOptions = {}): { path: string; cleanup: () => void } {
  const extra = mkdtempSync(join(tmpdir(), 'disco-guest-extra-'));
  try {
    mkdirSync(join(extra, 'bin'), { recursive: true });
    if (opts.busybox) {
      copyFileSync(requireBusybox(), join(extra, 'bin', 'busybox'));
      mkdirSync(join(extra, 'bb'));
      symlinkSync('/bin/busybox', join(extra, 'bb', 'sh'));
    }
    if (opts.progs) buildProgs(extra);
    if (opts.scripts) {
      mkdirSync(join(extra, 'scripts'));
      for (const f of readdirSync(scriptsDir)) copyFileSync(join(scriptsDir, f), join(extra, 'scripts', f));
    }
    return buildRootImage({ adds: [extra], ...(opts.sizeMiB !== undefined ? { sizeMiB: opts.sizeMiB } : {}) });
  } finally {
    rmSync(extra, { recursive: true, force: true });
  }
}

export type BootOptions = Omit<GuestOptions, 'kernel' | 'disk'>;

/** Boot the committed kernel on `disk` and wait for the first shell prompt. */
export function bootToPrompt(disk: string, opts: BootOptions = {}): GuestSession {
  const s = new GuestSession({ kernel: kernelPath, disk, clock: FIXED_CLOCK, ...opts });
  s.boot();
  const end = s.waitForPrompt(undefined, { hostMs: 30_000 });
  if (end !== null) throw new Error(`no shell prompt: ${JSON.stringify(end)}\n${s.output}`);
  return s;
}

function stripAnsi(s: string): string {
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

/**
 * Type `cmd` at the prompt and return what it printed (the echoed command line and the next
 * prompt removed, "\r\n" turned into "\n"). Throws if the guest powers off, panics or hangs.
 */
export function run(s: GuestSession, cmd: string, limits: { hostMs?: number } = { hostMs: 60_000 }): string {
  s.type(cmd + '\n');
  const end = s.waitForPrompt(undefined, limits);
  if (end !== null) throw new Error(`"${cmd}": ${JSON.stringify(end)}\n${s.output.slice(-2000)}`);
  const text = stripAnsi(s.recent).replace(/\r\n/g, '\n');
  const lines = text.split('\n');
  lines.shift();                 /* the echo of the command */
  lines.pop();                   /* the new prompt */
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}

/** Type `cmd` (e.g. poweroff) and run until the machine powers off. */
export function powerOff(s: GuestSession, cmd = 'poweroff'): GuestEnd {
  s.type(cmd + '\n');
  const end = s.runUntil(() => false, { hostMs: 30_000, stopOnReset: true });
  s.close();
  if (end === null) throw new Error('unreachable');
  return end;
}

/** Debian's e2fsck -fn: exit status and output. */
export function e2fsck(image: string): { status: number; output: string } {
  const r = spawnSync('e2fsck', ['-fn', image], { encoding: 'utf8' });
  if (r.error) throw new Error(`e2fsck: ${r.error.message} (apt-get install e2fsprogs)`);
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}
