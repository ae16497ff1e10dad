// Read-only access to an ext2 image (ours or any plain ext2: 1, 2 or 4 KiB blocks, revision 0 or 1,
// with or without FILETYPE): superblock, inodes, block maps with holes, directories, files,
// symlinks and path lookup. Tests use it to check the writer and what a guest wrote to a disk.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import {
  Ext2Error, FEATURE_INCOMPAT_FILETYPE, FEATURE_INCOMPAT_FLEX_BG, FEATURE_INCOMPAT_RECOVER, GROUP_DESC_SIZE, INO, N_DIRECT, ROOT_INO, S_IFBLK, S_IFCHR,
  S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK, SUPERBLOCK_OFFSET, SUPERBLOCK_SIZE,
} from './layout.js';
import { parseDirBlock } from './directory.js';
import { decodeGroupDesc, decodeSuperblock, type GroupDesc, type Superblock } from './structs.js';

export type FileKind = 'file' | 'dir' | 'symlink' | 'chr' | 'blk' | 'fifo' | 'socket' | 'unknown';

export interface Ext2Inode {
  ino: number;
  kind: FileKind;
  /** Full i_mode (type and permission bits). */
  mode: number;
  /** Permission bits (mode & 0o7777). */
  perm: number;
  uid: number;
  gid: number;
  size: number;
  atime: number;
  ctime: number;
  mtime: number;
  dtime: number;
  links: number;
  /** i_blocks: 512-byte sectors held, indirect blocks included. */
  sectors: number;
  flags: number;
  fileAcl: number;
  /** The 15 raw i_block words. */
  block: number[];
  /** Device number of a character or block device. */
  device?: { major: number; minor: number };
}

export interface DirEntry {
  name: string;
  ino: number;
  kind: FileKind;
}

const SUPPORTED_INCOMPAT = FEATURE_INCOMPAT_FILETYPE | FEATURE_INCOMPAT_FLEX_BG | FEATURE_INCOMPAT_RECOVER;
const MAX_SYMLINK_HOPS = 40;

interface Source {
  read(offset: number, length: number): Buffer;
  close(): void;
}

function kindOfMode(mode: number): FileKind {
  switch (mode & S_IFMT) {
    case S_IFREG: return 'file';
    case S_IFDIR: return 'dir';
    case S_IFLNK: return 'symlink';
    case S_IFCHR: return 'chr';
    case S_IFBLK: return 'blk';
    case S_IFIFO: return 'fifo';
    case S_IFSOCK: return 'socket';
    default: return 'unknown';
  }
}

/** Directory entry file type (FT_* in layout.ts) to kind. */
function kindOfFileType(t: number): FileKind {
  return (['unknown', 'file', 'dir', 'chr', 'blk', 'fifo', 'socket', 'symlink'] as const)[t] ?? 'unknown';
}

export class Ext2Reader {
  readonly superblock: Superblock;
  readonly groups: GroupDesc[];
  readonly blockSize: number;
  private readonly hasFileType: boolean;

  private constructor(private readonly src: Source) {
    const sb = decodeSuperblock(src.read(SUPERBLOCK_OFFSET, SUPERBLOCK_SIZE));
    const unsupported = sb.featureIncompat & ~SUPPORTED_INCOMPAT;
    if (unsupported) throw new Ext2Error(`unsupported ext2 incompatible features 0x${unsupported.toString(16)} (ext4 extents, 64bit, meta_bg, ...)`);
    this.superblock = sb;
    this.blockSize = sb.blockSize;
    this.hasFileType = (sb.featureIncompat & FEATURE_INCOMPAT_FILETYPE) !== 0;
    const ngroups = Math.ceil((sb.blocksCount - sb.firstDataBlock) / sb.blocksPerGroup);
    const gdt = src.read((sb.firstDataBlock + 1) * sb.blockSize, ngroups * GROUP_DESC_SIZE);
    this.groups = [];
    for (let g = 0; g < ngroups; g++) this.groups.push(decodeGroupDesc(gdt, g));
  }

  /** A reader over an image held in memory. */
  static fromBuffer(image: Uint8Array): Ext2Reader {
    const buf = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
    return new Ext2Reader({
      read(offset, length) {
        const out = Buffer.alloc(length); // reads past the end give zeros
        if (offset < buf.length) buf.copy(out, 0, offset, Math.min(buf.length, offset + length));
        return out;
      },
      close() {},
    });
  }

