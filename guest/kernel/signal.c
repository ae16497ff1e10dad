/* signal.c: POSIX signals with Linux MIPS o32 semantics: sending (to a process or a group,
 * waking interruptible sleepers), default actions (ignore, terminate, stop, continue),
 * delivery through the o32 signal frames (struct sigframe without SA_SIGINFO, struct
 * rt_sigframe with it; see the ABI reference section 4.7) returning through the
 * trampolines of the shared signal page, sigreturn/rt_sigreturn, syscall restarts, and the
 * signal system calls. */
#include "types.h"
#include "defs.h"
#include "proc.h"
#include "mips.h"
#include "vm.h"
#include "hal.h"

#define SIGBIT(s) (1u << (((s) - 1) & 31))
#define SIGWORD(s) (((s) - 1) >> 5)

/* sigcontext offsets (o32, 592 bytes, every GPR slot 64 bits wide) */
#define SC_PC 8
#define SC_REGS 16
#define SC_FPREGS 272
#define SC_FPC_CSR 532
#define SC_USED_MATH 540
#define SC_MDHI 552
#define SC_MDLO 560
#define SC_SIZE 592
/* frames */
#define SF_SC 24
#define SF_MASK 616
#define SF_SIZE 632
#define RT_INFO 24
#define RT_UC 152
#define RT_UC_STACK 160
#define RT_MCONTEXT 176
#define RT_SIGMASK 768
#define RT_SIZE 784

static inline bool sigmember(const ksigset_t *s, int sig) {
  return (s->sig[SIGWORD(sig)] & SIGBIT(sig)) != 0;
}
static inline void sigadd(ksigset_t *s, int sig) { s->sig[SIGWORD(sig)] |= SIGBIT(sig); }
static inline void sigdel(ksigset_t *s, int sig) { s->sig[SIGWORD(sig)] &= ~SIGBIT(sig); }

static bool default_ignore(int sig) {
  return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT || sig >= 32;
}

