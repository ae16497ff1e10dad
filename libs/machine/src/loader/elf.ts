// Strict ELF32 little-endian MIPS parser: validates the headers a loader relies on and returns
// the load plan (PT_LOAD segments, TLS, interpreter, AT_PHDR address, MIPS ABI flags) or an
// error value. It never throws on bad input and never reads outside the given bytes.

/** A parse failure, as a value. */
export interface ElfError {
  readonly error: string;
}

export type ElfType = 'EXEC' | 'DYN';

/** Segment permission bits (p_flags). */
export interface ElfSegmentFlags {
  readonly r: boolean;
  readonly w: boolean;
  readonly x: boolean;
}

/** One program header of interest (PT_LOAD or PT_TLS). All numbers are unsigned 32-bit. */
export interface ElfSegment {
  /** Index of this entry in the program header table. */
  readonly index: number;
  readonly vaddr: number;
  readonly memsz: number;
  readonly filesz: number;
  readonly offset: number;
  readonly flags: ElfSegmentFlags;
  /** p_align as stored (0 and 1 mean "no alignment"). */
  readonly align: number;
}

/** Contents of PT_MIPS_ABIFLAGS (.MIPS.abiflags), see the o32 ABI notes section 9. */
export interface MipsAbiFlags {
  readonly version: number;
  readonly isaLevel: number;
  readonly isaRev: number;
  readonly gprSize: number;
  readonly cpr1Size: number;
  readonly cpr2Size: number;
  /** Val_GNU_MIPS_ABI_FP_*: 1 double, 2 single, 3 soft, 5 FPXX, 6 FP64, 7 FP64A. */
  readonly fpAbi: number;
  readonly isaExt: number;
  readonly ases: number;
  readonly flags1: number;
  readonly flags2: number;
}

export type ElfSymbolType = 'NOTYPE' | 'OBJECT' | 'FUNC' | 'SECTION' | 'FILE' | 'TLS' | 'OTHER';
export type ElfSymbolBind = 'LOCAL' | 'GLOBAL' | 'WEAK' | 'OTHER';

export interface ElfSymbol {
  readonly name: string;
  readonly value: number;
  readonly size: number;
  readonly type: ElfSymbolType;
  readonly bind: ElfSymbolBind;
  /** Section index (0 = undefined, 0xfff1 = absolute). */
  readonly shndx: number;
}

export interface ElfImage {
  readonly entry: number;
  readonly type: ElfType;
  /** e_flags as stored (EF_MIPS_* bits; see the constants below). */
  readonly flags: number;
  readonly phoff: number;
  readonly phnum: number;
  readonly phentsize: number;
  /** PT_LOAD segments in file order (which is ascending p_vaddr; checked). */
  readonly segments: readonly ElfSegment[];
  /** PT_TLS if present. */
  readonly tls: ElfSegment | null;
  /** True when a PT_INTERP header exists (a dynamically linked program). */
  readonly hasInterp: boolean;
  /** The interpreter path from PT_INTERP, or null. */
  readonly interp: string | null;
  /** Guest address of the program header table (for AT_PHDR), or null if no PT_LOAD covers it. */
  readonly phdrVaddr: number | null;
  /** PT_MIPS_ABIFLAGS contents, or null. */
  readonly abiFlags: MipsAbiFlags | null;
  /** p_flags of PT_GNU_STACK, or null when absent (Linux on MIPS then defaults to an executable stack). */
  readonly stackFlags: ElfSegmentFlags | null;
  /** Lowest p_vaddr and highest p_vaddr + p_memsz over the PT_LOAD segments. */
  readonly loadStart: number;
  readonly loadEnd: number;
  /**
   * All named symbols of .symtab (or .dynsym when there is no .symtab), by name. When a name
   * occurs more than once, a GLOBAL/WEAK definition wins over a LOCAL one, else the first wins.
   * Returns an error value when the section headers or the symbol table are malformed, and an
   * empty map when the file simply has no symbol table. Computed on first call.
   */
  symbols(): ReadonlyMap<string, ElfSymbol> | ElfError;
  /** Convenience: the symbol called `name`, or undefined (also when symbols() is an error). */
  findSymbol(name: string): ElfSymbol | undefined;
}

export const EM_MIPS = 8;
export const ET_EXEC = 2;
export const ET_DYN = 3;

