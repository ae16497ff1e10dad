/* proc.c: the process table: creating processes (the first one, clone/fork), exit, wait4,
 * reparenting, process groups and sessions, and lookups by pid for signals and procfs. */
#include "types.h"
#include "defs.h"
#include "proc.h"
#include "fs.h"
#include "mips.h"
#include "hal.h"

struct proc procs[NPROC];
struct spinlock ptable_lock = SPINLOCK_INIT("ptable");
static int nextpid = 1;
static struct proc *initproc;
static u8 kstacks[NPROC][KSTACK_SIZE] __attribute__((section(".noinit"), aligned(16)));

/* An UNUSED slot made EMBRYO with a pid, a kernel stack, a trap frame and a context that
 * starts in forkret(). NULL if the table is full. */
static struct proc *allocproc(void) {
  acquire(&ptable_lock);
  struct proc *p = NULL;
  for (int i = 0; i < NPROC; i++) {
    if (procs[i].state == P_UNUSED) {
      p = &procs[i];
      break;
    }
  }
  if (p == NULL) {
    release(&ptable_lock);
    return NULL;
  }
  u8 *kstack = kstacks[p - procs];
  memset(p, 0, sizeof *p);
  p->state = P_EMBRYO;
  p->pid = nextpid++;
  release(&ptable_lock);
  p->kstack = kstack;
  *(u32 *)kstack = KSTACK_MAGIC;   /* sched() checks it: overflow detector */
  p->tf = (struct trapframe *)(kstack + KSTACK_SIZE - TF_SIZE);
  memset(p->tf, 0, sizeof *p->tf);
  p->context = (struct context *)((u8 *)p->tf - 16 - CTX_SIZE);
  memset(p->context, 0, sizeof *p->context);
  p->context->ra = (u32)forkret;
  p->umask = 022;
  p->exit_signal = SIGCHLD;
  p->start_cycles = hal_cycles();
  return p;
}

/* The first process: its kernel side mounts the root and execs init (forkret). */
void userinit(void) {
  struct proc *p = allocproc();
  if (p == NULL) panic("userinit");
  initproc = p;
  strlcpy(p->name, "init", sizeof p->name);
  p->pgid = p->sid = p->pid;
  p->tf->status = ST_UM | ST_IE | ST_EXL | hal_irq_mask();
  acquire(&ptable_lock);
  make_runnable(p);
  release(&ptable_lock);
}

struct proc *proc_by_pid(int pid) {
  for (struct proc *p = procs; p < &procs[NPROC]; p++)
    if (p->pid == pid && p->state != P_UNUSED && p->state != P_EMBRYO) return p;
  return NULL;
}

struct proc *proc_slot(int i) {
  return i >= 0 && i < NPROC ? &procs[i] : NULL;
}

/* What a child inherits: registers (v0 = 0, a3 = 0), FPU, files, directory, signals. */
static void inherit(struct proc *np, struct proc *cur, u32 flags, u32 newsp, u32 tls) {
  *np->tf = *cur->tf;                /* epc is already past the syscall instruction */
  np->tf->regs[R_V0] = 0;
  np->tf->regs[R_A3] = 0;
  np->tf->sysnr = 0;
  np->tf->status &= ~ST_CU1;
  if (newsp != 0) np->tf->regs[R_SP] = newsp;
  np->tls = (flags & CLONE_SETTLS) ? tls : cur->tls;
  if (cur->used_fpu) {
    fpu_flush(cur);
    memcpy(np->fpregs, cur->fpregs, sizeof np->fpregs);
    np->fcsr = cur->fcsr;
    np->used_fpu = true;
  }
  for (int i = 0; i < NOFILE; i++)
    if (cur->ofile[i] != NULL) np->ofile[i] = filedup(cur->ofile[i]);
  np->cloexec = cur->cloexec;
  np->cwd = idup(cur->cwd);
  np->umask = cur->umask;
  memcpy(np->name, cur->name, sizeof np->name);
  np->exe = cur->exe ? kstrdup(cur->exe) : NULL;
  np->arg_start = cur->arg_start;
  np->arg_end = cur->arg_end;
  memcpy(np->sigact, cur->sigact, sizeof np->sigact);
  np->sigblocked = cur->sigblocked;
  np->ss_sp = cur->ss_sp;
  np->ss_size = cur->ss_size;
  np->ss_flags = cur->ss_flags;
  np->exit_signal = (int)(flags & CSIGNAL);
}

/* clone(2) in the forms glibc and busybox use: fork, vfork (run as a fork whose parent
 * waits until the child execs or exits). Threads (CLONE_VM without CLONE_VFORK) are not
 * supported. Returns the child's pid or -errno. */
