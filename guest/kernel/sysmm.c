/* sysmm.c: memory system calls: brk (the heap region right after the program), mmap/mmap2
 * (anonymous memory and private file mappings, MAP_FIXED or a top-down search below the
 * stack), munmap and mprotect. */
#include "types.h"
#include "defs.h"
#include "proc.h"
#include "hal.h"
#include "fs.h"
#include "vm.h"

long sys_brk(u32 addr) {
  struct mm *mm = myproc()->mm;
  if (addr < mm->brk_start || addr >= MMAP_TOP) return (long)mm->brk;
  u32 oldend = PGROUNDUP(mm->brk), newend = PGROUNDUP(addr);
  if (newend > oldend) {
    if (!mm_range_free(mm, oldend, newend)) return (long)mm->brk;
    struct vma *heap = oldend > mm->brk_start ? vma_find(mm, oldend - 1) : NULL;
    if (heap != NULL && (heap->flags & VMA_HEAP) && heap->end == oldend) heap->end = newend;
    else if (mm_map(mm, oldend, newend, PROT_READ | PROT_WRITE, VMA_HEAP | VMA_ANON, NULL, 0, 0) < 0)
      return (long)mm->brk;
  } else if (newend < oldend) {
    mm_unmap(mm, newend, oldend);
  }
  mm->brk = addr;
  return (long)addr;
}

static long do_mmap(u32 addr, u32 len, u32 prot, u32 flags, int fd, u32 off) {
  struct mm *mm = myproc()->mm;
  if (len == 0 || (off & (PGSIZE - 1))) return -EINVAL;
  u32 type = flags & MAP_TYPE;
  if (type != MAP_PRIVATE && type != MAP_SHARED && type != 3) return -EINVAL;
  len = PGROUNDUP(len);
  if (len == 0 || len >= MMAP_TOP) return -ENOMEM;
  struct inode *ip = NULL;
  if (!(flags & MAP_ANONYMOUS)) {
    struct file *f = fd_file(fd);
    if (f == NULL) return -EBADF;
    if (f->type == FD_DEV && f->major == MAJOR_MEM && f->minor == 5) {
      ip = NULL;   /* /dev/zero: anonymous */
    } else {
      if (f->type != FD_INODE) return -ENODEV;
      if (!FMODE_READ(f)) return -EACCES;
      ip = f->ip;
    }
  }
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if ((addr & (PGSIZE - 1)) || addr < USER_MIN || addr + len > USER_TOP || addr + len < addr) return -EINVAL;
    if (flags & MAP_FIXED_NOREPLACE) {
      if (!mm_range_free(mm, addr, addr + len)) return -EEXIST;
    } else {
      int r = mm_unmap(mm, addr, addr + len);
      if (r < 0) return r;
    }
  } else {
    addr = PGROUNDDOWN(addr);
    if (addr < USER_MIN || addr + len > MMAP_TOP || addr + len < addr || !mm_range_free(mm, addr, addr + len))
      addr = mm_find_gap(mm, len);
    if (addr == 0) return -ENOMEM;
  }
  int r = mm_map(mm, addr, addr + len, prot & (PROT_READ | PROT_WRITE | PROT_EXEC), ip ? VMA_FILE : VMA_ANON,
                 ip, off, addr + len);
  return r < 0 ? r : (long)addr;
}

long sys_mmap2(u32 addr, u32 len, u32 prot, u32 flags, int fd, u32 pgoff) {
  if (pgoff >= (1u << 20)) return -EINVAL;
  return do_mmap(addr, len, prot, flags, fd, pgoff << PGSHIFT);
}

long sys_mmap(u32 addr, u32 len, u32 prot, u32 flags, int fd, u32 off) {
  return do_mmap(addr, len, prot, flags, fd, off);
}

long sys_munmap(u32 addr, u32 len) {
  if ((addr & (PGSIZE - 1)) || len == 0 || addr >= USER_TOP) return -EINVAL;
  u32 end = PGROUNDUP(addr + len);
  if (end > USER_TOP || end < addr) return -EINVAL;
  return mm_unmap(myproc()->mm, addr, end);
}

long sys_mprotect(u32 addr, u32 len, u32 prot) {
  if (addr & (PGSIZE - 1)) return -EINVAL;
  u32 end = PGROUNDUP(addr + len);
  if (end < addr || end > USER_TOP) return -ENOMEM;
  if (len == 0) return 0;
  return mm_protect(myproc()->mm, addr, end, prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
}