export const PT_NULL = 0;
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_NOTE = 4;
export const PT_PHDR = 6;
export const PT_TLS = 7;
export const PT_GNU_STACK = 0x6474e551;
export const PT_GNU_RELRO = 0x6474e552;
export const PT_MIPS_REGINFO = 0x70000000;
export const PT_MIPS_ABIFLAGS = 0x70000003;

export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

export const EF_MIPS_NOREORDER = 0x00000001;
export const EF_MIPS_PIC = 0x00000002;
export const EF_MIPS_CPIC = 0x00000004;
export const EF_MIPS_ABI2 = 0x00000020;
export const EF_MIPS_FP64 = 0x00000200;
export const EF_MIPS_NAN2008 = 0x00000400;
export const EF_MIPS_ABI_MASK = 0x0000f000;
export const EF_MIPS_ABI_O32 = 0x00001000;
export const EF_MIPS_ARCH_MASK = 0xf0000000;

const EHDR_SIZE = 52;
const PHDR_SIZE = 32;
const SHDR_SIZE = 40;
const SYM_SIZE = 16;
const ABIFLAGS_SIZE = 24;
/** Same bound as Linux's load_elf_phdrs: the whole table must fit in 64 KiB. */
const MAX_PHDR_TABLE_BYTES = 65536;
/** Host page size assumed for the p_vaddr/p_offset congruence check. */
const PAGE_SIZE = 4096;
const MAX_INTERP_LEN = 4096;
const MAX_SYMBOL_NAME = 4096;
const TWO_32 = 0x1_0000_0000;

const SHT_SYMTAB = 2;
const SHT_STRTAB = 3;
const SHT_DYNSYM = 11;
const SHN_UNDEF = 0;
const SHN_LORESERVE = 0xff00;
const SHN_XINDEX = 0xffff;

/** e_flags EF_MIPS_ARCH values this 32-bit machine can run, with their names. */
const ARCH_NAMES: Readonly<Record<number, string>> = {
  0x0: 'MIPS1',
  0x1: 'MIPS2',
  0x2: 'MIPS3',
  0x3: 'MIPS4',
  0x4: 'MIPS5',
  0x5: 'MIPS32',
  0x6: 'MIPS64',
  0x7: 'MIPS32R2',
  0x8: 'MIPS64R2',
  0x9: 'MIPS32R6',
  0xa: 'MIPS64R6',
};
const SUPPORTED_ARCHES = new Set([0x0, 0x1, 0x5, 0x7]);

export function isElfError(v: unknown): v is ElfError {
  return typeof v === 'object' && v !== null && 'error' in v && typeof (v as ElfError).error === 'string';
}

function fail(error: string): ElfError {
  return { error };
}

function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}

function flagsOf(pflags: number): ElfSegmentFlags {
  return { r: (pflags & PF_R) !== 0, w: (pflags & PF_W) !== 0, x: (pflags & PF_X) !== 0 };
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** Bounds-checked little-endian reader over the input bytes. */
class Reader {
  private readonly view: DataView;
  readonly length: number;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.length = bytes.byteLength;
  }

  /** True when [off, off+len) lies inside the file (no wraparound: numbers are doubles). */
  has(off: number, len: number): boolean {
    return off >= 0 && len >= 0 && off + len <= this.length;
  }

  u8(off: number): number {
    return this.bytes[off]!;
  }

  u16(off: number): number {
    return this.view.getUint16(off, true);
  }

  u32(off: number): number {
    return this.view.getUint32(off, true);
  }

  /** NUL-terminated string starting at off, not crossing `limit`; null if unterminated. */
  cstring(off: number, limit: number, maxLen: number): string | null {
    const end = Math.min(limit, this.length, off + maxLen + 1);
    let s = '';
    for (let i = off; i < end; i++) {
      const c = this.bytes[i]!;
      if (c === 0) return s;
      s += String.fromCharCode(c);
    }
    return null;
  }
}

interface RawPhdr {
  index: number;
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  flags: number;
  align: number;
}

function readPhdr(r: Reader, base: number, index: number): RawPhdr {
  return {
    index,
    type: r.u32(base),
    offset: r.u32(base + 4),
    vaddr: r.u32(base + 8),
    // p_paddr at +12 is ignored.
    filesz: r.u32(base + 16),
    memsz: r.u32(base + 20),
    flags: r.u32(base + 24),
    align: r.u32(base + 28),
  };
}

