#!/usr/bin/env node
// Writes guest/include/disco/monitor-abi.h from libs/disco/src/abi/monitor-abi.ts (through the
// compiled module in dist/: run `npm run build` first). `--check` writes nothing and exits 1
// when the header is out of date. libs/disco/src/abi/monitor-abi.spec.ts makes the same check.
import { loadCompiled, writeGenerated } from './lib/generated-files.mjs';

const render = await loadCompiled('dist/libs/disco/src/abi/monitor-abi-render.js');
writeGenerated([{ path: render.MONITOR_ABI_HEADER_PATH, make: () => render.renderMonitorAbiHeader() }]);
