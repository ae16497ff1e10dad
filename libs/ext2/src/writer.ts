// Builds an ext2 image (the format of docs/images.md) from an in-memory tree, deterministically:
// inodes numbered in sorted depth-first order (root 2, lost+found 11, the rest from 12), blocks
// allocated sequentially from the first free block, fixed timestamps, a UUID hashed from the
// content. Same tree and options give the same bytes.
import { createHash } from 'node:crypto';
import { Ext2Image, type ImageInfo } from './image.js';
import {
  BLOCK_SIZE, BLOCKS_PER_GROUP, computeGeometry, Ext2Error, FAST_SYMLINK_MAX,
  FIRST_INO, FT_BLKDEV, FT_CHRDEV, FT_DIR, FT_FIFO, FT_REG_FILE, FT_SYMLINK, groupBlocks, groupStart,
  indirectBlocks, INO, INODE_SIZE, LOST_FOUND_BLOCKS, LOST_FOUND_INO, MAX_FILE_SIZE, N_BLOCK_PTRS, N_DIRECT,
  PTRS_PER_BLOCK, ROOT_INO, SB, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFREG, type Geometry,
} from './layout.js';
import { emptyDirBlock, packDirectory } from './directory.js';
import { encodeGroupDesc, encodeSuperblock } from './structs.js';
import { checkName, type DirNode, type Ext2Node } from './tree.js';

/** Timestamp of every inode and superblock time field unless told otherwise: 1997-10-05 (SOSP '97). */
export const DEFAULT_TIMESTAMP = 876009600;
/** Smallest default image size. */
export const DEFAULT_MIN_SIZE = 64 * 1024 * 1024;
const MiB = 1024 * 1024;

export interface WriteOptions {
  /** Image size in bytes (a multiple of 1024); default: defaultImageSize(root). */
  sizeBytes?: number;
  /** Seconds since the epoch for all time fields; default DEFAULT_TIMESTAMP. */
  timestamp?: number;
  /** 16-byte filesystem UUID; default: derived from the image content. */
  uuid?: Uint8Array;
  /** Volume label, at most 16 bytes; default "disco". */
  label?: string;
}

/** One inode to write: its node, number, parent, the content of its blocks. */
interface Item {
  ino: number;
  node: Ext2Node | LostFound;
  parent: number;
  /** Content of each data block (directories: packed entries; files: slices; slow symlink: target). */
  blocks: Uint8Array[];
  subdirs: number;
}
interface LostFound {
  kind: 'lost+found';
}

function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function sortedEntries(d: DirNode): [string, Ext2Node][] {
  return [...d.entries].sort((x, y) => compareNames(x[0], y[0]));
}

function fileType(node: Ext2Node | LostFound): number {
  switch (node.kind) {
    case 'file': return FT_REG_FILE;
    case 'dir': case 'lost+found': return FT_DIR;
    case 'symlink': return FT_SYMLINK;
    case 'chr': return FT_CHRDEV;
    case 'blk': return FT_BLKDEV;
    case 'fifo': return FT_FIFO;
  }
}

function sliceBlocks(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0; off < data.length; off += BLOCK_SIZE) out.push(data.subarray(off, Math.min(off + BLOCK_SIZE, data.length)));
  return out;
}

