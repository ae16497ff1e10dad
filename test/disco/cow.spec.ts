// Copy-on-write disks and the global disk cache with the real guest kernel (kernel-disco.elf and a
// root image built as the CLI does): two VMs reading the same file from one shared base image
// map the same machine pages, and a write by one is invisible to the other; a persistent COW
// disk keeps its changes across a VM restart and a monitor restart while the base image stays
// unchanged; a non-persistent one loses them at power-off; bad overlays are refused, nothing
// lost; a private disk stays exclusive to one running VM; the footprint accounting adds up.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRootImage } from '../../apps/cli/src/commands/boot-session.js';
import { defaultMonitorKernelPath, MonitorSession, type VmConsole, type VmSpec } from '../../apps/cli/src/commands/monitor-session.js';
import { SHARED_OWNER } from '../../libs/disco/src/memory/memmap.js';
import { Ext2Reader } from '../../libs/ext2/src/reader.js';
import { runCommand as run } from './support.js';

const FIXED_CLOCK = (): number => Date.UTC(2026, 0, 1);
const skip = !existsSync(defaultMonitorKernelPath()) || process.env.DISCO_SKIP_DIFFERENTIAL === '1';
const suite = skip ? describe.skip : describe;



function boot(vms: VmSpec[], cpus = 2): MonitorSession {
  const s = new MonitorSession({ vms: vms.map((v) => ({ memoryMiB: 32, ...v })), cpus, clock: FIXED_CLOCK });
  s.boot();
  for (const c of s.consoles) {
    const end = c.waitForPrompt(undefined, { hostMs: 60_000 });
    if (end !== null) throw new Error(`${c.vm.name}: no prompt: ${JSON.stringify(end)}\n${c.output}`);
  }
  return s;
}

function poweroff(c: VmConsole): void {
  c.type('poweroff\n');
  expect(c.runUntil(() => false, { hostMs: 30_000 })).toEqual({ kind: 'poweroff', code: 0 });
}

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** POSIX cksum (CRC with the length appended), as the guest's cksum prints it. */
function cksum(data: Uint8Array): number {
  let crc = 0;
  const step = (b: number): void => {
    crc ^= b << 24;
    for (let k = 0; k < 8; k++) crc = crc & 0x80000000 ? ((crc << 1) ^ 0x04c11db7) >>> 0 : (crc << 1) >>> 0;
  };
  for (const b of data) step(b);
  for (let n = data.length; n > 0; n = Math.floor(n / 256)) step(n & 0xff);
  return ~crc >>> 0;
}

