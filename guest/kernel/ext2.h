/* ext2.h: the on-disk format of ext2 revision 1 as this kernel reads and writes it:
 * superblock, group descriptor, inode and directory entry, plus the feature bits it knows.
 * All fields little-endian, which is also the CPU's byte order. */
#ifndef EXT2_H
#define EXT2_H

#include "types.h"

#define EXT2_MAGIC 0xef53
#define EXT2_SUPER_OFFSET 1024
#define EXT2_ROOT_INO 2
#define EXT2_GOOD_OLD_FIRST_INO 11
#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK 12
#define EXT2_DIND_BLOCK 13
#define EXT2_TIND_BLOCK 14
#define EXT2_N_BLOCKS 15
#define EXT2_VALID_FS 1
#define EXT2_ERROR_FS 2

#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x0002
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE 0x0002
#define EXT2_INDEX_FL 0x00001000

struct ext2_super {
  u32 s_inodes_count;
  u32 s_blocks_count;
  u32 s_r_blocks_count;
  u32 s_free_blocks_count;
  u32 s_free_inodes_count;
  u32 s_first_data_block;
  u32 s_log_block_size;
  u32 s_log_frag_size;
  u32 s_blocks_per_group;
  u32 s_frags_per_group;
  u32 s_inodes_per_group;
  u32 s_mtime;
  u32 s_wtime;
  u16 s_mnt_count;
  u16 s_max_mnt_count;
  u16 s_magic;
  u16 s_state;
  u16 s_errors;
  u16 s_minor_rev_level;
  u32 s_lastcheck;
  u32 s_checkinterval;
  u32 s_creator_os;
  u32 s_rev_level;
  u16 s_def_resuid;
  u16 s_def_resgid;
  u32 s_first_ino;
  u16 s_inode_size;
  u16 s_block_group_nr;
  u32 s_feature_compat;
  u32 s_feature_incompat;
  u32 s_feature_ro_compat;
  u8 s_uuid[16];
  char s_volume_name[16];
  char s_last_mounted[64];
  u32 s_algorithm_usage_bitmap;
  u8 s_rest[1024 - 204];
};
_Static_assert(sizeof(struct ext2_super) == 1024, "ext2 superblock");

struct ext2_group {
  u32 bg_block_bitmap;
  u32 bg_inode_bitmap;
  u32 bg_inode_table;
  u16 bg_free_blocks_count;
  u16 bg_free_inodes_count;
  u16 bg_used_dirs_count;
  u16 bg_pad;
  u8 bg_reserved[12];
};
_Static_assert(sizeof(struct ext2_group) == 32, "ext2 group descriptor");

struct ext2_dinode {
  u16 i_mode;
  u16 i_uid;
  u32 i_size;
  u32 i_atime;
  u32 i_ctime;
  u32 i_mtime;
  u32 i_dtime;
  u16 i_gid;
  u16 i_links_count;
  u32 i_blocks;          /* 512-byte units, including indirect blocks */
  u32 i_flags;
  u32 i_osd1;
  u32 i_block[EXT2_N_BLOCKS];
  u32 i_generation;
  u32 i_file_acl;
  u32 i_size_high;       /* i_dir_acl in revision 0 */
  u32 i_faddr;
  u8 i_osd2[12];
};
_Static_assert(sizeof(struct ext2_dinode) == 128, "ext2 inode");

struct ext2_dirent {
  u32 inode;
  u16 rec_len;
  u8 name_len;
  u8 file_type;
  char name[];
};
#define EXT2_DIRENT_LEN(n) (((n) + 8 + 3) & ~3u)

/* directory entry file_type values */
#define EXT2_FT_UNKNOWN 0
#define EXT2_FT_REG 1
#define EXT2_FT_DIR 2
#define EXT2_FT_CHRDEV 3
#define EXT2_FT_BLKDEV 4
#define EXT2_FT_FIFO 5
#define EXT2_FT_SOCK 6
#define EXT2_FT_SYMLINK 7

#endif
