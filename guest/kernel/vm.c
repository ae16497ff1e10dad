/* vm.c: user address spaces. Each process has a two-level page table walked by the
 * software TLB refill handler: a first-level table of 1024 kernel pointers to second-level
 * tables (an unused slot points at one shared all-zero table), each of 1024 entries in
 * EntryLo format. Regions (struct vma) say what may be mapped where; pages are filled on
 * demand by vm_fault(): zeroed for anonymous memory, read from the file (through the page
 * cache for whole read-only pages) for file mappings. fork() shares pages copy-on-write:
 * writable pages lose their D bit in both processes and the first write copies the page
 * unless it is the last reference. ASIDs are per CPU with generation rollover. */
#include "types.h"
#include "defs.h"
#include "proc.h"
#include "fs.h"
#include "mips.h"
#include "hal.h"
#include "vm.h"

static u32 *empty_ptable;     /* second-level table with no valid entries */
static u32 *kernel_pgd;       /* first-level table with no user mappings (idle CPUs) */
static void *sigpage;         /* the trampoline page shared by every process */

void vm_init(void) {
  empty_ptable = kzalloc_page();
  kernel_pgd = kalloc();
  sigpage = kzalloc_page();
  if (empty_ptable == NULL || kernel_pgd == NULL || sigpage == NULL) panic("vm_init");
  for (int i = 0; i < PT_ENTRIES; i++) kernel_pgd[i] = (u32)empty_ptable;
  u32 *code = sigpage;
  code[0] = 0x24021017;   /* li v0, 4119 (sigreturn) */
  code[1] = 0x0000000c;   /* syscall */
  code[2] = 0x24021061;   /* li v0, 4193 (rt_sigreturn) */
  code[3] = 0x0000000c;   /* syscall */
  hal_icache_sync((u32)sigpage, 16);
}

/* ---- page tables ---------------------------------------------------------------------- */

static u32 *pte_slot(struct mm *mm, u32 va, bool alloc) {
  u32 *pt = (u32 *)mm->pgd[PDX(va)];
  if (pt == empty_ptable) {
    if (!alloc) return NULL;
    pt = kzalloc_page();
    if (pt == NULL) return NULL;
    mm->pgd[PDX(va)] = (u32)pt;
  }
  return &pt[PTX(va)];
}

static u32 make_pte(void *kva, bool writable) {
  return PA_PTE(KPA(kva)) | PTE_C_CACHED | PTE_V | (writable ? PTE_D : 0);
}

/* ---- ASIDs and the TLB ------------------------------------------------------------------ */

static bool mm_is_current(struct mm *mm) {
  struct proc *p = myproc();
  return p != NULL && p->mm == mm;
}

/* Make mm the address space of this CPU (at context switch; interrupts off). */
void mm_activate(struct mm *mm) {
  struct cpu *c = mycpu();
  if (mm == NULL) {
    hal_tlb_set_asid(0);
    hal_tlb_set_pgd(kernel_pgd);
    return;
  }
  if (mm->asid_gen[c->id] != c->asid_gen) {
    if (c->asid_last == 255) {
      hal_tlb_flush_all();
      c->asid_gen++;
      c->asid_last = 0;
    }
    mm->asid[c->id] = ++c->asid_last;
    mm->asid_gen[c->id] = c->asid_gen;
  }
  hal_tlb_set_pgd(mm->pgd);
  hal_tlb_set_asid(mm->asid[c->id]);
}

/* Forget every TLB entry of mm: other CPUs hand it a fresh ASID next time; this CPU does
 * it now if mm is running here. */
void mm_tlb_flush(struct mm *mm) {
  push_off();
  for (int i = 0; i < hal_ncpu(); i++) mm->asid_gen[i] = 0;
  if (mm_is_current(mm)) mm_activate(mm);
  pop_off();
}

