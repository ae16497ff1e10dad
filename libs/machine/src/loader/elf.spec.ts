// Unit tests for the ELF32 MIPS parser: a real static glibc binary and a PIE built by the cross
// compiler (checked against readelf), plus synthetic and malformed images that must yield error
// values, never exceptions.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseElf,
  isElfError,
  type ElfImage,
  type ElfError,
  PT_LOAD,
  PT_TLS,
  PT_INTERP,
  PT_PHDR,
  PT_GNU_STACK,
  PT_MIPS_ABIFLAGS,
  PF_R,
  PF_W,
  PF_X,
} from './elf.js';

// ---------------------------------------------------------------------------------------------
// Helpers

function ok(r: ElfImage | ElfError): ElfImage {
  if (isElfError(r)) throw new Error(`expected an image, got error: ${r.error}`);
  return r;
}

function err(r: ElfImage | ElfError): string {
  if (!isElfError(r)) throw new Error('expected an error, got an image');
  return r.error;
}

/** Parsing must never throw; symbols() on a parsed image must not throw either. */
function parseNoThrow(b: Uint8Array, withSymbols = true): ElfImage | ElfError {
  let r: ElfImage | ElfError | undefined;
  expect(() => {
    r = parseElf(b);
    if (withSymbols && !isElfError(r)) r.symbols();
  }).not.toThrow();
  return r!;
}

interface Ph {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  flags: number;
  align: number;
}

interface SynthOpts {
  phdrs?: Ph[];
  entry?: number;
  type?: number;
  machine?: number;
  flags?: number;
  size?: number;
}

const CODE_VADDR = 0x400000;

/**
 * A minimal valid static MIPS executable: one R+X PT_LOAD from offset 0 (covering the headers,
 * so AT_PHDR is computable), a RW PT_LOAD with bss, and a PT_TLS inside it.
 */
function synth(opts: SynthOpts = {}): Uint8Array {
  const size = opts.size ?? 0x3000;
  const phdrs: Ph[] = opts.phdrs ?? [
    { type: PT_LOAD, offset: 0, vaddr: CODE_VADDR, filesz: 0x1000, memsz: 0x1000, flags: PF_R | PF_X, align: 0x10000 },
    { type: PT_LOAD, offset: 0x2000, vaddr: 0x412000, filesz: 0x800, memsz: 0x4000, flags: PF_R | PF_W, align: 0x10000 },
    { type: PT_TLS, offset: 0x2100, vaddr: 0x412100, filesz: 0x10, memsz: 0x40, flags: PF_R, align: 4 },
    { type: PT_GNU_STACK, offset: 0, vaddr: 0, filesz: 0, memsz: 0, flags: PF_R | PF_W | PF_X, align: 0x10 },
  ];
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0]);
  v.setUint16(16, opts.type ?? 2, true);
  v.setUint16(18, opts.machine ?? 8, true);
  v.setUint32(20, 1, true);
  v.setUint32(24, opts.entry ?? CODE_VADDR + 0x200, true);
  v.setUint32(28, 52, true); // e_phoff
  v.setUint32(32, 0, true); // e_shoff
  v.setUint32(36, opts.flags ?? 0x70001007, true);
  v.setUint16(40, 52, true);
  v.setUint16(42, 32, true);
  v.setUint16(44, phdrs.length, true);
  v.setUint16(46, 40, true);
  v.setUint16(48, 0, true);
  v.setUint16(50, 0, true);
  phdrs.forEach((p, i) => {
    const o = 52 + i * 32;
    v.setUint32(o, p.type, true);
    v.setUint32(o + 4, p.offset, true);
    v.setUint32(o + 8, p.vaddr, true);
    v.setUint32(o + 12, p.vaddr, true);
    v.setUint32(o + 16, p.filesz, true);
    v.setUint32(o + 20, p.memsz, true);
    v.setUint32(o + 24, p.flags, true);
    v.setUint32(o + 28, p.align, true);
  });
  return b;
}

function withU8(b: Uint8Array, off: number, val: number): Uint8Array {
  const c = b.slice();
  c[off] = val;
  return c;
}
function withU16(b: Uint8Array, off: number, val: number): Uint8Array {
  const c = b.slice();
  new DataView(c.buffer).setUint16(off, val, true);
  return c;
}
function withU32(b: Uint8Array, off: number, val: number): Uint8Array {
  const c = b.slice();
  new DataView(c.buffer).setUint32(off, val >>> 0, true);
  return c;
}

