// Static checks of the guest kernel's monitor port (guest/images/kernel-disco.elf, built by
// `make -C guest/kernel PORT=disco`): linked in the supervisor segment with the vectors at the
// guest's EBase, no constant-address access outside sseg (no kseg0/kseg1, no device MMIO),
// a TLB refill handler that reads and writes the special page instead of CP0, and only the
// few privileged instructions the port means to trap (docs/guest.md, "Monitor port").
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/run.js';

const SSEG = 0xc0000000;
const SSEG_END = 0xe0000000;
const SPECIAL_PAGE = 0xdffff000;

interface Image {
  entry: number;
  loads: { vaddr: number; memsz: number }[];
  sections: Map<string, { addr: number; bytes: Buffer }>;
  symbols: { name: string; addr: number }[];
}

function readElf(path: string): Image {
  const b = readFileSync(path);
  const entry = b.readUInt32LE(0x18);
  const phoff = b.readUInt32LE(0x1c), shoff = b.readUInt32LE(0x20);
  const phentsize = b.readUInt16LE(0x2a), phnum = b.readUInt16LE(0x2c);
  const shentsize = b.readUInt16LE(0x2e), shnum = b.readUInt16LE(0x30), shstrndx = b.readUInt16LE(0x32);
  const loads = [];
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (b.readUInt32LE(p) === 1) loads.push({ vaddr: b.readUInt32LE(p + 8), memsz: b.readUInt32LE(p + 20) });
  }
  const sh = (i: number) => {
    const s = shoff + i * shentsize;
    return { name: b.readUInt32LE(s), type: b.readUInt32LE(s + 4), addr: b.readUInt32LE(s + 12),
      offset: b.readUInt32LE(s + 16), size: b.readUInt32LE(s + 20), link: b.readUInt32LE(s + 24) };
  };
  const strtab = sh(shstrndx);
  const cstr = (off: number) => b.toString('latin1', off, b.indexOf(0, off));
  const sections = new Map<string, { addr: number; bytes: Buffer }>();
  const symbols: { name: string; addr: number }[] = [];
  for (let i = 0; i < shnum; i++) {
    const s = sh(i);
    sections.set(cstr(strtab.offset + s.name), { addr: s.addr, bytes: b.subarray(s.offset, s.offset + s.size) });
    if (s.type === 2) {   // SHT_SYMTAB
      const names = sh(s.link);
      for (let o = s.offset; o < s.offset + s.size; o += 16) {
        const type = b[o + 12] & 0xf;
        if (type === 2) symbols.push({ name: cstr(names.offset + b.readUInt32LE(o)), addr: b.readUInt32LE(o + 4) });
      }
    }
  }
  symbols.sort((x, y) => x.addr - y.addr);
  return { entry, loads, sections, symbols };
}

function words(image: Image, section: string): { pc: number; w: number }[] {
  const s = image.sections.get(section);
  if (!s) throw new Error(`no ${section} section`);
  const out = [];
  for (let o = 0; o + 4 <= s.bytes.length; o += 4) out.push({ pc: s.addr + o, w: s.bytes.readUInt32LE(o) });
  return out;
}

function where(image: Image, pc: number): string {
  let name = '?';
  for (const s of image.symbols) if (s.addr <= pc) name = s.name; else break;
  return `${hex(pc)} (${name})`;
}

const hex = (v: number) => `0x${(v >>> 0).toString(16)}`;
const op = (w: number) => w >>> 26;
const rs = (w: number) => (w >>> 21) & 31;
const rt = (w: number) => (w >>> 16) & 31;
const rd = (w: number) => (w >>> 11) & 31;
const simm = (w: number) => (w << 16) >> 16;
const isMem = (o: number) => (o >= 0x20 && o <= 0x2e) || [0x30, 0x31, 0x33, 0x35, 0x38, 0x39, 0x3d, 0x2f].includes(o);
const isLoad = (o: number) => (o >= 0x20 && o <= 0x26) || o === 0x30 || o === 0x38;

/** Registers an instruction may write (conservative), for ending a lui's reach. */
function writes(w: number): number[] {
  const o = op(w);
  if (o === 0 || o === 0x1c) return [rd(w)];
  if (o === 0x1f) return [rt(w), rd(w)];
  if (o >= 0x08 && o <= 0x0f) return [rt(w)];
  if (isLoad(o)) return [rt(w)];
  if (o === 0x03) return [31];
  if ((o === 0x10 || o === 0x11) && rs(w) <= 3) return [rt(w)];
  return [];
}