function toSegment(p: RawPhdr): ElfSegment {
  return {
    index: p.index,
    vaddr: p.vaddr,
    memsz: p.memsz,
    filesz: p.filesz,
    offset: p.offset,
    flags: flagsOf(p.flags),
    align: p.align,
  };
}

/** Checks shared by PT_LOAD and PT_TLS: sizes, file bounds, address wrap, alignment. */
function checkSegmentCommon(r: Reader, p: RawPhdr, what: string): ElfError | null {
  const name = `${what} (program header ${p.index})`;
  if (p.filesz > p.memsz) return fail(`${name}: p_filesz ${hex(p.filesz)} > p_memsz ${hex(p.memsz)}`);
  if (!r.has(p.offset, p.filesz)) {
    return fail(`${name}: file data [${hex(p.offset)}, +${hex(p.filesz)}) extends past end of file (${r.length} bytes)`);
  }
  if (p.vaddr + p.memsz > TWO_32) {
    return fail(`${name}: [${hex(p.vaddr)}, +${hex(p.memsz)}) wraps past the end of the 32-bit address space`);
  }
  if (p.align > 1 && !isPowerOfTwo(p.align)) return fail(`${name}: p_align ${hex(p.align)} is not a power of two`);
  return null;
}

function parseAbiFlags(r: Reader, p: RawPhdr): MipsAbiFlags | ElfError {
  if (p.filesz < ABIFLAGS_SIZE) return fail(`PT_MIPS_ABIFLAGS (program header ${p.index}): size ${p.filesz} < ${ABIFLAGS_SIZE}`);
  if (!r.has(p.offset, ABIFLAGS_SIZE)) return fail(`PT_MIPS_ABIFLAGS (program header ${p.index}) extends past end of file`);
  const o = p.offset;
  return {
    version: r.u16(o),
    isaLevel: r.u8(o + 2),
    isaRev: r.u8(o + 3),
    gprSize: r.u8(o + 4),
    cpr1Size: r.u8(o + 5),
    cpr2Size: r.u8(o + 6),
    fpAbi: r.u8(o + 7),
    isaExt: r.u32(o + 8),
    ases: r.u32(o + 12),
    flags1: r.u32(o + 16),
    flags2: r.u32(o + 20),
  };
}

/**
 * Parses and validates an ELF32 little-endian MIPS executable (ET_EXEC or ET_DYN).
 * Returns the load plan or `{ error }`; never throws.
 */
