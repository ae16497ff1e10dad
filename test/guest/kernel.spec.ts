// The kernel's own test programs (test/guest/progs, built here with the cross compiler):
// signal frames and sigreturn, SA_SIGINFO fault information, SIGCHLD, the console's ioctls,
// TLS through set_thread_area and rdhwr, FPU state across context switches,
// mmap/munmap/mprotect/brk and copy-on-write after fork, unknown syscalls, and a process
// exhausting memory.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootToPrompt, e2fsck, makeImage, powerOff, run, type GuestSession } from './support.js';

describe('guest kernel: test programs', () => {
  let image: { path: string; cleanup: () => void };
  let s: GuestSession;

  beforeAll(() => {
    image = makeImage({ progs: true });
    s = bootToPrompt(image.path, { cpus: 4, nodes: 2 });
  });
  afterAll(() => {
    s?.close();
    image?.cleanup();
  });

  it('delivers signals through both frame kinds and returns with sigreturn', () => {
    const out = run(s, 'sigtest; echo status=$?');
    expect(out).toContain('sigtest: SIGUSR1 handled');
    expect(out).toContain('SIGSEGV at 0x00001234 (expected)');
    expect(out).toContain('status=0');
  });

  it('sends SIGCHLD with the child\'s pid and status when a child exits or is killed', () => {
    expect(run(s, 'sigchld')).toBe('sigchld: OK\n');
  });

  it('answers TCGETS, TCSETS and TIOCGWINSZ on the console and ENOTTY on a pipe', () => {
    expect(run(s, 'ttytest')).toBe('ttytest: OK\n');
  });

  it('keeps each process\'s TLS pointer (set_thread_area, rdhwr UserLocal) across switches and fork', () => {
    expect(run(s, 'tlstest')).toBe('tlstest: OK\n');
  });

  it('keeps every process\'s FPU registers across context switches', () => {
    expect(run(s, 'fpstress')).toBe('fpstress: OK\n');
  });

  it('implements mmap, munmap, mprotect, brk and copy-on-write', () => {
    expect(run(s, 'memtest')).toBe('memtest: OK\n');
  });

  it('answers unknown system calls with ENOSYS and keeps running', () => {
    expect(run(s, 'nosys')).toBe('nosys: ENOSYS ok\n');
  });

  it('kills a process that exhausts memory and gets all of it back', () => {
    const free = (): number => Number(/MemFree: (\d+) kB/.exec(run(s, 'cat /proc/meminfo'))![1]);
    const before = free();
    const out = run(s, 'oom; echo status=$?');
    expect(out).toContain('out of memory');
    expect(out).toContain('status=139');
    expect(out).not.toContain('survived');
    expect(free()).toBeGreaterThan(before - 256);   // kB; cached program pages may even be reclaimed
    expect(run(s, 'echo alive')).toBe('alive\n');
  });

  it('stays consistent after all of that', () => {
    expect(powerOff(s)).toEqual({ kind: 'poweroff', code: 0 });
    expect(e2fsck(image.path).status).toBe(0);
  });
});
