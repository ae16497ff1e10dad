// DNFS with eight clients at once (the "8 VMs + NFS" configuration of bench/memory): a ninth
// VM exports /usr/include of the root image (the header tree of pmake -I), eight clients
// mount it and each runs three readers in parallel over every header, so up to 24 requests
// are outstanding at the server. Every client reads the host's bytes, and no request is lost
// or retransmitted: each frame a client sent got exactly one reply (net.c copies page-less
// requests out of the receive descriptors, so a queue of requests does not drop any).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRootImage } from '../../apps/cli/src/commands/boot-session.js';
import { defaultMonitorKernelPath, MonitorSession } from '../../apps/cli/src/commands/monitor-session.js';

const skip = !existsSync(defaultMonitorKernelPath()) || process.env.DISCO_SKIP_DIFFERENTIAL === '1';
const suite = skip ? describe.skip : describe;
const inc = join(import.meta.dirname, '..', '..', 'guest', 'images', 'rootfs', 'usr', 'include');
const HEADERS = ['stdio.h', 'stdlib.h', 'string.h', 'ctype.h', 'signal.h', 'time.h', 'errno.h', 'unistd.h', 'fcntl.h',
  'sys/types.h', 'sys/param.h', 'sys/stat.h', 'sys/times.h'];
const strip = (s: string): string => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r\n/g, '\n');

/** POSIX cksum. */
function cksum(data: Uint8Array): number {
  let crc = 0;
  const step = (b: number): void => {
    crc ^= b << 24;
    for (let k = 0; k < 8; k++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
    crc >>>= 0;
  };
  for (const b of data) step(b);
  for (let l = data.length; l !== 0; l = Math.floor(l / 256)) step(l & 0xff);
  return ~crc >>> 0;
}

suite('DNFS: eight clients of one server', () => {
  let s: MonitorSession;
  let cleanup = (): void => {};

  beforeAll(() => {
    const img = buildRootImage();
    cleanup = img.cleanup;
    s = new MonitorSession({
      vms: Array.from({ length: 9 }, (_, k) => ({ disk: img.path, diskKind: 'cow' as const, memoryMiB: k === 8 ? 32 : 16 })),
      cpus: 4, clock: () => Date.UTC(2026, 0, 1),
    });
    s.boot();
    for (const c of s.consoles) expect(c.waitForPrompt(undefined, { hostMs: 60_000 })).toBeNull();
  });
  afterAll(() => {
    s?.close();
    cleanup();
  });

  it('serves 8 clients with 3 readers each: the same bytes everywhere, no request lost', () => {
    const srv = s.consoles[8]!;
    srv.type('nfsd /usr/include &\n');
    expect(srv.waitForPrompt(undefined, { hostMs: 30_000 })).toBeNull();
    const clients = s.consoles.slice(0, 8);
    for (const c of clients) {
      c.type('mkdir /mnt /tmp; mount -t dnfs 9:/usr/include /mnt\n');
      expect(c.waitForPrompt(undefined, { hostMs: 30_000 })).toBeNull();
    }
    const before = clients.map((c) => s.monitor.vmMetrics(c.vm).net);
    const files = HEADERS.map((h) => `/mnt/${h}`).join(' ');
    for (const c of clients) c.type(`cksum ${files} > /tmp/r1 & cksum ${files} > /tmp/r2 & cksum ${files} > /tmp/r3 & wait; cat /tmp/r1 /tmp/r2 /tmp/r3\n`);
    const t0 = Date.now();
    while (!clients.every((c) => /# $/.test(strip(c.recent)))) {
      s.monitor.run(10_000);
      if (Date.now() - t0 > 240_000) throw new Error('clients did not finish');
    }
    const want = HEADERS.map((h) => {
      const data = readFileSync(join(inc, h));
      return `${cksum(data)} ${data.length} /mnt/${h}`;
    }).join('\n');
    clients.forEach((c, k) => {
      const out = strip(c.recent);
      expect(out).toContain(`${want}\n${want}\n${want}\n`);
      const after = s.monitor.vmMetrics(c.vm).net;
      const sent = after.framesSent - before[k]!.framesSent;
      expect(sent).toBeGreaterThan(HEADERS.length * 3);        // every path walk asks the server
      expect(after.framesReceived - before[k]!.framesReceived).toBe(sent);   // one reply each, no retransmission
    });
    const drops = s.monitor.vmMetrics(srv.vm).net.drops;
    expect(drops.noBuffer + drops.noStation + drops.tooBig).toBe(0);
  });
});
