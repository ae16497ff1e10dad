// Shared read-only machine pages (memory/sharing.ts): remap between VMs, copy-on-write on a
// guest store through sseg and kuseg, the last reference taken back without a copy, and
// monitor (DMA) writes into a shared page. The test guest is test/disco/guests/share.c.
import { describe, expect, it } from '@jest/globals';
import { SHARED_OWNER } from '../../libs/disco/src/memory/memmap.js';
import { PAGE_FLAG } from '../../libs/disco/src/memory/pmap.js';
import type { Monitor } from '../../libs/disco/src/monitor.js';
import type { Vm } from '../../libs/disco/src/vm.js';
import { checkPhysicalTlbs, setup } from './support.js';


function runUntil(m: Monitor, done: () => boolean, slices = 400): void {
  for (let i = 0; i < slices && !done(); i++) {
    m.run(1_000_000);
    checkPhysicalTlbs(m);
  }
}

const word = (vm: Vm, pa: number): number => {
  const b = new Uint8Array(4);
  vm.readGuest(pa, b);
  return new DataView(b.buffer).getUint32(0, true);
};

const suite = process.env.DISCO_SKIP_DIFFERENTIAL === '1' ? describe.skip : describe;

suite('shared machine pages and copy-on-write', () => {
  it('remaps a page between VMs; a write copies it; the last reference takes it back', () => {
    const { m, vms } = setup([
      { guest: 'share', cmdline: 'a' },
      { guest: 'share', cmdline: 'b' },
    ]);
    const [a, b] = vms;
    runUntil(m, () => a.out().includes('ready') && b.out().includes('ready'));
    const pa = parseInt(/ready 0x([0-9a-f]+)/.exec(a.out())![1], 16);
    const gp = pa >>> 12;
    const before = m.pages.freeOn(0) + m.pages.freeOn(1);
    expect(m.remapPage(null, null, a.vm, gp, b.vm, gp)).toBe(0);
    const shared = a.vm.pmap.machinePage[gp];
    expect(b.vm.pmap.machinePage[gp]).toBe(shared);
    expect(m.pages.owner[shared]).toBe(SHARED_OWNER);
    expect(m.pages.refs[shared]).toBe(2);
    expect(a.vm.pmap.flags[gp] & PAGE_FLAG.WRITE_PROTECT).toBeTruthy();
    // b's own page went back to the free pool.
    expect(m.pages.freeOn(0) + m.pages.freeOn(1)).toBe(before + 1);
    expect(m.vmMetrics(b.vm).sharing).toMatchObject({ sharedPages: 1, remapped: 1 });

    m.consoleInput(b.vm, 'go\n');
    runUntil(m, () => b.out().includes('b-done'));
    expect(b.out()).not.toContain('FAIL');
    expect(b.vm.pmap.machinePage[gp]).not.toBe(shared);
    expect(m.vmMetrics(b.vm).sharing).toMatchObject({ sharedPages: 0, cowCopies: 1 });
    expect(m.pages.refs[shared]).toBe(1);

    m.consoleInput(a.vm, 'go\n');
    runUntil(m, () => a.out().includes('a-done'));
    expect(a.out()).not.toContain('FAIL');
    expect(a.vm.pmap.machinePage[gp]).toBe(shared); // no copy: the last reference
    expect(m.pages.owner[shared]).toBe(a.vm.id);
    expect(m.vmMetrics(a.vm).sharing).toMatchObject({ sharedPages: 0, cowReused: 1, cowCopies: 0 });

    // A monitor write (DMA) into a shared page copies it too: the other side never sees it.
    expect(m.remapPage(null, null, a.vm, gp, b.vm, gp)).toBe(0);
    expect(b.vm.writeGuest(pa + 8, Uint8Array.of(1, 2, 3, 4))).toBe(true);
    expect(word(b.vm, pa + 8)).toBe(0x04030201);
    expect(word(a.vm, pa + 8)).toBe(0xa0000002);
    expect(b.vm.pmap.flags[gp]).toBe(0);

    for (const t of vms) m.consoleInput(t.vm, 'end\n');
    runUntil(m, () => vms.every((t) => t.vm.state === 'stopped'));
    for (const t of vms) {
      expect(t.out()).toContain('RESULT PASS');
      expect(t.vm.exit).toEqual({ kind: 'poweroff', code: 0 });
    }
    // Everything freed, shared pages included.
    expect(m.pages.owner.includes(SHARED_OWNER)).toBe(false);
  });

  it('rejects remaps outside guest memory', () => {
    const { m, vms } = setup([{ guest: 'share', cmdline: 'a' }, { guest: 'share', cmdline: 'b' }]);
    expect(m.remapPage(null, null, vms[0].vm, -1, vms[1].vm, 0)).toBeLessThan(0);
    expect(m.remapPage(null, null, vms[0].vm, 0, vms[1].vm, vms[1].vm.pmap.guestPages)).toBeLessThan(0);
  });
});
