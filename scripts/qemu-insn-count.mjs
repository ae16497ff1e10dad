#!/usr/bin/env node
// Runs a static MIPS ELF under qemu-mipsel with an instruction-counting plugin and prints the
// guest's own output plus "instructions: N" on stderr (to size test programs, or to compare with
// bin/disco user --stats). Usage: node scripts/qemu-insn-count.mjs ELF [ARGS...]
import { spawnSync } from 'node:child_process';
import { ensureIcountPlugin, icountQemuArgs } from './lib/qemu-icount.mjs';

const args = process.argv.slice(2);
if (args.length === 0 || args[0] === '-h' || args[0] === '--help') {
  console.error('usage: node scripts/qemu-insn-count.mjs ELF [ARGS...]');
  process.exit(2);
}
const plugin = ensureIcountPlugin();
if (plugin.error) {
  console.error(`qemu-insn-count: ${plugin.error}`);
  process.exit(1);
}
const r = spawnSync('qemu-mipsel', [...icountQemuArgs(plugin.path), ...args], { stdio: 'inherit' });
if (r.error) {
  console.error(`qemu-insn-count: cannot run qemu-mipsel: ${r.error.message} (apt-get install qemu-user)`);
  process.exit(1);
}
process.exit(r.status ?? 128);
