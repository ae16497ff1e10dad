/* board.c (Disco monitor): the VM's description (vCPUs and memory from the special page and
 * the boot registers, one NUMA node), the command line, per-vCPU initialisation (EBase,
 * PageMask, Wired, HWREna, virtual TLB, Status, tick), secondary-vCPU start and power
 * control, the zero-page and free-page hints, all by special-page stores and monitor calls. */
#include "types.h"
#include "defs.h"
#include "hal.h"
#include "mips.h"
#include "mcall.h"
#include "param.h"

static int ncpu;
static u32 mem_bytes;
static char cmdline[256];

extern char _start[], _end[];

void hal_early_init(u32 memory_bytes, u32 bootarg) {
  long version = mcall(MCALL_VERSION, 0, 0);
  if (version != ABI_VERSION) panic("monitor ABI version %d, this kernel needs %d", (int)version, ABI_VERSION);
  mem_bytes = SPECIAL_WORD(SPECIAL_MEMORY_BYTES);
  if (memory_bytes < mem_bytes) mem_bytes = memory_bytes;
  if (mem_bytes > GUEST_VSEG_MAX_MEMORY_BYTES) mem_bytes = GUEST_VSEG_MAX_MEMORY_BYTES;
  ncpu = (int)SPECIAL_WORD(SPECIAL_NUM_VCPUS);
  if (ncpu > NCPU) ncpu = NCPU;
  if (ncpu < 1) ncpu = 1;
  if (bootarg >= KERNBASE && bootarg < KERNBASE + mem_bytes) {
    const char *s = (const char *)bootarg;
    size_t i = 0;
    for (; i + 1 < sizeof cmdline && s[i] != '\0'; i++) cmdline[i] = s[i];
    cmdline[i] = '\0';
  }
}

int hal_ncpu(void) { return ncpu; }
int hal_nnode(void) { return 1; }
int hal_cpu_node(int cpu) { return 0; }
const char *hal_cmdline(void) { return cmdline; }

void hal_node_ram(int node, paddr_t *start, paddr_t *end) {
  *start = PGROUNDUP(KPA(_end));   /* below: vectors, boot data, the kernel image */
  *end = node == 0 ? mem_bytes & ~(u32)(PGSIZE - 1) : *start;
}

void hal_start_secondary(int cpu) {
  mcall5(MCALL_VCPU_START, (u32)cpu, (u32)_start, 0, 0, 0, NULL);
}

u32 hal_irq_mask(void) {
  return (1u << (ST_IM_SHIFT + VIRQ_LINE_DEVICE)) | (1u << (ST_IM_SHIFT + VIRQ_LINE_IPI)) |
         (1u << (ST_IM_SHIFT + VIRQ_LINE_TIMER));
}

void hal_cpu_init(int cpu) {
  extern char exception_vectors[];
  SPECIAL_WORD(SPECIAL_EBASE) = (u32)exception_vectors;
  SPECIAL_WORD(SPECIAL_PAGEMASK) = 0;
  SPECIAL_WORD(SPECIAL_WIRED) = 0;
  mtc0(7, 0, HWRENA_ULR | HWRENA_BASIC);   /* rdhwr $29 (TLS) etc. from user mode */
  hal_tlb_flush_all();
  u32 st = read_status();   /* mtc0/mfc0: CU1 is not writable by a store */
  st &= ~(ST_IM | ST_KSU | ST_EXL | ST_ERL | ST_BEV | ST_FR | ST_IE);
  st |= hal_irq_mask() | ST_CU1;
  write_status(st);
  timer_cpu_init(cpu);
}

void hal_poweroff(int code) {
  hal_cons_flush();
  for (;;) mcall(MCALL_POWER, POWER_OP_OFF, (u32)code);
}

void hal_reset(int code) {
  hal_cons_flush();
  for (;;) mcall(MCALL_POWER, POWER_OP_RESET, (u32)code);
}

/* Free-page hint: the monitor reclaims the machine page at once (the next touch of the guest
 * page gets a fresh zeroed one). */
void hal_page_free(void *kva) {
  mcall(MCALL_PAGE_FREE, KPA(kva), 0);
}

/* The monitor zeroes pages anyway (isolation): ask it instead of storing 4 KiB of zeros. */
void hal_page_zero(void *kva) {
  mcall(MCALL_PAGE_ZERO, KPA(kva), 0);
}

void hal_icache_sync(u32 kva, u32 len) {
  /* The emulated caches are coherent with instruction fetch: nothing to do. */
  (void)kva;
  (void)len;
}