static void mm_tlb_flush_page(struct mm *mm, u32 va) {
  push_off();
  int me = mycpu()->id;
  for (int i = 0; i < hal_ncpu(); i++)
    if (i != me) mm->asid_gen[i] = 0;
  if (mm_is_current(mm) && mm->asid_gen[me] == mycpu()->asid_gen) hal_tlb_invalidate_page(va, mm->asid[me]);
  pop_off();
}

/* ---- address spaces -------------------------------------------------------------------- */

struct mm *mm_create(void) {
  struct mm *mm = kzalloc(sizeof *mm);
  if (mm == NULL) return NULL;
  mm->pgd = kalloc();
  if (mm->pgd == NULL) {
    kmfree(mm);
    return NULL;
  }
  for (int i = 0; i < PT_ENTRIES; i++) mm->pgd[i] = (u32)empty_ptable;
  mm->mmap_top = MMAP_TOP;
  return mm;
}

static void vma_free(struct vma *v) {
  if (v->ip != NULL) iput(v->ip);
  kmfree(v);
}

/* Unmap every page of [start, end) (page aligned) and drop the page references. */
static void unmap_pages(struct mm *mm, u32 start, u32 end) {
  for (u32 va = start; va < end; va += PGSIZE) {
    u32 *pt = (u32 *)mm->pgd[PDX(va)];
    if (pt == empty_ptable) {
      va = (va | 0x3fffff);   /* skip the rest of this 4 MiB */
      va -= PGSIZE - 1;
      continue;
    }
    u32 pte = pt[PTX(va)];
    if (PTE_PRESENT(pte)) {
      kfree(KVA(PTE_PA(pte)));
      mm->rss--;
    }
    pt[PTX(va)] = 0;
  }
}

void mm_free(struct mm *mm) {
  if (mm == NULL) return;
  for (u32 i = 0; i < PDX(USER_TOP); i++) {
    u32 *pt = (u32 *)mm->pgd[i];
    if (pt == empty_ptable) continue;
    for (int j = 0; j < PT_ENTRIES; j++)
      if (PTE_PRESENT(pt[j])) kfree(KVA(PTE_PA(pt[j])));
    kfree(pt);
  }
  kfree(mm->pgd);
  while (mm->vmas != NULL) {
    struct vma *v = mm->vmas;
    mm->vmas = v->next;
    vma_free(v);
  }
  kmfree(mm);
}

/* ---- regions ----------------------------------------------------------------------------- */

struct vma *vma_find(struct mm *mm, u32 va) {
  for (struct vma *v = mm->vmas; v != NULL; v = v->next)
    if (va >= v->start && va < v->end) return v;
  return NULL;
}

static void vma_link(struct mm *mm, struct vma *nv) {
  struct vma **pp = &mm->vmas;
  while (*pp != NULL && (*pp)->start < nv->start) pp = &(*pp)->next;
  nv->next = *pp;
  *pp = nv;
}

/* Split v at addr (inside it): v keeps [start, addr), the new region gets [addr, end). */
static struct vma *vma_split(struct vma *v, u32 addr) {
  struct vma *n = kmalloc(sizeof *n);
  if (n == NULL) return NULL;
  *n = *v;
  n->start = addr;
  if (n->ip != NULL) {
    n->off = v->off + (addr - v->start);
    idup(n->ip);
  }
  v->end = addr;
  v->next = n;
  return n;
}

bool mm_range_free(struct mm *mm, u32 start, u32 end) {
  for (struct vma *v = mm->vmas; v != NULL; v = v->next)
    if (v->start < end && start < v->end) return false;
  return true;
}

/* Make addr a region boundary (split the region containing it). */
static int split_at(struct mm *mm, u32 addr) {
  struct vma *v = vma_find(mm, addr);
  if (v != NULL && v->start < addr && vma_split(v, addr) == NULL) return -ENOMEM;
  return 0;
}

