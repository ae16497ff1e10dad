// The paper-style workloads of the userland (pmake, engineering, raytrace, database) on 1
// CPU and on 4 CPUs in 2 NUMA nodes: each checks its own result, and each prints the same
// thing on both machines. Then all four at once on 8 CPUs in 4 nodes. Along the way: every
// CPU runs user processes (the machine's own per-mode cycle counts say so), timer preemption
// keeps the shell responsive next to a CPU-bound job on one CPU, and the file system is clean
// after each poweroff.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootToPrompt, e2fsck, makeImage, powerOff, run, type GuestSession } from './support.js';

/** Same command lines on every machine; sizes keep the whole file to a few seconds. */
const WORKLOADS = {
  pmake: 'pmake -j 4',
  engineering: 'engineering -w 4 -m 1',
  raytrace: 'raytrace -p 4 -w 80 -h 60',
  database: 'database -n 100000 -q 5000',
} as const;
type Workload = keyof typeof WORKLOADS;
const NAMES = Object.keys(WORKLOADS) as Workload[];

const MACHINES = [
  { cpus: 1, nodes: 1 },
  { cpus: 4, nodes: 2 },
];
/** What each workload printed, per CPU count. */
const printed: Record<number, Partial<Record<Workload, string>>> = { 1: {}, 4: {} };

/** Every CPU spent user-mode cycles, and each CPU's split adds up to its cycle count. */
function expectUserTimeOnEveryCpu(s: GuestSession): void {
  for (const cpu of s.machine.cpus) {
    const split = cpu.cycleSplit();
    expect(split.user + split.supervisor + split.kernel + split.idle).toBe(cpu.cycles);
    expect(split.supervisor).toBe(0);
    expect(split.user).toBeGreaterThan(1_000_000);
  }
}

function okLine(name: string, out: string): string {
  const m = new RegExp(`^${name}: OK [0-9a-f]{8}$`, 'm').exec(out);
  if (m === null) throw new Error(`${name} did not report OK:\n${out}`);
  return m[0];
}

describe.each(MACHINES)('guest workloads on $cpus CPU(s), $nodes node(s)', ({ cpus, nodes }) => {
  let image: { path: string; cleanup: () => void };
  let s: GuestSession;

  beforeAll(() => {
    image = makeImage();
    s = bootToPrompt(image.path, { cpus, nodes, memoryMiB: 64 });
  });
  afterAll(() => {
    s?.close();
    image?.cleanup();
  });

  it('boots all CPUs', () => {
    expect(s.output).toContain(`disco guest kernel: ${cpus} CPUs, ${nodes} nodes`);
  });

  it.each(NAMES)('%s checks its own result', (name) => {
    const out = run(s, WORKLOADS[name], { hostMs: 120_000 });
    okLine(name, out);
    expect(out).not.toMatch(/FAIL/);
    printed[cpus]![name] = out;
  });

  if (cpus === 1) {
    it('preempts a CPU-bound background job: the shell still answers', () => {
      const pid = /^\[(\d+)\]$/m.exec(run(s, 'raytrace -p 1 -w 2000 -h 2000 > /dev/null &'))![1];
      const t0 = s.seconds;
      expect(run(s, 'echo still answering')).toBe('still answering\n');
      expect(s.seconds - t0).toBeLessThan(0.5);
      // raytrace -p 1 is a parent and one rendering child: the child is the one running
      const ps = run(s, 'ps');
      expect(ps).toMatch(new RegExp(`^ *\\d+ +${pid} R raytrace$`, 'm'));
      const pids = [...ps.matchAll(/^ *(\d+) +\d+ [RS] raytrace$/gm)].map((m) => m[1]);
      expect(pids).toHaveLength(2);
      expect(run(s, `kill ${pids.join(' ')}; wait; echo waited`)).toMatch(/waited\n$/);
      expect(run(s, 'ps')).not.toContain('raytrace');
    });
  } else {
    it('ran user processes on every CPU', () => expectUserTimeOnEveryCpu(s));
  }

  it('powers off; e2fsck finds the file system clean', () => {
    expect(powerOff(s)).toEqual({ kind: 'poweroff', code: 0 });
    expect(e2fsck(image.path).status).toBe(0);
  });
});

describe('the same results on 1 and on 4 CPUs', () => {
  it.each(NAMES)('%s', (name) => {
    const one = printed[1]![name];
    const four = printed[4]![name];
    expect(one).toBeDefined();
    expect(four).toEqual(one);
  });
});

describe('all four workloads at once on 8 CPUs, 4 nodes', () => {
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

  it('each gives the result it gave alone on one CPU', () => {
    run(s, 'mkdir -p /tmp');
    const out = run(s, `${NAMES.map((n) => `${WORKLOADS[n]} > /tmp/${n}.out &`).join(' ')} wait; cat ${NAMES.map((n) => `/tmp/${n}.out`).join(' ')}`, {
      hostMs: 120_000,
    });
    const jobs = out.match(/^\[\d+\]\n/gm) ?? [];
    expect(jobs).toHaveLength(NAMES.length);
    for (const name of NAMES) {
      const alone = printed[1]![name];
      expect(alone).toBeDefined();
      expect(okLine(name, out)).toBe(okLine(name, alone!));
    }
    expect(out.slice(jobs.join('').length)).toBe(NAMES.map((n) => printed[1]![n]).join(''));
  });

  it('ran user processes on every CPU', () => expectUserTimeOnEveryCpu(s));

  it('shuts down cleanly', () => {
    expect(powerOff(s)).toEqual({ kind: 'poweroff', code: 0 });
    expect(e2fsck(image.path).status).toBe(0);
  });
});
