// The kernel on 8 CPUs in 4 NUMA nodes running the paper-style workloads of the userland
// in parallel (fork, pipes, wait, the FPU, many address spaces at once), then a clean
// shutdown and file system.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootToPrompt, e2fsck, makeImage, powerOff, run, type GuestSession } from './support.js';

describe('guest kernel: SMP workloads', () => {
  let image: { path: string; cleanup: () => void };
  let s: GuestSession;

  beforeAll(() => {
    image = makeImage();
    s = bootToPrompt(image.path, { cpus: 8, nodes: 4, memoryMiB: 128 });
  });
  afterAll(() => {
    s?.close();
    image?.cleanup();
  });

  it('boots all CPUs', () => {
    expect(s.output).toContain('disco guest kernel: 8 CPUs, 4 nodes');
  });

  it('runs pmake with 4 parallel compiler jobs', () => {
    expect(run(s, 'pmake -j 4')).toMatch(/^pmake: OK [0-9a-f]{8}$/m);
  });

  it('runs raytrace with 4 processes and pipes', () => {
    expect(run(s, 'raytrace -p 4 -w 96 -h 72')).toMatch(/^raytrace: OK [0-9a-f]{8}$/m);
  });

  it('runs two workloads at once in the background', () => {
    const out = run(s, 'engineering -m 2 & database -n 50000 -q 2000; wait');
    expect(out).toMatch(/^engineering: OK/m);
    expect(out).toMatch(/^database: OK/m);
  });

  it('shuts down cleanly', () => {
    expect(powerOff(s)).toEqual({ kind: 'poweroff', code: 0 });
    expect(e2fsck(image.path).status).toBe(0);
  });
});
