/* trap.c: what happens after entry.S has saved the registers. trap() sorts the exception:
 * interrupts go to the HAL; from user mode, syscalls go to syscall(), TLB faults to the
 * page-fault code, the coprocessor-1-unusable exception gives the process the FPU (lazy
 * restore), RDHWR is emulated where the CPU lacks it, and everything else becomes a signal.
 * From kernel mode only page faults on user addresses (user-copy routines) are expected.
 * prepare_user_return() delivers signals, restarts syscalls and reschedules on the way out. */
#include "types.h"
#include "defs.h"
#include "proc.h"
#include "mips.h"
#include "hal.h"

#define RDHWR_V1_29 0x7c03e83bu   /* rdhwr $3, $29: glibc's thread-pointer read */

static void fault_signal(struct proc *p, int sig, int code, u32 addr) {
  force_signal(p, sig, code, addr);
}

/* Give the FPU to p on this CPU (Coprocessor Unusable, unit 1). */
static void fpu_grant(struct proc *p, struct trapframe *tf) {
  push_off();
  struct cpu *c = mycpu();
  if (c->fpu_owner != p) {
    if (c->fpu_owner != NULL) fpu_save(c->fpu_owner->fpregs, &c->fpu_owner->fcsr);
    if (!p->used_fpu) {
      memset(p->fpregs, 0, sizeof p->fpregs);
      p->fcsr = 0;
      p->used_fpu = true;
    }
    fpu_restore(p->fpregs, p->fcsr);
    c->fpu_owner = p;
  }
  tf->status |= ST_CU1;
  pop_off();
}

/* Drop this process's live FPU registers into p->fpregs (before reading or replacing them). */
void fpu_flush(struct proc *p) {
  push_off();
  struct cpu *c = mycpu();
  if (c->fpu_owner == p) {
    fpu_save(p->fpregs, &p->fcsr);
    c->fpu_owner = NULL;
    p->tf->status &= ~ST_CU1;
  }
  pop_off();
}

static u32 insn_at(u32 pc) {
  u32 w = 0;
  if (copyin(&w, pc, 4) < 0) return 0;
  return w;
}

/* Break and trap instructions: code 7 is the compiler's divide-by-zero check, 6 overflow. */
static void break_trap(struct proc *p, struct trapframe *tf, u32 exc) {
  u32 pc = tf->epc + ((tf->cause & CAUSE_BD) ? 4 : 0);
  u32 insn = insn_at(pc);
  u32 code = exc == EXC_BP ? (insn >> 16) & 0x3ff : (insn >> 6) & 0x3ff;
  if (code == 7) fault_signal(p, SIGFPE, FPE_INTDIV, pc);
  else if (code == 6) fault_signal(p, SIGFPE, FPE_INTOVF, pc);
  else fault_signal(p, SIGTRAP, TRAP_BRKPT, pc);
}

static void reserved_insn(struct proc *p, struct trapframe *tf) {
  if (!(tf->cause & CAUSE_BD) && insn_at(tf->epc) == RDHWR_V1_29) {
    tf->regs[R_V1] = p->tls;
    tf->epc += 4;
    return;
  }
  fault_signal(p, SIGILL, ILL_ILLOPC, tf->epc);
}

static void user_fault(struct proc *p, struct trapframe *tf, u32 exc) {
  int r = vm_fault(p->mm, tf->badvaddr, exc != EXC_TLBL);
  if (r == 0) return;
  if (r == -ENOMEM) kprintf("pid %d (%s): out of memory at %x\n", p->pid, p->name, tf->badvaddr);
  fault_signal(p, SIGSEGV, r == -EACCES ? SEGV_ACCERR : SEGV_MAPERR, tf->badvaddr);
}

static void user_trap(struct proc *p, struct trapframe *tf, u32 exc) {
  switch (exc) {
  case EXC_SYS:
    syscall(tf);
    break;
  case EXC_TLBL:
  case EXC_TLBS:
  case EXC_MOD:
    user_fault(p, tf, exc);
    break;
  case EXC_ADEL:
  case EXC_ADES:
    if (tf->badvaddr >= USER_TOP) fault_signal(p, SIGSEGV, SEGV_MAPERR, tf->badvaddr);
    else fault_signal(p, SIGBUS, BUS_ADRALN, tf->badvaddr);
    break;
  case EXC_CPU:
    if (((tf->cause >> CAUSE_CE_SHIFT) & 3) == 1) fpu_grant(p, tf);
    else fault_signal(p, SIGILL, ILL_ILLOPC, tf->epc);
    break;
  case EXC_RI:
    reserved_insn(p, tf);
    break;
  case EXC_BP:
  case EXC_TR:
    break_trap(p, tf, exc);
    break;
  case EXC_OV:
    fault_signal(p, SIGFPE, FPE_INTOVF, tf->epc);
    break;
  case EXC_FPE:
    fault_signal(p, SIGFPE, FPE_FLTINV, tf->epc);
    break;
  case EXC_IBE:
  case EXC_DBE:
    fault_signal(p, SIGBUS, 2, tf->badvaddr);
    break;
  default:
    fault_signal(p, SIGILL, ILL_ILLOPC, tf->epc);
  }
}

static void kernel_trap(struct trapframe *tf, u32 exc) {
  struct proc *p = myproc();
  bool tlb = exc == EXC_TLBL || exc == EXC_TLBS || exc == EXC_MOD;
  if (tlb && p != NULL && p->mm != NULL && tf->badvaddr < USER_TOP && mycpu()->noff == 0) {
    if (tf->status & ST_IE) irq_enable();
    int r = vm_fault(p->mm, tf->badvaddr, exc != EXC_TLBL);
    irq_disable();
    if (r == 0 || uaccess_fixup(tf)) return;
  }
  if ((exc == EXC_ADEL || exc == EXC_ADES) && uaccess_fixup(tf)) return;
  panic("kernel trap: exc %d epc %x badvaddr %x ra %x sp %x status %x", exc, tf->epc,
        tf->badvaddr, tf->regs[R_RA], tf->regs[R_SP], tf->status);
}

/* Signals, syscall restarts and rescheduling before going back to user mode; returns with
 * interrupts off. */
void prepare_user_return(struct trapframe *tf) {
  struct proc *p = myproc();
  for (;;) {
    irq_enable();
    maybe_resched();
    if (signal_pending(p)) do_signal(tf);
    syscall_restart(tf);
    irq_disable();
    if (!signal_pending(p) && !resched_pending()) break;
  }
}

void trap(struct trapframe *tf) {
  u32 exc = (tf->cause & CAUSE_EXC_MASK) >> CAUSE_EXC_SHIFT;
  bool user = (tf->status & ST_UM) != 0;
  if (exc == EXC_INT) {
    hal_interrupt(tf->cause);
    if (user) prepare_user_return(tf);
    return;
  }
  if (!user) {
    kernel_trap(tf, exc);
    return;
  }
  struct proc *p = myproc();
  irq_enable();
  user_trap(p, tf, exc);
  prepare_user_return(tf);
}

/* First return to user mode of a new process (forkret, exec of init). */
void usertrapret(struct trapframe *tf) {
  prepare_user_return(tf);
  trap_return(tf);
}
