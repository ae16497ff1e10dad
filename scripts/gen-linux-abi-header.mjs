#!/usr/bin/env node
// Writes guest/include/uapi/*.h from libs/machine/src/linux-user/linux-abi.ts (through the
// compiled module in dist/: run `npm run build` first). `--check` writes nothing and exits 1
// when a header is out of date. libs/machine/src/linux-user/linux-abi.spec.ts makes the same check.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist/libs/machine/src/linux-user/linux-abi-render.js');

let render;
try {
  render = await import(pathToFileURL(compiled).href);
} catch (err) {
  console.error(`cannot load ${compiled} (run \`npm run build\` first): ${err.message}`);
  process.exit(2);
}

const check = process.argv.includes('--check');
let stale = 0;
for (const { path, text } of render.renderLinuxAbiHeaders()) {
  const file = join(root, path);
  let old = '';
  try {
    old = readFileSync(file, 'utf8');
  } catch {
    // new file
  }
  if (text === old) continue;
  stale++;
  if (check) console.error(`out of date: ${path}`);
  else {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${path}`);
  }
}
process.exit(check && stale > 0 ? 1 : 0);
