/* numa.c: timed-mode NUMA latency test on CPU 0 (node 0). Walks WALK_BYTES of node 0's memory,
 * then an equal buffer in the last node's memory, one load per 128-byte line (both larger than
 * the 1 MiB cache, so every load misses), timing each phase with CP0 Count. Leaves the Count
 * values in the mailbox for the host, which compares them with the cache model's statistics.
 * Mailbox: [0] magic, [1..3] Count before/between/after, [4] lines per phase, [5] local buffer
 * machine address, [6] remote buffer machine address, [7] instructions per line. */
#include "bm.h"

#define WALK_BYTES (2u << 20)
#define LINE 128u
#define INSNS_PER_LINE 4u

/* One load per line of [p, p + bytes): exactly INSNS_PER_LINE instructions per line. */
static uint32_t walk(uint32_t p, uint32_t bytes) {
  uint32_t end = p + bytes, sum = 0, tmp;
  __asm__ volatile(
      "   .set push\n"
      "   .set noreorder\n"
      "1: lw    %1, 0(%2)\n"
      "   addiu %2, %2, 128\n"
      "   bne   %2, %3, 1b\n"
      "   addu  %0, %0, %1\n"
      "   .set pop\n"
      : "+r"(sum), "=&r"(tmp), "+r"(p)
      : "r"(end)
      : "memory");
  return sum;
}

int main(unsigned cpu) {
  if (cpu != 0) return 0;
  uint32_t nodes = bm_board(BOARD_INFO_REG_NUM_NODES);
  uint32_t node_bytes = bm_board(BOARD_INFO_REG_NODE_BYTES);
  if (nodes < 2 || node_bytes < 2 * WALK_BYTES + (1u << 20)) {
    bm_printf("numa: needs at least 2 nodes of %u bytes\n", 2 * WALK_BYTES + (1u << 20));
    return 2;
  }
  uint32_t local = node_bytes / 2;                      /* machine addresses */
  uint32_t remote = (nodes - 1) * node_bytes + node_bytes / 2;
  uint32_t t0 = bm_read_count();
  uint32_t s1 = walk(BM_KSEG0(local), WALK_BYTES);
  uint32_t t1 = bm_read_count();
  uint32_t s2 = walk(BM_KSEG0(remote), WALK_BYTES);
  uint32_t t2 = bm_read_count();
  uint32_t lines = WALK_BYTES / LINE;
  BM_MAILBOX[0] = 0x4e554d41; /* "NUMA" */
  BM_MAILBOX[1] = t0;
  BM_MAILBOX[2] = t1;
  BM_MAILBOX[3] = t2;
  BM_MAILBOX[4] = lines;
  BM_MAILBOX[5] = local;
  BM_MAILBOX[6] = remote;
  BM_MAILBOX[7] = INSNS_PER_LINE;
  uint32_t local_cycles = 2 * (t1 - t0), remote_cycles = 2 * (t2 - t1);
  uint32_t local_stall = (local_cycles - INSNS_PER_LINE * lines) / lines;
  uint32_t remote_stall = (remote_cycles - INSNS_PER_LINE * lines) / lines;
  bm_printf("numa: local %u cycles (%u stall/line), remote %u cycles (%u stall/line), sums %x %x\n", local_cycles,
            local_stall, remote_cycles, remote_stall, s1, s2);
  BM_CHECK(local_stall >= 58 && local_stall <= 62, "local miss ~60 cycles");
  BM_CHECK(remote_stall >= 178 && remote_stall <= 182, "remote miss ~180 cycles");
  return bm_result();
}
