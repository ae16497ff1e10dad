// Builds (once) the QEMU instruction-counting plugin from qemu-icount-plugin.c with the host gcc
// into build/qemu-icount/libicount.so, and runs guests under qemu-mipsel with it. Shared by
// scripts/qemu-insn-count.mjs and bench/cpu-speed/run.mjs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SRC = join(import.meta.dirname, 'qemu-icount-plugin.c');
export const ICOUNT_PLUGIN = join(ROOT, 'build', 'qemu-icount', 'libicount.so');

function mtime(p) {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
}

/** Returns the plugin path, building it if needed; returns { error } when the host gcc fails. */
export function ensureIcountPlugin(cc = process.env.HOST_CC || 'gcc') {
  if (mtime(ICOUNT_PLUGIN) >= mtime(SRC)) return { path: ICOUNT_PLUGIN };
  mkdirSync(join(ROOT, 'build', 'qemu-icount'), { recursive: true });
  const tmp = `${ICOUNT_PLUGIN}.tmp-${process.pid}`;
  const r = spawnSync(cc, ['-O2', '-shared', '-fPIC', '-fvisibility=hidden', '-o', tmp, SRC], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    return { error: `building the qemu plugin with ${cc} failed: ${r.error ? r.error.message : r.stderr}` };
  }
  renameSync(tmp, ICOUNT_PLUGIN);
  return { path: ICOUNT_PLUGIN };
}

/** Arguments for qemu-mipsel that load the plugin (put them before the ELF). */
export function icountQemuArgs(pluginPath) {
  return ['-plugin', pluginPath];
}

/** Extracts N from an "instructions: N" line (as printed by the plugin and by bin/disco --stats). */
export function parseInstructions(stderr) {
  const m = /^instructions:\s*(\d+)\s*$/m.exec(stderr);
  return m ? Number(m[1]) : null;
}