export function parseElf(bytes: Uint8Array): ElfImage | ElfError {
  try {
    return parseElfUnchecked(bytes);
  } catch (e) {
    // Defence in depth: every read above is bounds-checked, so this should be unreachable.
    return fail(`internal ELF parser error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function parseElfUnchecked(bytes: Uint8Array): ElfImage | ElfError {
  if (!(bytes instanceof Uint8Array)) return fail('input is not a Uint8Array');
  const r = new Reader(bytes);

  // --- ELF header -------------------------------------------------------------------------
  if (r.length < 4) return fail(`truncated ELF header (${r.length} bytes, need ${EHDR_SIZE})`);
  if (r.u8(0) !== 0x7f || r.u8(1) !== 0x45 || r.u8(2) !== 0x4c || r.u8(3) !== 0x46) {
    return fail('not an ELF file (bad magic)');
  }
  if (r.length < EHDR_SIZE) return fail(`truncated ELF header (${r.length} bytes, need ${EHDR_SIZE})`);
  const eiClass = r.u8(4);
  if (eiClass !== 1) return fail(`not ELF32 (EI_CLASS=${eiClass})`);
  const eiData = r.u8(5);
  if (eiData !== 1) return fail(`not little-endian (EI_DATA=${eiData})`);
  const eiVersion = r.u8(6);
  if (eiVersion !== 1) return fail(`unsupported ELF identification version (EI_VERSION=${eiVersion})`);

  const eType = r.u16(16);
  const eMachine = r.u16(18);
  const eVersion = r.u32(20);
  const entry = r.u32(24);
  const phoff = r.u32(28);
  const flags = r.u32(36);
  const ehsize = r.u16(40);
  const phentsize = r.u16(42);
  const phnum = r.u16(44);

  let type: ElfType;
  if (eType === ET_EXEC) type = 'EXEC';
  else if (eType === ET_DYN) type = 'DYN';
  else return fail(`not an executable (e_type=${eType}; want ET_EXEC=2 or ET_DYN=3)`);
  if (eMachine !== EM_MIPS) return fail(`not MIPS (e_machine=${eMachine})`);
  if (eVersion !== 1) return fail(`unsupported ELF version (e_version=${eVersion})`);
  if (ehsize !== EHDR_SIZE) return fail(`bad e_ehsize ${ehsize} (want ${EHDR_SIZE})`);

  const arch = (flags & EF_MIPS_ARCH_MASK) >>> 28;
  if (!SUPPORTED_ARCHES.has(arch)) {
    return fail(`unsupported ISA ${ARCH_NAMES[arch] ?? 'arch ' + arch} in e_flags ${hex(flags)} (this machine is MIPS32r2)`);
  }
  if ((flags & EF_MIPS_ABI2) !== 0) return fail(`n32 ABI (EF_MIPS_ABI2 in e_flags ${hex(flags)}) is not supported`);
  const abi = flags & EF_MIPS_ABI_MASK;
  if (abi !== 0 && abi !== EF_MIPS_ABI_O32) return fail(`unsupported ABI in e_flags ${hex(flags)} (want o32)`);

  // --- program header table ---------------------------------------------------------------
  if (phnum === 0) return fail('no program headers (e_phnum=0)');
  if (phnum === 0xffff) return fail('extended program header count (PN_XNUM) is not supported');
  if (phentsize !== PHDR_SIZE) return fail(`bad e_phentsize ${phentsize} (want ${PHDR_SIZE})`);
  if (phnum * phentsize > MAX_PHDR_TABLE_BYTES) {
    return fail(`too many program headers (e_phnum=${phnum}; the table may be at most ${MAX_PHDR_TABLE_BYTES} bytes)`);
  }
  if (phoff < EHDR_SIZE) return fail(`program header table at ${hex(phoff)} overlaps the ELF header`);
  if (phoff % 4 !== 0) return fail(`program header table offset ${hex(phoff)} is not 4-byte aligned`);
  for (let i = 0; i < phnum; i++) {
    if (!r.has(phoff + i * phentsize, phentsize)) return fail(`program header ${i} extends past end of file`);
  }

  const loads: RawPhdr[] = [];
  let tls: RawPhdr | null = null;
  let interpHdr: RawPhdr | null = null;
  let phdrHdr: RawPhdr | null = null;
  let abiHdr: RawPhdr | null = null;
  let stackFlags: ElfSegmentFlags | null = null;
  for (let i = 0; i < phnum; i++) {
    const p = readPhdr(r, phoff + i * phentsize, i);
    switch (p.type) {
      case PT_LOAD:
        loads.push(p);
        break;
      case PT_TLS:
        if (tls) return fail(`more than one PT_TLS (program headers ${tls.index} and ${i})`);
        tls = p;
        break;
      case PT_INTERP:
        if (interpHdr) return fail(`more than one PT_INTERP (program headers ${interpHdr.index} and ${i})`);
        interpHdr = p;
        break;
      case PT_PHDR:
        if (phdrHdr) return fail(`more than one PT_PHDR (program headers ${phdrHdr.index} and ${i})`);
        phdrHdr = p;
        break;
      case PT_MIPS_ABIFLAGS:
        if (abiHdr) return fail(`more than one PT_MIPS_ABIFLAGS (program headers ${abiHdr.index} and ${i})`);
        abiHdr = p;
        break;
      case PT_GNU_STACK:
        stackFlags = flagsOf(p.flags);
        break;
      default:
        break;
    }
  }

  // --- PT_LOAD ----------------------------------------------------------------------------
  if (loads.length === 0) return fail('no PT_LOAD segments');
  for (const p of loads) {
    const err = checkSegmentCommon(r, p, 'PT_LOAD segment');
    if (err) return err;
    if (p.align > 1) {
      const m = Math.min(p.align, PAGE_SIZE);
      if (p.vaddr % m !== p.offset % m) {
        return fail(`PT_LOAD segment (program header ${p.index}): p_vaddr ${hex(p.vaddr)} and p_offset ${hex(p.offset)} are not congruent modulo ${hex(m)}`);
      }
    }
  }
  for (let k = 1; k < loads.length; k++) {
    const a = loads[k - 1]!;
    const b = loads[k]!;
    if (b.vaddr < a.vaddr) {
      return fail(`PT_LOAD segments not sorted by p_vaddr (program header ${b.index} at ${hex(b.vaddr)} follows ${a.index} at ${hex(a.vaddr)})`);
    }
    if (b.vaddr < a.vaddr + a.memsz) {
      return fail(`segment overlaps: PT_LOAD program header ${b.index} at ${hex(b.vaddr)} starts inside program header ${a.index} [${hex(a.vaddr)}, ${hex(a.vaddr + a.memsz)})`);
    }
  }
  const loadStart = loads[0]!.vaddr;
  let loadEnd = 0;
  for (const p of loads) loadEnd = Math.max(loadEnd, p.vaddr + p.memsz);

  const inExec = loads.some((p) => p.flags & PF_X && entry >= p.vaddr && entry < p.vaddr + p.memsz);
  if (!inExec) return fail(`entry point ${hex(entry)} is not inside an executable PT_LOAD segment`);
  // The CPU has neither MIPS16 nor microMIPS, so the entry must be a word-aligned MIPS32 address.
  if (entry % 4 !== 0) return fail(`entry point ${hex(entry)} is not 4-byte aligned`);

  // --- PT_TLS -----------------------------------------------------------------------------
  if (tls) {
    const err = checkSegmentCommon(r, tls, 'PT_TLS');
    if (err) return err;
    const t = tls;
    const covered = loads.some((p) => t.vaddr >= p.vaddr && t.vaddr + t.filesz <= p.vaddr + p.memsz);
    if (!covered) return fail(`PT_TLS (program header ${t.index}) initialisation image at ${hex(t.vaddr)} is not inside a PT_LOAD segment`);
  }

  // --- PT_INTERP --------------------------------------------------------------------------
  let interp: string | null = null;
  if (interpHdr) {
    const p = interpHdr;
    if (p.filesz === 0 || p.filesz > MAX_INTERP_LEN) return fail(`PT_INTERP (program header ${p.index}): bad size ${p.filesz}`);
    if (!r.has(p.offset, p.filesz)) return fail(`PT_INTERP (program header ${p.index}) extends past end of file`);
    interp = r.cstring(p.offset, p.offset + p.filesz, MAX_INTERP_LEN);
    if (interp === null) return fail(`PT_INTERP (program header ${p.index}): path is not NUL-terminated`);
  }

  // --- AT_PHDR ----------------------------------------------------------------------------
  let phdrVaddr: number | null = null;
  const tableEnd = phoff + phnum * phentsize;
  if (phdrHdr) {
    const v = phdrHdr.vaddr;
    const covered = loads.some((p) => v >= p.vaddr && v + phnum * phentsize <= p.vaddr + p.memsz);
    if (!covered) return fail(`PT_PHDR (program header ${phdrHdr.index}) at ${hex(v)} is not inside a PT_LOAD segment`);
    phdrVaddr = v;
  } else {
    for (const p of loads) {
      if (phoff >= p.offset && tableEnd <= p.offset + p.filesz) {
        phdrVaddr = p.vaddr + (phoff - p.offset);
        break;
      }
    }
  }

  // --- PT_MIPS_ABIFLAGS -------------------------------------------------------------------
  let abiFlags: MipsAbiFlags | null = null;
  if (abiHdr) {
    const a = parseAbiFlags(r, abiHdr);
    if (isElfError(a)) return a;
    abiFlags = a;
  }

  let symCache: ReadonlyMap<string, ElfSymbol> | ElfError | null = null;
  const symbols = (): ReadonlyMap<string, ElfSymbol> | ElfError => {
    if (symCache === null) {
      try {
        symCache = readSymbols(r);
      } catch (e) {
        symCache = fail(`internal ELF symbol reader error: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return symCache;
  };

  return {
    entry,
    type,
    flags,
    phoff,
    phnum,
    phentsize,
    segments: loads.map(toSegment),
    tls: tls ? toSegment(tls) : null,
    hasInterp: interpHdr !== null,
    interp,
    phdrVaddr,
    abiFlags,
    stackFlags,
    loadStart,
    loadEnd,
    symbols,
    findSymbol(name: string): ElfSymbol | undefined {
      const s = symbols();
      return isElfError(s) ? undefined : s.get(name);
    },
  };
}

// --- symbol table (section headers are only read here, never needed for loading) ----------

interface RawShdr {
  type: number;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

const SYM_TYPES: readonly ElfSymbolType[] = ['NOTYPE', 'OBJECT', 'FUNC', 'SECTION', 'FILE', 'OTHER', 'TLS'];
const SYM_BINDS: readonly ElfSymbolBind[] = ['LOCAL', 'GLOBAL', 'WEAK'];

function readSymbols(r: Reader): ReadonlyMap<string, ElfSymbol> | ElfError {
  const shoff = r.u32(32);
  const shentsize = r.u16(46);
  const shnum = r.u16(48);
  const out = new Map<string, ElfSymbol>();
  if (shoff === 0 || shnum === 0) return out;
  if (shentsize !== SHDR_SIZE) return fail(`bad e_shentsize ${shentsize} (want ${SHDR_SIZE})`);
  if (!r.has(shoff, shnum * SHDR_SIZE)) return fail(`section header table (${shnum} entries at ${hex(shoff)}) extends past end of file`);

  const shdr = (i: number): RawShdr => {
    const b = shoff + i * SHDR_SIZE;
    return { type: r.u32(b + 4), offset: r.u32(b + 16), size: r.u32(b + 20), link: r.u32(b + 24), entsize: r.u32(b + 36) };
  };
  let symIdx = -1;
  for (let i = 0; i < shnum; i++) {
    if (shdr(i).type === SHT_SYMTAB) {
      symIdx = i;
      break;
    }
  }
  if (symIdx < 0) {
    for (let i = 0; i < shnum; i++) {
      if (shdr(i).type === SHT_DYNSYM) {
        symIdx = i;
        break;
      }
    }
  }
  if (symIdx < 0) return out;

  const sym = shdr(symIdx);
  if (sym.entsize !== SYM_SIZE) return fail(`symbol table (section ${symIdx}): bad sh_entsize ${sym.entsize}`);
  if (sym.size % SYM_SIZE !== 0) return fail(`symbol table (section ${symIdx}): size ${sym.size} is not a multiple of ${SYM_SIZE}`);
  if (!r.has(sym.offset, sym.size)) return fail(`symbol table (section ${symIdx}) extends past end of file`);
  if (sym.link >= shnum) return fail(`symbol table (section ${symIdx}): string table index ${sym.link} out of range`);
  const str = shdr(sym.link);
  if (str.type !== SHT_STRTAB) return fail(`symbol table (section ${symIdx}): linked section ${sym.link} is not a string table`);
  if (!r.has(str.offset, str.size)) return fail(`string table (section ${sym.link}) extends past end of file`);
  const strEnd = str.offset + str.size;

  const count = sym.size / SYM_SIZE;
  for (let i = 1; i < count; i++) {
    const b = sym.offset + i * SYM_SIZE;
    const nameOff = r.u32(b);
    if (nameOff === 0) continue;
    if (nameOff >= str.size) return fail(`symbol ${i}: name offset ${hex(nameOff)} outside the string table`);
    const name = r.cstring(str.offset + nameOff, strEnd, MAX_SYMBOL_NAME);
    if (name === null) return fail(`symbol ${i}: name is not NUL-terminated inside the string table`);
    if (name.length === 0) continue;
    const info = r.u8(b + 12);
    const shndx = r.u16(b + 14);
    const s: ElfSymbol = {
      name,
      value: r.u32(b + 4),
      size: r.u32(b + 8),
      type: SYM_TYPES[info & 0xf] ?? 'OTHER',
      bind: SYM_BINDS[info >> 4] ?? 'OTHER',
      shndx,
    };
    const prev = out.get(name);
    const isDef = (x: ElfSymbol): boolean => x.shndx !== SHN_UNDEF && (x.shndx < SHN_LORESERVE || x.shndx === 0xfff1 || x.shndx === SHN_XINDEX);
    if (
      prev === undefined ||
      (prev.bind === 'LOCAL' && s.bind !== 'LOCAL' && isDef(s)) ||
      (!isDef(prev) && isDef(s))
    ) {
      out.set(name, s);
    }
  }
  return out;
}
