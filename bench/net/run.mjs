#!/usr/bin/env node
// bench/net: DNFS read throughput between two VMs under the monitor (timed mode), three ways:
// whole pages remapped (the default), the same page transfers copied (the subnet's remapping
// turned off), and unaligned 1000-byte inline transfers ("mount -o small", always copied).
// The server exports a file of --mib MiB; the client reads it once with cksum (cold: over the
// wire) with cat > /dev/null and once more (warm: from its page cache), then checks it with cksum. Prints emulated and host seconds, MB/s of
// emulated time and the subnet counters. Never part of npm test.
//   npm run build && node bench/net/run.mjs [--mib 2] [--json FILE]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const dist = (p) => join(ROOT, 'dist', p);
const { buildRootImage } = await import(dist('apps/cli/src/commands/boot-session.js'));
const { MonitorSession } = await import(dist('apps/cli/src/commands/monitor-session.js'));
const { MACHINE } = await import(dist('libs/machine/src/board/memory-map.js'));

const args = process.argv.slice(2);
const opt = (name, def) => (args.includes(name) ? args[args.indexOf(name) + 1] : def);
const mib = Number(opt('--mib', '2'));
const jsonOut = opt('--json', null);

const extra = mkdtempSync(join(tmpdir(), 'net-bench-'));
mkdirSync(join(extra, 'export'));
const data = new Uint8Array(mib * 1024 * 1024);
for (let i = 0, x = 1; i < data.length; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; data[i] = x >>> 16; }
writeFileSync(join(extra, 'export', 'data'), data);

function strip(s) { return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''); }
function run(c, cmd) {
  c.type(cmd + '\n');
  const end = c.waitForPrompt(undefined, { hostMs: 600_000 });
  if (end !== null) throw new Error(`${cmd}: ${JSON.stringify(end)}`);
  return strip(c.recent);
}

const results = [];
for (const mode of ['remapped', 'copied', 'small']) {
  const server = buildRootImage({ adds: [extra] });
  const client = buildRootImage({});
  const s = new MonitorSession({ vms: [{ disk: server.path, memoryMiB: 64 }, { disk: client.path, memoryMiB: 64 }], cpus: 2, timed: true, clock: () => Date.UTC(2026, 0, 1) });
  s.boot();
  const [srv, cli] = s.consoles;
  for (const c of s.consoles) c.waitForPrompt(undefined, { hostMs: 120_000 });
  if (mode === 'copied') s.monitor.net.remapEnabled = false;
  run(srv, 'nfsd /export &');
  run(srv, 'cksum /export/data');   // the server's page cache holds the file: measure the network, not its disk
  run(cli, 'mkdir /mnt');
  run(cli, `mount -t dnfs ${mode === 'small' ? '-o small ' : ''}1:/export /mnt`);
  const row = { mode, mib };
  const mon0 = s.monitor.vmMetrics(cli.vm).cycles.monitor + s.monitor.vmMetrics(srv.vm).cycles.monitor;
  for (const pass of ['cold', 'warm']) {
    const c0 = s.monitor.now, h0 = performance.now();
    run(cli, 'cat /mnt/data > /dev/null');
    const sec = (s.monitor.now - c0) / MACHINE.CPU_CLOCK_HZ;
    row[pass] = { emulatedSec: +sec.toFixed(4), hostSec: +((performance.now() - h0) / 1000).toFixed(2), MBps: +(mib * 1.048576 / sec).toFixed(1) };
  }
  const check = run(cli, 'cksum /mnt/data');
  if (!check.includes(` ${data.length} /mnt/data`)) throw new Error(check);
  const n = s.monitor.vmMetrics(cli.vm).net;
  row.client = { framesReceived: n.framesReceived, bytesCopied: n.bytesCopied, pagesRemapped: n.pagesRemapped, remapCallPages: n.remapCall.pagesRemapped };
  row.monitorCycles = s.monitor.vmMetrics(cli.vm).cycles.monitor + s.monitor.vmMetrics(srv.vm).cycles.monitor - mon0;
  row.serverSharedPages = s.monitor.vmMetrics(srv.vm).sharing.sharedPages;
  results.push(row);
  console.log(JSON.stringify(row));
  s.close();
  server.cleanup();
  client.cleanup();
}
rmSync(extra, { recursive: true, force: true });
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2));
