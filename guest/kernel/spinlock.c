/* spinlock.c: spinlocks (LL/SC exchange through GCC's atomics, interrupts off while held,
 * nesting counted per CPU by push_off/pop_off) and sleep locks built on them. */
#include "types.h"
#include "defs.h"
#include "spinlock.h"
#include "proc.h"
#include "mips.h"
#include "hal.h"

void initlock(struct spinlock *lk, const char *name) {
  lk->locked = 0;
  lk->name = name;
  lk->cpu = -1;
}

bool holding(struct spinlock *lk) {
  return lk->locked && lk->cpu == hal_cpu_id();
}

/* Interrupts off, counted: the first push_off remembers whether they were on. */
void push_off(void) {
  u32 old = irq_save();
  struct cpu *c = &cpus[hal_cpu_id()];
  if (c->noff == 0) c->intena = (old & ST_IE) != 0;
  c->noff++;
}

void pop_off(void) {
  struct cpu *c = &cpus[hal_cpu_id()];
  if (irq_enabled()) panic("pop_off: interruptible");
  if (c->noff < 1) panic("pop_off: unbalanced");
  c->noff--;
  if (c->noff == 0 && c->intena) irq_enable();
}

void acquire(struct spinlock *lk) {
  push_off();
  if (holding(lk)) panic("acquire: %s already held", lk->name);
  while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) != 0) {
    while (lk->locked) {
    }
  }
  lk->cpu = hal_cpu_id();
}

void release(struct spinlock *lk) {
  if (!holding(lk)) panic("release: %s not held", lk->name);
  lk->cpu = -1;
  __atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
  pop_off();
}

void initsleeplock(struct sleeplock *lk, const char *name) {
  initlock(&lk->lk, name);
  lk->locked = false;
  lk->wanted = false;
  lk->pid = 0;
}

void acquiresleep(struct sleeplock *lk) {
  acquire(&lk->lk);
  while (lk->locked) {
    lk->wanted = true;
    sleep(lk, &lk->lk);
  }
  lk->locked = true;
  struct proc *p = myproc();
  lk->pid = p ? p->pid : -1;
  release(&lk->lk);
}

void releasesleep(struct sleeplock *lk) {
  acquire(&lk->lk);
  lk->locked = false;
  lk->pid = 0;
  if (lk->wanted) {
    lk->wanted = false;
    wakeup(lk);
  }
  release(&lk->lk);
}

bool holdingsleep(struct sleeplock *lk) {
  acquire(&lk->lk);
  struct proc *p = myproc();
  bool r = lk->locked && lk->pid == (p ? p->pid : -1);
  release(&lk->lk);
  return r;
}