suite('copy-on-write disks and the global disk cache (guest kernel)', () => {
  let tmp: string;
  let base: { path: string; cleanup: () => void };
  const data = randomBytes(96 * 1024);
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'cow-spec-'));
    const extra = join(tmp, 'extra');
    mkdirSync(join(extra, 'data'), { recursive: true });
    writeFileSync(join(extra, 'data', 'file'), data);
    base = buildRootImage({ adds: [extra] });
  });
  afterAll(() => {
    base?.cleanup();
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  });

  it('two VMs reading one file of a shared base image map the same machine pages; a write by one is invisible to the other', () => {
    const before = sha(base.path);
    const s = boot([{ disk: base.path, diskKind: 'cow' }, { disk: base.path, diskKind: 'cow' }]);
    try {
      const [a, b] = s.consoles as [VmConsole, VmConsole];
      const m = s.monitor;
      const want = `${cksum(data)} ${data.length} /data/file\n`;
      expect(run(a, 'cksum /data/file')).toBe(want);
      const hitsBefore = m.vmMetrics(b.vm).sharing.diskCacheHits;
      expect(run(b, 'cksum /data/file')).toBe(want);
      // The file's pages, by their first sector on the base image: one cache entry each, and
      // that machine page is mapped by both VMs.
      const r = Ext2Reader.open(base.path);
      const blocks = r.blockList(r.stat('/data/file'));
      r.close();
      const pagesOfFile = data.length / 4096;
      expect(blocks.length).toBe(pagesOfFile * 4);
      const dc = m.diskCache as unknown as { entries: Map<number, number> };
      const img = m.disks.baseImage(base.path);
      let sharedBoth = 0;
      for (let p = 0; p < pagesOfFile; p++) {
        const sector = blocks[p * 4]! * 2;
        const mp = dc.entries.get(img.index * 4294967296 + sector);
        expect(mp).toBeDefined();
        expect(m.pages.owner[mp!]).toBe(SHARED_OWNER);
        if (a.vm.pmap.machinePage.includes(mp!) && b.vm.pmap.machinePage.includes(mp!)) sharedBoth++;
      }
      expect(sharedBoth).toBe(pagesOfFile);
      expect(m.vmMetrics(b.vm).sharing.diskCacheHits - hitsBefore).toBeGreaterThanOrEqual(pagesOfFile);
      // The machine footprint is smaller than the virtual one by at least the shared file.
      const fp = m.metrics('t').footprint;
      expect(fp.virtual.total - fp.machine.total).toBeGreaterThanOrEqual(pagesOfFile * 4096);
      expect(fp.machine.bufferCache).toBeLessThan(fp.virtual.bufferCache);

      // A writes the file: its overlay holds the new sectors; B still reads the base contents.
      expect(run(a, 'echo changed-by-a > /data/file && cat /data/file')).toBe('changed-by-a\n');
      expect(run(b, 'cksum /data/file')).toBe(want);
      expect(run(a, 'cat /data/file')).toBe('changed-by-a\n');
      expect(m.vmMetrics(a.vm).disk.sectorsWritten).toBeGreaterThan(0);
      poweroff(a);
      poweroff(b);
    } finally {
      s.close();
    }
    expect(sha(base.path)).toBe(before);
  });

  it('a persistent COW disk keeps its changes across a VM restart and a monitor restart; the base stays unchanged', () => {
    const before = sha(base.path);
    const overlay = join(tmp, 'vm0.cow');
    const spec: VmSpec = { disk: base.path, diskKind: 'cow-persistent', overlay };
    let s = boot([spec]);
    try {
      const c = s.consoles[0]!;
      expect(run(c, 'echo kept-1 > /kept && cat /kept')).toBe('kept-1\n');
      poweroff(c);
      // VM restart on the same monitor.
      s.monitor.startVm(c.vm);
      expect(c.waitForPrompt(undefined, { hostMs: 60_000 })).toBeNull();
      expect(run(c, 'cat /kept')).toBe('kept-1\n');
      expect(run(c, 'echo kept-2 >> /kept')).toBe('');
      poweroff(c);
    } finally {
      s.close();
    }
    expect(sha(base.path)).toBe(before);
    expect(existsSync(overlay)).toBe(true);
    // A new monitor on the same overlay file.
    s = boot([spec]);
    try {
      const c = s.consoles[0]!;
      expect(run(c, 'cat /kept')).toBe('kept-1\nkept-2\n');
      poweroff(c);
    } finally {
      s.close();
    }
    expect(sha(base.path)).toBe(before);

    // A non-persistent COW disk over the same base never saw those changes, and loses its own at power-off.
    s = boot([{ disk: base.path, diskKind: 'cow' }]);
    try {
      const c = s.consoles[0]!;
      expect(run(c, 'cat /kept 2>&1')).toMatch(/No such file/);
      expect(run(c, 'echo gone > /gone && cat /gone')).toBe('gone\n');
      poweroff(c);
      s.monitor.startVm(c.vm);
      expect(c.waitForPrompt(undefined, { hostMs: 60_000 })).toBeNull();
      expect(run(c, 'cat /gone 2>&1')).toMatch(/No such file/);
      poweroff(c);
    } finally {
      s.close();
    }
    expect(sha(base.path)).toBe(before);
  });

  it('refuses a corrupt overlay or one made for another base image, leaving the file as it was', () => {
    const overlay = join(tmp, 'vm0.cow'); // written by the previous test
    const good = readFileSync(overlay);
    const bad = Buffer.from(good);
    bad[good.length - 100] ^= 0x40; // inside the last record's data
    const corrupt = join(tmp, 'corrupt.cow');
    writeFileSync(corrupt, bad);
    expect(() => new MonitorSession({ vms: [{ disk: base.path, diskKind: 'cow-persistent', overlay: corrupt }] })).toThrow(/corrupt\.cow: record checksum mismatch at byte \d+; the file was left as it is/);
    expect(readFileSync(corrupt).equals(bad)).toBe(true);
    const other = buildRootImage({});
    try {
      expect(() => new MonitorSession({ vms: [{ disk: other.path, diskKind: 'cow-persistent', overlay }] })).toThrow(/made for another base image/);
      expect(readFileSync(overlay).equals(good)).toBe(true);
    } finally {
      other.cleanup();
    }
    const junk = join(tmp, 'junk.cow');
    writeFileSync(junk, Buffer.alloc(4096, 7));
    expect(() => new MonitorSession({ vms: [{ disk: base.path, diskKind: 'cow-persistent', overlay: junk }] })).toThrow(/not a Disco COW overlay/);
  });

  it('keeps a private disk, and an overlay file, exclusive to one running VM', () => {
    const img = buildRootImage({});
    const s = new MonitorSession({
      vms: [
        { disk: img.path }, { disk: img.path },
        { disk: base.path, diskKind: 'cow-persistent', overlay: join(tmp, 'x.cow') },
        { disk: base.path, diskKind: 'cow-persistent', overlay: join(tmp, 'x.cow') },
      ],
      cpus: 2, clock: FIXED_CLOCK, machineMiB: 320,
    });
    try {
      s.boot();
      const [a, b, c, d] = s.consoles as [VmConsole, VmConsole, VmConsole, VmConsole];
      expect(a.vm.state).toBe('running');
      expect(b.vm.state).toBe('stopped');
      expect(b.vm.exit).toEqual({ kind: 'fault', reason: expect.stringMatching(/^disk 0: .*root\.img is in use by running VM vm0 \(disk 0, exclusive\)$/) });
      expect(c.vm.state).toBe('running');
      expect(d.vm.exit).toEqual({ kind: 'fault', reason: expect.stringMatching(/x\.cow is in use by running VM vm2/) });
      expect(a.waitForPrompt(undefined, { hostMs: 60_000 })).toBeNull();
      poweroff(a);
      // Once the first VM stopped, the disk is free for the other.
      s.monitor.startVm(b.vm);
      expect(b.vm.state).toBe('running');
      expect(b.waitForPrompt(undefined, { hostMs: 60_000 })).toBeNull();
      s.monitor.killVm(b.vm);
      s.monitor.killVm(c.vm);
    } finally {
      s.close();
      img.cleanup();
    }
  });
});
