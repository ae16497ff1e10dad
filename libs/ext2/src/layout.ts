// ext2 on-disk layout shared by the writer and the reader: constants of the format Disco images
// use (revision 1, 1 KiB blocks, 128-byte inodes, FILETYPE only), field offsets of the
// superblock, group descriptor, inode and directory entry, and the image geometry computation.
// docs/images.md describes the same layout for the guest's C driver.

/** Any ext2 problem the caller should report as a message (bad input, image too small, corrupt image). */
export class Ext2Error extends Error {
  override name = 'Ext2Error';
}

export const BLOCK_SIZE = 1024;
export const INODE_SIZE = 128;
export const BLOCKS_PER_GROUP = 8192;
export const FIRST_DATA_BLOCK = 1;
/** Byte offset of the primary superblock (always 1024, whatever the block size). */
export const SUPERBLOCK_OFFSET = 1024;
export const SUPERBLOCK_SIZE = 1024;
export const GROUP_DESC_SIZE = 32;
export const EXT2_MAGIC = 0xef53;

export const ROOT_INO = 2;
export const FIRST_INO = 11;
export const LOST_FOUND_INO = 11;
/** Blocks given to /lost+found (all direct, empty entries) so e2fsck can reconnect files without allocating. */
export const LOST_FOUND_BLOCKS = 12;

/** Block pointers in an inode: 12 direct, then single, double and triple indirect. */
export const N_DIRECT = 12;
export const IND_BLOCK = 12;
export const DIND_BLOCK = 13;
export const TIND_BLOCK = 14;
export const N_BLOCK_PTRS = 15;
/** Fast symlinks keep targets of at most this many bytes inside i_block (60 bytes with the NUL). */
export const FAST_SYMLINK_MAX = 59;

export const FEATURE_INCOMPAT_FILETYPE = 0x0002;
export const FEATURE_INCOMPAT_RECOVER = 0x0004;
export const FEATURE_INCOMPAT_FLEX_BG = 0x0200;
export const FEATURE_RO_COMPAT_SPARSE_SUPER = 0x0001;
export const FEATURE_RO_COMPAT_LARGE_FILE = 0x0002;

export const STATE_VALID = 1;
export const ERRORS_CONTINUE = 1;
export const OS_LINUX = 0;
export const REV_DYNAMIC = 1;

/** Inode mode file-type bits. */
export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;

/** Directory entry file types (INCOMPAT_FILETYPE). */
export const FT_UNKNOWN = 0;
export const FT_REG_FILE = 1;
export const FT_DIR = 2;
export const FT_CHRDEV = 3;
export const FT_BLKDEV = 4;
export const FT_FIFO = 5;
export const FT_SOCK = 6;
export const FT_SYMLINK = 7;

/** Superblock field byte offsets (within the 1024-byte superblock). */
export const SB = {
  INODES_COUNT: 0x00,
  BLOCKS_COUNT: 0x04,
  R_BLOCKS_COUNT: 0x08,
  FREE_BLOCKS_COUNT: 0x0c,
  FREE_INODES_COUNT: 0x10,
  FIRST_DATA_BLOCK: 0x14,
  LOG_BLOCK_SIZE: 0x18,
  LOG_FRAG_SIZE: 0x1c,
  BLOCKS_PER_GROUP: 0x20,
  FRAGS_PER_GROUP: 0x24,
  INODES_PER_GROUP: 0x28,
  MTIME: 0x2c,
  WTIME: 0x30,
  MNT_COUNT: 0x34, // u16
  MAX_MNT_COUNT: 0x36, // s16
  MAGIC: 0x38, // u16
  STATE: 0x3a, // u16
  ERRORS: 0x3c, // u16
  MINOR_REV_LEVEL: 0x3e, // u16
  LASTCHECK: 0x40,
  CHECKINTERVAL: 0x44,
  CREATOR_OS: 0x48,
  REV_LEVEL: 0x4c,
  DEF_RESUID: 0x50, // u16
  DEF_RESGID: 0x52, // u16
  FIRST_INO: 0x54,
  INODE_SIZE: 0x58, // u16
  BLOCK_GROUP_NR: 0x5a, // u16
  FEATURE_COMPAT: 0x5c,
  FEATURE_INCOMPAT: 0x60,
  FEATURE_RO_COMPAT: 0x64,
  UUID: 0x68, // 16 bytes
  VOLUME_NAME: 0x78, // 16 bytes
  LAST_MOUNTED: 0x88, // 64 bytes
  MKFS_TIME: 0x108,
} as const;

/** Group descriptor field byte offsets (32-byte descriptors). */
export const GD = {
  BLOCK_BITMAP: 0x00,
  INODE_BITMAP: 0x04,
  INODE_TABLE: 0x08,
  FREE_BLOCKS_COUNT: 0x0c, // u16
  FREE_INODES_COUNT: 0x0e, // u16
  USED_DIRS_COUNT: 0x10, // u16
} as const;

/** Inode field byte offsets (first 128 bytes of an inode). */
export const INO = {
  MODE: 0x00, // u16
  UID: 0x02, // u16
  SIZE: 0x04,
  ATIME: 0x08,
  CTIME: 0x0c,
  MTIME: 0x10,
  DTIME: 0x14,
  GID: 0x18, // u16
  LINKS_COUNT: 0x1a, // u16
  BLOCKS: 0x1c, // 512-byte sectors
  FLAGS: 0x20,
  BLOCK: 0x28, // 15 x u32
  GENERATION: 0x64,
  FILE_ACL: 0x68,
  SIZE_HIGH: 0x6c,
} as const;

