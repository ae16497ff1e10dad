// Encoding and decoding of the ext2 superblock and group descriptors (little-endian, offsets
// from layout.ts). The writer encodes what Disco images use; the decoder reads any ext2
// superblock's fields that the reader needs.
import {
  BLOCK_SIZE, BLOCKS_PER_GROUP, ERRORS_CONTINUE, Ext2Error, EXT2_MAGIC, FEATURE_INCOMPAT_FILETYPE, FIRST_DATA_BLOCK,
  FIRST_INO, GD, GROUP_DESC_SIZE, INODE_SIZE, OS_LINUX, REV_DYNAMIC, SB, STATE_VALID, SUPERBLOCK_SIZE, type Geometry,
} from './layout.js';

export interface SuperblockInput {
  geo: Geometry;
  freeBlocks: number;
  freeInodes: number;
  /** Written to s_wtime, s_lastcheck and s_mkfs_time (s_mtime stays 0: never mounted). */
  time: number;
  label: Uint8Array;
  /** s_block_group_nr: the group this copy sits in. */
  groupNr: number;
}

/** The 1024-byte superblock of a Disco image (UUID left zero; the writer fills it in). */
export function encodeSuperblock(s: SuperblockInput): Buffer {
  const b = Buffer.alloc(SUPERBLOCK_SIZE);
  const { geo } = s;
  b.writeUInt32LE(geo.inodesCount, SB.INODES_COUNT);
  b.writeUInt32LE(geo.blocksCount, SB.BLOCKS_COUNT);
  b.writeUInt32LE(0, SB.R_BLOCKS_COUNT);
  b.writeUInt32LE(s.freeBlocks, SB.FREE_BLOCKS_COUNT);
  b.writeUInt32LE(s.freeInodes, SB.FREE_INODES_COUNT);
  b.writeUInt32LE(FIRST_DATA_BLOCK, SB.FIRST_DATA_BLOCK);
  b.writeUInt32LE(0, SB.LOG_BLOCK_SIZE); // 1024 << 0
  b.writeUInt32LE(0, SB.LOG_FRAG_SIZE);
  b.writeUInt32LE(BLOCKS_PER_GROUP, SB.BLOCKS_PER_GROUP);
  b.writeUInt32LE(BLOCKS_PER_GROUP, SB.FRAGS_PER_GROUP);
  b.writeUInt32LE(geo.inodesPerGroup, SB.INODES_PER_GROUP);
  b.writeUInt32LE(0, SB.MTIME);
  b.writeUInt32LE(s.time, SB.WTIME);
  b.writeUInt16LE(0, SB.MNT_COUNT);
  b.writeInt16LE(-1, SB.MAX_MNT_COUNT); // no mount-count-based checks
  b.writeUInt16LE(EXT2_MAGIC, SB.MAGIC);
  b.writeUInt16LE(STATE_VALID, SB.STATE);
  b.writeUInt16LE(ERRORS_CONTINUE, SB.ERRORS);
  b.writeUInt16LE(0, SB.MINOR_REV_LEVEL);
  b.writeUInt32LE(s.time, SB.LASTCHECK);
  b.writeUInt32LE(0, SB.CHECKINTERVAL);
  b.writeUInt32LE(OS_LINUX, SB.CREATOR_OS);
  b.writeUInt32LE(REV_DYNAMIC, SB.REV_LEVEL);
  b.writeUInt32LE(FIRST_INO, SB.FIRST_INO);
  b.writeUInt16LE(INODE_SIZE, SB.INODE_SIZE);
  b.writeUInt16LE(s.groupNr, SB.BLOCK_GROUP_NR);
  b.writeUInt32LE(0, SB.FEATURE_COMPAT);
  b.writeUInt32LE(FEATURE_INCOMPAT_FILETYPE, SB.FEATURE_INCOMPAT);
  b.writeUInt32LE(0, SB.FEATURE_RO_COMPAT);
  Buffer.from(s.label).copy(b, SB.VOLUME_NAME, 0, 16);
  b.writeUInt32LE(s.time, SB.MKFS_TIME);
  return b;
}

export interface GroupDescInput {
  blockBitmap: number;
  inodeBitmap: number;
  inodeTable: number;
  freeBlocks: number;
  freeInodes: number;
  usedDirs: number;
}

/** Writes descriptor `g` into the group descriptor table `gdt`. */
export function encodeGroupDesc(gdt: Buffer, g: number, d: GroupDescInput): void {
  const o = g * GROUP_DESC_SIZE;
  gdt.writeUInt32LE(d.blockBitmap, o + GD.BLOCK_BITMAP);
  gdt.writeUInt32LE(d.inodeBitmap, o + GD.INODE_BITMAP);
  gdt.writeUInt32LE(d.inodeTable, o + GD.INODE_TABLE);
  gdt.writeUInt16LE(d.freeBlocks, o + GD.FREE_BLOCKS_COUNT);
  gdt.writeUInt16LE(d.freeInodes, o + GD.FREE_INODES_COUNT);
  gdt.writeUInt16LE(d.usedDirs, o + GD.USED_DIRS_COUNT);
}

