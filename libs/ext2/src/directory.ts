// Directory blocks: packing entries (inode, rec_len, name_len, file_type, name) into blocks for
// the writer, and parsing one block's entries for the reader (with or without FILETYPE).
import { BLOCK_SIZE, direntSize, DIRENT_HEADER, Ext2Error } from './layout.js';

export interface RawDirEntry {
  name: string;
  ino: number;
  /** FT_* file type; 0 in images without INCOMPAT_FILETYPE. */
  type: number;
}

/** Packs directory entries into 1 KiB blocks; each block's last entry reaches the block's end. */
export function packDirectory(entries: RawDirEntry[]): Uint8Array[] {
  const blocks: Buffer[] = [];
  let cur = Buffer.alloc(BLOCK_SIZE);
  let off = 0;
  let lastOff = -1;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const size = direntSize(name.length);
    if (off + size > BLOCK_SIZE) {
      cur.writeUInt16LE(BLOCK_SIZE - lastOff, lastOff + 4);
      blocks.push(cur);
      cur = Buffer.alloc(BLOCK_SIZE);
      off = 0;
    }
    cur.writeUInt32LE(e.ino, off);
    cur.writeUInt16LE(size, off + 4);
    cur.writeUInt8(name.length, off + 6);
    cur.writeUInt8(e.type, off + 7);
    name.copy(cur, off + DIRENT_HEADER);
    lastOff = off;
    off += size;
  }
  if (lastOff >= 0) cur.writeUInt16LE(BLOCK_SIZE - lastOff, lastOff + 4);
  blocks.push(cur);
  return blocks;
}

/** An empty directory block: one unused entry (inode 0) covering the whole block. */
export function emptyDirBlock(): Uint8Array {
  const b = Buffer.alloc(BLOCK_SIZE);
  b.writeUInt16LE(BLOCK_SIZE, 4);
  return b;
}

/**
 * The used entries (inode != 0) of one directory block of `blockSize` bytes. Without FILETYPE
 * the name length is 16 bits and the type is reported as 0. Throws Ext2Error on a bad rec_len.
 */
export function parseDirBlock(block: Buffer, blockSize: number, hasFileType: boolean, where: string): RawDirEntry[] {
  const out: RawDirEntry[] = [];
  let off = 0;
  while (off < blockSize) {
    const ino = block.readUInt32LE(off);
    const recLen = block.readUInt16LE(off + 4);
    const nameLen = hasFileType ? block[off + 6]! : block.readUInt16LE(off + 6);
    if (recLen < DIRENT_HEADER || recLen % 4 !== 0 || off + recLen > blockSize || DIRENT_HEADER + nameLen > recLen) {
      throw new Ext2Error(`corrupt directory entry in ${where} at byte ${off}`);
    }
    if (ino !== 0) {
      const name = block.subarray(off + DIRENT_HEADER, off + DIRENT_HEADER + nameLen).toString('utf8');
      out.push({ name, ino, type: hasFileType ? block[off + 7]! : 0 });
    }
    off += recLen;
  }
  return out;
}
