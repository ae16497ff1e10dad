// Test helpers that run a guest MIPS ELF under the reference emulator (qemu-mipsel) or under our
// user-mode runner (bin/disco user), capturing stdout/stderr/exit status, plus tool detection.
// Both runners get the same fixed environment so guest-visible state matches.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';

/** Repository root (this file is <root>/test/support/run.ts). */
export const repoRoot: string = resolve(import.meta.dirname, '..', '..');
/** Our command line: `bin/disco user ELF ARGS...` runs a static Linux/MIPS program. */
export const discoPath: string = join(repoRoot, 'bin', 'disco');
/** Where scripts/build-corpus.mjs puts the corpus binaries. */
export const corpusBuildDir: string = join(repoRoot, 'build', 'corpus');
/** Where scripts/fetch-busybox.mjs puts Debian's busybox-static for mipsel. */
export const busyboxPath: string = join(repoRoot, 'build', 'busybox', 'busybox');
/** The reference emulator. */
export const QEMU = 'qemu-mipsel';
/** The cross compiler. */
export const CROSS_CC = 'mipsel-linux-gnu-gcc';

export interface RunOptions {
  /** Working directory of the guest (default: the repository root). */
  cwd?: string;
  /** Guest environment (default: `guestEnv()`); replaces, does not extend, the host's. */
  env?: Record<string, string>;
  /** Bytes written to the guest's stdin, which is then closed. Default: stdin is empty. */
  input?: string | Buffer;
  /** Kill the run (SIGKILL) after this many milliseconds. Default 60000. */
  timeoutMs?: number;
  /** Stop collecting (and kill the run) past this many bytes of stdout + stderr. Default 64 MiB. */
  maxOutputBytes?: number;
}

export interface DiscoRunOptions extends RunOptions {
  /** Runner flags placed before the ELF, e.g. ['--stats'] or ['--timed']. */
  flags?: string[];
}

export interface RunResult {
  stdout: Buffer;
  /** stderr decoded as UTF-8 (diagnostics; `--stats` lines from disco). */
  stderr: string;
  /** Exit status, or null when killed by a signal. */
  status: number | null;
  /** Terminating signal name (e.g. 'SIGSEGV'), or null. */
  signal: NodeJS.Signals | null;
  /** True when the run was killed because it exceeded `timeoutMs`. */
  timedOut: boolean;
  /** True when output went past `maxOutputBytes` and the run was killed. */
  truncated: boolean;
  /** Wall-clock time of the run in milliseconds. */
  wallMs: number;
  /** The command line that was run (for failure messages). */
  command: string[];
}

/**
 * The fixed guest environment: the same for qemu and disco so the stack contents match. PATH
 * leads with the directory of the running node binary so a `#!/usr/bin/env node` bin/disco works.
 */
export function guestEnv(): Record<string, string> {
  return {
    PATH: [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(delimiter),
    HOME: '/',
    LC_ALL: 'C',
    TZ: 'UTC',
  };
}

/** True if `name` (a command on PATH, or a path) exists and is executable. */
export function haveTool(name: string): boolean {
  const isExec = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (name.includes('/')) return isExec(isAbsolute(name) ? name : resolve(repoRoot, name));
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExec(join(dir, name))) return true;
  }
  return false;
}

/** True when bin/disco exists (the user-mode runner has been written). */
export function haveDisco(): boolean {
  return existsSync(discoPath);
}

/** Spawns `cmd args`, feeding `input`, collecting output; never rejects (spawn errors become status 127). */
export function runProcess(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const maxOut = opts.maxOutputBytes ?? 64 * 1024 * 1024;
  const command = [cmd, ...args];
  const started = performance.now();
  return new Promise((resolvePromise) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let timedOut = false;
    let truncated = false;
    let settled = false;
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? repoRoot,
      env: opts.env ?? guestEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const finish = (status: number | null, signal: NodeJS.Signals | null, extraErr = ''): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise({
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8') + extraErr,
        status,
        signal,
        timedOut,
        truncated,
        wallMs: performance.now() - started,
        command,
      });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const collect = (into: Buffer[]) => (chunk: Buffer): void => {
      if (truncated) return;
      outBytes += chunk.length;
      if (outBytes > maxOut) {
        truncated = true;
        child.kill('SIGKILL');
        return;
      }
      into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    child.on('error', (e) => finish(127, null, `\n[runProcess] failed to start ${cmd}: ${e.message}\n`));
    child.on('close', (status, signal) => finish(status, signal));
    // The guest may exit without reading stdin: ignore EPIPE on our side.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs a static MIPS ELF under qemu-mipsel (`qemu-mipsel ELF ARGS...`). */
export function runQemu(elf: string, args: readonly string[] = [], opts: RunOptions = {}): Promise<RunResult> {
  return runProcess(QEMU, [elf, ...args], opts);
}

/** Runs a static MIPS ELF under our runner (`<repo>/bin/disco user [flags] ELF ARGS...`). */
export function runDisco(elf: string, args: readonly string[] = [], opts: DiscoRunOptions = {}): Promise<RunResult> {
  return runProcess(discoPath, ['user', ...(opts.flags ?? []), elf, ...args], opts);
}

/** One-line summary of a run for assertion messages. */
export function describeRun(r: RunResult): string {
  const how = r.timedOut ? 'timed out' : r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
  const err = r.stderr.length > 2000 ? r.stderr.slice(0, 2000) + '...' : r.stderr;
  return `${r.command.join(' ')}: ${how} after ${Math.round(r.wallMs)} ms${err ? `\n--- stderr ---\n${err}` : ''}`;
}
