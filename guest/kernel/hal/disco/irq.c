/* irq.c (Disco monitor): virtual interrupts (the sources posted in the special page's
 * VIRQ_PENDING, acknowledged with one IRQ_ACK call per interrupt), the vCPU's periodic tick
 * (TIMER_SET), IPIs (IPI_SEND), the machine's cycle counter (CLOCK_READ) and real-time clock
 * (RTC_READ), the power button (VIRQ POWER), console resizes (VIRQ CONSOLE_WINSIZE). The lines are the bare machine's: devices IP2, IPI IP3, timer IP4. */
#include "types.h"
#include "defs.h"
#include "hal.h"
#include "mips.h"
#include "mcall.h"
#include "param.h"
#include <machine/memory-map.h>   /* MACHINE_CPU_CLOCK_HZ: the monitor's clock is the machine's */

#define TICK_CYCLES (MACHINE_CPU_CLOCK_HZ / HZ)

void timer_cpu_init(int cpu) {
  mcall(MCALL_TIMER_SET, TICK_CYCLES, 0);
}

void hal_tick_enable(bool on) {
  mcall(MCALL_TIMER_SET, on ? TICK_CYCLES : 0, 0);
  if (!on) mcall(MCALL_IRQ_ACK, VIRQ_TIMER, 0);
}

void hal_ipi_send(int cpu) {
  mcall(MCALL_IPI_SEND, 1u << cpu, 0);
}

u32 hal_cycles_hz(void) {
  return MACHINE_CPU_CLOCK_HZ;
}

u64 hal_cycles(void) {
  u32 hi;
  u32 lo = (u32)mcall5(MCALL_CLOCK_READ, 0, 0, 0, 0, 0, &hi);
  return ((u64)hi << 32) | lo;
}

u64 hal_rtc_ns(void) {
  u32 ns;
  u32 s = (u32)mcall5(MCALL_RTC_READ, 0, 0, 0, 0, 0, &ns);
  return (u64)s * 1000000000ull + ns;
}

/* Acknowledge what the page shows posted, handle it, and go on with whatever IRQ_ACK says
 * was posted meanwhile (a source posted again after its IRQ_ACK interrupts again). */
void hal_interrupt(u32 cause) {
  (void)cause;
  u32 v = SPECIAL_WORD(SPECIAL_VIRQ_PENDING);
  while (v != 0) {
    u32 more = (u32)mcall(MCALL_IRQ_ACK, v, 0);
    if (v & VIRQ_CONSOLE_RX) console_rx();
    if (v & VIRQ_CONSOLE_WINSIZE) console_winsize();
    if (v & (VIRQ_DISK0 | VIRQ_DISK1 | VIRQ_DISK2 | VIRQ_DISK3)) disk_virq(v);
    if (v & VIRQ_NET) net_interrupt();
    if (v & VIRQ_IPI) ipi_received();
    if (v & VIRQ_TIMER) clock_tick();
    if (v & VIRQ_POWER) power_button();
    v = more;
  }
  hal_cons_flush();   /* echo printed by the handlers */
}