int do_clone(u32 flags, u32 newsp, u32 ptid, u32 tls, u32 ctid) {
  struct proc *cur = myproc();
  if ((flags & CLONE_VM) && !(flags & CLONE_VFORK)) return -ENOSYS;
  if (flags & (CLONE_THREAD | CLONE_SIGHAND)) return -EINVAL;
  struct proc *np = allocproc();
  if (np == NULL) return -EAGAIN;
  np->mm = mm_fork(cur->mm);
  if (np->mm == NULL) {
    acquire(&ptable_lock);
    np->state = P_UNUSED;
    release(&ptable_lock);
    return -ENOMEM;
  }
  inherit(np, cur, flags, newsp, tls);
  int pid = np->pid;
  if (flags & CLONE_CHILD_CLEARTID) np->clear_child_tid = ctid;
  if (flags & CLONE_PARENT_SETTID) put_user32(ptid, (u32)pid);
  if (flags & CLONE_CHILD_SETTID) {
    u32 v = (u32)pid;
    mm_copyout(np->mm, ctid, &v, 4);
  }
  acquire(&ptable_lock);
  np->parent = (flags & CLONE_PARENT) && cur->parent ? cur->parent : cur;
  np->pgid = cur->pgid;
  np->sid = cur->sid;
  if (flags & CLONE_VFORK) np->vfork_parent = cur;
  make_runnable(np);
  while ((flags & CLONE_VFORK) && !np->vfork_done && np->vfork_parent == cur) sleep_on(np, &ptable_lock, false, 0);
  release(&ptable_lock);
  return pid;
}

/* Release a vfork parent waiting on p (at exec or exit). */
void vfork_release(struct proc *p) {
  acquire(&ptable_lock);
  if (p->vfork_parent != NULL) {
    p->vfork_done = true;
    p->vfork_parent = NULL;
    wakeup_locked(p);
  }
  release(&ptable_lock);
}

/* Give p's children to init; caller holds ptable_lock. */
static void reparent(struct proc *p) {
  for (struct proc *c = procs; c < &procs[NPROC]; c++) {
    if (c->parent != p || c->state == P_UNUSED) continue;
    c->parent = initproc;
    if (c->state == P_ZOMBIE) wakeup_locked(initproc);
  }
}

static bool power_pressed;

/* The power button (from a HAL's interrupt handler): SIGPWR to init, from the kernel. An init
 * that handles SIGPWR shuts down its own way; one that does not is terminated by it, and its
 * exit below syncs the file systems and powers off with status 0. Pressing again does nothing. */
void power_button(void) {
  acquire(&ptable_lock);
  if (!power_pressed && initproc != NULL) {
    power_pressed = true;
    signal_send_locked(initproc, SIGPWR, SI_KERNEL, 0);
  }
  release(&ptable_lock);
}

/* Terminate the current process with wait status `status` (already encoded). */
void do_exit(int status) {
  struct proc *p = myproc();
  if (p == initproc && power_pressed && (status & 0x7f) == SIGPWR) {
    kprintf("power button: powering off\n");
    fs_sync_all();
    hal_poweroff(0);
  }
  if (p == initproc) {
    kprintf("init exited (status 0x%x): powering off\n", status);
    fs_sync_all();
    hal_poweroff((status & 0x7f) ? 128 + (status & 0x7f) : (status >> 8) & 0xff);
  }
  for (int fd = 0; fd < NOFILE; fd++) {
    if (p->ofile[fd] != NULL) {
      fileclose(p->ofile[fd]);
      p->ofile[fd] = NULL;
    }
  }
  if (p->clear_child_tid != 0) put_user32(p->clear_child_tid, 0);
  iput(p->cwd);
  p->cwd = NULL;
  vfork_release(p);
  acquire(&ptable_lock);      /* procfs reads p->mm under it */
  struct mm *mm = p->mm;
  if (mycpu()->fpu_owner == p) mycpu()->fpu_owner = NULL;
  mm_activate(NULL);
  p->mm = NULL;
  release(&ptable_lock);
  mm_free(mm);

  acquire(&ptable_lock);
  struct proc *parent = p->parent;
  reparent(p);
  p->xstatus = status;
  p->state = P_ZOMBIE;
  if (parent != NULL) {
    int sig = p->exit_signal;
    bool reap = false;
    if (sig == SIGCHLD) {
      struct k_sigaction *a = &parent->sigact[SIGCHLD];
      reap = a->sa_handler == SIG_IGN || (a->sa_flags & SA_NOCLDWAIT);
    }
    if (sig > 0 && sig < NSIG) {
      /* siginfo: exited (si_status = exit code) or killed (si_status = the signal) */
      bool killed = (status & 0x7f) != 0;
      parent->chld_status = killed ? (u32)(status & 0x7f) : (u32)((status >> 8) & 0xff);
      signal_send_locked(parent, sig, killed ? CLD_KILLED : CLD_EXITED, (u32)p->pid);
    }
    if (reap) p->parent = NULL;     /* the scheduler frees the slot */
    else wakeup_locked(parent);
  }
  sched();
  panic("zombie exit");
}

