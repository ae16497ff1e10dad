#!/usr/bin/env node
// Writes guest/include/uapi/*.h from libs/machine/src/linux-user/linux-abi.ts (through the
// compiled module in dist/: run `npm run build` first). `--check` writes nothing and exits 1
// when a header is out of date. libs/machine/src/linux-user/linux-abi.spec.ts makes the same check.
import { loadCompiled, writeGenerated } from './lib/generated-files.mjs';

const render = await loadCompiled('dist/libs/machine/src/linux-user/linux-abi-render.js');
writeGenerated(render.renderLinuxAbiHeaders().map(({ path, text }) => ({ path, make: () => text })));