/** Numbers the tree's inodes and prepares every block's content. */
function collect(root: DirNode): Item[] {
  const lf = root.entries.get('lost+found');
  if (lf !== undefined && !(lf.kind === 'dir' && lf.entries.size === 0)) {
    throw new Ext2Error('/lost+found is reserved: the tree may only hold it as an empty directory');
  }
  const items: Item[] = [];
  let next = FIRST_INO + 1;
  const visit = (node: Ext2Node, ino: number, parent: number, path: string): void => {
    const item: Item = { ino, node, parent, blocks: [], subdirs: 0 };
    items.push(item);
    if (node.kind === 'dir') {
      const children: [string, Ext2Node, number][] = [];
      for (const [name, child] of sortedEntries(node)) {
        checkName(name);
        if (ino === ROOT_INO && name === 'lost+found') continue;
        children.push([name, child, next++]);
        if (child.kind === 'dir') item.subdirs++;
      }
      const entries = [{ name: '.', ino, type: FT_DIR }, { name: '..', ino: parent, type: FT_DIR }];
      if (ino === ROOT_INO) {
        entries.push({ name: 'lost+found', ino: LOST_FOUND_INO, type: FT_DIR });
        item.subdirs++;
      }
      for (const [name, child, cino] of children) entries.push({ name, ino: cino, type: fileType(child) });
      item.blocks = packDirectory(entries);
      for (const [name, child, cino] of children) visit(child, cino, ino, `${path}/${name}`);
    } else if (node.kind === 'file') {
      if (node.data.length > MAX_FILE_SIZE) throw new Ext2Error(`${path}: files of 2 GiB or more are not supported`);
      item.blocks = sliceBlocks(node.data);
    } else if (node.kind === 'symlink') {
      const target = Buffer.from(node.target, 'utf8');
      if (target.length === 0 || target.length >= BLOCK_SIZE || target.includes(0)) {
        throw new Ext2Error(`${path}: symlink target must be 1..${BLOCK_SIZE - 1} bytes without NUL`);
      }
      if (target.length > FAST_SYMLINK_MAX) item.blocks = [target];
    } else if (node.kind === 'chr' || node.kind === 'blk') {
      if (!(node.major >= 0 && node.major < 4096 && node.minor >= 0 && node.minor < 1 << 20)) {
        throw new Ext2Error(`${path}: device number ${node.major},${node.minor} out of range`);
      }
    }
  };
  visit(root, ROOT_INO, ROOT_INO, '');
  const lostFound: Item = { ino: LOST_FOUND_INO, node: { kind: 'lost+found' }, parent: ROOT_INO, blocks: [], subdirs: 0 };
  lostFound.blocks = packDirectory([{ name: '.', ino: LOST_FOUND_INO, type: FT_DIR }, { name: '..', ino: ROOT_INO, type: FT_DIR }]);
  while (lostFound.blocks.length < LOST_FOUND_BLOCKS) lostFound.blocks.push(emptyDirBlock());
  items.splice(1, 0, lostFound);
  return items;
}

function blocksNeeded(items: Item[]): number {
  return items.reduce((n, it) => n + it.blocks.length + indirectBlocks(it.blocks.length), 0);
}

function fits(sizeBytes: number, inodes: number, blocks: number): boolean {
  try {
    return computeGeometry(sizeBytes, inodes).dataBlocks >= blocks;
  } catch {
    return false;
  }
}

function minimumFor(items: Item[]): number {
  const inodes = items[items.length - 1]!.ino;
  const blocks = blocksNeeded(items);
  let mib = Math.max(1, Math.floor((blocks * BLOCK_SIZE) / MiB));
  while (!fits(mib * MiB, inodes, blocks)) mib++;
  return mib * MiB;
}

/** Smallest image size (whole MiB) that holds the tree. */
export function minimumImageSize(root: DirNode): number {
  return minimumFor(collect(root));
}

/** Default image size: the minimum plus a quarter and 8 MiB of headroom, at least 64 MiB. */
export function defaultImageSize(root: DirNode): number {
  return defaultFor(minimumFor(collect(root)));
}

