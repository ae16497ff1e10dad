/* board.c (bare machine): boot-time board description (CPUs, nodes, RAM per node, the boot
 * command line), per-CPU initialisation (EBase, TLB, Context, HWREna, interrupt mask, timer),
 * secondary-CPU start and power control through the power device. */
#include "types.h"
#include "defs.h"
#include "hal.h"
#include "mips.h"
#include "mmio.h"
#include "param.h"

static int ncpu, nnode, cpus_per_node;
static u32 node_bytes;
static char cmdline[256];

extern char _start[], _end[];

void hal_early_init(u32 board_info, u32 bootarg) {
  (void)board_info;   /* always DEVICE_BASE_BOARD_INFO through kseg1 */
  if (board(BOARD_INFO_REG_MAGIC) != BOARD_INFO_MAGIC) hal_poweroff(PANIC_EXIT_CODE);
  ncpu = (int)board(BOARD_INFO_REG_NUM_CPUS);
  nnode = (int)board(BOARD_INFO_REG_NUM_NODES);
  cpus_per_node = (int)board(BOARD_INFO_REG_CPUS_PER_NODE);
  node_bytes = board(BOARD_INFO_REG_NODE_BYTES);
  if (ncpu > NCPU) ncpu = NCPU;
  if (nnode > NNODE) nnode = NNODE;
  if (bootarg >= VSEG_KSEG0 && bootarg < VSEG_KSEG0 + board(BOARD_INFO_REG_RAM_BYTES)) {
    const char *s = (const char *)bootarg;
    size_t i = 0;
    for (; i + 1 < sizeof cmdline && s[i] != '\0'; i++) cmdline[i] = s[i];
    cmdline[i] = '\0';
  }
  uart_init();
  intc_init();
  disk_hw_init();
}

int hal_ncpu(void) { return ncpu; }
int hal_nnode(void) { return nnode; }
int hal_cpu_node(int cpu) { return cpus_per_node > 0 ? cpu / cpus_per_node : 0; }
const char *hal_cmdline(void) { return cmdline; }

void hal_node_ram(int node, paddr_t *start, paddr_t *end) {
  paddr_t s = (paddr_t)node * node_bytes, e = s + node_bytes;
  paddr_t kend = PGROUNDUP(KPA(_end));
  if (s < kend) s = kend;   /* node 0: below the kernel's end is vectors, boot data, image */
  *start = s;
  *end = e;
}

void hal_start_secondary(int cpu) {
  paddr_t block = DEVICE_BASE_POWER + POWER_REG_START_BLOCK + (u32)cpu * POWER_REG_START_STRIDE;
  mmio_write(block + POWER_START_REG_ARG, 0);
  mmio_write(block + POWER_START_REG_PC, (u32)_start);
}

u32 hal_irq_mask(void) {
  return (1u << (ST_IM_SHIFT + CPU_IRQ_LINE_DEVICE)) | (1u << (ST_IM_SHIFT + CPU_IRQ_LINE_IPI)) |
         (1u << (ST_IM_SHIFT + CPU_IRQ_LINE_TIMER));
}

void hal_cpu_init(int cpu) {
  extern char exception_vectors[];
  write_status(read_status() | ST_BEV);           /* EBase may change only with BEV = 1 */
  mtc0(15, 1, (u32)exception_vectors);
  mtc0(4, 0, (u32)cpu << CONTEXT_CPU_SHIFT);       /* Context.PTEBase = CPU number */
  mtc0(7, 0, HWRENA_ULR | HWRENA_BASIC);          /* rdhwr $29 (TLS) etc. from user mode */
  mtc0(5, 0, 0);                                   /* PageMask: 4 KiB pages */
  mtc0(6, 0, 0);                                   /* Wired */
  hal_tlb_flush_all();
  u32 st = read_status();
  st &= ~(ST_IM | ST_KSU | ST_EXL | ST_ERL | ST_BEV | ST_FR | ST_IE);
  st |= hal_irq_mask() | ST_CU1;
  write_status(st);
  intc_cpu_init(cpu);
  timer_cpu_init(cpu);
}

void hal_poweroff(int code) {
  irq_disable();
  mmio_write(DEVICE_BASE_POWER + POWER_REG_POWEROFF, (u32)code);
  for (;;) cpu_wait();
}

void hal_reset(int code) {
  irq_disable();
  mmio_write(DEVICE_BASE_POWER + POWER_REG_RESET, (u32)code);
  for (;;) cpu_wait();
}

void hal_icache_sync(u32 kva, u32 len) {
  /* The emulated caches are coherent with instruction fetch: nothing to do. */
  (void)kva;
  (void)len;
}
