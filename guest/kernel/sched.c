/* sched.c: the per-CPU scheduler loop, context switches, sleep/wakeup (with optional
 * timeouts and signal interruption), the clock tick and time of day. One lock, ptable_lock,
 * guards every process's state; it is held across swtch() as in xv6. Idle CPUs wait in
 * `wait`; a wakeup that makes a process runnable sends an IPI to one idle CPU. */
#include "types.h"
#include "defs.h"
#include "proc.h"
#include "mips.h"
#include "hal.h"

struct cpu cpus[NCPU];
extern struct proc procs[NPROC];
u32 cpu_kstack_top[NCPU];      /* entry.S: kernel stack of the process running on each CPU */
volatile u64 jiffies;          /* ticks since boot (CPU 0's clock) */
static u64 boot_cycles, boot_rtc_ns;
static u32 boot_rtc_s;
static volatile bool need_resched[NCPU];

struct cpu *mycpu(void) {
  return &cpus[hal_cpu_id()];
}

/* Kernel code is never preempted (processes switch only in sched()), so the running
 * process of this CPU cannot change under the caller: no need to disable interrupts. */
struct proc *myproc(void) {
  return cpus[hal_cpu_id()].proc;
}

void time_init(void) {
  boot_cycles = hal_cycles();
  boot_rtc_ns = hal_rtc_ns();
  boot_rtc_s = (u32)(boot_rtc_ns / 1000000000ull);
}

/* Nanoseconds since boot, from the machine cycle counter. */
u64 monotonic_ns(void) {
  u64 c = hal_cycles() - boot_cycles;
  u32 hz = hal_cycles_hz();
  u64 rem;
  u64 s = udivmod64(c, hz, &rem);
  return s * 1000000000ull + udivmod64(rem * 1000000000ull, hz, NULL);
}

u64 realtime_ns(void) {
  return boot_rtc_ns + monotonic_ns();
}

/* Wall-clock seconds for file times: boot time plus CPU 0's ticks (no 64-bit division). */
u32 now_seconds(void) {
  return boot_rtc_s + (u32)jiffies / HZ;
}

u64 ns_to_cycles(u64 ns) {
  u64 rem;
  u64 s = udivmod64(ns, 1000000000ull, &rem);
  return s * hal_cycles_hz() + udivmod64(rem * hal_cycles_hz(), 1000000000ull, NULL);
}

/* ---- switching ---------------------------------------------------------------------- */

/* Enter the scheduler. Caller holds only ptable_lock and has changed p->state. */
void sched(void) {
  struct proc *p = myproc();
  struct cpu *c = mycpu();
  if (!holding(&ptable_lock)) panic("sched: ptable_lock");
  if (c->noff != 1) panic("sched: locks held (%d)", c->noff);
  if (p->state == P_RUNNING) panic("sched: running");
  if (irq_enabled()) panic("sched: interruptible");
  if (*(u32 *)p->kstack != KSTACK_MAGIC) panic("sched: kernel stack overflow in pid %d", p->pid);
  bool intena = c->intena;
  if (c->fpu_owner == p) {      /* save FPU registers eagerly: the process may move */
    fpu_save(p->fpregs, &p->fcsr);
    c->fpu_owner = NULL;
    p->tf->status &= ~ST_CU1;
  }
  swtch(&p->context, c->scheduler);
  mycpu()->intena = intena;
}

void yield(void) {
  acquire(&ptable_lock);
  myproc()->state = P_RUNNABLE;
  sched();
  release(&ptable_lock);
}

/* A new process's first return from swtch lands here, with ptable_lock held. */
void forkret(void) {
  release(&ptable_lock);
  struct proc *p = myproc();
  if (p->pid == 1) {
    init_first_process();   /* mounts the root file system and execs init */
  }
  usertrapret(p->tf);
}

static struct proc *pick(int *cursor) {
  for (int i = 0; i < NPROC; i++) {
    int k = (*cursor + 1 + i) % NPROC;
    if (procs[k].state == P_RUNNABLE) {
      *cursor = k;
      return &procs[k];
    }
  }
  return NULL;
}

void scheduler(void) {
  struct cpu *c = mycpu();
  int cursor = c->id * (NPROC / 8);
  bool ticking = true;
  c->proc = NULL;
  for (;;) {
    irq_disable();
    acquire(&ptable_lock);
    struct proc *p = pick(&cursor);
    if (p == NULL) {
      c->idle = true;
      release(&ptable_lock);
      /* Other CPUs stop ticking while idle (an IPI wakes them); CPU 0 keeps time. */
      if (c->id != 0 && ticking) hal_tick_enable(ticking = false);
      hal_idle();                 /* returns when an interrupt is pending, even with IE = 0 */
      c->idle = false;
      irq_enable();               /* take it */
      continue;
    }
    if (!ticking) hal_tick_enable(ticking = true);
    c->proc = p;
    need_resched[c->id] = false;
    p->state = P_RUNNING;
    p->cpu = c->id;
    cpu_kstack_top[c->id] = (u32)p->kstack + KSTACK_SIZE;
    mm_activate(p->mm);
    hal_set_tls(p->tls);
    swtch(&c->scheduler, p->context);
    mm_activate(NULL);
    c->proc = NULL;
    if (p->state == P_ZOMBIE && p->parent == NULL) proc_reap(p);   /* nobody waits for it */
    release(&ptable_lock);
  }
}

