// Machine pages, pmap chunks and the L2TLB rules.
import { describe, expect, it } from '@jest/globals';
import { L2Tlb, L2_MISS } from './l2tlb.js';
import { CHUNK_PAGES, MachinePages, MONITOR_OWNER, NO_OWNER, SHARED_OWNER } from './memmap.js';
import { OUT_OF_MEMORY, PAGE_FLAG, Pmap } from './pmap.js';

describe('MachinePages and Pmap', () => {
  it('shares a page between pmaps with references; unshare and drop give it back', () => {
    const bytes = 4 * 1024 * 1024;
    const mp = new MachinePages(bytes, 1);
    const ram = new Uint8Array(bytes);
    const a = new Pmap(1, 1024 * 1024, mp, ram);
    const b = new Pmap(2, 1024 * 1024, mp, ram);
    const pa = a.lookupOrAlloc(3, 0);
    b.lookupOrAlloc(3, 0);
    const free0 = mp.freeOn(0);
    expect(a.share(3, 1)).toBe(pa);
    expect(mp.owner[pa]).toBe(SHARED_OWNER);
    expect(a.intactChunk(3)).toBe(-1);
    expect(a.flags[3]).toBe(PAGE_FLAG.SHARED | PAGE_FLAG.WRITE_PROTECT);
    b.mapShared(3, pa);
    expect(mp.freeOn(0)).toBe(free0 + 1); // b's own page was freed
    expect(mp.refs[pa]).toBe(2);
    expect(a.allocatedPages() + a.sharedMapped).toBe(16);
    // b copies on write: a keeps the shared page with one reference
    const fresh = mp.alloc(0, 2, 3);
    b.unshare(3, fresh);
    expect(mp.refs[pa]).toBe(1);
    expect(b.flags[3]).toBe(0);
    // a takes the last reference back: private again, same page
    a.unshare(3, pa);
    expect(mp.owner[pa]).toBe(1);
    expect(mp.guestPage[pa]).toBe(3);
    // a shared page is freed with its last reference
    a.share(3, 1);
    b.mapShared(4, pa);
    a.drop(3);
    expect(mp.owner[pa]).toBe(SHARED_OWNER);
    b.clear();
    expect(mp.owner[pa]).toBe(NO_OWNER);
    expect(b.sharedMapped).toBe(0);
  });

  it('allocates 64 KiB chunks on the preferred node, zeroed, and frees them', () => {
    const bytes = 4 * 1024 * 1024;
    const mp = new MachinePages(bytes, 2);
    const ram = new Uint8Array(bytes).fill(0xaa);
    const pm = new Pmap(3, 1024 * 1024, mp, ram);
    const p = pm.lookupOrAlloc(17, 1);
    expect(mp.nodeOf(p)).toBe(1);
    expect(pm.lastZeroed).toBe(CHUNK_PAGES);
    const base = pm.intactChunk(17);
    expect(base).toBe(p - 1);
    expect(base % CHUNK_PAGES).toBe(0);
    expect(ram.subarray(base * 4096, (base + 16) * 4096).every((b) => b === 0)).toBe(true);
    expect(mp.owner[base + 5]).toBe(3);
    expect(mp.guestPage[base + 5]).toBe(21);
    expect(pm.lookupOrAlloc(20, 0)).toBe(base + 4);
    expect(pm.lastZeroed).toBe(0);
    pm.drop(20);
    expect(pm.intactChunk(17)).toBe(-1);
    expect(mp.owner[base + 4]).toBe(NO_OWNER);
    const again = pm.lookupOrAlloc(20, 0);
    expect(pm.lastZeroed).toBe(1);
    expect(mp.owner[again]).toBe(3);
    const free0 = mp.freeOn(0) + mp.freeOn(1);
    pm.clear();
    expect(mp.freeOn(0) + mp.freeOn(1)).toBe(free0 + CHUNK_PAGES);
  });

  it('falls back to other nodes and reports exhaustion', () => {
    const mp = new MachinePages(128 * 1024, 2);
    const ram = new Uint8Array(128 * 1024);
    const pm = new Pmap(0, 256 * 1024, mp, ram);
    expect(mp.nodeOf(pm.lookupOrAlloc(0, 0))).toBe(0);
    expect(mp.nodeOf(pm.lookupOrAlloc(16, 0))).toBe(1);
    expect(pm.lookupOrAlloc(32, 0)).toBe(OUT_OF_MEMORY);
    expect(mp.alloc(0, MONITOR_OWNER, -1)).toBe(-1);
  });

  it('keeps backmaps with an overflow flag', () => {
    const mp = new MachinePages(1024 * 1024, 1);
    for (let i = 0; i < 4; i++) mp.addBackmap(7, 0x1000 * i);
    mp.addBackmap(7, 0x2000);
    expect(mp.backmapOverflowed(7)).toBe(false);
    mp.addBackmap(7, 0x9000);
    expect(mp.backmapOverflowed(7)).toBe(true);
  });
});

describe('L2Tlb', () => {
  it('looks up by VPN2 and ASID, global entries for any ASID', () => {
    const l2 = new L2Tlb(16);
    l2.insert(0x00400000, 5, 0x111, 0x222, 1, 2);
    expect(l2.lookup(0x00401abc, 5)).not.toBe(L2_MISS);
    expect(l2.lookup(0x00401abc, 6)).toBe(L2_MISS);
    l2.insert(0x00800000, 256, 0x333, 0, 3, 0);
    expect(l2.lookup(0x00800000, 9)).not.toBe(L2_MISS);
    l2.drop(0x00400000, 5);
    expect(l2.lookup(0x00400000, 5)).toBe(L2_MISS);
  });

  it('keeps 4 ways per set, replaces round-robin, drops by ASID and by guest page', () => {
    const l2 = new L2Tlb(1);
    for (let i = 0; i < 4; i++) l2.insert(i * 0x2000, 1, 0, 0, (100 + i) << 6, 0);
    for (let i = 0; i < 4; i++) expect(l2.lookup(i * 0x2000, 1)).not.toBe(L2_MISS);
    l2.insert(0x10000, 1, 0, 0, 0, 0);
    expect(l2.lookup(0, 1)).toBe(L2_MISS);
    expect(l2.dropGuestPage(102)).toBe(1);
    expect(l2.lookup(0x4000, 1)).toBe(L2_MISS);
    l2.dropAsid(1);
    expect(l2.count).toBe(0);
  });
});
