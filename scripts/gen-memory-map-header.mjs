#!/usr/bin/env node
// Writes guest/include/machine/memory-map.h and the memory-map table of docs/machine.md from
// libs/machine/src/board/memory-map.ts (through the compiled module in dist/: run `npm run build`
// first). `--check` writes nothing and exits 1 if either file is out of date.
// The unit test libs/machine/src/board/memory-map.spec.ts makes the same comparison.
import { loadCompiled, writeGenerated } from './lib/generated-files.mjs';

const render = await loadCompiled('dist/libs/machine/src/board/memory-map-render.js');
writeGenerated([
  { path: 'guest/include/machine/memory-map.h', make: () => render.renderMemoryMapHeader() },
  { path: 'docs/machine.md', make: (old) => render.spliceMemoryMapTable(old) },
]);