/* Wake one idle CPU other than this one (something became runnable); it stops counting
 * as idle so the next runnable process kicks another. ptable_lock held. */
static void kick_idle_cpu(void) {
  int me = hal_cpu_id();
  for (int i = 0; i < hal_ncpu(); i++) {
    if (i != me && cpus[i].started && cpus[i].idle) {
      cpus[i].idle = false;
      hal_ipi_send(i);
      return;
    }
  }
}

void make_runnable(struct proc *p) {
  p->state = P_RUNNABLE;
  kick_idle_cpu();
}

/* ---- sleep and wakeup ----------------------------------------------------------------- */

/* Sleep on chan, releasing lk meanwhile. intr: a deliverable signal ends the sleep
 * (-EINTR). deadline: wake by this cycle count at the latest (-ETIMEDOUT); 0 = none. */
int sleep_on(void *chan, struct spinlock *lk, bool intr, u64 deadline) {
  struct proc *p = myproc();
  if (p == NULL) panic("sleep without a process");
  if (lk != &ptable_lock) {
    acquire(&ptable_lock);
    release(lk);
  }
  int r = 0;
  if (intr && signal_pending(p)) {
    r = -EINTR;
  } else {
    p->chan = chan;
    p->sleep_intr = intr;
    p->deadline = deadline;
    deadline_add(deadline);
    p->timed_out = false;
    p->state = P_SLEEPING;
    sched();
    p->chan = NULL;
    p->deadline = 0;
    if (p->timed_out) r = -ETIMEDOUT;
    else if (intr && signal_pending(p)) r = -EINTR;
  }
  if (lk != &ptable_lock) {
    release(&ptable_lock);
    acquire(lk);
  }
  return r;
}

void sleep(void *chan, struct spinlock *lk) {
  sleep_on(chan, lk, false, 0);
}

/* Wake every process sleeping on chan. Caller must not hold ptable_lock. */
void wakeup(void *chan) {
  acquire(&ptable_lock);
  wakeup_locked(chan);
  release(&ptable_lock);
}

void wakeup_locked(void *chan) {
  for (struct proc *p = procs; p < &procs[NPROC]; p++)
    if (p->state == P_SLEEPING && p->chan == chan) make_runnable(p);
}

/* ---- the clock ---------------------------------------------------------------------- */

static u64 next_deadline = ~0ull;   /* earliest sleep or alarm deadline (ptable_lock) */

/* Note a deadline the tick must look for (ptable_lock held). */
void deadline_add(u64 when) {
  if (when != 0 && when < next_deadline) next_deadline = when;
}

static void wake_timeouts(void) {
  u64 now = hal_cycles();
  if (now < next_deadline) return;   /* racy read: at worst one tick late */
  acquire(&ptable_lock);
  next_deadline = ~0ull;
  for (struct proc *p = procs; p < &procs[NPROC]; p++) {
    if (p->state == P_SLEEPING && p->deadline != 0 && p->deadline <= now) {
      p->timed_out = true;
      make_runnable(p);
    }
    if (p->alarm_deadline != 0 && p->alarm_deadline <= now && p->state != P_UNUSED) {
      p->alarm_deadline = 0;
      signal_send_locked(p, SIGALRM, SI_KERNEL, 0);
    }
    if (p->state == P_SLEEPING) deadline_add(p->deadline);
    if (p->state != P_UNUSED) deadline_add(p->alarm_deadline);
  }
  release(&ptable_lock);
}

/* Every CPU's periodic tick (interrupts off). */
void clock_tick(void) {
  struct cpu *c = mycpu();
  c->ticks++;
  if (c->id == 0) {
    jiffies++;
    wake_timeouts();
  }
  struct proc *p = c->proc;
  if (p != NULL) {
    c->busy_ticks++;
    p->utime++;
    need_resched[c->id] = true;
  }
}

/* Called on the way back to user mode with interrupts on. */
void maybe_resched(void) {
  int id = hal_cpu_id();
  if (need_resched[id]) {
    need_resched[id] = false;
    yield();
  }
}

void ipi_received(void) {
  /* Only wakes the CPU (idle loop) or makes it reschedule: nothing else to do. */
  need_resched[hal_cpu_id()] = true;
}

bool resched_pending(void) {
  return need_resched[hal_cpu_id()];
}
