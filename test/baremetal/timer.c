/* timer.c: timer device and CP0 timer test: the RTC reads the host clock the test injects, the
 * global cycle counter advances, a periodic channel interrupts CPU 0 on IP4 TICKS times at its
 * period, a one-shot channel fires once and stops, and the CP0 Count/Compare timer interrupts on
 * IP7. CPU 0 idles in WAIT between interrupts. */
#include "bm.h"

#define TIMER(reg) (DEVICE_BASE_TIMER + TIMER_REG_##reg)
#define CHANNEL(n, reg) (DEVICE_BASE_TIMER + TIMER_REG_CHANNEL_BLOCK + (n) * TIMER_REG_CHANNEL_STRIDE + TIMER_CHANNEL_REG_##reg)
#define PERIOD 50000u
#define TICKS 10u
#define QUANTUM_SLACK 20000u /* expiries are seen at most one machine quantum (10000 cycles) late */
#define COMPARE_STEP 2500u
#define CP0_TICKS 3u

static volatile uint32_t ticks, cp0_ticks, oneshot_ticks, last_tick_cycles;
static volatile int oneshot_mode;

static uint32_t cycles_lo(void) {
  return mmio_read32(TIMER(CYCLES_LO));
}

/* IP4: the CPU's own channel expired. */
static void channel_irq(unsigned cpu, unsigned line) {
  (void)line;
  mmio_write32(CHANNEL(cpu, STATUS), TIMER_STATUS_EXPIRED);
  if (oneshot_mode) {
    oneshot_ticks++;
    return;
  }
  if (++ticks == TICKS) {
    last_tick_cycles = cycles_lo();
    mmio_write32(CHANNEL(cpu, CONTROL), 0); /* stop */
  }
}

/* IP7: Count reached Compare. Re-arm CP0_TICKS times, then mask the line. */
static void cp0_irq(unsigned cpu, unsigned line) {
  (void)cpu;
  (void)line;
  if (++cp0_ticks < CP0_TICKS) {
    bm_write_compare(bm_read_count() + COMPARE_STEP);
  } else {
    bm_write_compare(bm_read_count() - 1); /* clears the interrupt; next match is far away */
  }
}

int main(unsigned cpu) {
  if (cpu != 0) return 0;

  /* RTC and counters. */
  uint32_t sec = mmio_read32(TIMER(RTC_SECONDS));
  uint32_t ns = mmio_read32(TIMER(RTC_NANOSECONDS));
  bm_printf("timer: rtc seconds=%u ns=%u\n", sec, ns);
  BM_CHECK(ns < 1000000000u, "rtc nanoseconds in range");
  BM_CHECK_EQ(mmio_read32(TIMER(FREQUENCY_HZ)), MACHINE_CPU_CLOCK_HZ, "timer frequency");
  BM_CHECK_EQ(mmio_read32(TIMER(NUM_CHANNELS)), bm_num_cpus(), "timer channel per cpu");
  uint32_t c0 = cycles_lo();
  for (volatile int i = 0; i < 20000; i++) {
  }
  BM_CHECK(cycles_lo() > c0, "machine cycle counter advances");
  uint32_t a = bm_rdhwr_cc(), b = bm_read_count();
  BM_CHECK(b - a < 16, "rdhwr $2 tracks CP0 Count");

  /* Periodic channel 0 on IP4. */
  bm_set_irq_handler(CPU_IRQ_LINE_TIMER, channel_irq);
  bm_irq_unmask(CPU_IRQ_LINE_TIMER);
  bm_irq_disable();
  mmio_write32(CHANNEL(0, PERIOD), PERIOD);
  uint32_t start = cycles_lo();
  mmio_write32(CHANNEL(0, CONTROL), TIMER_CONTROL_ENABLE | TIMER_CONTROL_PERIODIC | TIMER_CONTROL_IRQ_ENABLE);
  BM_CHECK(mmio_read32(CHANNEL(0, REMAINING)) <= PERIOD, "channel remaining <= period");
  while (ticks < TICKS) bm_wait_irq();
  bm_irq_enable();
  uint32_t elapsed = last_tick_cycles - start;
  bm_printf("timer: %u periodic ticks in %u cycles\n", ticks, elapsed);
  BM_CHECK_EQ(ticks, TICKS, "periodic tick count");
  BM_CHECK(elapsed + QUANTUM_SLACK >= TICKS * PERIOD && elapsed <= TICKS * PERIOD + QUANTUM_SLACK, "periodic ticks on the period grid");
  BM_CHECK_EQ(mmio_read32(CHANNEL(0, REMAINING)), 0, "stopped channel has nothing remaining");

  /* One-shot channel: fires once, clears its ENABLE. */
  oneshot_mode = 1;
  bm_irq_disable();
  mmio_write32(CHANNEL(0, PERIOD), 30000);
  mmio_write32(CHANNEL(0, CONTROL), TIMER_CONTROL_ENABLE | TIMER_CONTROL_IRQ_ENABLE);
  while (oneshot_ticks == 0) bm_wait_irq();
  bm_irq_enable();
  uint32_t t = cycles_lo();
  while (cycles_lo() - t < 100000) {
  }
  BM_CHECK_EQ(oneshot_ticks, 1, "one-shot fired once");
  BM_CHECK_EQ(mmio_read32(CHANNEL(0, CONTROL)) & TIMER_CONTROL_ENABLE, 0, "one-shot disabled itself");
  bm_irq_mask(CPU_IRQ_LINE_TIMER);

  /* CP0 Count/Compare on IP7. */
  bm_set_irq_handler(CPU_IRQ_LINE_CP0_TIMER, cp0_irq);
  uint32_t count0 = bm_read_count();
  bm_irq_disable();
  bm_write_compare(count0 + COMPARE_STEP);
  bm_irq_unmask(CPU_IRQ_LINE_CP0_TIMER);
  while (cp0_ticks < CP0_TICKS) bm_wait_irq();
  bm_irq_enable();
  uint32_t count_elapsed = bm_read_count() - count0;
  bm_printf("timer: %u cp0 timer interrupts in %u count ticks\n", cp0_ticks, count_elapsed);
  BM_CHECK_EQ(cp0_ticks, CP0_TICKS, "cp0 timer interrupt count");
  BM_CHECK(count_elapsed >= CP0_TICKS * COMPARE_STEP, "cp0 timer spacing");
  BM_CHECK((bm_read_cause() & BM_CAUSE_IP(7)) == 0, "cp0 timer interrupt cleared by compare write");
  bm_irq_mask(CPU_IRQ_LINE_CP0_TIMER);

  /* RTC again: the injected clock is fixed. */
  BM_CHECK_EQ(mmio_read32(TIMER(RTC_SECONDS)), sec, "rtc follows the host clock");
  return bm_result();
}
