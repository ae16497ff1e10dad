// libs/ext2 against e2fsprogs beyond the CLI: a file deep in triple-indirect blocks and unusual
// device numbers checked by e2fsck and debugfs; the reader on images made by mke2fs (1 and 4 KiB
// blocks, with and without FILETYPE) and on an image changed by debugfs the way a guest would.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { closeSync, copyFileSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blk, buildImage, chr, dir, Ext2Reader, fifo, file, put, readHostTree, symlink } from '../../libs/ext2/src/index.js';
import { debugfs, e2fsTools, expectClean, expectSameTree, makeSampleTree, pattern } from './e2fs.js';

const tools = e2fsTools();
if (tools === null) console.warn('reader.spec.ts: DISCO_SKIP_DIFFERENTIAL=1 and e2fsprogs missing: skipping');
const describeTools = tools === null ? describe.skip : describe;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'disco-ext2-'));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('writer output checked by e2fsprogs', () => {
  it('stores a file that needs triple-indirect blocks', () => {
    // 12 direct + 256 single + 65536 double-indirect blocks, then 300 more through the triple one.
    const data = pattern((12 + 256 + 65536 + 300) * 1024 - 123, 99);
    const root = dir({ huge: file(data), tiny: file('tiny\n') });
    const image = buildImage(root);
    const path = join(tmp, 'triple.img');
    image.writeFile(path);
    const r = Ext2Reader.open(path);
    const inode = r.stat('/huge');
    expect(inode.block[14]).not.toBe(0);
    expect(inode.sectors).toBe(2 * (65804 + 300 + 1 + (1 + 256) + (1 + 1 + 2))); // data + single + double + triple levels
    expect(r.readFile('/huge').equals(data)).toBe(true);
    r.close();
    if (tools) {
      expectClean(tools, path);
      expect(debugfs(tools, path, 'cat /huge').equals(data)).toBe(true);
    }
  });

  it('stores device numbers of both encodings, FIFOs and all symlink lengths', () => {
    const root = dir();
    put(root, 'dev/sda', blk(8, 0));
    put(root, 'dev/wide', chr(300, 70000, 0o600));
    put(root, 'run/pipe', fifo(0o600));
    for (const n of [1, 58, 59, 60, 61, 500, 1023]) put(root, `links/len${n}`, symlink('t'.repeat(n)));
    const path = join(tmp, 'devices.img');
    buildImage(root, { sizeBytes: 2 * 1024 * 1024 }).writeFile(path);
    const r = Ext2Reader.open(path);
    expect(r.stat('/dev/wide').device).toEqual({ major: 300, minor: 70000 });
    expect(r.stat('/dev/sda')).toMatchObject({ kind: 'blk', device: { major: 8, minor: 0 } });
    for (const n of [1, 58, 59, 60, 61, 500, 1023]) expect(r.readlink(`/links/len${n}`)).toBe('t'.repeat(n));
    r.close();
    if (tools) {
      expectClean(tools, path);
      expect(debugfs(tools, path, 'stat /dev/wide').toString()).toMatch(/Device major\/minor number: 300:70000/);
      expect(debugfs(tools, path, 'stat /dev/sda').toString()).toMatch(/Type: block special[\s\S]*Device major\/minor number: 08:00/);
      expect(debugfs(tools, path, 'stat /links/len1023').toString()).toMatch(/Size: 1023/);
    }
  });
});

describeTools('the reader on images made by e2fsprogs', () => {
  let src: string;
  beforeAll(() => {
    src = join(tmp, 'src');
    makeSampleTree(src, { bigFile: false });
    rmSync(join(src, 'kept', '.gitkeep'));
    // A sparse file: holes before, between and after two written regions (through every indirect level).
    const fd = openSync(join(src, 'sparse'), 'w');
    writeSync(fd, Buffer.from('middle'), 0, 6, 300_000);
    writeSync(fd, Buffer.from('late'), 0, 4, 40_000_000);
    closeSync(fd);
  });

  it.each([
    ['1 KiB blocks', ['-b', '1024']],
    ['4 KiB blocks', ['-b', '4096']],
    ['no FILETYPE', ['-b', '1024', '-O', '^filetype']],
  ])('reads an mke2fs -d image with %s', (_name, flags) => {
    const path = join(tmp, `mke2fs-${flags.join('')}.img`);
    const mk = spawnSync(tools!.mke2fs, ['-q', '-F', '-t', 'ext2', ...flags, '-d', src, path, '16M'], { encoding: 'utf8' });
    expect({ status: mk.status, stderr: mk.stderr }).toEqual({ status: 0, stderr: '' });
    const r = Ext2Reader.open(path);
    try {
      expect(r.blockSize).toBe(Number(flags[1]));
      expectSameTree(r, src, '/', ['lost+found'], false);
      const holes = r.blockList(r.stat('/sparse')).filter((b) => b === 0).length;
      expect(holes).toBeGreaterThan(1000); // mke2fs -d keeps the holes; the reader gives zeros for them
    } finally {
      r.close();
    }
  });

  it('sees what debugfs -w changed, as it will see what a guest wrote', () => {
    const path = join(tmp, 'guest.img');
    buildImage(readHostTree(src)).writeFile(path);
    const copy = join(tmp, 'guest-before.img');
    copyFileSync(path, copy);
    const payload = join(tmp, 'payload');
    writeFileSync(payload, pattern(300_000, 5));
    debugfs(tools!, path, `write ${payload} /written`, true);
    debugfs(tools!, path, 'mkdir /newdir', true);
    debugfs(tools!, path, 'rm /empty', true);
    debugfs(tools!, path, 'symlink /newdir/link /written', true);
    expectClean(tools!, path);
    const r = Ext2Reader.open(path);
    expect(r.readFile('/written').equals(pattern(300_000, 5))).toBe(true);
    expect(r.readFile('/newdir/link').equals(pattern(300_000, 5))).toBe(true);
    expect(r.exists('/empty')).toBe(false);
    expect(r.stat('/newdir').kind).toBe('dir');
    const before = Ext2Reader.open(copy);
    expect(r.superblock.freeBlocks).toBeLessThan(before.superblock.freeBlocks);
    before.close();
    r.close();
  });
});
