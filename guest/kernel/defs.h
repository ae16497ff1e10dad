/* defs.h: prototypes of every kernel function used outside its own file, grouped by file. */
#ifndef DEFS_H
#define DEFS_H

#include "types.h"
#include "spinlock.h"
#include "linux.h"

struct buf;
struct context;
struct cpu;
struct file;
struct inode;
struct mm;
struct pipe;
struct proc;
struct stat64;
struct trapframe;
struct vma;

#define PANIC_EXIT_CODE 0x7a      /* power-off code after a kernel panic */

/* Errors returned in a pointer: the top 4095 addresses are never valid kernel pointers. */
#define ERR_PTR(e) ((void *)(long)(e))
#define PTR_ERR(p) ((long)(p))
#define IS_ERR(p) ((unsigned long)(p) >= (unsigned long)-4095)

/* string.c */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
size_t strlcpy(char *dst, const char *src, size_t n);
char *strchr(const char *s, int c);
char *kstrdup(const char *s);

/* lib64.c */
u64 udivmod64(u64 n, u64 d, u64 *rem);

/* printf.c */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int snprintf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void cons_lock_acquire(void);
void cons_lock_release(void);

/* spinlock.c */
void initlock(struct spinlock *lk, const char *name);
void acquire(struct spinlock *lk);
void release(struct spinlock *lk);
bool holding(struct spinlock *lk);
void push_off(void);
void pop_off(void);
void initsleeplock(struct sleeplock *lk, const char *name);
void acquiresleep(struct sleeplock *lk);
void releasesleep(struct sleeplock *lk);
bool holdingsleep(struct sleeplock *lk);

/* kalloc.c */
void kinit(void);
void *kalloc(void);
void *kalloc_node(int node);
void *kzalloc_page(void);
void kfree(void *kva);
void page_get(void *kva);
u32 page_refs(void *kva);
int page_node(paddr_t pa);
void kmem_stats(u32 *total, u32 *free);

/* kmalloc.c */
void *kmalloc(size_t n);
void *kzalloc(size_t n);
void kmfree(void *p);

/* vm.c */
void vm_init(void);
struct mm *mm_create(void);
void mm_free(struct mm *mm);
void mm_activate(struct mm *mm);
void mm_tlb_flush(struct mm *mm);
struct vma *vma_find(struct mm *mm, u32 va);
bool mm_range_free(struct mm *mm, u32 start, u32 end);
int mm_unmap(struct mm *mm, u32 start, u32 end);
int mm_map(struct mm *mm, u32 start, u32 end, u32 prot, u32 flags, struct inode *ip, u32 off, u32 file_end);
int mm_protect(struct mm *mm, u32 start, u32 end, u32 prot);
u32 mm_find_gap(struct mm *mm, u32 len);
int vm_fault(struct mm *mm, u32 va, bool write);
int vm_prefault(u32 va, u32 len, bool write);
struct mm *mm_fork(struct mm *old);
int mm_map_sigpage(struct mm *mm);
int mm_copyout(struct mm *mm, u32 va, const void *src, u32 len);
u32 mm_peek(struct mm *mm, u32 va, void *dst, u32 len);
int copyin(void *dst, uaddr_t src, u32 len);
int copyout(uaddr_t dst, const void *src, u32 len);
int clear_user(uaddr_t dst, u32 len);
int copyinstr(char *dst, uaddr_t src, u32 max);
int get_user32(u32 *out, uaddr_t src);
int put_user32(uaddr_t dst, u32 v);
bool uaccess_fixup(struct trapframe *tf);

/* entry.S */
void trap_return(struct trapframe *tf) __attribute__((noreturn));
void swtch(struct context **old, struct context *new_ctx);
int copy_user(void *dst, const void *src, u32 n);
int zero_user(void *dst, u32 n);
int strncpy_user(char *dst, const char *src, u32 max);
void fpu_save(u64 regs[16], u32 *fcsr);
void fpu_restore(const u64 regs[16], u32 fcsr);