static bool stop_signal(int sig) {
  return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static bool discarded(struct proc *p, int sig) {
  if (sig == SIGKILL || sig == SIGSTOP) return false;
  u32 h = p->sigact[sig].sa_handler;
  return h == SIG_IGN || (h == SIG_DFL && default_ignore(sig));
}

/* Deliverable: pending and not blocked (SIGKILL and SIGSTOP cannot be blocked). */
bool signal_pending(struct proc *p) {
  for (int w = 0; w < 4; w++) {
    u32 m = p->sigblocked.sig[w];
    if (w == 0) m &= ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
    if (p->sigpending.sig[w] & ~m) return true;
  }
  return false;
}

void signal_send_locked(struct proc *p, int sig, int code, u32 addr) {
  if (p->state == P_UNUSED || p->state == P_ZOMBIE || p->state == P_EMBRYO) return;
  if (sig == SIGCONT || sig == SIGKILL) {
    for (int s = 1; s < 32; s++)
      if (stop_signal(s)) sigdel(&p->sigpending, s);
    if (p->state == P_STOPPED) {
      make_runnable(p);
      p->report_cont = true;
      if (p->parent) wakeup_locked(p->parent);
    }
  }
  if (stop_signal(sig)) sigdel(&p->sigpending, SIGCONT);
  if (discarded(p, sig)) return;
  /* init only gets the signals it handles (faults it causes itself are forced) */
  if (p->pid == 1 && p->sigact[sig].sa_handler == SIG_DFL && code == SI_USER) return;
  sigadd(&p->sigpending, sig);
  p->sigcode[sig] = (u8)code;
  p->sigaddr[sig] = addr;
  if (!sigmember(&p->sigblocked, sig) || sig == SIGKILL) {
    if (p->state == P_SLEEPING && p->sleep_intr) make_runnable(p);
    else if (p->state == P_RUNNING && p->cpu != hal_cpu_id()) hal_ipi_send(p->cpu);
  }
}

void signal_send(struct proc *p, int sig) {
  acquire(&ptable_lock);
  signal_send_locked(p, sig, SI_USER, 0);
  release(&ptable_lock);
}

/* A synchronous fault signal for the current process: it cannot be blocked or ignored. */
void force_signal(struct proc *p, int sig, int code, u32 addr) {
  acquire(&ptable_lock);
  if (sigmember(&p->sigblocked, sig) || p->sigact[sig].sa_handler == SIG_IGN) {
    sigdel(&p->sigblocked, sig);
    p->sigact[sig].sa_handler = SIG_DFL;
  }
  signal_send_locked(p, sig, code, addr);
  release(&ptable_lock);
}

/* Send sig to every process of group pgid; -ESRCH if there is none. */
int signal_pgrp(int pgid, int sig) {
  int found = 0;
  acquire(&ptable_lock);
  for (int i = 0; i < NPROC; i++) {
    struct proc *p = proc_slot(i);
    if (p->state == P_UNUSED || p->state == P_ZOMBIE || p->pgid != pgid) continue;
    found = 1;
    if (sig != 0) signal_send_locked(p, sig, SI_USER, 0);
  }
  release(&ptable_lock);
  return found ? 0 : -ESRCH;
}

int do_kill(int pid, int sig) {
  if (sig < 0 || sig >= NSIG) return -EINVAL;
  struct proc *me = myproc();
  if (pid == 0) return signal_pgrp(me->pgid, sig);
  if (pid < -1) return signal_pgrp(-pid, sig);
  acquire(&ptable_lock);
  int r = -ESRCH;
  for (int i = 0; i < NPROC; i++) {
    struct proc *p = proc_slot(i);
    if (p->state == P_UNUSED || p->state == P_EMBRYO) continue;
    if (pid == -1 ? (p->pid == 1 || p == me) : p->pid != pid) continue;
    r = 0;
    if (sig != 0) signal_send_locked(p, sig, SI_USER, 0);
  }
  release(&ptable_lock);
  return r;
}

/* ---- delivery --------------------------------------------------------------------------- */

static int next_signal(struct proc *p) {
  if (sigmember(&p->sigpending, SIGKILL)) return SIGKILL;
  for (int sig = 1; sig < NSIG; sig++) {
    if (!sigmember(&p->sigpending, sig)) continue;
    if (sigmember(&p->sigblocked, sig) && sig != SIGSTOP) continue;
    return sig;
  }
  return 0;
}

static void stop_self(struct proc *p, int sig) {
  acquire(&ptable_lock);
  p->state = P_STOPPED;
  p->xstatus = (sig << 8) | 0x7f;
  p->report_stop = true;
  struct proc *parent = p->parent;
  if (parent != NULL) {
    if (!(parent->sigact[SIGCHLD].sa_flags & SA_NOCLDSTOP)) {
      parent->chld_status = (u32)sig;
      signal_send_locked(parent, SIGCHLD, CLD_STOPPED, (u32)p->pid);
    }
    wakeup_locked(parent);
  }
  sched();
  release(&ptable_lock);
}

static void put_reg(u8 *sc, int off, u32 v) {
  memcpy(sc + off, &v, 4);
  memset(sc + off + 4, (v & 0x80000000u) ? 0xff : 0, 4);   /* sign-extended 64-bit slot */
}

/* Fill a sigcontext from the trap frame and FPU state. */
static void save_sigcontext(struct proc *p, struct trapframe *tf, u8 *sc) {
  memset(sc, 0, SC_SIZE);
  put_reg(sc, SC_PC, tf->epc);
  for (int i = 1; i < 32; i++) put_reg(sc, SC_REGS + 8 * i, tf->regs[i]);
  put_reg(sc, SC_MDHI, tf->hi);
  put_reg(sc, SC_MDLO, tf->lo);
  if (p->used_fpu) {
    fpu_flush(p);
    for (int k = 0; k < 16; k++) memcpy(sc + SC_FPREGS + 16 * k, &p->fpregs[k], 8);
    memcpy(sc + SC_FPC_CSR, &p->fcsr, 4);
    u32 used = 1;
    memcpy(sc + SC_USED_MATH, &used, 4);
  }
}

static void restore_sigcontext(struct proc *p, struct trapframe *tf, const u8 *sc) {
  memcpy(&tf->epc, sc + SC_PC, 4);
  for (int i = 1; i < 32; i++)
    if (i != R_K0 && i != R_K1) memcpy(&tf->regs[i], sc + SC_REGS + 8 * i, 4);
  memcpy(&tf->hi, sc + SC_MDHI, 4);
  memcpy(&tf->lo, sc + SC_MDLO, 4);
  u32 used;
  memcpy(&used, sc + SC_USED_MATH, 4);
  if (used & 1) {
    fpu_flush(p);
    for (int k = 0; k < 16; k++) memcpy(&p->fpregs[k], sc + SC_FPREGS + 16 * k, 8);
    memcpy(&p->fcsr, sc + SC_FPC_CSR, 4);
    p->used_fpu = true;
  }
}

/* A handler runs instead of the interrupted syscall: decide EINTR or restart. */
static void handler_restart(struct trapframe *tf, u32 sa_flags) {
  if (tf->sysnr == 0 || tf->regs[R_A3] != 1) return;
  switch (tf->regs[R_V0]) {
  case ERESTARTNOHAND:
  case ERESTART_RESTARTBLOCK:
    tf->regs[R_V0] = EINTR;
    break;
  case ERESTARTSYS:
    if (!(sa_flags & SA_RESTART)) {
      tf->regs[R_V0] = EINTR;
      break;
    }
    /* fall through */
  case ERESTARTNOINTR:
    tf->regs[R_V0] = tf->sysnr;
    tf->regs[R_A3] = tf->orig_a3;
    tf->epc -= 4;
    break;
  }
  tf->sysnr = 0;
}

/* No handler ran: restartable syscalls run again. */
void syscall_restart(struct trapframe *tf) {
  struct proc *p = myproc();
  if (tf->sysnr != 0 && tf->regs[R_A3] == 1) {
    u32 v = tf->regs[R_V0];
    if (v == ERESTARTSYS || v == ERESTARTNOINTR || v == ERESTARTNOHAND) {
      tf->regs[R_V0] = tf->sysnr;
      tf->regs[R_A3] = tf->orig_a3;
      tf->epc -= 4;
    } else if (v == ERESTART_RESTARTBLOCK) {
      tf->regs[R_V0] = EINTR;
    }
  }
  tf->sysnr = 0;
  if (p->restore_mask && !signal_pending(p)) {
    p->sigblocked = p->saved_mask;
    p->restore_mask = false;
  }
}

static int setup_frame(struct proc *p, struct trapframe *tf, int sig, struct k_sigaction *act) {
  bool rt = (act->sa_flags & SA_SIGINFO) != 0;
  u32 size = rt ? RT_SIZE : SF_SIZE;
  u32 sp = tf->regs[R_SP];
  if ((act->sa_flags & SA_ONSTACK) && p->ss_size != 0 && !(p->ss_flags & SS_DISABLE) &&
      !(sp >= p->ss_sp && sp < p->ss_sp + p->ss_size))
    sp = p->ss_sp + p->ss_size;
  sp = ((sp - 32) - size) & ~7u;
  u8 *frame = kzalloc(RT_SIZE);
  if (frame == NULL) return -ENOMEM;
  ksigset_t oldmask = p->restore_mask ? p->saved_mask : p->sigblocked;
  if (rt) {
    /* si_signo, si_code, si_errno, then si_addr, or si_pid, si_uid, si_status for SIGCHLD */
    u32 info[6] = { (u32)sig, p->sigcode[sig], 0, p->sigaddr[sig], 0, sig == SIGCHLD ? p->chld_status : 0 };
    memcpy(frame + RT_INFO, info, sizeof info);
    u32 stack[3] = { p->ss_sp, p->ss_size, p->ss_size ? p->ss_flags : SS_DISABLE };
    memcpy(frame + RT_UC_STACK, stack, sizeof stack);
    save_sigcontext(p, tf, frame + RT_MCONTEXT);
    memcpy(frame + RT_SIGMASK, &oldmask, sizeof oldmask);
  } else {
    save_sigcontext(p, tf, frame + SF_SC);
    memcpy(frame + SF_MASK, &oldmask, sizeof oldmask);
  }
  int r = copyout(sp, frame, size);
  kmfree(frame);
  if (r < 0) return r;
  p->restore_mask = false;
  tf->regs[R_SP] = sp;
  tf->regs[R_A0] = (u32)sig;
  tf->regs[R_A1] = rt ? sp + RT_INFO : 0;
  tf->regs[R_A2] = rt ? sp + RT_UC : sp + SF_SC;
  tf->regs[R_T9] = act->sa_handler;
  tf->regs[R_RA] = rt ? SIGPAGE_VA + 8 : SIGPAGE_VA;
  tf->epc = act->sa_handler;
  return 0;
}

/* Deliver pending signals: default actions here, or one handler frame, then return. */
void do_signal(struct trapframe *tf) {
  struct proc *p = myproc();
  for (;;) {
    acquire(&ptable_lock);
    int sig = next_signal(p);
    if (sig == 0) {
      release(&ptable_lock);
      return;
    }
    sigdel(&p->sigpending, sig);
    struct k_sigaction act = p->sigact[sig];
    release(&ptable_lock);
    if (sig == SIGKILL || act.sa_handler == SIG_DFL) {
      if (sig != SIGKILL && default_ignore(sig)) continue;
      if (sig != SIGKILL && stop_signal(sig)) {
        stop_self(p, sig);
        continue;
      }
      do_exit(sig);
    }
    if (act.sa_handler == SIG_IGN) continue;
    handler_restart(tf, act.sa_flags);
    if (setup_frame(p, tf, sig, &act) < 0) {
      force_signal(p, SIGSEGV, SI_KERNEL, 0);
      p->sigact[SIGSEGV].sa_handler = SIG_DFL;
      continue;
    }
    acquire(&ptable_lock);
    for (int w = 0; w < 4; w++) p->sigblocked.sig[w] |= act.sa_mask.sig[w];
    if (!(act.sa_flags & SA_NODEFER)) sigadd(&p->sigblocked, sig);
    sigdel(&p->sigblocked, SIGKILL);
    sigdel(&p->sigblocked, SIGSTOP);
    if (act.sa_flags & SA_RESETHAND) p->sigact[sig].sa_handler = SIG_DFL;
    release(&ptable_lock);
    return;
  }
}

/* ---- system calls ------------------------------------------------------------------------ */

static void set_blocked(struct proc *p, const ksigset_t *s) {
  acquire(&ptable_lock);
  p->sigblocked = *s;
  sigdel(&p->sigblocked, SIGKILL);
  sigdel(&p->sigblocked, SIGSTOP);
  release(&ptable_lock);
}

static int sigreturn_common(struct trapframe *tf, u32 sc_addr, u32 mask_addr) {
  struct proc *p = myproc();
  u8 *sc = kmalloc(SC_SIZE);
  if (sc == NULL) return -ENOMEM;
  ksigset_t mask;
  int r = copyin(sc, sc_addr, SC_SIZE);
  if (r == 0) r = copyin(&mask, mask_addr, sizeof mask);
  if (r == 0) {
    restore_sigcontext(p, tf, sc);
    set_blocked(p, &mask);
  }
  kmfree(sc);
  if (r < 0) {
    force_signal(p, SIGSEGV, SI_KERNEL, 0);
    return r;
  }
  tf->sysnr = 0;          /* registers restored: syscall() must not touch v0/a3 */
  return 0;
}

long sys_sigreturn(void) {
  struct trapframe *tf = myproc()->tf;
  u32 sp = tf->regs[R_SP];
  return sigreturn_common(tf, sp + SF_SC, sp + SF_MASK);
}

long sys_rt_sigreturn(void) {
  struct trapframe *tf = myproc()->tf;
  u32 sp = tf->regs[R_SP];
  return sigreturn_common(tf, sp + RT_MCONTEXT, sp + RT_SIGMASK);
}

long sys_rt_sigaction(int sig, uaddr_t uact, uaddr_t uoact, u32 size) {
  struct proc *p = myproc();
  if (size != sizeof(ksigset_t) || sig < 1 || sig >= NSIG) return -EINVAL;
  struct k_sigaction act, old = p->sigact[sig];
  if (uact != 0) {
    if (sig == SIGKILL || sig == SIGSTOP) return -EINVAL;
    if (copyin(&act, uact, sizeof act) < 0) return -EFAULT;
  }
  if (uoact != 0 && copyout(uoact, &old, sizeof old) < 0) return -EFAULT;
  if (uact != 0) {
    acquire(&ptable_lock);
    p->sigact[sig] = act;
    if (discarded(p, sig)) sigdel(&p->sigpending, sig);
    release(&ptable_lock);
  }
  return 0;
}

long sys_sigaction(int sig, uaddr_t uact, uaddr_t uoact) {
  struct proc *p = myproc();
  if (sig < 1 || sig >= NSIG) return -EINVAL;
  u32 old[6] = { p->sigact[sig].sa_flags, p->sigact[sig].sa_handler, p->sigact[sig].sa_mask.sig[0], 0, 0, 0 };
  if (uact != 0) {
    u32 a[3];
    if (sig == SIGKILL || sig == SIGSTOP) return -EINVAL;
    if (copyin(a, uact, sizeof a) < 0) return -EFAULT;
    acquire(&ptable_lock);
    p->sigact[sig].sa_flags = a[0];
    p->sigact[sig].sa_handler = a[1];
    memset(&p->sigact[sig].sa_mask, 0, sizeof(ksigset_t));
    p->sigact[sig].sa_mask.sig[0] = a[2];
    if (discarded(p, sig)) sigdel(&p->sigpending, sig);
    release(&ptable_lock);
  }
  if (uoact != 0 && copyout(uoact, old, 12) < 0) return -EFAULT;
  return 0;
}

long sys_rt_sigprocmask(int how, uaddr_t uset, uaddr_t uoset, u32 size) {
  struct proc *p = myproc();
  if (size != sizeof(ksigset_t)) return -EINVAL;
  ksigset_t old = p->sigblocked, set, next = old;
  if (uset != 0) {
    if (copyin(&set, uset, sizeof set) < 0) return -EFAULT;
    for (int w = 0; w < 4; w++) {
      if (how == SIG_BLOCK) next.sig[w] |= set.sig[w];
      else if (how == SIG_UNBLOCK) next.sig[w] &= ~set.sig[w];
      else if (how == SIG_SETMASK) next.sig[w] = set.sig[w];
      else return -EINVAL;
    }
  }
  if (uoset != 0 && copyout(uoset, &old, sizeof old) < 0) return -EFAULT;
  if (uset != 0) set_blocked(p, &next);
  return 0;
}

long sys_sigprocmask(int how, uaddr_t uset, uaddr_t uoset) {
  struct proc *p = myproc();
  u32 old = p->sigblocked.sig[0], set;
  if (uset != 0) {
    if (copyin(&set, uset, 4) < 0) return -EFAULT;
    ksigset_t next = p->sigblocked;
    if (how == SIG_BLOCK) next.sig[0] |= set;
    else if (how == SIG_UNBLOCK) next.sig[0] &= ~set;
    else if (how == SIG_SETMASK) next.sig[0] = set;
    else return -EINVAL;
    set_blocked(p, &next);
  }
  if (uoset != 0 && copyout(uoset, &old, 4) < 0) return -EFAULT;
  return 0;
}

long sys_rt_sigpending(uaddr_t uset, u32 size) {
  struct proc *p = myproc();
  if (size != sizeof(ksigset_t)) return -EINVAL;
  ksigset_t s;
  for (int w = 0; w < 4; w++) s.sig[w] = p->sigpending.sig[w] & p->sigblocked.sig[w];
  return copyout(uset, &s, sizeof s) < 0 ? -EFAULT : 0;
}

static long wait_for_signal(void) {
  struct proc *p = myproc();
  acquire(&ptable_lock);
  while (!signal_pending(p)) sleep_on(p, &ptable_lock, true, 0);
  release(&ptable_lock);
  return -ERESTARTNOHAND;
}

long sys_rt_sigsuspend(uaddr_t uset, u32 size) {
  struct proc *p = myproc();
  if (size != sizeof(ksigset_t)) return -EINVAL;
  ksigset_t s;
  if (copyin(&s, uset, sizeof s) < 0) return -EFAULT;
  p->saved_mask = p->sigblocked;
  p->restore_mask = true;
  set_blocked(p, &s);
  return wait_for_signal();
}

long sys_pause(void) {
  return wait_for_signal();
}

long sys_kill(int pid, int sig) {
  return do_kill(pid, sig);
}

long sys_tgkill(int tgid, int tid, int sig) {
  (void)tgid;
  if (tid <= 0) return -EINVAL;
  return do_kill(tid, sig);
}

long sys_tkill(int tid, int sig) {
  if (tid <= 0) return -EINVAL;
  return do_kill(tid, sig);
}

long sys_sigaltstack(uaddr_t uss, uaddr_t uoss) {
  struct proc *p = myproc();
  u32 old[3] = { p->ss_sp, p->ss_size, p->ss_size ? p->ss_flags : SS_DISABLE };
  u32 sp = p->tf->regs[R_SP];
  if (p->ss_size && sp >= p->ss_sp && sp < p->ss_sp + p->ss_size) old[2] |= SS_ONSTACK;
  if (uss != 0) {
    u32 ss[3];
    if (copyin(ss, uss, sizeof ss) < 0) return -EFAULT;
    if (ss[2] & SS_DISABLE) {
      p->ss_sp = p->ss_size = 0;
      p->ss_flags = SS_DISABLE;
    } else {
      if (ss[1] < 2048) return -ENOMEM;
      p->ss_sp = ss[0];
      p->ss_size = ss[1];
      p->ss_flags = 0;
    }
  }
  if (uoss != 0 && copyout(uoss, old, sizeof old) < 0) return -EFAULT;
  return 0;
}

/* execve: handled signals go back to their default action; the mask stays. */
void signal_exec_reset(struct proc *p) {
  for (int s = 1; s < NSIG; s++) {
    if (p->sigact[s].sa_handler != SIG_IGN) p->sigact[s].sa_handler = SIG_DFL;
    p->sigact[s].sa_flags = 0;
    memset(&p->sigact[s].sa_mask, 0, sizeof(ksigset_t));
  }
  p->ss_sp = p->ss_size = 0;
  p->ss_flags = SS_DISABLE;
}