function formatSize(bytes: number): string {
  return bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes / 1024} KiB`;
}

function defaultFor(min: number): number {
  return Math.max(DEFAULT_MIN_SIZE, min + Math.ceil(min / 4 / MiB) * MiB + 8 * MiB);
}

/** Hands out data blocks in order, skipping each group's metadata. */
class Allocator {
  private group = 0;
  private nextBlock: number;
  readonly used: Set<number>[] = [];
  constructor(private readonly geo: Geometry) {
    this.nextBlock = groupStart(0) + geo.overheadPerGroup;
    for (let g = 0; g < geo.groups; g++) this.used.push(new Set());
  }
  alloc(): number {
    while (this.nextBlock >= groupStart(this.group) + groupBlocks(this.geo, this.group)) {
      this.group++;
      if (this.group >= this.geo.groups) throw new Ext2Error('out of blocks (internal size estimate was wrong)');
      this.nextBlock = groupStart(this.group) + this.geo.overheadPerGroup;
    }
    this.used[this.group]!.add(this.nextBlock);
    return this.nextBlock++;
  }
}

/** Pointer path to logical block `l`: [direct] or [12, i] or [13, i, j] or [14, i, j, k]. */
function blockPath(l: number): number[] {
  const p = PTRS_PER_BLOCK;
  if (l < N_DIRECT) return [l];
  l -= N_DIRECT;
  if (l < p) return [12, l];
  l -= p;
  if (l < p * p) return [13, Math.floor(l / p), l % p];
  l -= p * p;
  return [14, Math.floor(l / (p * p)), Math.floor(l / p) % p, l % p];
}

/** Allocates an item's blocks (indirect blocks just before the first data block they map). */
function mapBlocks(item: Item, alloc: Allocator, chunks: Map<number, Uint8Array>): { iblock: number[]; total: number } {
  const iblock = new Array<number>(N_BLOCK_PTRS).fill(0);
  const tables = new Map<number, number[]>();
  let total = 0;
  item.blocks.forEach((data, l) => {
    const path = blockPath(l);
    let table = iblock;
    for (let d = 0; d < path.length - 1; d++) {
      let b = table[path[d]!]!;
      if (b === 0) {
        b = alloc.alloc();
        total++;
        table[path[d]!] = b;
        tables.set(b, new Array<number>(PTRS_PER_BLOCK).fill(0));
      }
      table = tables.get(b)!;
    }
    const b = alloc.alloc();
    total++;
    table[path[path.length - 1]!] = b;
    chunks.set(b, data);
  });
  for (const [b, ptrs] of tables) {
    const buf = Buffer.alloc(BLOCK_SIZE);
    ptrs.forEach((v, i) => buf.writeUInt32LE(v, i * 4));
    chunks.set(b, buf);
  }
  return { iblock, total };
}

function encodeInode(out: Buffer, off: number, item: Item, iblock: number[], blocks: number, time: number): void {
  const node = item.node;
  let mode: number;
  let size = 0;
  let links = 1;
  switch (node.kind) {
    case 'dir': mode = S_IFDIR | node.mode; break;
    case 'lost+found': mode = S_IFDIR | 0o700; break;
    case 'file': mode = S_IFREG | node.mode; size = node.data.length; break;
    case 'symlink': mode = S_IFLNK | 0o777; size = Buffer.byteLength(node.target, 'utf8'); break;
    case 'chr': mode = S_IFCHR | node.mode; break;
    case 'blk': mode = S_IFBLK | node.mode; break;
    case 'fifo': mode = S_IFIFO | node.mode; break;
  }
  if (node.kind === 'dir' || node.kind === 'lost+found') {
    size = item.blocks.length * BLOCK_SIZE;
    links = 2 + item.subdirs;
  }
  out.writeUInt16LE(mode & 0xffff, off + INO.MODE);
  out.writeUInt32LE(size, off + INO.SIZE);
  out.writeUInt32LE(time, off + INO.ATIME);
  out.writeUInt32LE(time, off + INO.CTIME);
  out.writeUInt32LE(time, off + INO.MTIME);
  out.writeUInt16LE(links, off + INO.LINKS_COUNT);
  out.writeUInt32LE(blocks * (BLOCK_SIZE / 512), off + INO.BLOCKS);
  if (node.kind === 'symlink' && item.blocks.length === 0) {
    Buffer.from(node.target, 'utf8').copy(out, off + INO.BLOCK); // fast symlink: target inline
  } else if (node.kind === 'chr' || node.kind === 'blk') {
    const { major, minor } = node;
    if (major < 256 && minor < 256) out.writeUInt32LE((major << 8) | minor, off + INO.BLOCK);
    else out.writeUInt32LE(((minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)) >>> 0, off + INO.BLOCK + 4);
  } else {
    iblock.forEach((b, i) => out.writeUInt32LE(b, off + INO.BLOCK + 4 * i));
  }
}

function setBit(bitmap: Buffer, bit: number): void {
  bitmap[bit >> 3] |= 1 << (bit & 7);
}

/** Builds the image of `root` (see WriteOptions for the defaults). */
export function buildImage(root: DirNode, options: WriteOptions = {}): Ext2Image {
  const time = options.timestamp ?? DEFAULT_TIMESTAMP;
  if (!Number.isInteger(time) || time < 0 || time > 0xffffffff) throw new Ext2Error(`bad timestamp ${time}`);
  const label = Buffer.from(options.label ?? 'disco', 'utf8');
  if (label.length > 16) throw new Ext2Error('volume label longer than 16 bytes');
  if (options.uuid !== undefined && options.uuid.length !== 16) throw new Ext2Error('UUID must be 16 bytes');
  const items = collect(root);
  const maxIno = items.reduce((m, it) => Math.max(m, it.ino), 0);
  const need = blocksNeeded(items);
  const sizeBytes = options.sizeBytes ?? defaultFor(minimumFor(items));
  if (!Number.isInteger(sizeBytes) || sizeBytes % BLOCK_SIZE !== 0) throw new Ext2Error('image size must be a multiple of 1024 bytes');
  if (!fits(sizeBytes, maxIno, need)) {
    const min = minimumFor(items);
    throw new Ext2Error(
      `the content (${items.length} inodes, ${need} blocks of 1 KiB) does not fit in an image of ${formatSize(sizeBytes)}; ` +
        `at least ${min / MiB} MiB is needed`,
    );
  }
  const geo = computeGeometry(sizeBytes, maxIno);
  const chunks = new Map<number, Uint8Array>();
  const alloc = new Allocator(geo);
  const tables: Buffer[] = [];
  const dirsPerGroup = new Array<number>(geo.groups).fill(0);
  for (const item of items.slice().sort((a, b) => a.ino - b.ino)) {
    const { iblock, total } = mapBlocks(item, alloc, chunks);
    const g = Math.floor((item.ino - 1) / geo.inodesPerGroup);
    tables[g] ??= Buffer.alloc(geo.inodeTableBlocks * BLOCK_SIZE);
    encodeInode(tables[g], ((item.ino - 1) % geo.inodesPerGroup) * INODE_SIZE, item, iblock, total, time);
    if (item.node.kind === 'dir' || item.node.kind === 'lost+found') dirsPerGroup[g]!++;
  }

  // Bitmaps and group descriptors.
  const gdt = Buffer.alloc(geo.gdtBlocks * BLOCK_SIZE);
  let freeBlocks = 0;
  let freeInodes = 0;
  for (let g = 0; g < geo.groups; g++) {
    const start = groupStart(g);
    const blockBitmap = Buffer.alloc(BLOCK_SIZE);
    const inodeBitmap = Buffer.alloc(BLOCK_SIZE);
    const nblocks = groupBlocks(geo, g);
    for (let i = 0; i < geo.overheadPerGroup; i++) setBit(blockBitmap, i);
    for (const b of alloc.used[g]!) setBit(blockBitmap, b - start);
    for (let i = nblocks; i < BLOCKS_PER_GROUP; i++) setBit(blockBitmap, i); // padding past the end
    const firstIno = g * geo.inodesPerGroup + 1;
    const usedInodes = Math.max(0, Math.min(maxIno - firstIno + 1, geo.inodesPerGroup));
    for (let i = 0; i < usedInodes; i++) setBit(inodeBitmap, i);
    for (let i = geo.inodesPerGroup; i < BLOCK_SIZE * 8; i++) setBit(inodeBitmap, i);
    const groupFreeBlocks = nblocks - geo.overheadPerGroup - alloc.used[g]!.size;
    const groupFreeInodes = geo.inodesPerGroup - usedInodes;
    freeBlocks += groupFreeBlocks;
    freeInodes += groupFreeInodes;
    const bitmapBlock = start + 1 + geo.gdtBlocks;
    encodeGroupDesc(gdt, g, {
      blockBitmap: bitmapBlock,
      inodeBitmap: bitmapBlock + 1,
      inodeTable: bitmapBlock + 2,
      freeBlocks: groupFreeBlocks,
      freeInodes: groupFreeInodes,
      usedDirs: dirsPerGroup[g]!,
    });
    chunks.set(bitmapBlock, blockBitmap);
    chunks.set(bitmapBlock + 1, inodeBitmap);
    const table = tables[g];
    if (table !== undefined) chunks.set(bitmapBlock + 2, table);
  }

  // Superblock and GDT copies at the start of every group (no sparse_super).
  const superblocks: Buffer[] = [];
  for (let g = 0; g < geo.groups; g++) {
    const sb = encodeSuperblock({ geo, freeBlocks, freeInodes, time, label, groupNr: g });
    superblocks.push(sb);
    chunks.set(groupStart(g), sb);
    chunks.set(groupStart(g) + 1, gdt);
  }
  const uuid = options.uuid ?? contentUuid(chunks, sizeBytes);
  for (const sb of superblocks) Buffer.from(uuid).copy(sb, SB.UUID);

  const info: ImageInfo = {
    geometry: geo,
    sizeBytes,
    usedBlocks: geo.blocksCount - freeBlocks,
    freeBlocks,
    usedInodes: maxIno,
    freeInodes,
    uuid: formatUuid(uuid),
    timestamp: time,
  };
  return new Ext2Image(chunks, info);
}

/** A UUID (RFC 9562 version 8, custom) from the SHA-256 of the image's content. */
function contentUuid(chunks: Map<number, Uint8Array>, sizeBytes: number): Uint8Array {
  const h = createHash('sha256');
  h.update(`ext2 ${sizeBytes}\n`);
  const head = Buffer.alloc(8);
  for (const k of [...chunks.keys()].sort((a, b) => a - b)) {
    const data = chunks.get(k)!;
    head.writeUInt32LE(k, 0);
    head.writeUInt32LE(data.length, 4);
    h.update(head);
    h.update(data);
  }
  const uuid = h.digest().subarray(0, 16);
  uuid[6] = (uuid[6]! & 0x0f) | 0x80;
  uuid[8] = (uuid[8]! & 0x3f) | 0x80;
  return uuid;
}

export function formatUuid(u: Uint8Array): string {
  const hex = Buffer.from(u).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