/* pcache.c */
void *pcache_get(struct inode *ip, u32 off);
void *pcache_lookup(struct inode *ip, u32 off);
int pcache_read(struct inode *ip, uaddr_t dst, u32 off, u32 n);
void *pcache_insert(struct inode *ip, u32 off, void *page);
void pcache_invalidate(struct inode *ip);
u32 pcache_shrink(u32 n);

/* sched.c */
extern volatile u64 jiffies;
void time_init(void);
u64 monotonic_ns(void);
u64 realtime_ns(void);
u32 now_seconds(void);
u64 ns_to_cycles(u64 ns);
void sched(void);
void yield(void);
void forkret(void);
void scheduler(void) __attribute__((noreturn));
void make_runnable(struct proc *p);
int sleep_on(void *chan, struct spinlock *lk, bool intr, u64 deadline);
void sleep(void *chan, struct spinlock *lk);
void wakeup(void *chan);
void wakeup_locked(void *chan);
void maybe_resched(void);
void deadline_add(u64 when);
bool resched_pending(void);

/* proc.c */
void userinit(void);
struct proc *proc_by_pid(int pid);
struct proc *proc_slot(int i);
int do_clone(u32 flags, u32 newsp, u32 ptid, u32 tls, u32 ctid);
void vfork_release(struct proc *p);
void do_exit(int status) __attribute__((noreturn));
void power_button(void);
void proc_reap(struct proc *p);
int do_wait(int pid, uaddr_t ustatus, int options, uaddr_t rusage);
int do_setpgid(int pid, int pgid);
int do_getpgid(int pid);
int do_getsid(int pid);
int do_setsid(void);
bool pgrp_exists(int pgid);
int nprocs(void);
void procdump(void);

/* trap.c */
void trap(struct trapframe *tf);
void prepare_user_return(struct trapframe *tf);
void usertrapret(struct trapframe *tf) __attribute__((noreturn));
void fpu_flush(struct proc *p);

/* signal.c */
bool signal_pending(struct proc *p);
void signal_send_locked(struct proc *p, int sig, int code, u32 addr);
void signal_send(struct proc *p, int sig);
void force_signal(struct proc *p, int sig, int code, u32 addr);
int signal_pgrp(int pgid, int sig);
int do_kill(int pid, int sig);
void syscall_restart(struct trapframe *tf);
void do_signal(struct trapframe *tf);
void signal_exec_reset(struct proc *p);

/* syscall.c */
extern int syscall_trace;
void syscall(struct trapframe *tf);

/* bio.c */
void disk_flush(void);
int disk_read_raw(u32 off, void *dst, u32 bytes);
int disk_read_page(u32 sector, void *page);
u32 disk_blocks(u32 bsize);
void binit(u32 bsize);
struct buf *bread(u32 blockno);
struct buf *bget_zero(u32 blockno);
void bwrite(struct buf *b);
void brelse(struct buf *b);
u32 bcache_bsize(void);

/* ext2.c */
void ext2_mount(void);
void ext2_sync(bool unmount);
u32 ext2_bsize(void);
void ext2_statfs(u32 *blocks, u32 *bfree, u32 *files, u32 *ffree, u32 *bsize);
void iinit(void);
struct inode *iget(u32 dev, u32 inum);
struct inode *idup(struct inode *ip);
void ilock(struct inode *ip);
void iunlock(struct inode *ip);
void iunlockput(struct inode *ip);
void iupdate(struct inode *ip);
void iput(struct inode *ip);
struct inode *ialloc(struct inode *parent, u16 mode);
u32 bmap(struct inode *ip, u32 bn, bool alloc);
void itrunc(struct inode *ip, u32 size);
int readi(struct inode *ip, bool user, u32 dst, u32 off, u32 n);
int readpage_direct(struct inode *ip, u32 off, void *page);
int writei(struct inode *ip, bool user, u32 src, u32 off, u32 n);
void stati(struct inode *ip, struct stat64 *st);
u32 inode_rdev(struct inode *ip);

