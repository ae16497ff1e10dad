// CP0 register numbers (reg*8+sel) and the fields of each register, named once. Emulation code
// uses these names, never bare bit literals. Layouts follow MIPS32r2 (../shared/reference §3).

/** A CP0 register is addressed by (reg, sel); we index state by reg * 8 + sel. */
export const cp0Index = (reg: number, sel: number): number => reg * 8 + sel;

export const CP0 = {
  Index: 0 * 8,
  Random: 1 * 8,
  EntryLo0: 2 * 8,
  EntryLo1: 3 * 8,
  Context: 4 * 8,
  UserLocal: 4 * 8 + 2,
  PageMask: 5 * 8,
  Wired: 6 * 8,
  HWREna: 7 * 8,
  BadVAddr: 8 * 8,
  Count: 9 * 8,
  EntryHi: 10 * 8,
  Compare: 11 * 8,
  Status: 12 * 8,
  IntCtl: 12 * 8 + 1,
  SRSCtl: 12 * 8 + 2,
  SRSMap: 12 * 8 + 3,
  Cause: 13 * 8,
  EPC: 14 * 8,
  PRId: 15 * 8,
  EBase: 15 * 8 + 1,
  Config: 16 * 8,
  Config1: 16 * 8 + 1,
  Config2: 16 * 8 + 2,
  Config3: 16 * 8 + 3,
  LLAddr: 17 * 8,
  ErrorEPC: 30 * 8,
} as const;

export const CP0_REGISTER_COUNT = 32 * 8;

/** Status (12,0). */
export const STATUS = {
  IE: 1 << 0, // global interrupt enable
  EXL: 1 << 1, // exception level
  ERL: 1 << 2, // error level
  KSU_SHIFT: 3, // KSU 4:3: 0 kernel, 1 supervisor, 2 user
  KSU_MASK: 3 << 3,
  IM_SHIFT: 8, // IM7..IM0 15:8
  IM_MASK: 0xff << 8,
  NMI: 1 << 19,
  SR: 1 << 20,
  TS: 1 << 21,
  BEV: 1 << 22, // boot exception vectors
  RE: 1 << 25,
  FR: 1 << 26, // 64-bit FPU registers
  RP: 1 << 27,
  CU0: 1 << 28,
  CU1: 1 << 29,
  CU2: 1 << 30,
  CU3: 1 << 31,
} as const;

/** Bits of Status that software may write on this implementation. */
export const STATUS_WRITABLE =
  STATUS.IE | STATUS.EXL | STATUS.ERL | STATUS.KSU_MASK | STATUS.IM_MASK | STATUS.NMI | STATUS.SR | STATUS.TS |
  STATUS.BEV | STATUS.FR | STATUS.CU0 | STATUS.CU1;

/** KSU values. */
export const KSU = { Kernel: 0, Supervisor: 1, User: 2 } as const;

/** Cause (13,0). */
export const CAUSE = {
  EXCCODE_SHIFT: 2,
  EXCCODE_MASK: 0x1f << 2,
  IP_SHIFT: 8, // IP7..IP0 15:8
  IP_SW_MASK: 3 << 8, // IP1..IP0 are software writable
  IP_HW_SHIFT: 10, // IP2 is hardware line 0
  IP_MASK: 0xff << 8,
  IV: 1 << 23,
  DC: 1 << 27,
  CE_SHIFT: 28,
  CE_MASK: 3 << 28,
  TI: 1 << 30, // timer interrupt pending
  BD: 1 << 31, // last exception was in a delay slot
} as const;

/** Cause bits software may write. */
export const CAUSE_WRITABLE = CAUSE.IP_SW_MASK | CAUSE.IV | CAUSE.DC;

/** The IP bit the CP0 timer is merged into (IntCtl.IPTI). */
export const TIMER_IP = 7;

/** EntryHi (10,0). */
export const ENTRYHI = {
  ASID_MASK: 0xff,
  VPN2_MASK: 0xffffe000 | 0,
} as const;

/** EntryLo0/1 (2,0 / 3,0). */
export const ENTRYLO = {
  G: 1 << 0, // global
  V: 1 << 1, // valid
  D: 1 << 2, // dirty (writable)
  C_SHIFT: 3, // cacheability 5:3
  C_MASK: 7 << 3,
  PFN_SHIFT: 6, // PFN 29:6 = PA[35:12]
  PFN_MASK: 0x00ffffff << 6,
  WRITABLE_MASK: 0x3fffffff,
} as const;

/** Cacheability attribute values (EntryLo.C, Config.K0). */
export const CACHE_ATTR = { Uncached: 2, Cacheable: 3 } as const;

/** PageMask (5,0): Mask 28:13. */
export const PAGEMASK_MASK = 0x1fffe000;

/** Index (0,0). */
export const INDEX = { P: 1 << 31 } as const;

/** Context (4,0). */
export const CONTEXT = {
  BADVPN2_SHIFT: 4, // BadVPN2 22:4 = VA[31:13]
  BADVPN2_MASK: 0x7ffff0,
  PTEBASE_MASK: 0xff800000 | 0,
} as const;

/** EBase (15,1). */
export const EBASE = {
  CPUNUM_MASK: 0x3ff,
  BASE_MASK: 0x3ffff000, // ExceptionBase 29:12
  FIXED: 0x80000000 | 0, // bit 31 = 1
} as const;

/** Config (16,0). */
export const CONFIG = {
  M: 1 << 31, // Config1 present
  K0_MASK: 7,
  AR_SHIFT: 10, // 1 = Release 2
  MT_SHIFT: 7, // 1 = standard TLB
} as const;

/** Config1 (16,1). */
export const CONFIG1 = {
  M: 1 << 31,
  MMU_SIZE_SHIFT: 25, // entries - 1
  FP: 1 << 0, // FPU present
  CA: 1 << 2,
  WR: 1 << 3,
  EP: 1 << 1,
} as const;

/** Config3 (16,3). */
export const CONFIG3 = {
  ULRI: 1 << 13, // UserLocal implemented
} as const;

/** HWREna bits / RDHWR register numbers. */
export const HWR = {
  CPUNum: 0,
  SYNCI_Step: 1,
  CC: 2,
  CCRes: 3,
  ULR: 29,
} as const;

/** Cause.ExcCode values. */
export const EXC = {
  Int: 0,
  Mod: 1,
  TLBL: 2,
  TLBS: 3,
  AdEL: 4,
  AdES: 5,
  IBE: 6,
  DBE: 7,
  Sys: 8,
  Bp: 9,
  RI: 10,
  CpU: 11,
  Ov: 12,
  Tr: 13,
  FPE: 15,
  MCheck: 24,
} as const;

export const EXC_NAMES: Record<number, string> = Object.fromEntries(Object.entries(EXC).map(([k, v]) => [v, k]));

/** Exception vector offsets and fixed addresses. */
export const VECTOR = {
  RefillOffset: 0x000,
  GeneralOffset: 0x180,
  InterruptIVOffset: 0x200,
  BootBase: 0xbfc00200 | 0, // BEV=1: base for refill (+0) and general (+0x180)
  Reset: 0xbfc00000 | 0,
} as const;

/** PRId we report: company 1 (MIPS), processor 0x93 (24K family), revision 0. */
export const PRID_VALUE = 0x00019300;

/** Cycles per Count increment (RDHWR CCRes). */
export const COUNT_RATE_CYCLES = 2;
