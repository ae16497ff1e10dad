/* hotpage.c: FLASH miss-counter test. CPU 0 starts the first CPU of the last node, which loads
 * HOT_PA, HOT_PA + 512 KiB and HOT_PA + 1 MiB ROUNDS times: three lines of one set of its 2-way
 * 1 MiB cache, so every load misses and HOT_PA's page collects ROUNDS misses from that node.
 * The host polls the hot-page notifications. Mailbox: [0] HOT_PA, [1] the node, [2] ROUNDS. */
#include "bm.h"

#define HOT_PA 0x01000000u /* 16 MiB: node 0 on the default board */
#define SET_STRIDE (512u << 10)
#define ROUNDS 200u

static volatile uint32_t done;
static volatile uint32_t sink;

int main(unsigned cpu) {
  uint32_t cpus_per_node = bm_board(BOARD_INFO_REG_CPUS_PER_NODE);
  uint32_t nodes = bm_board(BOARD_INFO_REG_NUM_NODES);
  unsigned worker = (nodes - 1) * cpus_per_node;
  if (cpu == 0) {
    BM_MAILBOX[0] = HOT_PA;
    BM_MAILBOX[1] = nodes - 1;
    BM_MAILBOX[2] = ROUNDS;
    bm_printf("hotpage: cpu %u (node %u) walks page 0x%x\n", worker, nodes - 1, HOT_PA >> 12);
    bm_start_secondary(worker, 0);
    while (done == 0) {
    }
    BM_CHECK(sink != 0xdeadbeef, "hot page walk finished");
    return bm_result();
  }
  if (cpu == worker) {
    volatile uint32_t *a = (volatile uint32_t *)BM_KSEG0(HOT_PA);
    volatile uint32_t *b = (volatile uint32_t *)BM_KSEG0(HOT_PA + SET_STRIDE);
    volatile uint32_t *c = (volatile uint32_t *)BM_KSEG0(HOT_PA + 2 * SET_STRIDE);
    uint32_t sum = 0;
    for (unsigned r = 0; r < ROUNDS; r++) sum += *a + *b + *c;
    sink = sum;
    bm_sync();
    done = 1;
  }
  return 0;
}