/* Remove [start, end) from the address space (regions split as needed). */
int mm_unmap(struct mm *mm, u32 start, u32 end) {
  if (split_at(mm, start) < 0 || split_at(mm, end) < 0) return -ENOMEM;
  struct vma **pp = &mm->vmas;
  while (*pp != NULL) {
    struct vma *v = *pp;
    if (v->end <= start || v->start >= end) {
      pp = &v->next;
      continue;
    }
    *pp = v->next;
    unmap_pages(mm, v->start, v->end);
    vma_free(v);
  }
  mm_tlb_flush(mm);
  return 0;
}

/* Add a region. ip (file mappings) gains a reference held by the region. */
int mm_map(struct mm *mm, u32 start, u32 end, u32 prot, u32 flags, struct inode *ip, u32 off, u32 file_end) {
  struct vma *v = kzalloc(sizeof *v);
  if (v == NULL) return -ENOMEM;
  v->start = start;
  v->end = end;
  v->prot = prot;
  v->flags = flags;
  if (ip != NULL) {
    v->ip = idup(ip);
    v->off = off;
    v->file_end = file_end;
  }
  vma_link(mm, v);
  return 0;
}

/* Change the protection of [start, end); every page of it must be mapped (else -ENOMEM).
 * Present pages lose D: a later write faults and copies the page if it is shared. */
int mm_protect(struct mm *mm, u32 start, u32 end, u32 prot) {
  for (u32 a = start; a < end;) {
    struct vma *v = vma_find(mm, a);
    if (v == NULL) return -ENOMEM;
    a = v->end;
  }
  if (split_at(mm, start) < 0 || split_at(mm, end) < 0) return -ENOMEM;
  for (struct vma *v = mm->vmas; v != NULL; v = v->next) {
    if (v->end <= start || v->start >= end) continue;
    v->prot = prot;
    for (u32 va = v->start; va < v->end; va += PGSIZE) {
      u32 *pte = pte_slot(mm, va, false);
      if (pte == NULL || !PTE_PRESENT(*pte)) continue;
      *pte &= ~(PTE_D | PTE_V | PTE_SW_NOACC);
      *pte |= prot == PROT_NONE ? PTE_SW_NOACC : PTE_V;
    }
  }
  mm_tlb_flush(mm);
  return 0;
}

/* Highest free gap of len bytes below mm->mmap_top, or 0. */
u32 mm_find_gap(struct mm *mm, u32 len) {
  u32 top = mm->mmap_top;
  while (top >= USER_MIN + len) {
    u32 start = top - len;
    struct vma *hit = NULL;
    for (struct vma *v = mm->vmas; v != NULL; v = v->next)
      if (v->start < top && start < v->end) hit = v;   /* the highest overlapping region */
    if (hit == NULL) return start;
    top = hit->start;
  }
  return 0;
}

/* ---- page faults ------------------------------------------------------------------------ */

/* Fill a fresh private page for va in v: zeros, or the file's bytes. */
static int fill_private(struct vma *v, u32 va, void *page) {
  hal_page_zero(page);
  if (v->ip == NULL || va >= v->file_end) return 0;
  u32 n = MIN((u32)PGSIZE, v->file_end - va);
  ilock(v->ip);
  int r = readi(v->ip, false, (u32)page, v->off + (va - v->start), n);
  iunlock(v->ip);
  return r < 0 ? r : 0;
}

/* Resolve a fault at va. write: a store. 0 on success, -EFAULT when nothing is mapped there,
 * -EACCES for a protection violation, -ENOMEM when out of memory. */
