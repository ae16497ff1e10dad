// Unit tests of libs/ext2 without external tools: layout arithmetic, directory packing, and
// writer -> reader round trips of in-memory trees (every node kind, indirect-block boundaries,
// big directories), determinism and the writer's errors. e2fsck/debugfs checks: test/images/.
import { describe, expect, it } from '@jest/globals';
import {
  addStandardDevices, BLOCK_SIZE, blk, buildImage, chr, computeGeometry, dir, Ext2Error, Ext2Reader, fifo, file,
  indirectBlocks, LOST_FOUND_INO, minimumImageSize, packDirectory, put, ROOT_INO, symlink, type DirNode,
} from './index.js';

/** Deterministic pseudo-random bytes (xorshift32). */
function pattern(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const MiB = 1024 * 1024;

describe('layout', () => {
  it('counts indirect blocks at each boundary', () => {
    expect(indirectBlocks(0)).toBe(0);
    expect(indirectBlocks(12)).toBe(0);
    expect(indirectBlocks(13)).toBe(1);
    expect(indirectBlocks(12 + 256)).toBe(1);
    expect(indirectBlocks(12 + 256 + 1)).toBe(3); // single + double + its first single
    expect(indirectBlocks(12 + 256 + 65536)).toBe(1 + 1 + 256);
    expect(indirectBlocks(12 + 256 + 65536 + 1)).toBe(1 + 1 + 256 + 3);
  });

  it('chooses one group per 8 MiB with 2048 inodes each', () => {
    const g = computeGeometry(64 * MiB, 20);
    expect(g).toMatchObject({ blocksCount: 65536, groups: 8, inodesPerGroup: 2048, gdtBlocks: 1, inodeTableBlocks: 256 });
    expect(g.dataBlocks).toBe(65535 - 8 * 260);
    const small = computeGeometry(1 * MiB, 20);
    expect(small).toMatchObject({ blocksCount: 1024, groups: 1, inodesPerGroup: 256 });
    expect(computeGeometry(1 * MiB, 5000).inodesPerGroup).toBe(5000);
    expect(() => computeGeometry(1 * MiB, 9000)).toThrow(Ext2Error);
  });

  it('packs directory entries so that each block is covered exactly', () => {
    const entries = Array.from({ length: 100 }, (_, i) => ({ name: `entry-${'x'.repeat(i % 40)}-${i}`, ino: 12 + i, type: 1 }));
    const blocks = packDirectory(entries);
    let seen = 0;
    for (const b of blocks) {
      const buf = Buffer.from(b);
      let off = 0;
      while (off < BLOCK_SIZE) {
        const rec = buf.readUInt16LE(off + 4);
        expect(rec).toBeGreaterThanOrEqual(8 + buf[off + 6]!);
        expect(rec % 4).toBe(0);
        off += rec;
        seen++;
      }
      expect(off).toBe(BLOCK_SIZE);
    }
    expect(seen).toBe(100);
  });
});

function sampleTree(): DirNode {
  const root = dir();
  put(root, 'etc/motd', file('hello from disco\n'));
  put(root, 'bin/tool', file(pattern(5000, 1), 0o755));
  put(root, 'bin/suid', file('x', 0o4755));
  put(root, 'empty', file(''));
  put(root, 'emptydir', dir({}, 0o700));
  put(root, 'a/b/c/d/e/deep.txt', file('deep'));
  put(root, 'sizes/12blocks', file(pattern(12 * 1024, 2)));
  put(root, 'sizes/13blocks', file(pattern(12 * 1024 + 1, 3)));
  put(root, 'sizes/single-end', file(pattern((12 + 256) * 1024, 4)));
  put(root, 'sizes/double-start', file(pattern((12 + 256) * 1024 + 7, 5)));
  put(root, 'links/fast', symlink('../etc/motd'));
  put(root, 'links/fast59', symlink('y'.repeat(59)));
  put(root, 'links/slow60', symlink('z'.repeat(60)));
  put(root, 'links/slow', symlink('/' + 'long/'.repeat(100) + 'target'));
  put(root, 'links/dir', symlink('/etc'));
  put(root, 'devs/sda', blk(8, 0));
  put(root, 'devs/big', chr(300, 70000, 0o600));
  put(root, 'devs/fifo', fifo(0o600));
  for (let i = 0; i < 300; i++) put(root, `many/file-${String(i).padStart(4, '0')}-with-a-rather-long-name.txt`, file(`#${i}\n`));
  addStandardDevices(root);
  return root;
}

describe('writer and reader round trip', () => {
  const tree = sampleTree();
  const image = buildImage(tree, { sizeBytes: 8 * MiB });
  const r = Ext2Reader.fromBuffer(image.toBuffer());

  it('writes the documented superblock', () => {
    const sb = r.superblock;
    expect(sb).toMatchObject({
      blockSize: 1024, inodeSize: 128, revLevel: 1, firstIno: 11, firstDataBlock: 1, blocksPerGroup: 8192,
      featureCompat: 0, featureIncompat: 2, featureRoCompat: 0, state: 1, mountCount: 0, maxMountCount: -1,
      volumeName: 'disco', writeTime: 876009600, blocksCount: 8192,
    });
    expect(sb.freeBlocks).toBe(image.info.freeBlocks);
    expect(sb.freeInodes).toBe(sb.inodesCount - image.info.usedInodes);
    expect(r.groups.reduce((n, g) => n + g.freeBlocks, 0)).toBe(sb.freeBlocks);
  });

  it('has root, lost+found and the standard devices', () => {
    expect(r.lookup('/')).toBe(ROOT_INO);
    expect(r.lookup('/lost+found')).toBe(LOST_FOUND_INO);
    const lf = r.stat('/lost+found');
    expect(lf).toMatchObject({ kind: 'dir', perm: 0o700, size: 12 * 1024, links: 2 });
    expect(r.readdir('/lost+found')).toEqual([]);
    expect(r.stat('/dev/console')).toMatchObject({ kind: 'chr', perm: 0o600, device: { major: 5, minor: 1 } });
    expect(r.stat('/dev/null').device).toEqual({ major: 1, minor: 3 });
    expect(r.stat('/dev/zero').device).toEqual({ major: 1, minor: 5 });
    expect(r.stat('/dev/tty').device).toEqual({ major: 5, minor: 0 });
    const root = r.stat('/');
    expect(root).toMatchObject({ perm: 0o755, uid: 0, gid: 0 });
    const subdirs = r.readdir('/').filter((e) => e.kind === 'dir').length;
    expect(root.links).toBe(2 + subdirs);
  });

  it('reads back every node of the tree', () => {
    const check = (node: DirNode, path: string): void => {
      const names = r.readdir(path || '/').map((e) => e.name).filter((n) => !(path === '' && n === 'lost+found'));
      expect(names.sort()).toEqual([...node.entries.keys()].sort());
      for (const [name, child] of node.entries) {
        const p = `${path}/${name}`;
        const st = r.stat(p);
        expect({ p, uid: st.uid, gid: st.gid }).toEqual({ p, uid: 0, gid: 0 });
        switch (child.kind) {
          case 'dir':
            expect(st).toMatchObject({ kind: 'dir', perm: child.mode });
            check(child, p);
            break;
          case 'file':
            expect(st).toMatchObject({ kind: 'file', perm: child.mode, size: child.data.length, links: 1 });
            expect(r.readFile(p).equals(Buffer.from(child.data))).toBe(true);
            break;
          case 'symlink':
            expect(st).toMatchObject({ kind: 'symlink', perm: 0o777 });
            expect(r.readlink(p)).toBe(child.target);
            expect(r.isFastSymlink(st)).toBe(Buffer.byteLength(child.target) < 60);
            break;
          case 'chr': case 'blk':
            expect(st).toMatchObject({ kind: child.kind, perm: child.mode, device: { major: child.major, minor: child.minor } });
            break;
          case 'fifo':
            expect(st).toMatchObject({ kind: 'fifo', perm: child.mode });
            break;
        }
      }
    };
    check(tree, '');
  });

  it('follows symlinks in lookups and sees i_blocks including indirect blocks', () => {
    expect(r.readFile('/links/fast').toString()).toBe('hello from disco\n');
    expect(r.readdir('/links/dir').map((e) => e.name)).toEqual(['motd']);
    expect(r.stat('/sizes/12blocks').sectors).toBe(24);
    expect(r.stat('/sizes/13blocks').sectors).toBe(2 * 14);
    expect(r.stat('/sizes/double-start').sectors).toBe(2 * (269 + 3));
    expect(r.stat('/many').size).toBeGreaterThan(12 * 1024); // a directory with an indirect block
    expect(() => r.stat('/nope')).toThrow(Ext2Error);
    expect(r.exists('/etc/motd')).toBe(true);
    expect(r.exists('/etc/motd/x')).toBe(false);
  });

  it('walks the whole tree', () => {
    const paths = [...r.walk()].map((w) => w.path);
    expect(paths[0]).toBe('/');
    expect(paths).toContain('/a/b/c/d/e/deep.txt');
    expect(paths.length).toBe(image.info.usedInodes - 9); // inodes 11.. plus the root
  });
});

describe('determinism and options', () => {
  it('gives identical bytes for identical input and different ones for another timestamp', () => {
    const a = buildImage(sampleTree(), { sizeBytes: 8 * MiB }).toBuffer();
    const b = buildImage(sampleTree(), { sizeBytes: 8 * MiB }).toBuffer();
    expect(a.equals(b)).toBe(true);
    const c = buildImage(sampleTree(), { sizeBytes: 8 * MiB, timestamp: 1_700_000_000 });
    const rc = Ext2Reader.fromBuffer(c.toBuffer());
    expect(rc.stat('/etc/motd').mtime).toBe(1_700_000_000);
    expect(c.info.uuid).not.toBe(buildImage(sampleTree(), { sizeBytes: 8 * MiB }).info.uuid);
  });

  it('takes a UUID and label', () => {
    const uuid = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const img = buildImage(dir(), { sizeBytes: MiB, uuid, label: 'root-disk' });
    const sb = Ext2Reader.fromBuffer(img.toBuffer()).superblock;
    expect(sb.uuid).toBe('00112233-4455-6677-8899-aabbccddeeff');
    expect(sb.volumeName).toBe('root-disk');
  });

  it('sizes the default image to at least 64 MiB and the minimum to whole MiB', () => {
    expect(buildImage(dir()).sizeBytes).toBe(64 * MiB);
    const t = dir([['big', file(pattern(3 * MiB, 9))]]);
    const min = minimumImageSize(t);
    expect(min % MiB).toBe(0);
    expect(() => buildImage(t, { sizeBytes: min })).not.toThrow();
    expect(() => buildImage(t, { sizeBytes: min - MiB })).toThrow(/does not fit.*at least 4 MiB/);
  });
});

describe('writer errors', () => {
  it('rejects bad trees with Ext2Error', () => {
    expect(() => buildImage(dir([['lost+found', file('x')]]), { sizeBytes: MiB })).toThrow(/reserved/);
    expect(() => buildImage(dir([['a/b', file('x')]]), { sizeBytes: MiB })).toThrow(/invalid file name/);
    expect(() => buildImage(dir([['n'.repeat(256), file('x')]]), { sizeBytes: MiB })).toThrow(Ext2Error);
    expect(() => buildImage(dir([['l', symlink('x'.repeat(1024))]]), { sizeBytes: MiB })).toThrow(/symlink target/);
    expect(() => buildImage(dir([['d', chr(5000, 1)]]), { sizeBytes: MiB })).toThrow(/out of range/);
    expect(() => buildImage(dir(), { sizeBytes: 1000 })).toThrow(/multiple of 1024/);
    expect(() => buildImage(dir(), { sizeBytes: 32 * 1024 })).toThrow(/does not fit/);
    expect(() => buildImage(dir(), { sizeBytes: MiB, label: 'x'.repeat(17) })).toThrow(/label/);
  });

  it('accepts an empty lost+found in the tree and replaces it', () => {
    const img = buildImage(dir({ 'lost+found': dir() }), { sizeBytes: MiB });
    expect(Ext2Reader.fromBuffer(img.toBuffer()).stat('/lost+found').perm).toBe(0o700);
  });
});
