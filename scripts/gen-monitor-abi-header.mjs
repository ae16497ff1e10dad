#!/usr/bin/env node
// Writes guest/include/disco/monitor-abi.h from libs/disco/src/abi/monitor-abi.ts (through the
// compiled module in dist/: run `npm run build` first). `--check` writes nothing and exits 1
// when the header is out of date. libs/disco/src/abi/monitor-abi.spec.ts makes the same check.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist/libs/disco/src/abi/monitor-abi-render.js');

let render;
try {
  render = await import(pathToFileURL(compiled).href);
} catch (err) {
  console.error(`cannot load ${compiled} (run \`npm run build\` first): ${err.message}`);
  process.exit(2);
}

const file = join(root, render.MONITOR_ABI_HEADER_PATH);
let old = '';
try {
  old = readFileSync(file, 'utf8');
} catch {
  // new file
}
const next = render.renderMonitorAbiHeader();
if (next === old) process.exit(0);
if (process.argv.includes('--check')) {
  console.error(`out of date: ${file}`);
  process.exit(1);
}
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, next);
console.log(`wrote ${file}`);