/** Loads and stores whose address is a constant built by lui (+ addiu/ori) on the way. */
function constantAccesses(ins: { pc: number; w: number }[]): { pc: number; ea: number }[] {
  const found = [];
  for (let i = 0; i < ins.length; i++) {
    const w = ins[i].w;
    if (op(w) !== 0x0f) continue;
    const r = rt(w);
    let value = (w & 0xffff) << 16;
    for (let j = i + 1; j < Math.min(ins.length, i + 16); j++) {
      const x = ins[j].w;
      const o = op(x);
      if (isMem(o) && rs(x) === r) found.push({ pc: ins[j].pc, ea: (value + simm(x)) >>> 0 });
      if (o === 0x09 && rs(x) === r && rt(x) === r) { value = (value + simm(x)) | 0; continue; }
      if (o === 0x0d && rs(x) === r && rt(x) === r) { value = (value | (x & 0xffff)) | 0; continue; }
      if (o === 0x02 || (o === 0 && (x & 0x3f) === 0x08)) break;   // j, jr: flow leaves
      if (writes(x).includes(r)) break;
    }
  }
  return found;
}

/** CP0 instructions: mfc0/mtc0 with their register, and the others by name. */
function cp0(ins: { pc: number; w: number }[]): { pc: number; what: string }[] {
  const names: Record<number, string> = { 0x01: 'tlbr', 0x02: 'tlbwi', 0x06: 'tlbwr', 0x08: 'tlbp', 0x18: 'eret', 0x20: 'wait' };
  const out = [];
  for (const { pc, w } of ins) {
    if (op(w) === 0x2f) out.push({ pc, what: 'cache' });
    if (op(w) !== 0x10) continue;
    if (rs(w) === 0) out.push({ pc, what: `mfc0 $${rd(w)},${w & 7}` });
    else if (rs(w) === 4) out.push({ pc, what: `mtc0 $${rd(w)},${w & 7}` });
    else if (rs(w) === 0x0b) out.push({ pc, what: w & 0x20 ? 'ei' : 'di' });
    else if (rs(w) & 0x10) out.push({ pc, what: names[w & 0x3f] ?? `cop0 ${hex(w)}` });
  }
  return out;
}

describe('monitor port image (kernel-disco.elf)', () => {
  const image = readElf(join(repoRoot, 'guest', 'images', 'kernel-disco.elf'));
  const all = [...words(image, '.vectors'), ...words(image, '.text')];

  it('is linked in the supervisor segment with the vectors at EBase 0xC0000000', () => {
    expect(image.entry >>> 0).toBeGreaterThanOrEqual(0xc0010000);
    expect(image.entry >>> 0).toBeLessThan(0xc0020000);
    expect(image.sections.get('.vectors')?.addr).toBe(SSEG);
    for (const l of image.loads) {
      expect(l.vaddr >>> 0).toBeGreaterThanOrEqual(SSEG);
      expect((l.vaddr + l.memsz) >>> 0).toBeLessThanOrEqual(SPECIAL_PAGE);
    }
  });

  it('makes no constant-address access outside sseg (no kseg0/kseg1, no device registers)', () => {
    const bad = constantAccesses(all).filter((a) => a.ea < SSEG || a.ea >= SSEG_END);
    expect(bad.map((a) => `${where(image, a.pc)} -> ${hex(a.ea)}`)).toEqual([]);
    // The detector does see the bare kernel's device accesses through kseg1.
    const bare = readElf(join(repoRoot, 'guest', 'images', 'kernel-bare.elf'));
    const mmio = constantAccesses(words(bare, '.text')).filter((a) => a.ea >= 0xa0000000 && a.ea < SSEG);
    expect(mmio.length).toBeGreaterThan(20);
    // ... and the port's special-page accesses.
    expect(constantAccesses(all).filter((a) => a.ea >= SPECIAL_PAGE).length).toBeGreaterThan(20);
  });

  it('refills the TLB through the special page: only tlbwr and eret trap', () => {
    const vectors = words(image, '.vectors');
    const end = vectors.findIndex((x) => x.w === 0x42000018);   // the first eret
    expect(end).toBeGreaterThan(0);
    const handler = vectors.slice(0, end + 1);
    expect(cp0(handler).map((c) => c.what)).toEqual(['tlbwr', 'eret']);
    const refs = constantAccesses(handler).map((a) => a.ea - SPECIAL_PAGE).filter((o) => o >= 0);
    expect(new Set(refs)).toEqual(new Set([0x00c, 0x018, 0x01c, 0x02c]));   // BadVAddr, EntryLo0/1, VCPU_ID
  });

  it('keeps only the privileged instructions the port means to trap', () => {
    const kinds = new Set(cp0(all).map((c) => c.what));
    // Status (FPU hand-over, boot, the rare trap return that changes CU1), EntryHi (ASID
    // switch, page invalidation), HWREna at boot; the TLB instructions, eret and wait.
    const allowed = new Set(['mfc0 $12,0', 'mtc0 $12,0', 'mtc0 $10,0', 'mtc0 $7,0', 'tlbp', 'tlbwi', 'tlbwr', 'eret', 'wait']);
    expect([...kinds].filter((k) => !allowed.has(k))).toEqual([]);
    expect(cp0(all).filter((c) => c.what === 'eret').length).toBe(2);   // refill handler, trap return
  });
});
