/* irq.c (bare machine): the interrupt controller (device sources routed to CPU 0, IPIs),
 * the per-CPU interval timer channels (the scheduler tick, on IP4), the cycle counter and
 * real-time clock, and the dispatch of a trap's pending interrupt lines. */
#include "types.h"
#include "defs.h"
#include "hal.h"
#include "mips.h"
#include "mmio.h"
#include "param.h"

#define INTC_CPU(cpu, reg) (DEVICE_BASE_INTC + INTC_REG_CPU_BLOCK + (u32)(cpu) * INTC_REG_CPU_STRIDE + (reg))
#define TIMER_CH(cpu, reg) (DEVICE_BASE_TIMER + TIMER_REG_CHANNEL_BLOCK + (u32)(cpu) * TIMER_REG_CHANNEL_STRIDE + (reg))

static struct spinlock clock_lock = SPINLOCK_INIT("hwclock");

void intc_init(void) {
  mmio_write(DEVICE_BASE_INTC + INTC_REG_ENABLE, 0);
}

void intc_enable_source(u32 source, int cpu) {
  mmio_write(DEVICE_BASE_INTC + INTC_REG_ROUTE_TABLE + 4 * source, (u32)cpu);
  mmio_write(DEVICE_BASE_INTC + INTC_REG_ENABLE_SET, 1u << source);
}

void intc_cpu_init(int cpu) {
  mmio_write(INTC_CPU(cpu, INTC_CPU_REG_IPI_PENDING), 0xffffffffu);
}

void hal_ipi_send(int cpu) {
  mmio_write(INTC_CPU(hal_cpu_id(), INTC_CPU_REG_IPI_SEND), 1u << cpu);
}

void timer_cpu_init(int cpu) {
  u32 hz = mmio_read(DEVICE_BASE_TIMER + TIMER_REG_FREQUENCY_HZ);
  mmio_write(TIMER_CH(cpu, TIMER_CHANNEL_REG_PERIOD), hz / HZ);
  mmio_write(TIMER_CH(cpu, TIMER_CHANNEL_REG_CONTROL),
             TIMER_CONTROL_ENABLE | TIMER_CONTROL_PERIODIC | TIMER_CONTROL_IRQ_ENABLE);
}

void hal_tick_enable(bool on) {
  int cpu = hal_cpu_id();
  mmio_write(TIMER_CH(cpu, TIMER_CHANNEL_REG_CONTROL),
             on ? TIMER_CONTROL_ENABLE | TIMER_CONTROL_PERIODIC | TIMER_CONTROL_IRQ_ENABLE : 0);
  if (!on) mmio_write(TIMER_CH(cpu, TIMER_CHANNEL_REG_STATUS), TIMER_STATUS_EXPIRED);
}

u32 hal_cycles_hz(void) {
  return MACHINE_CPU_CLOCK_HZ;
}

/* The latches are per device, so the LO/HI pair is read under a lock with interrupts off. */
u64 hal_cycles(void) {
  acquire(&clock_lock);
  u32 lo = mmio_read(DEVICE_BASE_TIMER + TIMER_REG_CYCLES_LO);
  u32 hi = mmio_read(DEVICE_BASE_TIMER + TIMER_REG_CYCLES_HI);
  release(&clock_lock);
  return ((u64)hi << 32) | lo;
}

u64 hal_rtc_ns(void) {
  acquire(&clock_lock);
  u32 s = mmio_read(DEVICE_BASE_TIMER + TIMER_REG_RTC_SECONDS);
  u32 ns = mmio_read(DEVICE_BASE_TIMER + TIMER_REG_RTC_NANOSECONDS);
  release(&clock_lock);
  return (u64)s * 1000000000ull + ns;
}

static void device_interrupts(int cpu) {
  for (;;) {
    u32 src = mmio_read(INTC_CPU(cpu, INTC_CPU_REG_CLAIM));
    if (src == INTC_NO_SOURCE) return;
    if (src == IRQ_SOURCE_UART) uart_intr();
    else if (src >= IRQ_SOURCE_BLOCK0 && src <= IRQ_SOURCE_BLOCK3) disk_intr((int)(src - IRQ_SOURCE_BLOCK0));
    else mmio_write(DEVICE_BASE_INTC + INTC_REG_ENABLE_CLEAR, 1u << src);   /* unexpected */
  }
}

void hal_interrupt(u32 cause) {
  int cpu = hal_cpu_id();
  u32 pending = (cause & hal_irq_mask()) >> ST_IM_SHIFT;
  if (pending & (1u << CPU_IRQ_LINE_DEVICE)) device_interrupts(cpu);
  if (pending & (1u << CPU_IRQ_LINE_IPI)) {
    u32 who = mmio_read(INTC_CPU(cpu, INTC_CPU_REG_IPI_PENDING));
    mmio_write(INTC_CPU(cpu, INTC_CPU_REG_IPI_PENDING), who);
    ipi_received();
  }
  if (pending & (1u << CPU_IRQ_LINE_TIMER)) {
    mmio_write(TIMER_CH(cpu, TIMER_CHANNEL_REG_STATUS), TIMER_STATUS_EXPIRED);
    clock_tick();
  }
}
