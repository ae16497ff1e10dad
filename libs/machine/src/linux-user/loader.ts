// Process image setup for static MIPS o32 ELF programs (reference §7): PT_LOAD segments into
// demand-zero pages, the initial brk, the trampoline page, and the Linux initial stack
// (argc, argv, envp, auxv with AT_RANDOM/AT_PHDR/...) with every register zero but sp.

import { randomBytes } from 'node:crypto';
import { CP0, STATUS } from '../cp0/regs.js';
import { writeCp0 } from '../cp0/cp0.js';
import { type ElfImage, isElfError, parseElf } from '../loader/elf.js';
import { AUXV, E } from './abi.js';
import { PAGE, PTE_R, PTE_W, PTE_X } from './memory.js';
import type { Process } from './process.js';
import { TRAMPOLINE_VA } from './signals.js';

export const STACK_TOP = 0x7fff0000;
export const STACK_SIZE = 8 * 1024 * 1024;
/** Load bias for position-independent (static-pie) executables. */
const PIE_BASE = 0x00400000;
/** Most argv + envp bytes accepted by execve (E2BIG beyond). */
export const MAX_ARG_BYTES = 2 * 1024 * 1024;

/** Frames holding an ELF's read-only pages, shared by every process that runs it. */
export interface SharedText {
  /** vpn -> frame (each holding one reference for the cache). */
  readonly frames: Map<number, number>;
  filled: boolean;
}

export interface Ids {
  uid: number;
  gid: number;
}

/** Check that `bytes` is a static MIPS o32 executable we can run; the parsed image or an errno. */
export function checkExecutable(bytes: Uint8Array): ElfImage | number {
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) return E.NOEXEC;
  const elf = parseElf(bytes);
  if (isElfError(elf)) return E.NOEXEC;
  if (elf.hasInterp) return E.NOEXEC;
  return elf;
}

/** Why `checkExecutable` refused `bytes`, in words for the user (the runner's first program). */
export function explainNotExecutable(bytes: Uint8Array): string {
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    return 'not an ELF file (Exec format error)';
  }
  const elf = parseElf(bytes);
  if (isElfError(elf)) return `malformed or truncated ELF: ${elf.error} (Exec format error)`;
  if (elf.hasInterp) return 'dynamically linked (it has PT_INTERP); only static executables run (Exec format error)';
  return 'not a static MIPS32 little-endian o32 executable (Exec format error)';
}

/**
 * Build a fresh image in `p` (whose address space must be empty). Returns 0, or an errno when
 * the image does not fit (the process is then unusable: exec has passed the point of no return).
 */
