/* exec.c: execve. Loads an ELF32 little-endian MIPS executable (ET_EXEC, or ET_DYN at
 * 0x400000); a dynamically linked one (PT_INTERP) gets its program interpreter (ld.so)
 * mapped too, at the top of the mmap area, and starts there with AT_BASE / AT_ENTRY telling
 * it where both are. A "#!" script runs through its interpreter. The
 * new address space is built completely while the old one still exists (argument strings
 * are copied straight from the old user memory to the new stack), so a failing execve
 * returns an error to the caller; only then is the old space dropped. The stack follows
 * Linux: argc, argv, envp, auxv (AT_PHDR ... AT_RANDOM, AT_EXECFN), then the strings. */
#include "types.h"
#include "defs.h"
#include "proc.h"
#include "fs.h"
#include "mips.h"
#include "vm.h"
#include "hal.h"

#define EM_MIPS 8
#define ET_EXEC 2
#define ET_DYN 3
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define MAXPHDR 16
#define DYN_BASE 0x00400000u

struct elfhdr {
  u8 ident[16];
  u16 type, machine;
  u32 version, entry, phoff, shoff, flags;
  u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct proghdr {
  u32 type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

/* Where argv and envp come from: kernel strings first (interpreter of a script), then a
 * user array (from uskip on), or a kernel array (the first process). */
struct execargs {
  const char *pre[3];
  int npre;
  u32 uargv;
  int uskip;
  char *const *kargv;
  u32 uenvp;
  char *const *kenvp;
};

/* The idx-th argv (env = false) or envp string: 1 and its address, 0 past the end, or
 * -EFAULT. */
static int arg_at(const struct execargs *a, int idx, bool env, u32 *ptr, bool *user) {
  if (!env && idx < a->npre) {
    *ptr = (u32)a->pre[idx];
    *user = false;
    return 1;
  }
  if (!env) idx -= a->npre;
  char *const *k = env ? a->kenvp : a->kargv;
  u32 u = env ? a->uenvp : a->uargv;
  if (k != NULL) {
    *ptr = (u32)k[idx];
    *user = false;
    return k[idx] != NULL;
  }
  if (u == 0) return 0;
  if (!env) idx += a->uskip;
  u32 v;
  if (get_user32(&v, u + 4 * (u32)idx) < 0) return -EFAULT;
  *ptr = v;
  *user = true;
  return v != 0;
}

/* Length of a user or kernel string including the NUL, or -EFAULT / -E2BIG. */
static int str_size(u32 ptr, bool user) {
  if (!user) return (int)strlen((const char *)ptr) + 1;
  char scratch[256];
  for (u32 off = 0; off < ARG_MAX; off += sizeof scratch) {
    if (ptr + off >= USER_TOP) return -EFAULT;
    int n = strncpy_user(scratch, (const char *)(ptr + off), MIN((u32)sizeof scratch, USER_TOP - ptr - off));
    if (n < 0) return -EFAULT;
    if ((u32)n < sizeof scratch) return (int)(off + (u32)n + 1);
  }
  return -E2BIG;
}

/* Copy a string of `size` bytes to va in mm. */
static int str_copy(struct mm *mm, u32 va, u32 ptr, bool user, u32 size) {
  char chunk[256];
  for (u32 off = 0; off < size; off += sizeof chunk) {
    u32 m = MIN((u32)sizeof chunk, size - off);
    if (user) {
      if (copyin(chunk, ptr + off, m) < 0) return -EFAULT;
    } else {
      memcpy(chunk, (const char *)ptr + off, m);
    }
    if (off + m == size) chunk[m - 1] = '\0';
    int r = mm_copyout(mm, va + off, chunk, m);
    if (r < 0) return r;
  }
  return 0;
}

static int put_word(struct mm *mm, u32 va, u32 v) {
  return mm_copyout(mm, va, &v, 4);
}

struct loadinfo {
  u32 entry, phdr, phnum, brk;
  u32 interp_base, interp_entry;   /* 0 for a static program */
  char *interp;                    /* PT_INTERP path (kmalloc'ed) while loading, else NULL */
  u32 arg_start, arg_end;   /* filled by build_stack */
};

/* Count argv/envp and their bytes. */
static int measure(const struct execargs *a, bool env, int *count, u32 *bytes) {
  for (int i = 0;; i++) {
    u32 ptr;
    bool user;
    int r = arg_at(a, i, env, &ptr, &user);
    if (r < 0) return r;
    if (r == 0) {
      *count = i;
      return 0;
    }
    if (i >= MAXARGV) return -E2BIG;
    int n = str_size(ptr, user);
    if (n < 0) return n;
    *bytes += (u32)n;
    if (*bytes > ARG_MAX) return -E2BIG;
  }
}

/* Build the initial stack in mm; returns the new sp or -errno. */
static s32 build_stack(struct mm *mm, const struct execargs *a, const char *execfn, struct loadinfo *li) {
  int argc, envc;
  u32 bytes = 0;
  int r = measure(a, false, &argc, &bytes);
  if (r == 0) r = measure(a, true, &envc, &bytes);
  if (r < 0) return r;
  u32 fnlen = (u32)strlen(execfn) + 1;
  u32 top = STACK_TOP - 4;
  u32 fn_va = top - fnlen;
  u32 str_va = (fn_va - bytes) & ~3u;
  u32 rnd_va = (str_va - 16) & ~15u;
  u32 auxv[][2] = {
    { AT_HWCAP, 0 }, { AT_PAGESZ, PGSIZE }, { AT_CLKTCK, HZ }, { AT_PHDR, li->phdr },
    { AT_PHENT, 32 }, { AT_PHNUM, li->phnum }, { AT_BASE, li->interp_base }, { AT_FLAGS, 0 },
    { AT_ENTRY, li->entry }, { AT_UID, 0 }, { AT_EUID, 0 }, { AT_GID, 0 }, { AT_EGID, 0 },
    { AT_SECURE, 0 }, { AT_RANDOM, rnd_va }, { AT_EXECFN, fn_va }, { AT_NULL, 0 },
  };
  u32 nwords = 1 + (u32)argc + 1 + (u32)envc + 1 + 2 * NELEM(auxv);
  u32 sp = (rnd_va - 4 * nwords) & ~15u;
  if (STACK_TOP - sp > USER_STACK_SIZE / 2) return -E2BIG;
  if ((r = put_word(mm, top, 0)) < 0 || (r = str_copy(mm, fn_va, (u32)execfn, false, fnlen)) < 0) return r;
  u8 rnd[16];
  random_bytes(rnd, sizeof rnd);
  if ((r = mm_copyout(mm, rnd_va, rnd, sizeof rnd)) < 0) return r;
  u32 w = sp;
  if ((r = put_word(mm, w, (u32)argc)) < 0) return r;
  w += 4;
  u32 s = str_va;
  li->arg_start = str_va;
  for (int pass = 0; pass < 2; pass++) {
    if (pass == 1) li->arg_end = s;
    int n = pass == 0 ? argc : envc;
    for (int i = 0; i < n; i++) {
      u32 ptr;
      bool user;
      if (arg_at(a, i, pass == 1, &ptr, &user) != 1) return -EFAULT;
      int size = str_size(ptr, user);
      if (size < 0) return size;
      if (s + (u32)size > fn_va) return -E2BIG;   /* the strings changed under us */
      if ((r = str_copy(mm, s, ptr, user, (u32)size)) < 0) return r;
      if ((r = put_word(mm, w, s)) < 0) return r;
      w += 4;
      s += (u32)size;
    }
    if ((r = put_word(mm, w, 0)) < 0) return r;
    w += 4;
  }
  if ((r = mm_copyout(mm, w, auxv, sizeof auxv)) < 0) return r;
  return (s32)sp;
}

/* Map the PT_LOAD segments of a locked ELF inode into mm. The program (interp == false) goes
 * at its link address (ET_DYN: DYN_BASE) and fills li, reading its PT_INTERP path into
 * li->interp; the interpreter (interp == true, ET_DYN only) goes in the highest free gap of
 * the mmap area and fills li->interp_base / interp_entry. */
static int load_elf(struct mm *mm, struct inode *ip, struct loadinfo *li, bool interp) {
  struct elfhdr eh;
  if (readi(ip, false, (u32)&eh, 0, sizeof eh) != sizeof eh) return -ENOEXEC;
  if (eh.ident[0] != 0x7f || eh.ident[1] != 'E' || eh.ident[2] != 'L' || eh.ident[3] != 'F') return -ENOEXEC;
  if (eh.ident[4] != 1 || eh.ident[5] != 1 || eh.machine != EM_MIPS) return -ENOEXEC;
  if ((eh.type != ET_EXEC && eh.type != ET_DYN) || eh.phentsize != sizeof(struct proghdr)) return -ENOEXEC;
  if (eh.phnum == 0 || eh.phnum > MAXPHDR) return -ENOEXEC;
  struct proghdr ph[MAXPHDR];
  u32 phbytes = eh.phnum * sizeof(struct proghdr);
  if (readi(ip, false, (u32)ph, eh.phoff, phbytes) != (int)phbytes) return -ENOEXEC;
  u32 base = eh.type == ET_DYN ? DYN_BASE : 0;
  if (interp) {
    u32 span = 0;
    if (eh.type != ET_DYN) return -ENOEXEC;
    for (int i = 0; i < eh.phnum; i++)
      if (ph[i].type == PT_LOAD && ph[i].vaddr + ph[i].memsz > span) span = ph[i].vaddr + ph[i].memsz;
    if (span == 0 || span > MMAP_TOP / 2 || (base = mm_find_gap(mm, PGROUNDUP(span))) == 0) return -ENOEXEC;
  }
  u32 prev_end = 0, brk = 0, phdr = 0;
  for (int i = 0; i < eh.phnum; i++) {
    struct proghdr *p = &ph[i];
    if (p->type == PT_INTERP) {
      if (interp || li->interp != NULL || p->filesz < 2 || p->filesz > MAXPATH) return -ENOEXEC;
      li->interp = kmalloc(MAXPATH);
      if (li->interp == NULL) return -ENOMEM;
      if (readi(ip, false, (u32)li->interp, p->offset, p->filesz) != (int)p->filesz) return -ENOEXEC;
      li->interp[p->filesz - 1] = '\0';
      if (strlen(li->interp) == 0) return -ENOEXEC;
      continue;
    }
    if (p->type == PT_PHDR) phdr = base + p->vaddr;
    if (p->type != PT_LOAD || p->memsz == 0) continue;
    u32 va = base + p->vaddr;
    if (p->filesz > p->memsz || (va & (PGSIZE - 1)) != (p->offset & (PGSIZE - 1))) return -ENOEXEC;
    if (va < USER_MIN || va + p->memsz < va || va + p->memsz > MMAP_TOP) return -ENOEXEC;
    u32 start = PGROUNDDOWN(va);
    if (start < prev_end) return -ENOEXEC;              /* segments sharing a page */
    u32 prot = ((p->flags & PF_R) ? PROT_READ : 0) | ((p->flags & PF_W) ? PROT_WRITE : 0) |
               ((p->flags & PF_X) ? PROT_EXEC : 0);
    u32 fend = p->filesz ? PGROUNDUP(va + p->filesz) : start, mend = PGROUNDUP(va + p->memsz);
    int r = 0;
    if (p->filesz > 0) r = mm_map(mm, start, fend, prot, VMA_FILE, ip, p->offset - (va - start), va + p->filesz);
    if (r == 0 && mend > fend) r = mm_map(mm, MAX(fend, start), mend, prot, VMA_ANON, NULL, 0, 0);
    if (r < 0) return r;
    if (phdr == 0 && eh.phoff >= p->offset && eh.phoff + phbytes <= p->offset + p->filesz)
      phdr = va + (eh.phoff - p->offset);
    prev_end = mend;
    if (mend > brk) brk = mend;
  }
  if (brk == 0) return -ENOEXEC;
  if (interp) {
    li->interp_base = base;
    li->interp_entry = base + eh.entry;
    return 0;
  }
  li->phdr = phdr;
  li->entry = base + eh.entry;
  li->phnum = eh.phnum;
  li->brk = brk;
  return 0;
}

/* Map the program interpreter named by li->interp into mm (after the program). */
static int load_interp(struct mm *mm, struct loadinfo *li) {
  struct inode *ip = namei_at(AT_FDCWD, li->interp, true);
  if (IS_ERR(ip)) return PTR_ERR(ip);
  ilock(ip);
  int r = S_ISREG(ip->d.i_mode) ? load_elf(mm, ip, li, true) : -EACCES;
  iunlockput(ip);
  return r;
}

/* Absolute form of path for /proc/self/exe (lexical: "." and ".." folded). */
static char *absolute_path(const char *path) {
  struct proc *p = myproc();
  char *out = kmalloc(MAXPATH);
  if (out == NULL) return NULL;
  u32 n = 0;
  if (path[0] != '/') {
    int r = path_of_dir(p->cwd, out, MAXPATH);
    n = r < 0 ? 0 : (u32)r;
    if (n == 1) n = 0;   /* "/" */
  }
  out[n] = '\0';
  const char *s = path;
  while (*s) {
    while (*s == '/') s++;
    const char *e = s;
    while (*e && *e != '/') e++;
    u32 len = (u32)(e - s);
    if (len == 0) break;
    if (len == 1 && s[0] == '.') {
    } else if (len == 2 && s[0] == '.' && s[1] == '.') {
      while (n > 0 && out[n - 1] != '/') n--;
      if (n > 0) n--;
    } else if (n + 1 + len + 1 < MAXPATH) {
      out[n++] = '/';
      memcpy(out + n, s, len);
      n += len;
    }
    out[n] = '\0';
    s = e;
  }
  if (n == 0) strlcpy(out, "/", MAXPATH);
  return out;
}

/* "#!interp [arg]" in the first line of a script: fill interp/arg (kernel buffers). */
static bool parse_shebang(const char *hdr, int n, char *interp, char *arg) {
  if (n < 3 || hdr[0] != '#' || hdr[1] != '!') return false;
  int i = 2;
  while (i < n && (hdr[i] == ' ' || hdr[i] == '\t')) i++;
  int k = 0;
  while (i < n && hdr[i] != ' ' && hdr[i] != '\t' && hdr[i] != '\n' && k < 127) interp[k++] = hdr[i++];
  interp[k] = '\0';
  while (i < n && (hdr[i] == ' ' || hdr[i] == '\t')) i++;
  k = 0;
  while (i < n && hdr[i] != '\n' && k < 127) arg[k++] = hdr[i++];
  while (k > 0 && (arg[k - 1] == ' ' || arg[k - 1] == '\t' || arg[k - 1] == '\r')) k--;
  arg[k] = '\0';
  return interp[0] != '\0';
}

static int exec_at(const char *path, struct execargs *a, int depth);

static int exec_script(const char *path, struct execargs *a, int depth, const char *hdr, int n) {
  char *interp = kmalloc(128), *arg = kmalloc(128);
  int r = -ENOEXEC;
  if (interp && arg && parse_shebang(hdr, n, interp, arg)) {
    struct execargs b = *a;
    b.npre = 0;
    b.pre[b.npre++] = interp;
    if (arg[0] != '\0') b.pre[b.npre++] = arg;
    b.pre[b.npre++] = path;
    if (a->kargv != NULL) {
      b.kargv = a->kargv[0] ? a->kargv + 1 : a->kargv;
    } else {
      u32 first;
      bool user;
      b.uskip = a->uskip + (arg_at(a, a->npre, false, &first, &user) == 1 ? 1 : 0);
    }
    r = exec_at(interp, &b, depth + 1);
  }
  kmfree(interp);
  kmfree(arg);
  return r;
}

/* Commit: replace the current process image. */
static void commit(struct proc *p, struct mm *mm, const struct loadinfo *li, u32 sp, const char *path) {
  acquire(&ptable_lock);      /* procfs reads p->mm under it */
  struct mm *old = p->mm;
  if (mycpu()->fpu_owner == p) mycpu()->fpu_owner = NULL;
  p->mm = mm;
  mm_activate(mm);
  release(&ptable_lock);
  mm_free(old);
  mm->brk_start = mm->brk = li->brk;
  p->arg_start = li->arg_start;
  p->arg_end = li->arg_end;
  struct trapframe *tf = p->tf;
  memset(tf->regs, 0, sizeof tf->regs);
  tf->regs[R_SP] = sp;
  tf->hi = tf->lo = 0;
  tf->epc = li->interp_entry ? li->interp_entry : li->entry;
  tf->status = ST_UM | ST_IE | ST_EXL | hal_irq_mask();
  tf->sysnr = 0;
  p->used_fpu = false;
  p->fcsr = 0;
  p->tls = 0;
  hal_set_tls(0);
  p->clear_child_tid = 0;
  for (int fd = 0; fd < NOFILE; fd++)
    if ((p->cloexec >> fd) & 1) fdclose(fd);
  p->cloexec = 0;
  signal_exec_reset(p);
  const char *base = path;
  for (const char *c = path; *c; c++)
    if (*c == '/' && c[1] != '\0') base = c + 1;
  strlcpy(p->name, base, sizeof p->name);
  char *exe = strncmp(path, "/proc/", 6) == 0 && p->exe ? kstrdup(p->exe) : absolute_path(path);
  if (p->exe) kmfree(p->exe);
  p->exe = exe;
  vfork_release(p);
}

static int exec_at(const char *path, struct execargs *a, int depth) {
  struct proc *p = myproc();
  if (depth > 4) return -ELOOP;
  struct inode *ip = namei_at(AT_FDCWD, path, true);
  if (IS_ERR(ip)) return PTR_ERR(ip);
  ilock(ip);
  int r = 0;
  if (!S_ISREG(ip->d.i_mode)) r = S_ISDIR(ip->d.i_mode) ? -EACCES : -EACCES;
  else if ((ip->d.i_mode & 0111) == 0) r = -EACCES;
  char hdr[128];
  int n = 0;
  if (r == 0) {
    n = readi(ip, false, (u32)hdr, 0, sizeof hdr);
    if (n < 4) r = -ENOEXEC;
  }
  if (r == 0 && hdr[0] == '#' && hdr[1] == '!') {
    iunlockput(ip);
    return exec_script(path, a, depth, hdr, n);
  }
  struct mm *mm = NULL;
  struct loadinfo li = { 0 };
  if (r == 0) {
    mm = mm_create();
    if (mm == NULL) r = -ENOMEM;
  }
  if (r == 0) r = load_elf(mm, ip, &li, false);
  iunlockput(ip);
  if (r == 0 && li.interp != NULL) r = load_interp(mm, &li);
  if (li.interp != NULL) kmfree(li.interp);
  if (r == 0) r = mm_map(mm, STACK_TOP - USER_STACK_SIZE, STACK_TOP, PROT_READ | PROT_WRITE, VMA_STACK | VMA_ANON, NULL, 0, 0);
  if (r == 0) r = mm_map_sigpage(mm);
  s32 sp = 0;
  if (r == 0) {
    sp = build_stack(mm, a, path, &li);
    if (sp < 0) r = sp;
  }
  if (r < 0) {
    if (mm) mm_free(mm);
    return r;
  }
  commit(p, mm, &li, (u32)sp, path);
  return 0;
}

long sys_execve(uaddr_t upath, uaddr_t uargv, uaddr_t uenvp) {
  char *path = kmalloc(MAXPATH);
  if (path == NULL) return -ENOMEM;
  int r = copyinstr(path, upath, MAXPATH);
  if (r >= 0) {
    struct execargs a = { .uargv = uargv, .uenvp = uenvp };
    r = exec_at(path, &a, 0);
  }
  kmfree(path);
  return r;
}

/* execve from the kernel (the first process). */
int kernel_execve(const char *path, char *const argv[], char *const envp[]) {
  struct execargs a = { .kargv = argv, .kenvp = envp };
  return exec_at(path, &a, 0);
}