/* ext2dir.c */
u8 dtype_of_ftype(u8 ft);
u32 dirlookup(struct inode *dp, const char *name);
int dirlink(struct inode *dp, const char *name, u32 inum, u16 mode);
int dirunlink(struct inode *dp, const char *name);
int dirretarget(struct inode *dp, const char *name, u32 inum, u16 mode);
bool dirempty(struct inode *dp);
int dirinit(struct inode *dp, u32 parent_inum);
int dirlist(struct inode *dp, u32 *pos, u8 *buf, u32 cap);
int dir_name_of(struct inode *dp, u32 inum, char *name);

/* namei.c */
void namei_init(void);
struct inode *root_inode(void);
int readlink_inode(struct inode *ip, char *buf, u32 cap);
struct inode *namex(struct inode *start, const char *path, bool follow, bool parent, char *last);
struct inode *start_dir(int dirfd, const char *path);
struct inode *namei_at(int dirfd, const char *path, bool follow);
struct inode *nameiparent_at(int dirfd, const char *path, char *last);
struct inode *create_at(int dirfd, const char *path, u16 mode, u32 rdev, bool excl);
int unlink_at(int dirfd, const char *path, bool dir);
int link_at(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, bool follow);
int rename_at(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
int path_of_dir(struct inode *ip, char *buf, u32 cap);

/* file.c */
extern int pollchan;
void fileinit(void);
struct file *filealloc(void);
struct file *filedup(struct file *f);
void fileclose(struct file *f);
struct file *fd_file(int fd);
int fdalloc(struct file *f, int minfd, bool cloexec);
int fdclose(int fd);
ssize_t fileread(struct file *f, uaddr_t dst, u32 n);
ssize_t filewrite(struct file *f, uaddr_t src, u32 n);
ssize_t file_pread(struct file *f, uaddr_t buf, u32 n, u64 off, bool write);
s64 filelseek(struct file *f, s64 off, int whence);
int filestat(struct file *f, struct stat64 *st);
int filepoll(struct file *f);
void poll_wakeup(void);
ssize_t kernel_write(struct file *f, const void *buf, u32 n);

/* pipe.c */
int pipealloc(struct file **rf, struct file **wf);
void pipeclose(struct pipe *pi, bool writer);
ssize_t pipewrite(struct file *f, uaddr_t src, u32 n);
ssize_t piperead(struct file *f, uaddr_t dst, u32 n);
int pipepoll(struct file *f);
u32 pipe_available(struct file *f);

/* tty.c */
void tty_init(void);
void tty_open(struct proc *p, bool noctty);
ssize_t tty_read(struct file *f, uaddr_t dst, u32 n);
ssize_t tty_write(struct file *f, uaddr_t src, u32 n);
int tty_poll(struct file *f);
int tty_ioctl(struct file *f, u32 cmd, u32 arg);

/* dev.c */
bool dev_exists(u32 major, u32 minor);
bool dev_is_tty(struct file *f);
ssize_t dev_read(struct file *f, uaddr_t dst, u32 n);
ssize_t dev_write(struct file *f, uaddr_t src, u32 n);
int dev_ioctl(struct file *f, u32 cmd, u32 arg);
int dev_poll(struct file *f);
void dev_close(struct file *f);
struct file *dev_open_anon(u32 major, u32 minor, u32 flags);
void random_init(u64 seed1, u64 seed2);
void random_bytes(void *buf, u32 n);

/* procfs.c */
struct inode *procfs_root(void);
void procfs_fill(struct inode *ip);
struct inode *procfs_lookup(struct inode *dp, const char *name);
int procfs_readlink(struct inode *ip, char *buf, u32 cap);
int procfs_path(struct inode *ip, char *buf, u32 cap);
int procfs_open(struct file *f);
int procfs_readdir(struct inode *dp, u32 *pos, u8 *buf, u32 cap);

/* exec.c */
int kernel_execve(const char *path, char *const argv[], char *const envp[]);

/* syspath.c */
long kernel_open(const char *path, u32 flags);

/* main.c */
void init_first_process(void);
void fs_sync(bool unmount);
#define fs_sync_all() fs_sync(true)

#include "sysdecl.h"

#endif