export function loadImage(
  p: Process,
  bytes: Uint8Array,
  elf: ElfImage,
  argv: Buffer[],
  envp: Buffer[],
  execfn: Buffer,
  ids: Ids,
  trampolineFrame: number,
  text: SharedText | null = null,
): number {
  const frames = p.mm.frames;
  const mm = p.mm;
  const bias = elf.type === 'DYN' ? PIE_BASE : 0;
  // Pages of read-only segments that no writable segment touches can be shared between every
  // process running this ELF (copy-on-write, should one mprotect them writable).
  const writablePages = new Set<number>();
  for (const seg of elf.segments) {
    if (!seg.flags.w || seg.memsz === 0) continue;
    const va = seg.vaddr + bias;
    for (let v = Math.floor(va / PAGE); v <= Math.floor((va + seg.memsz - 1) / PAGE); v++) writablePages.add(v);
  }
  let end = 0;
  for (const seg of elf.segments) {
    if (seg.memsz === 0) continue;
    const va = seg.vaddr + bias;
    const first = Math.floor(va / PAGE);
    const last = Math.floor((va + seg.memsz - 1) / PAGE);
    const prot = (seg.flags.r ? PTE_R : 0) | (seg.flags.w ? PTE_W : 0) | (seg.flags.x ? PTE_X | PTE_R : 0);
    // Linux maps the file from the page floor: bytes before vaddr on the first page come along.
    const fileBase = seg.offset - (va & 0xfff);
    const fileEnd = seg.offset + seg.filesz;
    for (let v = first; v <= last; v++) {
      const cached = text?.frames.get(v);
      if (!seg.flags.w && !writablePages.has(v) && text !== null && text.filled && cached !== undefined) {
        mm.mapFrame(v, cached, prot, true);
        continue;
      }
      if (!mm.isMapped(v)) mm.map(v, 1, prot);
      else mm.protect(v, 1, prot | (mm.protOf(v) & 7));
      const from = Math.max(0, fileBase + (v - first) * PAGE);
      const to = Math.min(fileEnd, fileBase + (v - first + 1) * PAGE);
      if (to > from && !mm.write(first * PAGE + (from - fileBase), bytes.subarray(from, to), true)) return E.NOMEM;
      if (text !== null && !text.filled && !seg.flags.w && !writablePages.has(v)) {
        const f = mm.frameOf(v);
        if (f === 0 && mm.pageForWrite(v, true) === -1) return E.NOMEM;
        const frame = mm.frameOf(v);
        frames.ref(frame);
        text.frames.set(v, frame);
        mm.mapFrame(v, frame, prot, true);
      }
    }
    end = Math.max(end, va + seg.memsz);
  }
  if (text !== null) text.filled = true;
  p.brkStart = p.brk = Math.ceil(end / PAGE) * PAGE;
  p.mmapTopVpn = 0x77000;

  // Stack (demand-zero) and the signal trampoline page.
  const stackInitial = 32;
  mm.map(STACK_TOP / PAGE - stackInitial, stackInitial, PTE_R | PTE_W | PTE_X);
  mm.stackLowVpn = STACK_TOP / PAGE - stackInitial;
  mm.stackLimitVpn = (STACK_TOP - STACK_SIZE) / PAGE;
  mm.mapFrame(TRAMPOLINE_VA / PAGE, trampolineFrame, PTE_R | PTE_X);

  // Strings at the top: argv, envp, execfn, then a NULL word.
  let total = execfn.length + 1;
  for (const s of argv) total += s.length + 1;
  for (const s of envp) total += s.length + 1;
  if (total > MAX_ARG_BYTES) return E.TOOBIG;
  // Ascending from STACK_TOP - 4 - total: argv[0] (lowest) .. argv[n-1], envp..., execfn.
  const strings = [...argv, ...envp, execfn];
  const addrs: number[] = [];
  const area = Buffer.alloc(total);
  let cursor = 0;
  for (const s of strings) {
    addrs.push(STACK_TOP - 4 - total + cursor);
    s.copy(area, cursor);
    cursor += s.length + 1;
  }
  if (!mm.write(STACK_TOP - 4 - total, area)) return E.NOMEM;
  let sp = STACK_TOP - 4 - total;
  const platform = Buffer.from('mips32r2\0');
  sp -= platform.length;
  const platformAt = sp;
  mm.write(sp, platform);
  sp = (sp - 16) & ~15;
  const randomAt = sp;
  mm.write(randomAt, randomBytes(16));

  const auxv: [number, number][] = [
    [AUXV.HWCAP, 0],
    [AUXV.PAGESZ, PAGE],
    [AUXV.CLKTCK, 100],
    ...(elf.phdrVaddr !== null ? ([[AUXV.PHDR, elf.phdrVaddr + bias]] as [number, number][]) : []),
    [AUXV.PHENT, elf.phentsize],
    [AUXV.PHNUM, elf.phnum],
    [AUXV.BASE, 0],
    [AUXV.FLAGS, 0],
    [AUXV.ENTRY, elf.entry + bias],
    [AUXV.UID, ids.uid],
    [AUXV.EUID, ids.uid],
    [AUXV.GID, ids.gid],
    [AUXV.EGID, ids.gid],
    [AUXV.SECURE, 0],
    [AUXV.RANDOM, randomAt],
    [AUXV.EXECFN, addrs[addrs.length - 1]],
    [AUXV.BASE_PLATFORM, platformAt],
    [AUXV.NULL, 0],
  ];
  const argc = argv.length;
  const words: number[] = [argc];
  for (let i = 0; i < argc; i++) words.push(addrs[i]);
  words.push(0);
  for (let i = 0; i < envp.length; i++) words.push(addrs[argc + i]);
  words.push(0);
  for (const [k, v] of auxv) words.push(k, v);
  sp = (sp - words.length * 4) & ~15;
  const table = new Uint8Array(words.length * 4);
  const dv = new DataView(table.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, true));
  if (!mm.write(sp, table)) return E.NOMEM;

  // Registers: all zero except sp; FPU reset (FCSR 0, legacy NaN), FR from the ABI flags.
  const cpu = p.cpu;
  cpu.gpr.fill(0);
  cpu.hi = cpu.lo = 0;
  cpu.fpu.w.fill(0);
  cpu.fpu.fcsr = 0;
  const fp64 = elf.abiFlags !== null && (elf.abiFlags.fpAbi === 6 || elf.abiFlags.fpAbi === 7);
  const status = cpu.cp0[CP0.Status];
  writeCp0(cpu, CP0.Status, fp64 ? status | STATUS.FR : status & ~STATUS.FR);
  writeCp0(cpu, CP0.UserLocal, 0);
  cpu.llBit = false;
  cpu.gpr[29] = sp;
  cpu.setPc(elf.entry + bias);
  return 0;
}
