/* power.c: power device test, driven by the boot command line (a2): "reset" starts CPU 1 and
 * asks for a reset with code 7; "off" checks that only CPU 0 runs after a (re)boot and powers
 * off with 42; "neg" powers off with -5. Secondary CPUs just return (they idle in WAIT). */
#include "bm.h"

#define POWER(reg) (DEVICE_BASE_POWER + POWER_REG_##reg)
#define START(cpu, reg) (DEVICE_BASE_POWER + POWER_REG_START_BLOCK + (cpu) * POWER_REG_START_STRIDE + POWER_START_REG_##reg)

int main(unsigned cpu, uint32_t board, uint32_t arg) {
  (void)board;
  if (cpu != 0) return 0;
  const char *cmd = arg != 0 ? (const char *)(uintptr_t)arg : "";
  bm_printf("power: cmd [%s]\n", cmd);
  BM_CHECK_EQ(mmio_read32(POWER(CPU_STARTED)), 1, "only cpu 0 started at boot");
  BM_CHECK_EQ(mmio_read32(START(0, STATE)), POWER_CPU_STATE_STARTED, "cpu 0 state started");
  if (strcmp(cmd, "reset") == 0) {
    bm_start_secondary(1, 0x1234);
    BM_CHECK_EQ(mmio_read32(POWER(CPU_STARTED)), 3, "cpu 1 started");
    BM_CHECK_EQ(mmio_read32(START(1, ARG)), 0x1234, "cpu 1 start arg");
    bm_printf("power: resetting\n");
    bm_reset(7);
  }
  if (strcmp(cmd, "neg") == 0) bm_poweroff(-5);
  BM_CHECK_EQ(mmio_read32(START(1, STATE)), POWER_CPU_STATE_HELD, "cpu 1 held");
  if (bm_result() != 0) return 1;
  return 42;
}
