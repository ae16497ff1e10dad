// The guest kernel on the bare machine with the committed userland: boot to a shell, basic
// commands, pipelines, files, line editing and ^D on the console, kill and ps, a
// fork/exec/wait storm, ^C, a faulting program, persistence across a power cycle and a
// reboot, and a clean e2fsck after the guest powered off.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootToPrompt, e2fsck, makeImage, powerOff, run, type GuestSession } from './support.js';

describe('guest kernel: boot and the userland shell', () => {
  let image: { path: string; cleanup: () => void };
  let s: GuestSession;

  beforeAll(() => {
    image = makeImage({ progs: true });
    s = bootToPrompt(image.path, { cpus: 2 });
  });
  afterAll(() => {
    s?.close();
    image?.cleanup();
  });

  it('boots to the shell prompt after running /etc/rc', () => {
    expect(s.output).toContain('disco guest kernel: 2 CPUs');
    expect(s.output).toContain('rc done');
  });

  it('runs echo and ls', () => {
    expect(run(s, 'echo hello')).toBe('hello\n');
    const bin = run(s, 'ls /bin').split('\n');
    expect(bin).toEqual(expect.arrayContaining(['sh', 'init', 'ls', 'cat', 'segv']));
  });

  it('runs a pipeline', () => {
    expect(run(s, 'ls /bin | grep -c a | wc -l').trim()).toBe('1');
    expect(run(s, 'echo one two three | wc -w').trim()).toBe('3');
  });

  it('creates, reads and removes files', () => {
    run(s, 'mkdir -p /tmp/t');
    run(s, 'echo persistent data > /tmp/t/file');
    expect(run(s, 'cat /tmp/t/file')).toBe('persistent data\n');
    run(s, 'cp /tmp/t/file /tmp/t/copy; rm /tmp/t/file');
    expect(run(s, 'ls /tmp/t')).toBe('copy\n');
    run(s, 'mv /tmp/t/copy /tmp/t/moved; mkdir /tmp/t/sub; mv /tmp/t/moved /tmp/t/sub');
    expect(run(s, 'ls /tmp/t /tmp/t/sub')).toMatch(/^\/tmp\/t:\nsub\n[^]*\/tmp\/t\/sub:\nmoved\n$/);
    run(s, 'mv /tmp/t/sub/moved /tmp/t/copy; rm -r /tmp/t/sub');
    expect(run(s, 'ls /tmp/t')).toBe('copy\n');
    expect(run(s, 'cat /tmp/t/file')).toMatch(/No such file|cannot open|not found/i);
  });

  it('lists processes through /proc/ps', () => {
    const ps = run(s, 'cat /proc/ps');
    expect(ps).toMatch(/^1 0 S init$/m);
    expect(ps).toMatch(/^\d+ \d+ R cat$/m);
  });

  it('survives a fork/exec/wait storm', () => {
    const cmd = Array.from({ length: 50 }, () => 'true').join('; ') + '; echo storm-done';
    expect(run(s, cmd)).toBe('storm-done\n');
    const pipes = Array.from({ length: 20 }, (_, i) => `echo ${i} | cat`).join('; ');
    expect(run(s, pipes).split('\n').filter(Boolean)).toHaveLength(20);
  });

  it('edits the input line: echo, erase, kill line', () => {
    s.type('echo abX\x7fc\n');
    expect(s.waitForPrompt()).toBeNull();
    expect(s.recent).toContain('echo abX\b \bc\r\n');   // echoed, and the erase rubbed out
    expect(s.recent).toMatch(/\r\nabc\r\n/);
    s.type('echo wrong\x15echo right\n');
    expect(s.waitForPrompt()).toBeNull();
    expect(s.recent).toMatch(/\r\nright\r\n/);
    expect(s.recent).not.toMatch(/\r\nwrong/);
  });

  it('^D ends the input of a program reading the console', () => {
    run(s, 'mkdir -p /tmp');
    s.type('cat > /tmp/typed\n');
    expect(s.runFor(50)).toBeNull();
    s.type('line one\npartial');
    expect(s.runFor(50)).toBeNull();
    s.type('\x04');                // ^D after text: the partial line is read without a newline
    expect(s.runFor(50)).toBeNull();
    s.type('\x04');                // ^D on an empty line: end of file, cat exits
    expect(s.waitForPrompt()).toBeNull();
    expect(run(s, 'cat /tmp/typed; echo .')).toBe('line one\npartial.\n');
    expect(run(s, 'wc -c /tmp/typed')).toMatch(/^ *16\b/);
  });

  it('kill and ps: a background job is listed, killed and gone', () => {
    const pid = /^\[(\d+)\]$/m.exec(run(s, 'sleep 100 &'))![1];
    expect(run(s, 'ps')).toMatch(new RegExp(`^ *${pid} +\\d+ S sleep$`, 'm'));
    expect(run(s, `kill ${pid}; wait; echo reaped`)).toBe('reaped\n');
    expect(run(s, 'ps')).not.toMatch(/ sleep$/m);
  });

  it('^C kills a foreground sleep 100 and the shell lives on', () => {
    const t0 = s.seconds;
    s.type('sleep 100\n');
    expect(s.runFor(300)).toBeNull();
    s.type('\x03');
    expect(s.waitForPrompt(undefined, { hostMs: 20_000 })).toBeNull();
    expect(s.seconds - t0).toBeLessThan(10);
    expect(run(s, 'echo still here')).toBe('still here\n');
  });

  it('kills a faulting program with SIGSEGV and the shell lives on', () => {
    const out = run(s, 'segv; echo status=$?');
    expect(out).toContain('segv: about to fault');
    expect(out).not.toContain('still alive');
    expect(out).toContain('status=139');
    expect(run(s, 'echo alive')).toBe('alive\n');
  });

  it('powers off cleanly; e2fsck finds the file system clean', () => {
    expect(powerOff(s)).toEqual({ kind: 'poweroff', code: 0 });
    const fsck = e2fsck(image.path);
    expect(fsck.output).toContain('Pass 5');
    expect(fsck.status).toBe(0);
  });

  it('keeps files across a power cycle (second boot on the same image) and a reboot', () => {
    s = bootToPrompt(image.path, { cpus: 1 });
    expect(run(s, 'cat /tmp/t/copy')).toBe('persistent data\n');
    run(s, 'echo written before reboot > /tmp/t/second');
    s.type('reboot\n');
    expect(s.waitFor(/disco guest kernel/)).toBeNull();   // the machine reset and boots again
    expect(s.waitForPrompt()).toBeNull();
    expect(s.boots).toBe(2);
    expect(run(s, 'cat /tmp/t/second /tmp/t/copy')).toBe('written before reboot\npersistent data\n');
    run(s, 'rm -r /tmp/t');
    expect(powerOff(s)).toEqual({ kind: 'poweroff', code: 0 });
    expect(e2fsck(image.path).status).toBe(0);
  });
});
