// Assertions shared by the differential tests: check that the reference run (qemu) behaved as
// expected, and that our run matches it byte for byte, with both runs' details on failure.
import { expect } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { busyboxPath, CROSS_CC, describeRun, discoPath, haveDisco, haveTool, QEMU, repoRoot, type RunResult } from './run.js';
import { existsSync } from 'node:fs';

/** Set DISCO_SKIP_DIFFERENTIAL=1 to skip the differential suites (e.g. on a machine without qemu). */
export const skipDifferential: boolean = process.env.DISCO_SKIP_DIFFERENTIAL === '1';

const INSTALL_HINT =
  'Install them with: apt-get install -y gcc-mipsel-linux-gnu binutils-mipsel-linux-gnu libc6-dev-mipsel-cross qemu-user ' +
  '(.ci/run does this), or set DISCO_SKIP_DIFFERENTIAL=1 to skip the differential tests.';

/** Throws a clear error when a required host tool is missing (the suite must fail, not skip). */
export function requireTools(tools: readonly string[]): void {
  const missing = tools.filter((t) => !haveTool(t));
  if (missing.length) throw new Error(`differential tests need ${missing.join(' and ')}, not found on PATH. ${INSTALL_HINT}`);
}

/** Requirements of the corpus suite: qemu and the cross compiler, then an (idempotent) corpus build. */
export function prepareCorpus(): void {
  requireTools([QEMU, CROSS_CC]);
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build-corpus.mjs')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node scripts/build-corpus.mjs failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
}

/** Requirements of the busybox suite: qemu and build/busybox/busybox. */
export function prepareBusybox(): void {
  requireTools([QEMU]);
  if (!existsSync(busyboxPath)) {
    throw new Error(
      `${busyboxPath} is missing: run \`node scripts/fetch-busybox.mjs\` (as root; it uses dpkg/apt-get to download ` +
        "Debian's busybox-static:mipsel), or set DISCO_SKIP_DIFFERENTIAL=1.",
    );
  }
}

/** Fails with a clear message while bin/disco does not exist yet. */
export function requireDisco(): void {
  if (!haveDisco()) throw new Error(`${discoPath} does not exist: the user-mode runner (bin/disco user) is not written yet`);
}

/** The reference run must have exited normally with `status`, else the harness (not disco) is broken. */
export function expectReference(q: RunResult, status: number): void {
  if (q.timedOut || q.truncated || q.signal !== null || q.status !== status) {
    throw new Error(`reference run under ${QEMU} did not exit with status ${status}: ${describeRun(q)}`);
  }
}

/** True when `b` is valid UTF-8 without NULs or other control characters except tab/CR/LF/ESC. */
function isText(b: Buffer): boolean {
  try {
    const s = new TextDecoder('utf-8', { fatal: true }).decode(b);
    return !/[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f]/.test(s);
  } catch {
    return false;
  }
}

/** Printable form of an output for diffs: text as is, binary as size + hash + first differing bytes. */
function render(b: Buffer, other: Buffer): string {
  if (isText(b) && isText(other)) return b.toString('utf8');
  let at = 0;
  while (at < b.length && at < other.length && b[at] === other[at]) at++;
  const around = b.subarray(Math.max(0, at - 8), at + 24).toString('hex');
  return `<binary: ${b.length} bytes, md5 ${createHash('md5').update(b).digest('hex')}, bytes from ${Math.max(0, at - 8)}: ${around}>`;
}

/** Our run must produce exactly the reference's stdout and exit status. */
export function expectSameRun(ours: RunResult, ref: RunResult): void {
  const view = (r: RunResult, other: RunResult): { status: number | null; signal: string | null; timedOut: boolean; stdout: string } => ({
    status: r.status,
    signal: r.signal,
    timedOut: r.timedOut,
    stdout: render(r.stdout, other.stdout),
  });
  try {
    expect(view(ours, ref)).toEqual(view(ref, ours));
    expect(Buffer.compare(ours.stdout, ref.stdout)).toBe(0);
  } catch (e) {
    if (e instanceof Error) e.message += `\n\nours:      ${describeRun(ours)}\nreference: ${describeRun(ref)}`;
    throw e;
  }
}

/** Our run must exit 0 with exactly `stdout` (for runs qemu-user cannot serve as reference for). */
export function expectOutput(ours: RunResult, stdout: string | Buffer, status = 0): void {
  try {
    const want = Buffer.from(stdout);
    expect({ status: ours.status, signal: ours.signal, stdout: render(ours.stdout, want) }).toEqual({
      status,
      signal: null,
      stdout: render(want, ours.stdout),
    });
    expect(Buffer.compare(ours.stdout, Buffer.from(stdout))).toBe(0);
  } catch (e) {
    if (e instanceof Error) e.message += `\n\nours: ${describeRun(ours)}`;
    throw e;
  }
}