  /** A reader over an image file, read on demand; call close() when done. */
  static open(path: string): Ext2Reader {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      return new Ext2Reader({
        read(offset, length) {
          const out = Buffer.alloc(length);
          let done = 0;
          while (done < length && offset + done < size) {
            const n = readSync(fd, out, done, length - done, offset + done);
            if (n === 0) break;
            done += n;
          }
          return out;
        },
        close() {
          closeSync(fd);
        },
      });
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  close(): void {
    this.src.close();
  }

  readBlock(n: number): Buffer {
    if (n >= this.superblock.blocksCount) throw new Ext2Error(`block ${n} is past the end of the filesystem`);
    return this.src.read(n * this.blockSize, this.blockSize);
  }

  /** Decodes inode `ino` (1-based). */
  inode(ino: number): Ext2Inode {
    const sb = this.superblock;
    if (!Number.isInteger(ino) || ino < 1 || ino > sb.inodesCount) throw new Ext2Error(`inode ${ino} out of range`);
    const g = Math.floor((ino - 1) / sb.inodesPerGroup);
    const index = (ino - 1) % sb.inodesPerGroup;
    const b = this.src.read(this.groups[g]!.inodeTable * this.blockSize + index * sb.inodeSize, 128);
    const mode = b.readUInt16LE(INO.MODE);
    const kind = kindOfMode(mode);
    const block: number[] = [];
    for (let i = 0; i < 15; i++) block.push(b.readUInt32LE(INO.BLOCK + 4 * i));
    const sizeHigh = kind === 'file' ? b.readUInt32LE(INO.SIZE_HIGH) : 0;
    const inode: Ext2Inode = {
      ino,
      kind,
      mode,
      perm: mode & 0o7777,
      uid: b.readUInt16LE(INO.UID) | (b.readUInt16LE(120) << 16),
      gid: b.readUInt16LE(INO.GID) | (b.readUInt16LE(122) << 16),
      size: b.readUInt32LE(INO.SIZE) + sizeHigh * 2 ** 32,
      atime: b.readUInt32LE(INO.ATIME),
      ctime: b.readUInt32LE(INO.CTIME),
      mtime: b.readUInt32LE(INO.MTIME),
      dtime: b.readUInt32LE(INO.DTIME),
      links: b.readUInt16LE(INO.LINKS_COUNT),
      sectors: b.readUInt32LE(INO.BLOCKS),
      flags: b.readUInt32LE(INO.FLAGS),
      fileAcl: b.readUInt32LE(INO.FILE_ACL),
      block,
    };
    if (kind === 'chr' || kind === 'blk') {
      if (block[0] !== 0) inode.device = { major: (block[0]! >> 8) & 0xff, minor: block[0]! & 0xff };
      else {
        const d = block[1]!;
        inode.device = { major: (d >> 8) & 0xfff, minor: (d & 0xff) | ((d >>> 12) & 0xfff00) };
      }
    }
    return inode;
  }

  /** True when the symlink keeps its target inside i_block. */
  isFastSymlink(inode: Ext2Inode): boolean {
    const aclSectors = inode.fileAcl ? this.blockSize / 512 : 0;
    return inode.kind === 'symlink' && inode.sectors - aclSectors === 0;
  }

  /** Physical block of each logical block of the inode's data (0 for a hole). */
  blockList(inode: Ext2Inode): number[] {
    const count = Math.ceil(inode.size / this.blockSize);
    const out: number[] = [];
    const p = this.blockSize / 4;
    const ptrs = (b: number): Buffer | null => (b === 0 ? null : this.readBlock(b));
    const walk = (table: Buffer | null, depth: number): void => {
      for (let i = 0; i < p && out.length < count; i++) {
        const b = table === null ? 0 : table.readUInt32LE(4 * i);
        if (depth === 0) out.push(b);
        else if (b === 0) {
          const span = p ** depth; // a hole in an indirect level covers span logical blocks
          for (let k = 0; k < span && out.length < count; k++) out.push(0);
        } else walk(ptrs(b), depth - 1);
      }
    };
    for (let i = 0; i < N_DIRECT && out.length < count; i++) out.push(inode.block[i]!);
    for (let level = 0; level < 3 && out.length < count; level++) {
      const b = inode.block[N_DIRECT + level]!;
      if (b === 0) {
        const span = p ** (level + 1);
        for (let k = 0; k < span && out.length < count; k++) out.push(0);
      } else walk(ptrs(b), level);
    }
    return out;
  }

  /** The bytes of an inode's data (regular file, directory or slow symlink). */
  readInodeData(inode: Ext2Inode): Buffer {
    if (this.isFastSymlink(inode)) {
      const raw = Buffer.alloc(60);
      inode.block.forEach((w, i) => raw.writeUInt32LE(w, 4 * i));
      return raw.subarray(0, inode.size);
    }
    const out = Buffer.alloc(inode.size);
    this.blockList(inode).forEach((b, l) => {
      if (b !== 0) this.readBlock(b).copy(out, l * this.blockSize);
    });
    return out;
  }

  /** All entries of directory inode `ino`, "." and ".." included. */
  readdirInode(ino: number): DirEntry[] {
    const inode = this.inode(ino);
    if (inode.kind !== 'dir') throw new Ext2Error(`inode ${ino} is not a directory`);
    const data = this.readInodeData(inode);
    const out: DirEntry[] = [];
    for (let base = 0; base < data.length; base += this.blockSize) {
      const block = data.subarray(base, base + this.blockSize);
      for (const e of parseDirBlock(block, this.blockSize, this.hasFileType, `directory inode ${ino}`)) {
        const kind = this.hasFileType ? kindOfFileType(e.type) : this.inode(e.ino).kind;
        out.push({ name: e.name, ino: e.ino, kind });
      }
    }
    return out;
  }

  /** Inode number of `path` (absolute, from the root). Intermediate symlinks are followed; the last one only with follow. */
  lookup(path: string, follow = false): number {
    let hops = 0;
    const resolve = (dirIno: number, parts: string[], followLast: boolean): number => {
      let cur = dirIno;
      for (let i = 0; i < parts.length; i++) {
        const name = parts[i]!;
        const here = this.inode(cur);
        if (here.kind !== 'dir') throw new Ext2Error(`${path}: not a directory`);
        const e = this.readdirInode(cur).find((d) => d.name === name);
        if (e === undefined) throw new Ext2Error(`${path}: no such file or directory`);
        const last = i === parts.length - 1;
        if (e.kind === 'symlink' && (!last || followLast)) {
          if (++hops > MAX_SYMLINK_HOPS) throw new Ext2Error(`${path}: too many levels of symbolic links`);
          const target = this.readInodeData(this.inode(e.ino)).toString('utf8');
          const tparts = target.split('/').filter((p) => p !== '' && p !== '.');
          cur = resolve(target.startsWith('/') ? ROOT_INO : cur, tparts, true);
        } else {
          cur = e.ino;
        }
      }
      return cur;
    };
    return resolve(ROOT_INO, path.split('/').filter((p) => p !== '' && p !== '.'), follow);
  }

  exists(path: string): boolean {
    try {
      this.lookup(path);
      return true;
    } catch (e) {
      if (e instanceof Ext2Error) return false;
      throw e;
    }
  }

  /** The inode at `path`; like lstat unless follow is set. */
  stat(path: string, follow = false): Ext2Inode {
    return this.inode(this.lookup(path, follow));
  }

  /** Entries of the directory at `path` (following symlinks), without "." and "..". */
  readdir(path: string): DirEntry[] {
    return this.readdirInode(this.lookup(path, true)).filter((e) => e.name !== '.' && e.name !== '..');
  }

  /** Contents of the regular file at `path` (following symlinks). */
  readFile(path: string): Buffer {
    const inode = this.stat(path, true);
    if (inode.kind !== 'file') throw new Ext2Error(`${path}: not a regular file (${inode.kind})`);
    return this.readInodeData(inode);
  }

  /** Target of the symlink at `path`. */
  readlink(path: string): string {
    const inode = this.stat(path);
    if (inode.kind !== 'symlink') throw new Ext2Error(`${path}: not a symbolic link`);
    return this.readInodeData(inode).toString('utf8');
  }

  /** Every path under `start` (depth first, entries in directory order), with its inode; `start` itself first. */
  *walk(start = '/'): Generator<{ path: string; inode: Ext2Inode }> {
    const base = start.endsWith('/') ? start.slice(0, -1) : start;
    const ino = this.lookup(start, true);
    yield { path: base === '' ? '/' : base, inode: this.inode(ino) };
    const visit = function* (self: Ext2Reader, dirIno: number, prefix: string): Generator<{ path: string; inode: Ext2Inode }> {
      for (const e of self.readdirInode(dirIno)) {
        if (e.name === '.' || e.name === '..') continue;
        const path = `${prefix}/${e.name}`;
        const inode = self.inode(e.ino);
        yield { path, inode };
        if (inode.kind === 'dir') yield* visit(self, e.ino, path);
      }
    };
    yield* visit(this, ino, base);
  }
}
