// COW disk pieces without a guest: the persistent overlay file (round trip, reopen, compaction,
// torn and corrupt records refused with the file untouched), reads composed from base and
// overlay, and the disk cache's limit and reclaim under memory pressure.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBlockBackend } from '../../../machine/src/devices/block/block.backend.js';
import { MachinePages } from '../memory/memmap.js';
import { CowDisk, crc32, FileBaseImage, FileOverlay, MemoryOverlay, OverlayError } from './cow-disk.js';
import { DiskCache } from './disk-cache.js';

function withBase(fn: (dir: string, base: FileBaseImage) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'cow-unit-'));
  const path = join(dir, 'base.img');
  const bytes = Buffer.alloc(64 * 512);
  for (let s = 0; s < 64; s++) bytes.writeUInt32LE(s, s * 512);
  writeFileSync(path, bytes);
  const base = new FileBaseImage(0, path, path, new FileBlockBackend(path, { readOnly: true }));
  try {
    fn(dir, base);
  } finally {
    base.backend.close?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

const sectorWord = (disk: CowDisk, s: number): number => {
  const b = new Uint8Array(512);
  disk.read(s, 1, b);
  return new DataView(b.buffer).getUint32(0, true);
};

const filled = (count: number, word: number): Uint8Array => {
  const b = Buffer.alloc(count * 512);
  for (let i = 0; i < count; i++) b.writeUInt32LE(word + i, i * 512);
  return b;
};

describe('COW disk overlays', () => {
  it('computes CRC-32 (IEEE)', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('composes reads from the base and a memory overlay; discard drops the changes', () => {
    withBase((_dir, base) => {
      const d = new CowDisk(base, new MemoryOverlay());
      d.write(10, filled(2, 0xaa00));
      expect([9, 10, 11, 12].map((s) => sectorWord(d, s))).toEqual([9, 0xaa00, 0xaa01, 12]);
      const big = new Uint8Array(8 * 512);
      d.read(8, 8, big);
      expect(new DataView(big.buffer).getUint32(2 * 512, true)).toBe(0xaa00);
      expect(d.written(8, 8)).toBe(true);
      expect(d.written(16, 8)).toBe(false);
      d.overlay.discard();
      expect(sectorWord(d, 10)).toBe(10);
    });
  });

  it('keeps a persistent overlay across reopen, compacts it, and never touches the base', () => {
    withBase((dir, base) => {
      const path = join(dir, 'o.cow');
      const baseBytes = readFileSync(base.path);
      let o = FileOverlay.open(path, base);
      for (let k = 0; k < 600; k++) o.write(5, filled(4, k * 16)); // many dead records
      o.write(40, filled(3, 0xbeef0));
      const bytesBefore = o.fileBytes;
      o.close(); // compacts: most of the log is dead
      expect(statSync(path).size).toBeLessThan(bytesBefore / 10);
      o = FileOverlay.open(path, base);
      const d = new CowDisk(base, o);
      expect([4, 5, 8, 9, 40, 42, 43].map((s) => sectorWord(d, s))).toEqual([4, 599 * 16, 599 * 16 + 3, 9, 0xbeef0, 0xbeef2, 43]);
      expect(o.sectorsWritten).toBe(7);
      o.close();
      expect(readFileSync(base.path).equals(baseBytes)).toBe(true);
    });
  });

  it('refuses torn, corrupt or foreign overlay files and leaves them as they are', () => {
    withBase((dir, base) => {
      const path = join(dir, 'o.cow');
      const o = FileOverlay.open(path, base);
      o.write(1, filled(2, 7));
      o.write(3, filled(1, 9));
      o.close();
      const good = readFileSync(path);
      const check = (bytes: Buffer, re: RegExp): void => {
        const p = join(dir, 'bad.cow');
        writeFileSync(p, bytes);
        expect(() => FileOverlay.open(p, base)).toThrow(OverlayError);
        expect(() => FileOverlay.open(p, base)).toThrow(re);
        expect(readFileSync(p).equals(bytes)).toBe(true);
      };
      check(good.subarray(0, good.length - 10), /truncated record at byte 1552 \(1 sectors\); the file was left as it is/);
      const flipped = Buffer.from(good);
      flipped[512 + 16 + 3] ^= 1;
      check(flipped, /record checksum mismatch at byte 512/);
      const hdr = Buffer.from(good);
      hdr[20] = 1;
      check(hdr, /header checksum mismatch/);
      const magic = Buffer.from(good);
      magic.write('XXXX', 512 + 1040, 'latin1');
      check(magic, /bad record magic at byte 1552/);
      check(Buffer.alloc(100), /too short/);
      // A different base (same size, other contents).
      const other = join(dir, 'other.img');
      writeFileSync(other, Buffer.alloc(64 * 512, 1));
      const ob = new FileBaseImage(1, other, other, new FileBlockBackend(other, { readOnly: true }));
      expect(() => FileOverlay.open(path, ob)).toThrow(/made for another base image/);
      ob.backend.close?.();
      truncateSync(path, good.length);
      expect(readFileSync(path).equals(good)).toBe(true);
    });
  });
});

describe('the global disk cache', () => {
  it('evicts the least recently used entry over its limit and gives references back under memory pressure', () => {
    const pages = new MachinePages(64 * 4096 * 16, 1); // 1024 pages
    const cache = new DiskCache(pages, 3, 0);
    const img = { index: 0, identity: 'x' };
    const take = (sector: number): number => {
      const p = pages.alloc(0, 0, sector);
      pages.makeShared(p, 1); // the cache's reference only
      expect(cache.admit()).toBe(true);
      cache.insert(img, sector, p);
      return p;
    };
    const a = take(0);
    take(8);
    take(16);
    expect(cache.lookup(img, 0)).toBe(a); // 0 is now the most recent
    take(24); // evicts 8
    expect(cache.has(img, 8)).toBe(false);
    expect(cache.has(img, 0)).toBe(true);
    expect(cache.stats()).toMatchObject({ pages: 3, evictions: 1, hits: 1 });
    // Memory exhausted: alloc() asks the cache to give pages back.
    pages.reclaim = (n) => cache.reclaim(n);
    let got = 0;
    while (pages.alloc(0, 0, 0) >= 0) got++;
    expect(cache.size).toBe(0);
    expect(got).toBe(1024 - 3 + 3);
  });
});