int vm_fault(struct mm *mm, u32 va, bool write) {
  va = PGROUNDDOWN(va);
  struct vma *v = vma_find(mm, va);
  if (v == NULL) return -EFAULT;
  if (write ? (v->prot & PROT_WRITE) == 0 : (v->prot & (PROT_READ | PROT_EXEC | PROT_WRITE)) == 0)
    return -EACCES;
  u32 *pte = pte_slot(mm, va, true);
  if (pte == NULL) return -ENOMEM;
  bool writable = (v->prot & PROT_WRITE) != 0;
  if (PTE_PRESENT(*pte)) {
    if (*pte & PTE_SW_NOACC) *pte = (*pte & ~PTE_SW_NOACC) | PTE_V;
    if (write && !(*pte & PTE_D)) {
      void *old = KVA(PTE_PA(*pte));
      if ((*pte & PTE_SW_FILE) == 0 && page_refs(old) == 1) {
        *pte |= PTE_D;
      } else {
        void *page = kalloc();
        if (page == NULL) return -ENOMEM;
        memcpy(page, old, PGSIZE);
        *pte = make_pte(page, true);
        kfree(old);
      }
    }
  } else if (v->ip != NULL && !write && va + PGSIZE <= v->file_end) {
    void *page = pcache_get(v->ip, v->off + (va - v->start));
    if (page == NULL) return -ENOMEM;
    *pte = make_pte(page, false) | PTE_SW_FILE;
    mm->rss++;
  } else {
    void *page = kalloc();
    if (page == NULL) return -ENOMEM;
    if (fill_private(v, va, page) < 0) {
      kfree(page);
      return -EFAULT;
    }
    *pte = make_pte(page, writable);
    mm->rss++;
  }
  mm_tlb_flush_page(mm, va);
  return 0;
}

/* Fault in every page of [va, va+len) ahead of a copy made while holding a lock the fault
 * path might need (file reads into a mapping of the same file). */
int vm_prefault(u32 va, u32 len, bool write) {
  struct mm *mm = myproc()->mm;
  if (len == 0 || (va >= USER_TOP && myproc()->kaddr_ok)) return 0;
  if (va >= USER_TOP || len > USER_TOP - va) return -EFAULT;
  for (u32 a = PGROUNDDOWN(va); a < va + len && a >= PGROUNDDOWN(va); a += PGSIZE) {
    u32 *pte = pte_slot(mm, a, false);
    if (pte != NULL && (*pte & PTE_V) && (!write || (*pte & PTE_D))) continue;
    int r = vm_fault(mm, a, write);
    if (r < 0) return -EFAULT;
  }
  return 0;
}

/* ---- fork ----------------------------------------------------------------------------- */

struct mm *mm_fork(struct mm *old) {
  struct mm *mm = mm_create();
  if (mm == NULL) return NULL;
  mm->brk_start = old->brk_start;
  mm->brk = old->brk;
  mm->mmap_top = old->mmap_top;
  struct vma **tail = &mm->vmas;
  for (struct vma *v = old->vmas; v != NULL; v = v->next) {
    struct vma *n = kmalloc(sizeof *n);
    if (n == NULL) goto fail;
    *n = *v;
    n->next = NULL;
    if (n->ip != NULL) idup(n->ip);
    *tail = n;
    tail = &n->next;
  }
  for (u32 i = 0; i < PDX(USER_TOP); i++) {
    u32 *pt = (u32 *)old->pgd[i];
    if (pt == empty_ptable) continue;
    u32 *npt = kzalloc_page();
    if (npt == NULL) goto fail;
    mm->pgd[i] = (u32)npt;
    for (int j = 0; j < PT_ENTRIES; j++) {
      if (!PTE_PRESENT(pt[j])) continue;
      pt[j] &= ~PTE_D;            /* copy on write, in both */
      npt[j] = pt[j];
      page_get(KVA(PTE_PA(pt[j])));
      mm->rss++;
    }
  }
  mm_tlb_flush(old);
  return mm;
fail:
  mm_tlb_flush(old);
  mm_free(mm);
  return NULL;
}

