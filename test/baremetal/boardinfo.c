/* boardinfo.c: board-info block test: prints the topology (the host compares it with the
 * Machine's configuration), checks the magic, version, device base and IRQ tables, and that the
 * intc, timer and power device agree on the CPU count. */
#include "bm.h"

static const uint32_t bases[DEVICE_COUNT] = {
    DEVICE_BASE_BOARD_INFO, DEVICE_BASE_INTC, DEVICE_BASE_UART,   DEVICE_BASE_TIMER,  DEVICE_BASE_POWER,
    DEVICE_BASE_NET,        DEVICE_BASE_BLOCK0, DEVICE_BASE_BLOCK1, DEVICE_BASE_BLOCK2, DEVICE_BASE_BLOCK3,
};
static const uint32_t irqs[DEVICE_COUNT] = {
    INTC_NO_SOURCE, INTC_NO_SOURCE, IRQ_SOURCE_UART,   INTC_NO_SOURCE,    INTC_NO_SOURCE,
    IRQ_SOURCE_NET, IRQ_SOURCE_BLOCK0, IRQ_SOURCE_BLOCK1, IRQ_SOURCE_BLOCK2, IRQ_SOURCE_BLOCK3,
};

int main(unsigned cpu, uint32_t board) {
  if (cpu != 0) return 0;
  uint32_t cpus = bm_board(BOARD_INFO_REG_NUM_CPUS), nodes = bm_board(BOARD_INFO_REG_NUM_NODES);
  bm_printf("board: cpus=%u nodes=%u cpus_per_node=%u ram=%u node_bytes=%u hz=%u disks=%u devices=%u\n", cpus, nodes,
            bm_board(BOARD_INFO_REG_CPUS_PER_NODE), bm_board(BOARD_INFO_REG_RAM_BYTES), bm_board(BOARD_INFO_REG_NODE_BYTES),
            bm_board(BOARD_INFO_REG_CPU_HZ), bm_board(BOARD_INFO_REG_NUM_DISKS), bm_board(BOARD_INFO_REG_NUM_DEVICES));
  BM_CHECK_EQ(board, BM_KSEG1(DEVICE_BASE_BOARD_INFO), "a1 is the board-info base");
  BM_CHECK_EQ(bm_board(BOARD_INFO_REG_MAGIC), BOARD_INFO_MAGIC, "board magic");
  BM_CHECK(memcmp((const void *)BM_KSEG1(DEVICE_BASE_BOARD_INFO), "DSCO", 4) == 0, "board magic reads DSCO");
  BM_CHECK_EQ(bm_board(BOARD_INFO_REG_VERSION), BOARD_INFO_VERSION, "board version");
  BM_CHECK_EQ(bm_board(BOARD_INFO_REG_CPUS_PER_NODE) * nodes, cpus, "cpus per node x nodes");
  BM_CHECK_EQ(bm_board(BOARD_INFO_REG_NODE_BYTES) * nodes, bm_board(BOARD_INFO_REG_RAM_BYTES), "node bytes x nodes");
  BM_CHECK_EQ(bm_board(BOARD_INFO_REG_NUM_DEVICES), DEVICE_COUNT, "device count");
  int bases_ok = 1, irqs_ok = 1;
  for (unsigned id = 0; id < DEVICE_COUNT; id++) {
    bases_ok &= bm_board(BOARD_INFO_REG_DEVICE_BASE_TABLE + 4 * id) == bases[id];
    irqs_ok &= bm_board(BOARD_INFO_REG_DEVICE_IRQ_TABLE + 4 * id) == irqs[id];
  }
  BM_CHECK(bases_ok, "device base table");
  BM_CHECK(irqs_ok, "device irq table");
  BM_CHECK_EQ(mmio_read32(DEVICE_BASE_INTC + INTC_REG_NUM_CPUS), cpus, "intc cpu count");
  BM_CHECK_EQ(mmio_read32(DEVICE_BASE_INTC + INTC_REG_NUM_SOURCES), INTC_SOURCES, "intc sources");
  BM_CHECK_EQ(mmio_read32(DEVICE_BASE_TIMER + TIMER_REG_NUM_CHANNELS), cpus, "timer channels");
  int states_ok = 1;
  for (unsigned c = 0; c < MACHINE_MAX_CPUS; c++) {
    uint32_t state = mmio_read32(DEVICE_BASE_POWER + POWER_REG_START_BLOCK + c * POWER_REG_START_STRIDE + POWER_START_REG_STATE);
    uint32_t want = c == 0 ? POWER_CPU_STATE_STARTED : c < cpus ? POWER_CPU_STATE_HELD : POWER_CPU_STATE_ABSENT;
    states_ok &= state == want;
  }
  BM_CHECK(states_ok, "power cpu states");
  BM_CHECK_EQ(bm_cpu_id(), 0, "EBase.CPUNum is 0");
  return bm_result();
}
