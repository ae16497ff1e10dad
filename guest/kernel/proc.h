/* proc.h: per-CPU state, processes and their address spaces. Lock rules are written on the
 * fields: "ptable" = ptable_lock (proc.c) must be held; "own" = only the process itself
 * touches it while alive (no lock). */
#ifndef PROC_H
#define PROC_H

#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "trapframe.h"
#include "linux.h"

struct cpu {
  int id;
  struct proc *proc;          /* running process, or NULL in the scheduler */
  struct context *scheduler;  /* swtch() here to enter the scheduler */
  int noff;                   /* depth of push_off() nesting */
  bool intena;                /* interrupts enabled before the first push_off()? */
  u32 asid_gen, asid_last;    /* ASID allocator: generation, last ASID handed out */
  struct proc *fpu_owner;     /* whose registers the FPU holds (own CPU only) */
  bool started;
  volatile bool idle;         /* waiting in the idle loop: wake it with an IPI */
  u64 ticks;
  u64 busy_ticks;             /* ticks that found a process running */
};

/* One contiguous piece of the user address space with the same protection and backing. */
enum { VMA_ANON = 1, VMA_FILE = 2, VMA_STACK = 4, VMA_HEAP = 8, VMA_SIGPAGE = 16 };
struct vma {
  struct vma *next;           /* sorted by address */
  u32 start, end;             /* page aligned, [start, end) */
  u32 prot;                   /* PROT_READ|WRITE|EXEC */
  u32 flags;                  /* VMA_* */
  struct inode *ip;           /* VMA_FILE: the file (a reference) */
  u32 off;                    /* VMA_FILE: file offset of start */
  u32 file_end;               /* VMA_FILE: bytes at or past this address read as zero */
};

struct mm {
  u32 *pgd;                   /* 1024 KVAs of second-level tables (or empty_ptable) */
  struct vma *vmas;
  u32 brk_start, brk;         /* heap: [brk_start, brk) */
  u32 mmap_top;               /* next top-down mmap search starts below this */
  u32 asid[NCPU];             /* per CPU: ASID, valid when asid_gen matches the CPU's */
  u32 asid_gen[NCPU];
  u32 rss;                    /* resident pages */
};

enum procstate { P_UNUSED, P_EMBRYO, P_SLEEPING, P_RUNNABLE, P_RUNNING, P_STOPPED, P_ZOMBIE };

struct proc {
  /* ptable */
  enum procstate state;
  int pid;
  struct proc *parent;
  void *chan;                 /* sleeping on this */
  bool sleep_intr;            /* the sleep ends early when a signal arrives */
  u64 deadline;               /* wake at this cycle count (0: no timeout) */
  bool timed_out;
  int xstatus;                /* wait status for the parent (zombie, stopped, continued) */
  bool report_stop, report_cont;
  int pgid, sid;
  ksigset_t sigpending;       /* ptable (read without it as a hint) */

  /* own */
  struct trapframe *tf;       /* user registers at the top of kstack */
  struct context *context;    /* swtch() here to run the process */
  u8 *kstack;
  int cpu;                    /* where it runs or last ran */
  struct mm *mm;
  struct file *ofile[NOFILE];
  u64 cloexec;                /* bit fd: close on exec */
  struct inode *cwd;
  u32 umask;
  char name[MAXPROCNAME];
  char *exe;                  /* absolute path of the executable (kmalloc'd) */
  int exit_signal;            /* sent to the parent at exit (clone flags & CSIGNAL) */
  struct proc *vfork_parent;  /* released at exec or exit */
  bool vfork_done;

  /* signals (own, but others set sigpending under ptable) */
  struct k_sigaction sigact[NSIG];
  ksigset_t sigblocked;
  ksigset_t saved_mask;       /* restored after rt_sigsuspend's handler */
  bool restore_mask;
  u32 ss_sp, ss_size, ss_flags;   /* sigaltstack */
  u8 sigcode[NSIG];           /* si_code of the pending signal (kernel-generated) */
  u32 sigaddr[NSIG];          /* si_addr for faults; si_pid for SIGCHLD */
  u32 chld_status;            /* si_status of the pending SIGCHLD */

  /* thread and FPU state */
  u32 tls;                    /* set_thread_area (UserLocal) */
  u32 clear_child_tid;
  bool used_fpu;
  u64 fpregs[16];             /* FR=0: 16 even/odd pairs = 32 single registers */
  u32 fcsr;

  /* accounting */
  u64 utime, stime;           /* ticks */
  u64 cutime, cstime;
  u64 start_cycles;
  bool kaddr_ok;              /* copyin/copyout may touch kernel addresses (sendfile) */
  u64 alarm_deadline;         /* SIGALRM at this cycle count (0: none), ptable */
  u32 arg_start, arg_end;     /* argv strings in user memory (/proc/<pid>/cmdline) */
};

extern struct cpu cpus[NCPU];
extern struct spinlock ptable_lock;

struct cpu *mycpu(void);
struct proc *myproc(void);

#endif
