// The interim backend on the real guest kernel: the boot script is typed at the first prompt,
// a guest reboot is a new boot of the same VM, poweroff ends it with the guest's code, a
// broken kernel image cannot be created, and the disk's writes persist across boots.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { addStandardDevices, buildImage, dir, merge, readHostTree } from '../../../../libs/ext2/src/index.js';
import type { VmSpec } from '../../../../libs/protocol/src/index.js';
import { kernelImages, rootfsDir } from '../config/paths.js';
import { BareMachineBackend } from './bare-backend.js';
import type { SliceOutcome, VmInstance } from './vm-backend.js';

let tmp: string;
let disk: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'disco-bare-'));
  const root = dir();
  merge(root, readHostTree(rootfsDir()));
  root.mode = 0o755;
  addStandardDevices(root);
  disk = join(tmp, 'root.img');
  buildImage(root, { sizeBytes: 8 * 1024 * 1024 }).writeFile(disk);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function spec(extra: Partial<VmSpec> = {}): VmSpec {
  return {
    vmId: 'vm-t', runId: 'run-t', name: 't', vcpus: 1, memoryMiB: 16, homeNode: 0, kernelPath: kernelImages()['kernel-bare']!,
    cmdline: '', disks: [{ slot: 0, path: disk, readOnly: false }], bootScript: '', ...extra,
  };
}

/** Run slices until the output matches or the VM ends; returns the last outcome. */
function runUntil(vm: VmInstance, out: () => string, pattern: RegExp, maxSlices = 5000): SliceOutcome {
  for (let i = 0; i < maxSlices; i++) {
    const r = vm.run(1_000_000);
    if (r.kind !== 'ran' || pattern.test(out())) return r;
  }
  throw new Error(`never matched ${pattern}:\n${out()}`);
}

describe('BareMachineBackend', () => {
  const backend = new BareMachineBackend();

  test('boot script, guest reboot, persistent disk, poweroff', () => {
    let text = '';
    const vm = backend.create(spec({ bootScript: 'echo booted-ok > /note; cat /note' }), (b) => (text += String.fromCharCode(b)));
    runUntil(vm, () => text, /\nbooted-ok\r?\n# $/);
    expect(vm.boots).toBe(1);
    vm.input(Buffer.from('reboot\n'));
    runUntil(vm, () => text, /disco guest kernel[\s\S]*disco guest kernel[\s\S]*# $/);
    expect(vm.boots).toBe(2);
    const mark = text.length;
    vm.input(Buffer.from('cat /note\n'));
    runUntil(vm, () => text.slice(mark), /booted-ok/);
    vm.input(Buffer.from('poweroff\n'));
    expect(runUntil(vm, () => '', /never/)).toEqual({ kind: 'poweroff', code: 0 });
    expect(vm.instructions).toBeGreaterThan(1_000_000);
    vm.close();
  });

  test('a broken kernel image is refused at create', () => {
    const bad = join(tmp, 'bad.elf');
    writeFileSync(bad, 'not an ELF file at all');
    expect(() => backend.create(spec({ kernelPath: bad }), () => undefined)).toThrow(/kernel/);
  });
});