/** Deterministic xorshift32 PRNG for the fuzz loop. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** Offset of field `f` (p_type=0, p_offset=4, p_vaddr=8, p_filesz=16, p_memsz=20, p_flags=24, p_align=28) of phdr i. */
const ph = (i: number, f: number): number => 52 + i * 32 + f;

// ---------------------------------------------------------------------------------------------
// Synthetic images (no toolchain needed)

describe('parseElf on synthetic images', () => {
  it('parses a minimal valid executable', () => {
    const img = ok(parseElf(synth()));
    expect(img.type).toBe('EXEC');
    expect(img.entry).toBe(CODE_VADDR + 0x200);
    expect(img.flags).toBe(0x70001007);
    expect(img.phoff).toBe(52);
    expect(img.phnum).toBe(4);
    expect(img.segments).toEqual([
      { index: 0, vaddr: CODE_VADDR, memsz: 0x1000, filesz: 0x1000, offset: 0, flags: { r: true, w: false, x: true }, align: 0x10000 },
      { index: 1, vaddr: 0x412000, memsz: 0x4000, filesz: 0x800, offset: 0x2000, flags: { r: true, w: true, x: false }, align: 0x10000 },
    ]);
    expect(img.tls).toEqual({ index: 2, vaddr: 0x412100, memsz: 0x40, filesz: 0x10, offset: 0x2100, flags: { r: true, w: false, x: false }, align: 4 });
    expect(img.hasInterp).toBe(false);
    expect(img.interp).toBeNull();
    expect(img.phdrVaddr).toBe(CODE_VADDR + 52);
    expect(img.stackFlags).toEqual({ r: true, w: true, x: true });
    expect(img.abiFlags).toBeNull();
    expect(img.loadStart).toBe(CODE_VADDR);
    expect(img.loadEnd).toBe(0x416000);
    expect(img.symbols()).toEqual(new Map());
    expect(img.findSymbol('main')).toBeUndefined();
  });

  it('respects the byteOffset of a Uint8Array view', () => {
    const inner = synth();
    const outer = new Uint8Array(inner.length + 13);
    outer.fill(0xee);
    outer.set(inner, 7);
    const img = ok(parseElf(outer.subarray(7, 7 + inner.length)));
    expect(img.entry).toBe(CODE_VADDR + 0x200);
    expect(err(parseElf(outer.subarray(7, 7 + 40)))).toMatch(/truncated ELF header/);
  });

  it('reports PT_INTERP, PT_PHDR and PT_MIPS_ABIFLAGS', () => {
    const b = synth({
      type: 3,
      entry: 0x600,
      phdrs: [
        { type: PT_PHDR, offset: 52, vaddr: 52, filesz: 4 * 32, memsz: 4 * 32, flags: PF_R, align: 4 },
        { type: PT_INTERP, offset: 0x300, vaddr: 0x300, filesz: 14, memsz: 14, flags: PF_R, align: 1 },
        { type: PT_MIPS_ABIFLAGS, offset: 0x320, vaddr: 0x320, filesz: 24, memsz: 24, flags: PF_R, align: 8 },
        { type: PT_LOAD, offset: 0, vaddr: 0, filesz: 0x1000, memsz: 0x1000, flags: PF_R | PF_X, align: 0x10000 },
      ],
    });
    b.set(new TextEncoder().encode('/lib/ld.so.1\0\0'), 0x300);
    const a = new DataView(b.buffer, 0x320);
    a.setUint16(0, 0, true);
    a.setUint8(2, 32);
    a.setUint8(3, 2);
    a.setUint8(4, 1);
    a.setUint8(5, 1);
    a.setUint8(7, 5);
    a.setUint32(16, 0, true);
    const img = ok(parseElf(b));
    expect(img.type).toBe('DYN');
    expect(img.hasInterp).toBe(true);
    expect(img.interp).toBe('/lib/ld.so.1');
    expect(img.phdrVaddr).toBe(52);
    expect(img.abiFlags).toEqual({ version: 0, isaLevel: 32, isaRev: 2, gprSize: 1, cpr1Size: 1, cpr2Size: 0, fpAbi: 5, isaExt: 0, ases: 0, flags1: 0, flags2: 0 });
    expect(img.tls).toBeNull();
    expect(img.stackFlags).toBeNull();
  });

  it('gives phdrVaddr null when no PT_LOAD covers the program header table', () => {
    const img = ok(
      parseElf(
        synth({
          entry: 0x400000,
          phdrs: [{ type: PT_LOAD, offset: 0x1000, vaddr: 0x400000, filesz: 0x1000, memsz: 0x1000, flags: PF_R | PF_X, align: 0x1000 }],
        }),
      ),
    );
    expect(img.phdrVaddr).toBeNull();
  });

  const cases: [string, Uint8Array, RegExp][] = [
    ['bad magic', withU8(synth(), 1, 0x46), /not an ELF file \(bad magic\)/],
    ['ELF64', withU8(synth(), 4, 2), /not ELF32 \(EI_CLASS=2\)/],
    ['big-endian', withU8(synth(), 5, 2), /not little-endian \(EI_DATA=2\)/],
    ['EI_VERSION', withU8(synth(), 6, 0), /EI_VERSION=0/],
    ['relocatable object', withU16(synth(), 16, 1), /not an executable \(e_type=1/],
    ['core file', withU16(synth(), 16, 4), /not an executable \(e_type=4/],
    ['x86-64 machine', withU16(synth(), 18, 62), /not MIPS \(e_machine=62\)/],
    ['e_version', withU32(synth(), 20, 0), /e_version=0/],
    ['e_ehsize', withU16(synth(), 40, 64), /bad e_ehsize 64/],
    ['MIPS64R2 arch', withU32(synth(), 36, 0x80001007), /unsupported ISA MIPS64R2/],
    ['MIPS32R6 arch', withU32(synth(), 36, 0x90001007), /unsupported ISA MIPS32R6/],
    ['n32 ABI', withU32(synth(), 36, 0x70001027), /n32 ABI/],
    ['EABI', withU32(synth(), 36, 0x70003007), /unsupported ABI/],
    ['no program headers', withU16(synth(), 44, 0), /no program headers/],
    ['PN_XNUM', withU16(synth(), 44, 0xffff), /PN_XNUM/],
    ['huge phnum', withU16(synth(), 44, 0xfffe), /too many program headers|extends past end of file/],
    ['phnum past end', withU16(synth({ size: 52 + 4 * 32 }), 44, 5), /program header 4 extends past end of file/],
    ['phentsize', withU16(synth(), 42, 40), /bad e_phentsize 40/],
    ['phoff past end', withU32(synth(), 28, 0xffffffe0), /program header 0 extends past end of file/],
    ['phoff inside header', withU32(synth(), 28, 16), /overlaps the ELF header/],
    ['phoff misaligned', withU32(synth(), 28, 53), /not 4-byte aligned/],
    ['filesz > memsz', withU32(synth(), ph(1, 16), 0x5000), /p_filesz 0x5000 > p_memsz 0x4000/],
    ['segment data past EOF', withU32(synth(), ph(1, 4), 0x2900), /extends past end of file/],
    ['huge p_offset', withU32(synth(), ph(1, 4), 0xfffff000), /extends past end of file/],
    ['huge p_filesz', withU32(withU32(synth(), ph(1, 16), 0xffffffff), ph(1, 20), 0xffffffff), /extends past end of file/],
    ['address wrap', withU32(synth(), ph(1, 20), 0xffff0000), /wraps past the end of the 32-bit address space/],
    ['align not power of two', withU32(synth(), ph(1, 28), 0x3000), /not a power of two/],
    ['vaddr/offset incongruent', withU32(synth(), ph(1, 4), 0x2004), /not congruent/],
    ['segment overlaps', withU32(synth(), ph(1, 8), 0x400800 + 0), /not congruent|segment overlaps/],
    ['no PT_LOAD', withU32(withU32(synth(), ph(0, 0), 0), ph(1, 0), 0), /no PT_LOAD segments/],
    ['entry outside', withU32(synth(), 24, 0x500000), /entry point 0x500000 is not inside an executable PT_LOAD/],
    ['entry in data', withU32(synth(), 24, 0x412000), /not inside an executable PT_LOAD/],
    ['entry misaligned', withU32(synth(), 24, CODE_VADDR + 0x202), /not 4-byte aligned/],
    ['two PT_TLS', withU32(synth(), ph(3, 0), PT_TLS), /more than one PT_TLS/],
    ['TLS outside loads', withU32(synth(), ph(2, 8), 0x300000), /PT_TLS .* not inside a PT_LOAD/],
    ['TLS filesz > memsz', withU32(synth(), ph(2, 16), 0x80), /PT_TLS .*p_filesz 0x80 > p_memsz 0x40/],
  ];
  it.each(cases)('rejects %s', (_name, bytes, re) => {
    expect(err(parseNoThrow(bytes))).toMatch(re);
  });

  it('rejects overlapping and unsorted PT_LOAD segments', () => {
    const load = (vaddr: number, offset: number, memsz: number, flags = PF_R | PF_X): Ph => ({
      type: PT_LOAD, offset, vaddr, filesz: 0x100, memsz, flags, align: 0x1000,
    });
    const overlap = synth({ phdrs: [load(0x400000, 0, 0x2000), load(0x401000, 0x1000, 0x1000)] });
    expect(err(parseElf(overlap))).toMatch(/^segment overlaps: PT_LOAD program header 1 at 0x401000 starts inside program header 0/);
    const unsorted = synth({ phdrs: [load(0x402000, 0x2000, 0x1000), load(0x400000, 0, 0x1000)] });
    expect(err(parseElf(unsorted))).toMatch(/not sorted by p_vaddr/);
    // Adjacent segments, and segments sharing a page (bare-metal layouts), are fine.
    ok(parseElf(synth({ phdrs: [load(0x400000, 0, 0x1000), load(0x401000, 0x1000, 0x1000)] })));
    const sharePage = synth({
      phdrs: [
        { type: PT_LOAD, offset: 0, vaddr: 0x400000, filesz: 0x240, memsz: 0x240, flags: PF_R | PF_X, align: 4 },
        { type: PT_LOAD, offset: 0x240, vaddr: 0x400240, filesz: 0x10, memsz: 0x100, flags: PF_R | PF_W, align: 4 },
      ],
    });
    expect(ok(parseElf(sharePage)).segments.length).toBe(2);
  });

  it('rejects a bad PT_INTERP', () => {
    const base = (): Ph[] => [
      { type: PT_INTERP, offset: 0x300, vaddr: CODE_VADDR + 0x300, filesz: 4, memsz: 4, flags: PF_R, align: 1 },
      { type: PT_LOAD, offset: 0, vaddr: CODE_VADDR, filesz: 0x1000, memsz: 0x1000, flags: PF_R | PF_X, align: 0x1000 },
    ];
    const b = synth({ phdrs: base() });
    b.set([0x61, 0x62, 0x63, 0x64], 0x300); // "abcd", no NUL
    expect(err(parseElf(b))).toMatch(/PT_INTERP .*not NUL-terminated/);
    expect(err(parseElf(withU32(b, ph(0, 16), 0)))).toMatch(/PT_INTERP .*bad size 0/);
    expect(err(parseElf(withU32(b, ph(0, 4), 0x2ffe)))).toMatch(/PT_INTERP .*extends past end of file/);
  });

  it('returns errors for every prefix of the header and program header table', () => {
    const full = synth();
    const end = 52 + 4 * 32;
    for (let n = 0; n < end; n++) {
      const r = parseNoThrow(full.subarray(0, n));
      expect(isElfError(r)).toBe(true);
      if (n < 52) expect((r as ElfError).error).toMatch(n < 4 ? /truncated ELF header|bad magic/ : /truncated ELF header/);
    }
    // Past the table, truncation bites into segment data instead.
    // (the last segment's file data ends at 0x2800; from there on the file is loadable).
    for (let n = end; n < 0x2800; n += 64) expect(isElfError(parseNoThrow(full.subarray(0, n)))).toBe(true);
    expect(isElfError(parseNoThrow(full.subarray(0, 0x2800)))).toBe(false);
    expect(isElfError(parseElf(new Uint8Array(0)))).toBe(true);
  });

  it('never throws when any header or program header byte is corrupted', () => {
    const full = synth();
    const end = 52 + 4 * 32;
    for (let off = 0; off < end; off++) {
      for (const val of [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff]) parseNoThrow(withU8(full, off, val));
    }
    for (let off = 0; off + 4 <= end; off += 2) {
      for (const val of [0, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff]) parseNoThrow(withU32(full, off, val));
    }
  });

  it('never throws on random mutations (seeded fuzz)', () => {
    const full = synth();
    const rnd = prng(0x5eed);
    for (let iter = 0; iter < 3000; iter++) {
      const c = full.slice(0, 52 + 4 * 32 + (rnd() % 256));
      const flips = 1 + (rnd() % 6);
      for (let k = 0; k < flips; k++) c[rnd() % c.length] = rnd() & 0xff;
      parseNoThrow(c);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Section headers / symbols on synthetic images

describe('symbols() on synthetic images', () => {
  /** synth() plus a section header table with .symtab (3 symbols) and .strtab at 0x2a00. */
  function withSymtab(): Uint8Array {
    const b = synth({ size: 0x3000 });
    const v = new DataView(b.buffer);
    const strtab = '\0main\0gvar\0dup\0';
    const strOff = 0x2a00;
    b.set(new TextEncoder().encode(strtab), strOff);
    const symOff = 0x2a40;
    const sym = (i: number, name: number, value: number, size: number, info: number, shndx: number): void => {
      const o = symOff + i * 16;
      v.setUint32(o, name, true);
      v.setUint32(o + 4, value, true);
      v.setUint32(o + 8, size, true);
      v.setUint8(o + 12, info);
      v.setUint16(o + 14, shndx, true);
    };
    sym(0, 0, 0, 0, 0, 0);
    sym(1, 1, 0x400200, 64, 0x12, 1); // main: GLOBAL FUNC
    sym(2, 6, 0x412010, 4, 0x11, 1); // gvar: GLOBAL OBJECT
    sym(3, 11, 0x412020, 4, 0x01, 1); // dup: LOCAL OBJECT
    sym(4, 11, 0x412030, 4, 0x11, 1); // dup: GLOBAL OBJECT wins
    const shOff = 0x2b00;
    const sh = (i: number, type: number, offset: number, size: number, link: number, entsize: number): void => {
      const o = shOff + i * 40;
      v.setUint32(o + 4, type, true);
      v.setUint32(o + 16, offset, true);
      v.setUint32(o + 20, size, true);
      v.setUint32(o + 24, link, true);
      v.setUint32(o + 36, entsize, true);
    };
    sh(0, 0, 0, 0, 0, 0);
    sh(1, 2, symOff, 5 * 16, 2, 16);
    sh(2, 3, strOff, strtab.length, 0, 0);
    v.setUint32(32, shOff, true);
    v.setUint16(46, 40, true);
    v.setUint16(48, 3, true);
    v.setUint16(50, 2, true);
    return b;
  }

  it('finds symbols by name, globals winning over locals', () => {
    const img = ok(parseElf(withSymtab()));
    const syms = img.symbols();
    if (isElfError(syms)) throw new Error(syms.error);
    expect(syms.get('main')).toEqual({ name: 'main', value: 0x400200, size: 64, type: 'FUNC', bind: 'GLOBAL', shndx: 1 });
    expect(img.findSymbol('gvar')?.value).toBe(0x412010);
    expect(img.findSymbol('dup')?.value).toBe(0x412030);
    expect(img.findSymbol('nope')).toBeUndefined();
    expect(img.symbols()).toBe(syms); // cached
  });

  it('reports malformed symbol tables as errors', () => {
    const good = withSymtab();
    const shOff = 0x2b00;
    const expectSymErr = (b: Uint8Array, re: RegExp): void => {
      const img = ok(parseNoThrow(b));
      const s = img.symbols();
      expect(isElfError(s) ? s.error : 'no error').toMatch(re);
      expect(img.findSymbol('main')).toBeUndefined();
    };
    expectSymErr(withU16(good, 48, 0xffff), /section header table .* extends past end of file/);
    expectSymErr(withU32(good, 32, 0xfffffff0), /section header table .* extends past end of file/);
    expectSymErr(withU16(good, 46, 39), /bad e_shentsize 39/);
    expectSymErr(withU32(good, shOff + 40 + 20, 0x7ffffff0), /symbol table .* extends past end of file/);
    expectSymErr(withU32(good, shOff + 40 + 20, 17), /not a multiple of 16/);
    expectSymErr(withU32(good, shOff + 40 + 24, 9), /string table index 9 out of range/);
    expectSymErr(withU32(good, shOff + 40 + 24, 0), /not a string table/);
    expectSymErr(withU32(good, shOff + 80 + 20, 0x100000), /string table .* extends past end of file/);
    expectSymErr(withU32(good, 0x2a40 + 16, 0x1000), /name offset .* outside the string table/);
    expectSymErr(withU32(good, shOff + 80 + 20, 3), /name offset|not NUL-terminated/);
  });

  it('never throws on corrupted section headers (seeded fuzz)', () => {
    const good = withSymtab();
    const rnd = prng(1234);
    for (let iter = 0; iter < 3000; iter++) {
      const c = good.slice();
      const region = rnd() % 3;
      const base = region === 0 ? 32 : region === 1 ? 0x2b00 : 0x2a40;
      const span = region === 0 ? 20 : region === 1 ? 120 : 80;
      for (let k = 0; k < 1 + (rnd() % 4); k++) c[base + (rnd() % span)] = rnd() & 0xff;
      parseNoThrow(c);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Real binaries from the cross compiler

const CC = 'mipsel-linux-gnu-gcc';
const haveCC = spawnSync(CC, ['--version'], { stdio: 'ignore' }).status === 0;
const READELF = ['mipsel-linux-gnu-readelf', 'readelf'].find(
  (t) => spawnSync(t, ['--version'], { stdio: 'ignore' }).status === 0,
);
if (!haveCC) {
  // Printed once so a skipped suite is visible in the Jest output.
  console.warn(`elf.spec.ts: ${CC} not found, skipping the tests on real cross-compiled binaries`);
}
const describeReal = haveCC ? describe : describe.skip;

const SOURCE = `
#include <stdio.h>
__thread int tvar = 5;
int gvar = 3;
int main(int argc, char **argv) { printf("hello %d\\n", tvar + gvar + argc); return 0; }
`;

/** A freestanding kernel-style program linked at kseg0 with a PHDRS linker script (see environment.md). */
const BARE_SOURCE = `
int counter = 5;
int table[100];
void _start(void) { for (int i = 0; i < 100; i++) table[i] = counter + i; for (;;) {} }
`;
const BARE_LDS = `
ENTRY(_start)
PHDRS { text PT_LOAD FLAGS(5); data PT_LOAD FLAGS(6); }
SECTIONS {
  . = 0x80001000;
  .text : { *(.text*) } :text
  .rodata : { *(.rodata*) } :text
  .data : { *(.data*) *(.sdata*) } :data
  .bss : { *(.bss*) *(.sbss*) *(COMMON) } :data
  /DISCARD/ : { *(.MIPS.abiflags) *(.reginfo) *(.note*) *(.comment) *(.pdr) *(.gnu.attributes) }
}
`;

interface ReadelfLoad {
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  flg: string;
  align: number;
}

/** Program headers of `type` as printed by `readelf -lW`. */
function readelfPhdrs(file: string, type: string): ReadelfLoad[] {
  const out = execFileSync(READELF!, ['-lW', file], { encoding: 'utf8' });
  const rows: ReadelfLoad[] = [];
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] !== type) continue;
    // Type Offset VirtAddr PhysAddr FileSiz MemSiz Flg... Align (Flg may be "R E" = 2 fields)
    rows.push({
      offset: parseInt(f[1]!, 16),
      vaddr: parseInt(f[2]!, 16),
      filesz: parseInt(f[4]!, 16),
      memsz: parseInt(f[5]!, 16),
      flg: f.slice(6, -1).join(''),
      align: parseInt(f[f.length - 1]!, 16),
    });
  }
  return rows;
}

function nmAddress(file: string, name: string): number | undefined {
  const nm = ['mipsel-linux-gnu-nm', 'nm'].find((t) => spawnSync(t, ['--version'], { stdio: 'ignore' }).status === 0);
  if (!nm) return undefined;
  const out = execFileSync(nm, [file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length === 3 && f[2] === name && /[A-Z]/.test(f[1]!)) return parseInt(f[0]!, 16);
  }
  return undefined;
}

describeReal('parseElf on binaries built by the cross compiler', () => {
  let dir = '';
  let staticPath = '';
  let piePath = '';
  let barePath = '';
  let staticBytes = new Uint8Array(0);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'disco-elf-'));
    const src = join(dir, 'hello.c');
    writeFileSync(src, SOURCE);
    staticPath = join(dir, 'hello-static');
    piePath = join(dir, 'hello-pie');
    execFileSync(CC, ['-static', '-march=mips32r2', '-O2', src, '-o', staticPath]);
    execFileSync(CC, ['-march=mips32r2', '-O2', '-pie', '-fPIE', src, '-o', piePath]);
    writeFileSync(join(dir, 'bare.c'), BARE_SOURCE);
    writeFileSync(join(dir, 'bare.ld'), BARE_LDS);
    barePath = join(dir, 'bare.elf');
    execFileSync(CC, [
      '-march=mips32r2', '-EL', '-mabi=32', '-ffreestanding', '-nostdlib', '-mno-abicalls', '-fno-pic', '-G0', '-no-pie', '-O2',
      '-Wl,--build-id=none', '-T', join(dir, 'bare.ld'), join(dir, 'bare.c'), '-o', barePath,
    ]);
    staticBytes = new Uint8Array(readFileSync(staticPath));
  }, 120000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('parses a static glibc executable', () => {
    const img = ok(parseElf(staticBytes));
    expect(img.type).toBe('EXEC');
    expect(img.flags >>> 0).toBe(0x70001007);
    expect(img.phoff).toBe(52);
    expect(img.hasInterp).toBe(false);
    expect(img.segments.length).toBe(2);
    const [text, data] = img.segments;
    expect(text!.flags).toEqual({ r: true, w: false, x: true });
    expect(data!.flags).toEqual({ r: true, w: true, x: false });
    expect(text!.offset).toBe(0);
    expect(img.phdrVaddr).toBe(text!.vaddr + 52);
    expect(img.tls).not.toBeNull();
    expect(img.tls!.filesz).toBeGreaterThanOrEqual(4);
    expect(img.abiFlags).toMatchObject({ isaLevel: 32, isaRev: 2, fpAbi: 5 });
    expect(img.stackFlags).not.toBeNull();
    expect(img.entry).toBeGreaterThanOrEqual(text!.vaddr);
    expect(img.entry).toBeLessThan(text!.vaddr + text!.memsz);
  });

  it('agrees with readelf on every PT_LOAD and PT_TLS', () => {
    if (!READELF) {
      console.warn('elf.spec.ts: no readelf found, skipping the cross-check');
      return;
    }
    const img = ok(parseElf(staticBytes));
    const toRow = (s: { offset: number; vaddr: number; filesz: number; memsz: number; align: number; flags: { r: boolean; w: boolean; x: boolean } }): ReadelfLoad => ({
      offset: s.offset,
      vaddr: s.vaddr,
      filesz: s.filesz,
      memsz: s.memsz,
      flg: (s.flags.r ? 'R' : '') + (s.flags.w ? 'W' : '') + (s.flags.x ? 'E' : ''),
      align: s.align,
    });
    expect(img.segments.map(toRow)).toEqual(readelfPhdrs(staticPath, 'LOAD'));
    expect([toRow(img.tls!)]).toEqual(readelfPhdrs(staticPath, 'TLS'));
    const hdr = execFileSync(READELF, ['-h', staticPath], { encoding: 'utf8' });
    expect(img.entry).toBe(parseInt(/Entry point address:\s+(0x[0-9a-f]+)/.exec(hdr)![1]!, 16));
  });

  it('finds symbols by name, matching nm', () => {
    const img = ok(parseElf(staticBytes));
    const main = img.findSymbol('main');
    expect(main?.type).toBe('FUNC');
    expect(main?.bind).toBe('GLOBAL');
    expect(img.findSymbol('gvar')?.type).toBe('OBJECT');
    expect(img.findSymbol('tvar')?.type).toBe('TLS');
    const nmMain = nmAddress(staticPath, 'main');
    if (nmMain !== undefined) expect(main?.value).toBe(nmMain);
    const nmStart = nmAddress(staticPath, '__start');
    if (nmStart !== undefined) expect(img.entry).toBe(nmStart);
  });

  it('parses a dynamically linked PIE and reports its interpreter', () => {
    const img = ok(parseElf(new Uint8Array(readFileSync(piePath))));
    expect(img.type).toBe('DYN');
    expect(img.hasInterp).toBe(true);
    expect(img.interp).toBe('/lib/ld.so.1');
    expect(img.phdrVaddr).toBe(52); // from PT_PHDR
  });

  it('parses a bare-metal kseg0 image linked with a PHDRS script', () => {
    const img = ok(parseElf(new Uint8Array(readFileSync(barePath))));
    expect(img.type).toBe('EXEC');
    expect(img.entry).toBe(0x80001000);
    expect(img.segments.map((s) => [s.vaddr, s.flags.x, s.flags.w])).toEqual([
      [0x80001000, true, false],
      [img.segments[1]!.vaddr, false, true],
    ]);
    expect(img.segments[1]!.memsz).toBeGreaterThanOrEqual(400);
    expect(img.phdrVaddr).toBeNull(); // the headers are not loaded
    expect(img.tls).toBeNull();
    expect(img.findSymbol('_start')?.value).toBe(0x80001000);
    const table = img.findSymbol('table');
    expect(table?.size).toBe(400);
    expect(table!.value).toBeGreaterThanOrEqual(img.segments[1]!.vaddr);
    expect(table!.value + 400).toBeLessThanOrEqual(img.loadEnd);
  });

  it('returns errors (never throws) for truncations of the real binary', () => {
    const img = ok(parseElf(staticBytes));
    const dataEnd = Math.max(...img.segments.map((s) => s.offset + s.filesz));
    const tableEnd = img.phoff + img.phnum * 32;
    for (let n = 0; n <= tableEnd + 8; n++) expect(isElfError(parseNoThrow(staticBytes.subarray(0, n)))).toBe(true);
    for (let n = tableEnd; n < dataEnd; n += 4093) expect(isElfError(parseNoThrow(staticBytes.subarray(0, n)))).toBe(true);
    // Truncated inside the section headers: loadable, but symbols() reports the damage.
    const cut = ok(parseNoThrow(staticBytes.subarray(0, staticBytes.length - 1)));
    const s = cut.symbols();
    expect(isElfError(s)).toBe(true);
  });

  it('never throws when header bytes of the real binary are corrupted', () => {
    const end = 52 + ok(parseElf(staticBytes)).phnum * 32;
    const head = staticBytes.slice(); // mutate a private copy, then restore each byte
    for (let off = 0; off < end; off++) {
      const orig = head[off]!;
      for (const val of [0x00, 0x80, 0xff]) {
        head[off] = val;
        // symbols() reads the whole symtab: only worth it when a section-header field changed.
        parseNoThrow(head, off >= 32 && off < 52);
      }
      head[off] = orig;
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Debian's busybox-static, when scripts/fetch-busybox.mjs has fetched it (optional here)

const BUSYBOX = join(import.meta.dirname, '..', '..', '..', '..', 'build', 'busybox', 'busybox');
const haveBusybox = (() => {
  try {
    return readFileSync(BUSYBOX).length > 0;
  } catch {
    return false;
  }
})();
(haveBusybox ? describe : describe.skip)('parseElf on Debian busybox-static (build/busybox/busybox)', () => {
  it('handles a PT_LOAD whose p_vaddr is not page aligned', () => {
    const img = ok(parseElf(new Uint8Array(readFileSync(BUSYBOX))));
    expect(img.type).toBe('EXEC');
    expect(img.segments.length).toBe(2);
    const data = img.segments[1]!;
    expect(data.vaddr % 4096).toBe(data.offset % 4096);
    expect(data.vaddr % 4096).not.toBe(0);
    expect(data.flags).toEqual({ r: true, w: true, x: false });
    expect(img.phdrVaddr).toBe(img.segments[0]!.vaddr + img.phoff);
    expect(img.tls).not.toBeNull();
    expect(img.abiFlags?.fpAbi).toBe(5);
    expect(img.hasInterp).toBe(false);
    const syms = img.symbols();
    expect(isElfError(syms) ? syms.error : syms.size).toBe(0); // stripped: no symbol table, not an error
  });
});
