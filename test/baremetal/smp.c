/* smp.c: multiprocessor test. CPU 0 starts every other CPU through the power device; every CPU
 * increments a shared counter under an LL/SC spinlock INCREMENTS times (total checked), and an
 * LL/SC atomic counter. Then the secondaries idle in WAIT while CPU 0 spins for a while (the host
 * checks their idle cycles), and CPU 0 sends an IPI to each CPU in turn, then to all at once;
 * each acknowledges in shared memory and with an IPI back. The mailbox gets the CPU count and
 * the counter. */
#include "bm.h"

#define INCREMENTS 10000u
#define IDLE_COUNT_TICKS 150000u /* CPU 0 busy time (Count ticks, 2 cycles each) while the others idle */

static bm_spinlock_t lock = BM_SPINLOCK_INIT;
static volatile uint32_t counter;
static volatile uint32_t atomic_counter;
static volatile uint32_t finished;
static volatile uint32_t ready[MACHINE_MAX_CPUS];
static volatile uint32_t ipi_count[MACHINE_MAX_CPUS];
static volatile uint32_t ipi_from[MACHINE_MAX_CPUS];
static volatile uint32_t ack[MACHINE_MAX_CPUS];

static unsigned popcount(uint32_t v) {
  unsigned n = 0;
  for (; v != 0; v &= v - 1) n++;
  return n;
}

/* Every CPU: count the IPIs and who sent them; a secondary acknowledges to CPU 0. */
static void on_ipi(unsigned cpu, uint32_t from) {
  ipi_count[cpu] += popcount(from);
  ipi_from[cpu] |= from;
  if (cpu != 0) {
    ack[cpu] = ipi_count[cpu];
    bm_sync();
    bm_ipi_send(1u << 0);
  }
}

static void increment_loop(void) {
  for (unsigned i = 0; i < INCREMENTS; i++) {
    bm_spin_lock(&lock);
    counter = counter + 1;
    bm_spin_unlock(&lock);
  }
  for (unsigned i = 0; i < 1000; i++) bm_atomic_add(&atomic_counter, 1);
  bm_atomic_add(&finished, 1);
}

static void secondary(unsigned cpu) {
  increment_loop();
  bm_irq_unmask(CPU_IRQ_LINE_IPI);
  bm_irq_disable();
  ready[cpu] = 1;
  while (ipi_count[cpu] < 2) bm_wait_irq();
  bm_irq_enable();
}

int main(unsigned cpu) {
  bm_set_ipi_handler(on_ipi); /* same value on every CPU */
  if (cpu != 0) {
    secondary(cpu);
    return 0;
  }
  unsigned n = bm_num_cpus();
  for (unsigned c = 1; c < n; c++) bm_start_secondary(c, c);
  BM_CHECK_EQ(mmio_read32(DEVICE_BASE_POWER + POWER_REG_CPU_STARTED), n == 32 ? 0xffffffffu : (1u << n) - 1, "all cpus started");
  increment_loop();
  while (finished != n) {
  }
  bm_printf("smp: %u cpus, counter %u\n", n, counter);
  BM_CHECK_EQ(counter, n * INCREMENTS, "spinlock counter total");
  BM_CHECK_EQ(atomic_counter, n * 1000, "atomic counter total");
  BM_CHECK(bm_spin_trylock(&lock), "trylock takes a free lock");
  BM_CHECK(!bm_spin_trylock(&lock), "trylock fails on a held lock");
  bm_spin_unlock(&lock);
  BM_MAILBOX[0] = n;
  BM_MAILBOX[1] = counter;

  /* Wait until every secondary idles, then stay busy for a while without disturbing them. */
  for (unsigned c = 1; c < n; c++) {
    while (ready[c] == 0) {
    }
  }
  uint32_t t0 = bm_read_count();
  while (bm_read_count() - t0 < IDLE_COUNT_TICKS) {
  }

  /* IPIs one at a time, then a broadcast; each acknowledged by the target. */
  bm_irq_unmask(CPU_IRQ_LINE_IPI);
  bm_irq_disable();
  int one_ok = 1;
  for (unsigned c = 1; c < n; c++) {
    bm_ipi_send(1u << c);
    while (ack[c] < 1) bm_wait_irq();
    one_ok &= ack[c] == 1 && ipi_from[c] == 1;
  }
  BM_CHECK(one_ok, "ipi to each cpu acknowledged");
  uint32_t others = (n == 32 ? 0xffffffffu : (1u << n) - 1) & ~1u;
  bm_ipi_send(others);
  for (unsigned c = 1; c < n; c++) {
    while (ack[c] < 2) bm_wait_irq();
  }
  while (ipi_count[0] < 2 * (n - 1)) bm_wait_irq();
  bm_ipi_send(1u << 0); /* to itself */
  while (ipi_count[0] < 2 * (n - 1) + 1) bm_wait_irq();
  bm_irq_enable();
  BM_CHECK_EQ(ipi_from[0], others | 1u, "cpu 0 heard from every cpu and itself");
  BM_CHECK_EQ(ipi_count[0], 2 * (n - 1) + 1, "cpu 0 ipi count");
  int all_ok = 1;
  for (unsigned c = 1; c < n; c++) all_ok &= ack[c] == 2 && ipi_count[c] == 2;
  BM_CHECK(all_ok, "broadcast ipi acknowledged by all");
  return bm_result();
}