/** Superblock fields as the reader sees them. */
export interface Superblock {
  inodesCount: number;
  blocksCount: number;
  reservedBlocks: number;
  freeBlocks: number;
  freeInodes: number;
  firstDataBlock: number;
  blockSize: number;
  blocksPerGroup: number;
  inodesPerGroup: number;
  mountTime: number;
  writeTime: number;
  mountCount: number;
  maxMountCount: number;
  state: number;
  errors: number;
  lastCheck: number;
  revLevel: number;
  firstIno: number;
  inodeSize: number;
  blockGroupNr: number;
  featureCompat: number;
  featureIncompat: number;
  featureRoCompat: number;
  uuid: string;
  volumeName: string;
  mkfsTime: number;
}

/** Decodes a superblock; throws Ext2Error on a bad magic number or geometry. */
export function decodeSuperblock(b: Buffer): Superblock {
  if (b.length < SUPERBLOCK_SIZE) throw new Ext2Error('image too small to hold an ext2 superblock');
  if (b.readUInt16LE(SB.MAGIC) !== EXT2_MAGIC) throw new Ext2Error('not an ext2 image (bad superblock magic)');
  const logBlock = b.readUInt32LE(SB.LOG_BLOCK_SIZE);
  if (logBlock > 6) throw new Ext2Error(`unsupported block size 1024 << ${logBlock}`);
  const revLevel = b.readUInt32LE(SB.REV_LEVEL);
  const uuid = b.subarray(SB.UUID, SB.UUID + 16).toString('hex');
  const nameRaw = b.subarray(SB.VOLUME_NAME, SB.VOLUME_NAME + 16);
  const nul = nameRaw.indexOf(0);
  const sb: Superblock = {
    inodesCount: b.readUInt32LE(SB.INODES_COUNT),
    blocksCount: b.readUInt32LE(SB.BLOCKS_COUNT),
    reservedBlocks: b.readUInt32LE(SB.R_BLOCKS_COUNT),
    freeBlocks: b.readUInt32LE(SB.FREE_BLOCKS_COUNT),
    freeInodes: b.readUInt32LE(SB.FREE_INODES_COUNT),
    firstDataBlock: b.readUInt32LE(SB.FIRST_DATA_BLOCK),
    blockSize: BLOCK_SIZE << logBlock,
    blocksPerGroup: b.readUInt32LE(SB.BLOCKS_PER_GROUP),
    inodesPerGroup: b.readUInt32LE(SB.INODES_PER_GROUP),
    mountTime: b.readUInt32LE(SB.MTIME),
    writeTime: b.readUInt32LE(SB.WTIME),
    mountCount: b.readUInt16LE(SB.MNT_COUNT),
    maxMountCount: b.readInt16LE(SB.MAX_MNT_COUNT),
    state: b.readUInt16LE(SB.STATE),
    errors: b.readUInt16LE(SB.ERRORS),
    lastCheck: b.readUInt32LE(SB.LASTCHECK),
    revLevel,
    firstIno: revLevel >= REV_DYNAMIC ? b.readUInt32LE(SB.FIRST_INO) : FIRST_INO,
    inodeSize: revLevel >= REV_DYNAMIC ? b.readUInt16LE(SB.INODE_SIZE) : INODE_SIZE,
    blockGroupNr: b.readUInt16LE(SB.BLOCK_GROUP_NR),
    featureCompat: revLevel >= REV_DYNAMIC ? b.readUInt32LE(SB.FEATURE_COMPAT) : 0,
    featureIncompat: revLevel >= REV_DYNAMIC ? b.readUInt32LE(SB.FEATURE_INCOMPAT) : 0,
    featureRoCompat: revLevel >= REV_DYNAMIC ? b.readUInt32LE(SB.FEATURE_RO_COMPAT) : 0,
    uuid: `${uuid.slice(0, 8)}-${uuid.slice(8, 12)}-${uuid.slice(12, 16)}-${uuid.slice(16, 20)}-${uuid.slice(20)}`,
    volumeName: nameRaw.subarray(0, nul < 0 ? 16 : nul).toString('utf8'),
    mkfsTime: b.readUInt32LE(SB.MKFS_TIME),
  };
  if (sb.blocksPerGroup === 0 || sb.inodesPerGroup === 0 || sb.inodeSize < 128 || sb.inodeSize > sb.blockSize) {
    throw new Ext2Error('corrupt ext2 superblock (zero group size or bad inode size)');
  }
  return sb;
}

export interface GroupDesc {
  blockBitmap: number;
  inodeBitmap: number;
  inodeTable: number;
  freeBlocks: number;
  freeInodes: number;
  usedDirs: number;
}

export function decodeGroupDesc(gdt: Buffer, g: number): GroupDesc {
  const o = g * GROUP_DESC_SIZE;
  return {
    blockBitmap: gdt.readUInt32LE(o + GD.BLOCK_BITMAP),
    inodeBitmap: gdt.readUInt32LE(o + GD.INODE_BITMAP),
    inodeTable: gdt.readUInt32LE(o + GD.INODE_TABLE),
    freeBlocks: gdt.readUInt16LE(o + GD.FREE_BLOCKS_COUNT),
    freeInodes: gdt.readUInt16LE(o + GD.FREE_INODES_COUNT),
    usedDirs: gdt.readUInt16LE(o + GD.USED_DIRS_COUNT),
  };
}
