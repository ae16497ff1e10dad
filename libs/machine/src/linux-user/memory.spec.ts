// Unit tests of the user-mode address space: demand-zero pages, protection, copy-on-write fork,
// stack growth and the host-side copy helpers (which must fail softly on bad guest pointers).
import { describe, expect, it } from '@jest/globals';
import { FT_VALID, FT_WRITABLE } from '../mmu/fast-map.js';
import { PhysicalMemory } from '../memory/physical-memory.js';
import { AddressSpace, FAULT_ACCERR, FAULT_MAPERR, FAULT_OK, FAULT_OOM, FrameAllocator, PTE_R, PTE_W } from './memory.js';
import { newUserCpu } from './process.js';

function space(frames: FrameAllocator): AddressSpace {
  return new AddressSpace(frames, newUserCpu(frames.mem, null));
}

describe('AddressSpace', () => {
  const mem = new PhysicalMemory(4 * 1024 * 1024);

  it('allocates demand-zero pages on first touch and honours protection', () => {
    const frames = new FrameAllocator(mem);
    const a = space(frames);
    a.map(0x400, 2, PTE_R | PTE_W);
    expect(frames.inUse).toBe(0);
    expect(a.cpu.fast.entries[0x400]).toBe(0);
    expect(a.fault(0x400010, false)).toBe(FAULT_OK);
    expect(frames.inUse).toBe(1);
    expect(a.cpu.fast.entries[0x400] & (FT_VALID | FT_WRITABLE)).toBe(FT_VALID | FT_WRITABLE);
    expect(a.readU32(0x400010)).toBe(0);
    expect(a.fault(0x500000, false)).toBe(FAULT_MAPERR);
    expect(a.protect(0x400, 2, PTE_R)).toBe(true);
    expect(a.fault(0x400000, true)).toBe(FAULT_ACCERR);
    expect(a.writeU32(0x400000, 1)).toBe(false);
    expect(a.protect(0x400, 3, PTE_R)).toBe(false);
    a.clear();
    expect(frames.inUse).toBe(0);
  });

  it('copies strings and words across page boundaries and reports faults as null', () => {
    const frames = new FrameAllocator(mem);
    const a = space(frames);
    a.map(0x10, 2, PTE_R | PTE_W);
    const text = Buffer.from('hello across the page boundary\0');
    expect(a.write(0x10ff0, text)).toBe(true);
    expect(a.readCString(0x10ff0)?.toString()).toBe('hello across the page boundary');
    expect(a.writeU32(0x10ffe, 0xdeadbeef)).toBe(true);
    expect(a.readU32(0x10ffe)).toBe(0xdeadbeef);
    expect(a.read(0x11ff0, 32)).toBeNull();
    a.write(0x11ffc, Buffer.from("abcd"));
    expect(a.readCString(0x11ffc)).toBeNull();
    expect(a.read(0xfffffff0, 64)).toBeNull();
    expect(a.readStringArray(0x20000)).toBeNull();
  });

  it('forks copy-on-write: writes on either side stay private', () => {
    const frames = new FrameAllocator(mem);
    const parent = space(frames);
    parent.map(0x100, 1, PTE_R | PTE_W);
    parent.writeU32(0x100000, 1);
    const child = space(frames);
    parent.forkInto(child);
    expect(frames.inUse).toBe(1);
    expect(parent.cpu.fast.entries[0x100] & FT_WRITABLE).toBe(0);
    expect(child.readU32(0x100000)).toBe(1);
    expect(child.fault(0x100000, true)).toBe(FAULT_OK);
    expect(frames.inUse).toBe(2);
    child.writeU32(0x100000, 2);
    expect(parent.readU32(0x100000)).toBe(1);
    // The parent is the last owner now: its write needs no copy.
    expect(parent.writeU32(0x100000, 3)).toBe(true);
    expect(frames.inUse).toBe(2);
    expect(child.readU32(0x100000)).toBe(2);
  });

  it('grows the stack downwards on demand within its limit', () => {
    const frames = new FrameAllocator(mem);
    const a = space(frames);
    a.map(0x7ffe0, 16, PTE_R | PTE_W);
    a.stackLowVpn = 0x7ffe0;
    a.stackLimitVpn = 0x7ff00;
    expect(a.fault(0x7ffd0008, true)).toBe(FAULT_OK);
    expect(a.isMapped(0x7ffdf)).toBe(true);
    expect(a.writeU32(0x7ff10000, 5)).toBe(true);
    expect(a.fault(0x7fe00000, false)).toBe(FAULT_MAPERR);
  });

  it('reports out-of-memory when the frame pool is exhausted', () => {
    const small = new FrameAllocator(new PhysicalMemory(8 * 4096));
    const a = space(small);
    a.map(0x100, 16, PTE_R | PTE_W);
    let r = FAULT_OK;
    for (let v = 0x100; v < 0x110 && r === FAULT_OK; v++) r = a.fault(v * 4096, true);
    expect(r).toBe(FAULT_OOM);
  });
});