/* Map the shared trampoline page. */
int mm_map_sigpage(struct mm *mm) {
  int r = mm_map(mm, SIGPAGE_VA, SIGPAGE_VA + PGSIZE, PROT_READ | PROT_EXEC, VMA_SIGPAGE, NULL, 0, 0);
  if (r < 0) return r;
  u32 *pte = pte_slot(mm, SIGPAGE_VA, true);
  if (pte == NULL) return -ENOMEM;
  page_get(sigpage);
  *pte = make_pte(sigpage, false) | PTE_SW_FILE;
  return 0;
}

/* Copy into a (not necessarily current) address space through the kernel mapping,
 * faulting pages in as needed: exec builds the new stack with it. */
int mm_copyout(struct mm *mm, u32 va, const void *src, u32 len) {
  const u8 *s = src;
  while (len > 0) {
    u32 *pte = pte_slot(mm, va, false);
    if (pte == NULL || (*pte & (PTE_V | PTE_D)) != (PTE_V | PTE_D)) {
      int r = vm_fault(mm, va, true);
      if (r < 0) return r;
      pte = pte_slot(mm, va, false);
    }
    u32 n = MIN(len, PGSIZE - (va & (PGSIZE - 1)));
    memcpy((u8 *)KVA(PTE_PA(*pte)) + (va & (PGSIZE - 1)), s, n);
    va += n;
    s += n;
    len -= n;
  }
  return 0;
}

/* Read from any address space through the kernel mapping, without faulting pages in: bytes
 * copied up to the first page that is not present. */
u32 mm_peek(struct mm *mm, u32 va, void *dst, u32 len) {
  u8 *d = dst;
  u32 done = 0;
  while (done < len) {
    u32 *pte = pte_slot(mm, va, false);
    if (pte == NULL || !PTE_PRESENT(*pte)) break;
    u32 n = MIN(len - done, PGSIZE - (va & (PGSIZE - 1)));
    memcpy(d + done, (u8 *)KVA(PTE_PA(*pte)) + (va & (PGSIZE - 1)), n);
    va += n;
    done += n;
  }
  return done;
}

/* ---- user memory access ------------------------------------------------------------------ */

static bool user_range(u32 va, u32 len) {
  if (va < USER_TOP && len <= USER_TOP - va) return true;
  struct proc *p = myproc();
  return p != NULL && p->kaddr_ok;
}

int copyin(void *dst, uaddr_t src, u32 len) {
  if (!user_range(src, len)) return -EFAULT;
  return copy_user(dst, (const void *)src, len);
}

int copyout(uaddr_t dst, const void *src, u32 len) {
  if (!user_range(dst, len)) return -EFAULT;
  return copy_user((void *)dst, src, len);
}

int clear_user(uaddr_t dst, u32 len) {
  if (!user_range(dst, len)) return -EFAULT;
  return zero_user((void *)dst, len);
}

/* Copy a NUL-terminated user string of at most max-1 characters: its length, -EFAULT or
 * -ENAMETOOLONG. */
int copyinstr(char *dst, uaddr_t src, u32 max) {
  if (src >= USER_TOP) return -EFAULT;   /* never from kernel addresses */
  u32 lim = MIN(max, USER_TOP - src);
  int n = strncpy_user(dst, (const char *)src, lim);
  if (n < 0) return n;
  if ((u32)n == lim) return lim == max ? -ENAMETOOLONG : -EFAULT;
  return n;
}

int get_user32(u32 *out, uaddr_t src) {
  if ((src & 3) != 0) return -EFAULT;
  return copyin(out, src, 4);
}

int put_user32(uaddr_t dst, u32 v) {
  if ((dst & 3) != 0) return -EFAULT;
  return copyout(dst, &v, 4);
}

/* The exception table: a fault at pc inside the user-copy routines resumes at the fixup. */
bool uaccess_fixup(struct trapframe *tf) {
  extern char uaccess_start[], uaccess_end[], uaccess_fault[];
  if (tf->epc >= (u32)uaccess_start && tf->epc < (u32)uaccess_end) {
    tf->epc = (u32)uaccess_fault;
    return true;
  }
  return false;
}
