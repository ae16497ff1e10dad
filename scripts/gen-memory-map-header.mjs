#!/usr/bin/env node
// Writes guest/include/machine/memory-map.h and the memory-map table of docs/machine.md from
// libs/machine/src/board/memory-map.ts (through the compiled module in dist/: run `npm run build`
// first). `--check` writes nothing and exits 1 if either file is out of date.
// The unit test libs/machine/src/board/memory-map.spec.ts makes the same comparison.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist/libs/machine/src/board/memory-map-render.js');

let render;
try {
  render = await import(pathToFileURL(compiled).href);
} catch (err) {
  console.error(`cannot load ${compiled} (run \`npm run build\` first): ${err.message}`);
  process.exit(2);
}

const check = process.argv.includes('--check');
const targets = [
  { file: join(root, 'guest/include/machine/memory-map.h'), make: () => render.renderMemoryMapHeader() },
  { file: join(root, 'docs/machine.md'), make: (old) => render.spliceMemoryMapTable(old) },
];

let stale = 0;
for (const { file, make } of targets) {
  let old = '';
  try {
    old = readFileSync(file, 'utf8');
  } catch {
    // new file
  }
  const next = make(old);
  if (next === old) continue;
  stale++;
  if (check) console.error(`out of date: ${file}`);
  else {
    writeFileSync(file, next);
    console.log(`wrote ${file}`);
  }
}
process.exit(check && stale > 0 ? 1 : 0);
