// Entry point of the Linux user-mode runner (`disco user`): builds the kernel, starts the ELF as
// the first process with the host's stdio, environment and cwd, runs every process to the end
// and reports the exit status plus instruction/cycle counts.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CacheModel } from '../cache/cache-model.js';
import type { MemoryTiming } from '../cpu/cpu.js';
import { E } from './abi.js';
import { execProgram, setupStdio } from './exec.js';
import { Kernel } from './kernel.js';
import { explainNotExecutable } from './loader.js';
import { ttyRestore } from './tty.js';

export interface UserRunOptions {
  /** Path of the static MIPS ELF (host path; relative to the host cwd). */
  elf: string;
  /** argv[1..]. */
  args: string[];
  /** Environment (default: the host's). */
  env?: NodeJS.ProcessEnv;
  /** Host fds for the guest's 0, 1, 2 (default 0, 1, 2). */
  stdio?: [number, number, number];
  /** Timed mode: charge every memory access to the cache model. */
  timed?: boolean;
  /** Trace syscalls to the stderr fd. */
  strace?: boolean;
  /** Guest memory pool in bytes (default 512 MiB, or DISCO_USER_MEMORY_MB). */
  memoryBytes?: number;
}

export interface UserRunResult {
  /** The command's exit status (128+N when the first process died of signal N). */
  status: number;
  instructions: number;
  cycles: number;
  seconds: number;
}

const DEFAULT_MEMORY = 512 * 1024 * 1024;

export function runUser(opts: UserRunOptions): UserRunResult {
  const started = performance.now();
  const envMb = Number(process.env.DISCO_USER_MEMORY_MB);
  const memoryBytes = opts.memoryBytes ?? (envMb > 0 ? Math.ceil(envMb) * 1024 * 1024 : DEFAULT_MEMORY);
  // Timed mode hook: one cache for the (single, time-shared) CPU of the user-mode machine.
  const timing: MemoryTiming | null = opts.timed ? new CacheModel({ cpus: 1, nodes: 1, memoryBytes }) : null;
  const k = new Kernel({ stdio: opts.stdio, timing, memoryBytes, strace: opts.strace });
  const p = k.newProcess(null);
  k.init = p;
  setupStdio(k, p);
  const env = opts.env ?? process.env;
  const envp = Object.entries(env)
    .filter(([, v]) => v !== undefined)
    .map(([name, v]) => Buffer.from(`${name}=${v}`));
  const argv = [opts.elf, ...opts.args].map((s) => Buffer.from(s));
  // Guest file modes get the guest umask only: clear the host's while we run.
  let hostMask: number | null = null;
  try {
    hostMask = process.umask(0);
    p.umask = hostMask;
  } catch {
    hostMask = null;
  }
  try {
    const err = execProgram(k, p, resolve(opts.elf), argv, envp, Buffer.from(opts.elf));
    if (err !== 0) {
      k.warn(`disco: cannot run ${opts.elf}: ${err === E.NOEXEC ? explainFile(opts.elf) : errnoText(err)}\n`);
      return { status: err === E.NOENT ? 127 : 126, instructions: 0, cycles: 0, seconds: (performance.now() - started) / 1000 };
    }
    const status = k.run();
    const t = k.totals();
    return { status, instructions: t.instructions, cycles: t.cycles, seconds: (performance.now() - started) / 1000 };
  } finally {
    ttyRestore();
    if (hostMask !== null) process.umask(hostMask);
  }
}

/** The detailed reason a file the loader refused cannot run (it could be read a moment ago). */
function explainFile(path: string): string {
  try {
    return explainNotExecutable(readFileSync(path));
  } catch {
    return errnoText(E.NOEXEC);
  }
}

function errnoText(e: number): string {
  switch (e) {
    case E.NOENT:
      return 'No such file or directory';
    case E.ACCES:
      return 'Permission denied';
    case E.NOEXEC:
      return 'not a static MIPS32 little-endian o32 executable (Exec format error)';
    case E.TOOBIG:
      return 'Argument list too long';
    default:
      return `error ${e}`;
  }
}