/* Free a zombie's slot (ptable_lock held). */
void proc_reap(struct proc *c) {
  if (c->exe) kmfree(c->exe);
  c->exe = NULL;
  c->state = P_UNUSED;
  c->pid = 0;
  c->parent = NULL;
}

static bool wait_match(struct proc *c, struct proc *me, int pid) {
  if (c->parent != me || c->state == P_UNUSED || c->state == P_EMBRYO) return false;
  if (pid > 0) return c->pid == pid;
  if (pid == 0) return c->pgid == me->pgid;
  if (pid < -1) return c->pgid == -pid;
  return true;
}

/* wait4: 0 with WNOHANG and nothing to report, the child's pid, or -errno. */
int do_wait(int pid, uaddr_t ustatus, int options, uaddr_t rusage) {
  struct proc *me = myproc();
  acquire(&ptable_lock);
  for (;;) {
    bool have = false;
    for (struct proc *c = procs; c < &procs[NPROC]; c++) {
      if (!wait_match(c, me, pid)) continue;
      have = true;
      int status = -1;
      if (c->state == P_ZOMBIE) status = c->xstatus;
      else if (c->report_stop && (options & WUNTRACED)) status = c->xstatus, c->report_stop = false;
      else if (c->report_cont && (options & WCONTINUED)) status = 0xffff, c->report_cont = false;
      if (status == -1) continue;
      int cpid = c->pid;
      if (c->state == P_ZOMBIE && !(options & WNOWAIT)) {
        me->cutime += c->utime + c->cutime;
        me->cstime += c->stime + c->cstime;
        proc_reap(c);
      }
      release(&ptable_lock);
      if (ustatus != 0 && put_user32(ustatus, (u32)status) < 0) return -EFAULT;
      if (rusage != 0 && clear_user(rusage, 72) < 0) return -EFAULT;
      return cpid;
    }
    if (!have) {
      release(&ptable_lock);
      return -ECHILD;
    }
    if (options & WNOHANG) {
      release(&ptable_lock);
      return 0;
    }
    if (sleep_on(me, &ptable_lock, true, 0) == -EINTR) {
      release(&ptable_lock);
      return -ERESTARTSYS;
    }
  }
}

int do_setpgid(int pid, int pgid) {
  struct proc *me = myproc();
  if (pgid < 0) return -EINVAL;
  acquire(&ptable_lock);
  struct proc *p = pid == 0 ? me : proc_by_pid(pid);
  int r = 0;
  if (p == NULL || (p != me && p->parent != me)) r = -ESRCH;
  else if (p->sid != me->sid) r = -EPERM;
  else if (p->pid == p->sid) r = -EPERM;
  else p->pgid = pgid == 0 ? p->pid : pgid;
  release(&ptable_lock);
  return r;
}

int do_getpgid(int pid) {
  acquire(&ptable_lock);
  struct proc *p = pid == 0 ? myproc() : proc_by_pid(pid);
  int r = p ? p->pgid : -ESRCH;
  release(&ptable_lock);
  return r;
}

int do_getsid(int pid) {
  acquire(&ptable_lock);
  struct proc *p = pid == 0 ? myproc() : proc_by_pid(pid);
  int r = p ? p->sid : -ESRCH;
  release(&ptable_lock);
  return r;
}

int do_setsid(void) {
  struct proc *me = myproc();
  acquire(&ptable_lock);
  int r = me->pid;
  for (struct proc *p = procs; p < &procs[NPROC]; p++)
    if (p->state != P_UNUSED && p->pgid == me->pid && p != me) r = -EPERM;
  if (me->pgid == me->pid && me->sid == me->pid) r = -EPERM;
  if (r > 0) me->pgid = me->sid = me->pid;
  release(&ptable_lock);
  return r;
}

bool pgrp_exists(int pgid) {
  for (struct proc *p = procs; p < &procs[NPROC]; p++)
    if (p->state != P_UNUSED && p->state != P_ZOMBIE && p->pgid == pgid) return true;
  return false;
}

int nprocs(void) {
  int n = 0;
  for (struct proc *p = procs; p < &procs[NPROC]; p++)
    if (p->state != P_UNUSED) n++;
  return n;
}

/* Print the process table on the console (^P on the console in canonical mode). */
void procdump(void) {
  static const char *names[] = { "unused", "embryo", "sleep", "runble", "run", "stop", "zombie" };
  for (struct proc *p = procs; p < &procs[NPROC]; p++) {
    if (p->state == P_UNUSED) continue;
    kprintf("%d %s %s cpu%d chan %p epc %x sysnr %u pend %x blk %x\n", p->pid, names[p->state], p->name, p->cpu,
            p->chan, p->tf->epc, p->tf->sysnr, p->sigpending.sig[0], p->sigblocked.sig[0]);
  }
}
