// The DNFS file service between two VMs of the guest kernel under the monitor: VM 0 exports
// /export of its root disk with nfsd, VM 1 (whose disk does not have those files) mounts it
// and reads them. Checksums match the host's for files of several sizes (empty, small, odd,
// many pages, in a subdirectory, a program executed from the mount); whole pages travel
// remapped (server and client caches share machine pages), and a mount with unaligned small
// transfers ("-o small") copies every byte and still reads the same data.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRootImage } from '../../apps/cli/src/commands/boot-session.js';
import { defaultMonitorKernelPath, MonitorSession, type VmConsole } from '../../apps/cli/src/commands/monitor-session.js';
import { runCommand } from './support.js';

const run = (c: VmConsole, cmd: string, hostMs = 120_000): string => runCommand(c, cmd, hostMs);

const skip = !existsSync(defaultMonitorKernelPath()) || process.env.DISCO_SKIP_DIFFERENTIAL === '1';
const suite = skip ? describe.skip : describe;
const root = join(import.meta.dirname, '..', '..');



/** POSIX cksum (CRC-32 0x04C11DB7 MSB first, the length appended, inverted). */
function cksum(data: Uint8Array): number {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[i] = c >>> 0;
  }
  let crc = 0;
  const step = (b: number): void => {
    crc = ((crc << 8) ^ table[((crc >>> 24) ^ b) & 0xff]) >>> 0;
  };
  for (const b of data) step(b);
  for (let l = data.length; l !== 0; l = Math.floor(l / 256)) step(l & 0xff);
  return ~crc >>> 0;
}

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 16;
  }
  return out;
}

suite('DNFS: a file service over the virtual subnet', () => {
  const files: Record<string, Uint8Array> = {
    'big.bin': bytes(200 * 1024 + 123, 1),   // 51 pages: several READPAGES calls
    'odd.txt': bytes(12_345, 2),
    'small': new TextEncoder().encode('hello over the virtual subnet\n'),
    'empty': new Uint8Array(0),
    'sub/deep.txt': bytes(9000, 3),
  };
  let s: MonitorSession;
  let srv: VmConsole;
  let cli: VmConsole;
  const cleanups: (() => void)[] = [];

  beforeAll(() => {
    const extra = mkdtempSync(join(tmpdir(), 'net-nfs-'));
    mkdirSync(join(extra, 'export', 'sub'), { recursive: true });
    for (const [name, data] of Object.entries(files)) writeFileSync(join(extra, 'export', name), data);
    copyFileSync(join(root, 'guest/images/rootfs/bin/echo'), join(extra, 'export', 'echo'));
    const server = buildRootImage({ adds: [extra] });
    const client = buildRootImage({});
    rmSync(extra, { recursive: true, force: true });
    cleanups.push(server.cleanup, client.cleanup);
    s = new MonitorSession({
      vms: [{ disk: server.path, memoryMiB: 32 }, { disk: client.path, memoryMiB: 32 }],
      cpus: 2, clock: () => Date.UTC(2026, 0, 1),
    });
    s.boot();
    [srv, cli] = s.consoles as [VmConsole, VmConsole];
    for (const c of s.consoles) expect(c.waitForPrompt(undefined, { hostMs: 60_000 })).toBeNull();
    run(srv, 'nfsd /export &');
    run(cli, 'mkdir /mnt /mnt2 /mnt3');
  });
  afterAll(() => {
    s?.close();
    for (const c of cleanups) c();
  });

  it('mounts the export and reads every file identically, whole pages remapped', () => {
    expect(run(cli, 'mount -t dnfs 1:/export /mnt')).toBe('');
    const ls = run(cli, 'ls /mnt /mnt/sub');
    for (const n of ['big.bin', 'odd.txt', 'small', 'empty', 'echo', 'sub', 'deep.txt']) expect(ls).toContain(n);
    const before = s.monitor.vmMetrics(cli.vm).net;
    const names = Object.keys(files);
    const out = run(cli, `cksum ${names.map((n) => '/mnt/' + n).join(' ')}`);
    for (const n of names) expect(out).toContain(`${cksum(files[n]!)} ${files[n]!.length} /mnt/${n}\n`);
    const after = s.monitor.vmMetrics(cli.vm).net;
    const pages = names.reduce((a, n) => a + Math.ceil(files[n]!.length / 4096), 0);
    // every data page came remapped in a frame and was remapped again into the cache
    expect(after.pagesRemapped - before.pagesRemapped).toBe(pages);
    expect(after.remapCall.pagesRemapped - before.remapCall.pagesRemapped).toBe(pages);
    // only headers and small replies were copied
    expect(after.bytesCopied - before.bytesCopied).toBeLessThan(pages * 4096 / 4);
    // client and server caches share the machine pages while both run
    expect(s.monitor.vmMetrics(srv.vm).sharing.sharedPages).toBeGreaterThanOrEqual(pages);
    // read again: the data from the client's cache, only the name looked up on the wire
    const frames = after.framesReceived;
    expect(run(cli, 'cksum /mnt/big.bin')).toBe(`${cksum(files['big.bin']!)} ${files['big.bin']!.length} /mnt/big.bin\n`);
    const again = s.monitor.vmMetrics(cli.vm).net;
    expect(again.pagesRemapped).toBe(after.pagesRemapped);
    expect(again.framesReceived - frames).toBeLessThanOrEqual(2);
    expect(run(cli, 'cat /mnt/small')).toBe('hello over the virtual subnet\n');
  });

  it('runs a program from the mount; the mount is read-only; missing files and servers are errors', () => {
    expect(run(cli, '/mnt/echo from the server')).toBe('from the server\n');
    expect(run(cli, 'cat /mnt/nothere')).toMatch(/No such file/);
    expect(run(cli, 'echo x > /mnt/new')).toMatch(/Read-only|Permission denied/);
    expect(run(cli, 'mount -t dnfs 1:/nope /mnt3')).toMatch(/mount: .*Permission denied/);
    expect(run(cli, 'mount -t dnfs 7:/export /mnt3')).toMatch(/mount: .*I\/O error/);
    expect(srv.vm.running && cli.vm.running).toBe(true);
  });

  it('with unaligned small transfers every byte is copied, and the data is the same', () => {
    expect(run(cli, 'mount -t dnfs -o small 1:/export /mnt2')).toBe('');
    const before = s.monitor.vmMetrics(cli.vm).net;
    const out = run(cli, 'cksum /mnt2/big.bin /mnt2/odd.txt /mnt2/sub/deep.txt');
    for (const n of ['big.bin', 'odd.txt', 'sub/deep.txt']) expect(out).toContain(`${cksum(files[n]!)} ${files[n]!.length} /mnt2/${n}\n`);
    const after = s.monitor.vmMetrics(cli.vm).net;
    const size = files['big.bin']!.length + files['odd.txt']!.length + files['sub/deep.txt']!.length;
    expect(after.pagesRemapped).toBe(before.pagesRemapped);
    expect(after.remapCall.pagesRemapped).toBe(before.remapCall.pagesRemapped);
    expect(after.bytesCopied - before.bytesCopied).toBeGreaterThan(size);
  });
});