/** Directory entry header: inode u32, rec_len u16, name_len u8, file_type u8, then the name. */
export const DIRENT_HEADER = 8;
export const MAX_NAME_LEN = 255;

/** Bytes a directory entry with a name of `nameLen` bytes needs (4-byte aligned). */
export function direntSize(nameLen: number): number {
  return (DIRENT_HEADER + nameLen + 3) & ~3;
}

/** Pointers per indirect block (1 KiB blocks: 256). */
export const PTRS_PER_BLOCK = BLOCK_SIZE / 4;

/** Indirect blocks a file of `dataBlocks` data blocks needs (no holes). */
export function indirectBlocks(dataBlocks: number): number {
  const p = PTRS_PER_BLOCK;
  let n = dataBlocks - N_DIRECT;
  if (n <= 0) return 0;
  let total = 1; // single indirect
  n -= p;
  if (n <= 0) return total;
  total += 1 + Math.ceil(Math.min(n, p * p) / p); // double indirect + its single blocks
  n -= p * p;
  if (n <= 0) return total;
  if (n > p * p * p) throw new Ext2Error(`file of ${dataBlocks} blocks is beyond the triple-indirect limit`);
  return total + 1 + Math.ceil(n / (p * p)) + Math.ceil(n / p);
}

/** Largest regular file the writer accepts: below 2 GiB, so no LARGE_FILE feature is needed. */
export const MAX_FILE_SIZE = 2 ** 31 - 1;

export interface Geometry {
  blocksCount: number;
  groups: number;
  inodesPerGroup: number;
  inodesCount: number;
  /** Blocks per copy of the group descriptor table. */
  gdtBlocks: number;
  inodeTableBlocks: number;
  /** Metadata blocks at the start of every group: superblock, GDT, two bitmaps, inode table. */
  overheadPerGroup: number;
  /** Blocks available for files, directories and indirect blocks. */
  dataBlocks: number;
}

/** One inode per this many bytes of disk, unless more inodes are needed. */
export const BYTES_PER_INODE = 4096;
/** A trailing group smaller than its metadata plus this many blocks is dropped (as mke2fs does). */
const MIN_LAST_GROUP_DATA = 50;

/** First block of group `g`. */
export function groupStart(g: number): number {
  return FIRST_DATA_BLOCK + g * BLOCKS_PER_GROUP;
}

/** Blocks in group `g` (the last group may be short). */
export function groupBlocks(geo: Pick<Geometry, 'blocksCount' | 'groups'>, g: number): number {
  return g < geo.groups - 1 ? BLOCKS_PER_GROUP : geo.blocksCount - groupStart(g);
}

/**
 * Chooses the geometry of an image of `sizeBytes` bytes with at least `inodesNeeded` inodes:
 * no sparse_super (every group starts with a superblock and GDT copy), inodes per group a
 * multiple of 8 (whole inode-table blocks) and at most 8192 (one bitmap block).
 */
export function computeGeometry(sizeBytes: number, inodesNeeded: number): Geometry {
  let blocksCount = Math.floor(sizeBytes / BLOCK_SIZE);
  if (blocksCount > 2 ** 32 - 1) throw new Ext2Error('image too large for ext2 with 1 KiB blocks');
  for (;;) {
    if (blocksCount < 64) throw new Ext2Error(`image of ${sizeBytes} bytes is too small for ext2 (64 KiB at least)`);
    const groups = Math.ceil((blocksCount - FIRST_DATA_BLOCK) / BLOCKS_PER_GROUP);
    const gdtBlocks = Math.ceil((groups * GROUP_DESC_SIZE) / BLOCK_SIZE);
    const byRatio = Math.ceil((blocksCount * BLOCK_SIZE) / BYTES_PER_INODE / groups);
    const byNeed = Math.ceil(inodesNeeded / groups);
    let inodesPerGroup = Math.max(16, byRatio, byNeed);
    inodesPerGroup = Math.ceil(inodesPerGroup / 8) * 8;
    if (byNeed > 8 * BLOCK_SIZE) {
      throw new Ext2Error(`${inodesNeeded} inodes do not fit in ${groups} block group(s) of at most 8192 inodes; use a larger image`);
    }
    inodesPerGroup = Math.min(inodesPerGroup, 8 * BLOCK_SIZE);
    const inodeTableBlocks = (inodesPerGroup * INODE_SIZE) / BLOCK_SIZE;
    const overheadPerGroup = 1 + gdtBlocks + 2 + inodeTableBlocks;
    const last = blocksCount - groupStart(groups - 1);
    if (last < overheadPerGroup + MIN_LAST_GROUP_DATA) {
      if (groups === 1) {
        throw new Ext2Error(`image of ${sizeBytes} bytes is too small for its ${inodesNeeded} inodes and metadata`);
      }
      blocksCount = groupStart(groups - 1); // drop the short trailing group
      continue;
    }
    return {
      blocksCount,
      groups,
      inodesPerGroup,
      inodesCount: inodesPerGroup * groups,
      gdtBlocks,
      inodeTableBlocks,
      overheadPerGroup,
      dataBlocks: blocksCount - FIRST_DATA_BLOCK - groups * overheadPerGroup,
    };
  }
}
