// The guest userland (guest/user): builds it with `make -C guest/user build`, then runs every
// utility, the shell and the four workloads as static MIPS programs and checks their output.
// The runner is a parameter: DISCO_USERLAND_RUNNER=qemu (default: qemu-mipsel) or disco
// (bin/disco user). Under qemu-user an execve of a MIPS program goes to the host kernel, so the
// guest's PATH points at a directory of small host scripts that re-enter qemu-mipsel; under
// bin/disco the guest's PATH is guest/user/build/bin itself. Fails (does not skip) without the
// cross compiler or qemu, unless DISCO_SKIP_DIFFERENTIAL=1.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CROSS_CC,
  describeRun,
  QEMU,
  repoRoot,
  requireDisco,
  requireTools,
  runDisco,
  runProcess,
  skipDifferential,
  type RunResult,
} from '../support/index.js';

const userDir = join(repoRoot, 'guest', 'user');
const buildBin = join(userDir, 'build', 'bin');
const rootfsBin = join(repoRoot, 'guest', 'images', 'rootfs', 'bin');
const runnerName = process.env.DISCO_USERLAND_RUNNER ?? 'qemu';

/** Checksums printed by the workloads with their default parameters (deterministic). */
const WORKLOAD_CHECKSUMS: Record<string, string> = {
  pmake: '5fb3050a',
  engineering: 'a1138517',
  raytrace: 'e1a2a0a9',
  database: '504d2884',
};

interface Runner {
  /** Runs build/bin/<prog> (or build/bin-test/<prog>) with args in cwd, stdin from input. */
  run(prog: string, args: string[], cwd: string, input?: string, timeoutMs?: number): Promise<RunResult>;
}

let runner: Runner;
let pathDir: string;

function elfPath(prog: string): string {
  const test = join(userDir, 'build', 'bin-test', prog);
  return existsSync(test) ? test : join(buildBin, prog);
}

function which(tool: string): string {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return r.stdout.trim() || tool;
}

/** For qemu: one host script per program that runs it under qemu-mipsel (see the header). */
function makeQemuWrappers(): string {
  const dir = mkdtempSync(join(tmpdir(), 'disco-userland-bin-'));
  const qemu = which(QEMU);
  for (const name of readdirSync(buildBin)) {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\nexec ${qemu} ${join(buildBin, name)} "$@"\n`);
    chmodSync(file, 0o755);
  }
  return dir;
}

function guestEnv(): Record<string, string> {
  return { PATH: `${pathDir}:/usr/bin:/bin`, HOME: '/', LC_ALL: 'C', TZ: 'UTC' };
}

function makeRunner(): Runner {
  if (runnerName === 'disco') {
    requireDisco();
    pathDir = buildBin;
    return {
      run: (prog, args, cwd, input, timeoutMs) =>
        runDisco(elfPath(prog), args, { cwd, input, env: guestEnv(), timeoutMs: timeoutMs ?? 110_000 }),
    };
  }
  if (runnerName !== 'qemu') throw new Error(`DISCO_USERLAND_RUNNER must be qemu or disco, not ${runnerName}`);
  pathDir = makeQemuWrappers();
  return {
    run: (prog, args, cwd, input, timeoutMs) =>
      runProcess(QEMU, [elfPath(prog), ...args], { cwd, input, env: guestEnv(), timeoutMs: timeoutMs ?? 60_000 }),
  };
}

const tempDirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'disco-userland-'));
  tempDirs.push(dir);
  return dir;
}

/** Runs a program, expects exit status `status`, returns its stdout as text. */
async function out(prog: string, args: string[], cwd: string, status = 0, input?: string, timeoutMs?: number): Promise<string> {
  const r = await runner.run(prog, args, cwd, input, timeoutMs);
  if (r.status !== status || r.timedOut) {
    throw new Error(`expected exit ${status}: ${describeRun(r)}\n--- stdout ---\n${r.stdout.toString()}`);
  }
  return r.stdout.toString();
}

/** Runs `sh -c script` in cwd and returns stdout (expects exit `status`). */
function sh(script: string, cwd: string, status = 0): Promise<string> {
  return out('sh', ['-c', script], cwd, status);
}

const suite = skipDifferential ? describe.skip : describe;
if (skipDifferential) console.warn('userland.spec.ts: DISCO_SKIP_DIFFERENTIAL=1, skipping the guest userland tests');

suite(`guest userland under ${runnerName}`, () => {
  beforeAll(() => {
    requireTools([CROSS_CC, QEMU, 'make']);
    const r = spawnSync('make', ['-C', userDir, 'build'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`make -C guest/user build failed:\n${r.stdout}${r.stderr}`);
    runner = makeRunner();
  }, 300_000);

  afterAll(() => {
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
    if (pathDir && pathDir !== buildBin) rmSync(pathDir, { recursive: true, force: true });
  });

  it('libc passes its self-test', async () => {
    const dir = tempDir();
    expect(await out('libctest', [dir], dir)).toMatch(/^libctest: OK \d+ checks\n$/);
  });

  it('echo, cat and wc', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a'), 'one two\nthree\n');
    writeFileSync(join(dir, 'b'), 'four\n');
    expect(await out('echo', ['hello', 'world'], dir)).toBe('hello world\n');
    expect(await out('echo', ['-n', 'a', 'b'], dir)).toBe('a b');
    expect(await out('cat', ['a', 'b'], dir)).toBe('one two\nthree\nfour\n');
    expect(await out('cat', [], dir, 0, 'from stdin\n')).toBe('from stdin\n');
    expect(await out('wc', ['a'], dir)).toBe('      2       3      14 a\n');
    expect(await out('wc', ['-l', 'a', 'b'], dir)).toBe('      2 a\n      1 b\n      3 total\n');
    expect(await out('wc', ['-w'], dir, 0, 'x y z\n')).toBe('3\n');
    expect(await out('cat', ['missing'], dir, 1)).toBe('');
  });

  it('grep: fixed strings and ^ $ . * [...]', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'f'), 'apple\nbanana\ncherry\napricot\n\nAvocado\nx.y\n');
    expect(await out('grep', ['^a', 'f'], dir)).toBe('apple\napricot\n');
    expect(await out('grep', ['an*a$', 'f'], dir)).toBe('banana\n');
    expect(await out('grep', ['-n', 'r.*t', 'f'], dir)).toBe('4:apricot\n');
    expect(await out('grep', ['[bc]h*e', 'f'], dir)).toBe('cherry\n');
    expect(await out('grep', ['-i', '-c', '^a', 'f'], dir)).toBe('3\n');
    expect(await out('grep', ['-v', '[a-z]', 'f'], dir)).toBe('\n');
    expect(await out('grep', ['-F', 'x.y', 'f'], dir)).toBe('x.y\n');
    expect(await out('grep', ['^$', 'f'], dir)).toBe('\n');
    expect(await out('grep', ['zebra', 'f'], dir, 1)).toBe('');
  });

  it('ls and ls -l', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'b'), '12345');
    writeFileSync(join(dir, 'a'), '');
    writeFileSync(join(dir, '.hidden'), '');
    mkdirSync(join(dir, 'c'));
    expect(await out('ls', [], dir)).toBe('a\nb\nc\n');
    expect(await out('ls', ['-a', '.'], dir)).toBe('.\n..\n.hidden\na\nb\nc\n');
    const long = (await out('ls', ['-l'], dir)).split('\n');
    expect(long[1]).toMatch(/^-rw-r--r-- +1 +\d+ +\d+ +5 \d{4}-\d\d-\d\d \d\d:\d\d b$/);
    expect(long[2]).toMatch(/^drwx.* c$/);
    expect(await out('ls', ['b', 'c'], dir)).toBe('b\nc:\n');
    expect(await out('ls', ['nothing'], dir, 1)).toBe('');
  });

  it('mkdir -p, cp, mv, rm -r -f', async () => {
    const dir = tempDir();
    await sh('mkdir -p x/y/z && echo data > f && cp f x/y && cp f g && mv g x/h && mkdir -p x/y', dir);
    expect(readFileSync(join(dir, 'x', 'y', 'f'), 'utf8')).toBe('data\n');
    expect(readFileSync(join(dir, 'x', 'h'), 'utf8')).toBe('data\n');
    expect(existsSync(join(dir, 'g'))).toBe(false);
    expect(statSync(join(dir, 'x', 'y', 'z')).isDirectory()).toBe(true);
    expect(await sh('rm x; echo $?; rm -f nothing; echo $?; rm -r x; echo $?; ls', dir)).toBe('1\n0\n0\nf\n');
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('cp and mv: usage, a file as the target of several, a missing source', async () => {
    const dir = tempDir();
    const script = 'echo x > f; cp f 2>&1; echo $?; mv f f f 2>&1; echo $?; mv nothing g 2>&1; echo $?; cp nothing g 2>&1; echo $?';
    expect(await sh(script, dir)).toBe(
      'usage: cp src dst | cp src... dir\n2\nmv: f: not a directory\n1\n' +
        'mv: nothing -> g: No such file or directory\n1\ncp: nothing: No such file or directory\n1\n',
    );
  });

  it('sh: pipelines, redirections, $?, && and ||', async () => {
    const dir = tempDir();
    const script = [
      'echo a b c | wc -w',
      'echo one | cat | cat | grep o',
      'echo first > out; echo second >> out; cat < out',
      'ls missing 2> err; echo "status $?"; grep -c missing err',
      'echo to-stderr 1>&2 2>/dev/null',
      'false; echo $?; true; echo $?',
      'true && echo and-yes; false && echo and-no; false || echo or-yes; true || echo or-no',
      'false | true; echo pipe $?; true | false; echo pipe $?',
      'nosuchcommand; echo missing $?',
    ].join('\n');
    expect(await sh(script, dir)).toBe(
      '3\none\nfirst\nsecond\nstatus 1\n1\n1\n0\nand-yes\nor-yes\npipe 0\npipe 1\nmissing 127\n',
    );
  });

  it('sh: variables, quoting, globbing, subshells, cd, exit', async () => {
    const dir = tempDir();
    for (const f of ['x1.c', 'x2.c', 'y.h']) writeFileSync(join(dir, f), '');
    const script = [
      'X=1; Y="a  b"; echo $X "$Y" $Y \'$X\' \\$X ${X}z',
      'export E=exported; sh -c \'echo child $E\'; P=prefix sh -c \'echo $P\'; echo "[$P]"',
      'echo *.c; echo "*.c"; echo nomatch*; echo x?.c',
      '(cd /; pwd; exit 3); echo sub $?; pwd | grep -c disco-userland',
      'echo "a \\"quoted\\" word" \'it"s\'; echo a\\ b',
      'exit 7',
      'echo not reached',
    ].join('\n');
    const r = await runner.run('sh', ['-c', script], dir);
    expect(r.status).toBe(7);
    expect(r.stdout.toString()).toBe(
      '1 a  b a b $X $X 1z\nchild exported\nprefix\n[]\nx1.c x2.c\n*.c\nnomatch*\nx1.c x2.c\n/\nsub 3\n1\na "quoted" word it"s\na b\n',
    );
  });

  it('sh: scripts with arguments, -c arguments, background jobs and wait', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'script.sh'), '# comment\necho "$0: $1 $2 ($#)"\necho a |\n  cat\nsleep 0.2 & wait $!\necho waited $?\nexit 4\n');
    const r = await runner.run('sh', ['script.sh', 'A', 'B'], dir);
    expect(r.status).toBe(4);
    expect(r.stdout.toString()).toBe('script.sh: A B (2)\na\nwaited 0\n');
    expect(await out('sh', ['-c', 'echo $0 $# $1 $2', 'name', 'p', 'q'], dir)).toBe('name 2 p q\n');
    expect(await sh('sleep 5 & kill $!; wait $!; echo killed $?; sleep 0.1 & sleep 0.1 & wait; echo all', dir)).toBe(
      'killed 143\nall\n',
    );
  });

  it('sh: commands from stdin share the rest of it with their children', async () => {
    const dir = tempDir();
    expect(await out('sh', [], dir, 0, 'echo start\ncat\nrest of input\n')).toBe('start\nrest of input\n');
    expect(await out('sh', [], dir, 3, 'X=5\necho "multi\nline $X"\nexit 3\n')).toBe('multi\nline 5\n');
  });

  it('sh: syntax errors give status 2', async () => {
    const dir = tempDir();
    for (const bad of ['echo "open', 'echo a |', '| echo a', 'echo (']) {
      expect((await runner.run('sh', ['-c', bad], dir)).status).toBe(2);
    }
  });

  it('kill, sleep, true, false, sync', async () => {
    const dir = tempDir();
    expect(await sh('sleep 10 & kill -9 $!; wait $!; echo $?; kill -l | grep -c TERM; true & P=$!; wait $P; kill $P; echo $?', dir)).toBe(
      '137\n1\n1\n',
    );
    expect(await sh('sleep 0.1; true; echo $?; false; echo $?; sync; echo $?', dir)).toBe('0\n1\n0\n');
  });

  it('ps reads the /proc/ps format', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ps'), '1 0 S init\n2 1 S sh\n17 2 R ps 3 more fields\n');
    expect(await out('ps', [join(dir, 'ps')], dir)).toBe('  PID  PPID S NAME\n    1     0 S init\n    2     1 S sh\n   17     2 R ps\n');
    expect(await out('ps', [join(dir, 'none')], dir, 1)).toBe('');
  });

  it('init runs the rc file, then one shell when it is not pid 1', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'rc'), 'echo rc ran\n');
    expect(await out('init', [join(dir, 'rc')], dir, 0, 'echo shell ran\nexit\n')).toBe('rc ran\nshell ran\n');
  });

  const workloads: [string, string[]][] = [
    ['pmake', ['-d', 'PM']],
    ['engineering', []],
    ['raytrace', []],
    ['database', []],
  ];
  it.each(workloads)('workload %s prints OK and its checksum', async (name, args) => {
    const dir = tempDir();
    const text = await out(name, args.map((a) => (a === 'PM' ? join(dir, 'pm') : a)), dir, 0, undefined, 280_000);
    const last = text.trimEnd().split('\n').pop();
    expect(last).toBe(`${name}: OK ${WORKLOAD_CHECKSUMS[name]}`);
    if (name === 'pmake') expect(existsSync(join(dir, 'pm'))).toBe(false);
  }, 300_000);

  it('raytrace: the image does not depend on the process count; -o writes a PPM', async () => {
    const dir = tempDir();
    const one = await out('raytrace', ['-w', '64', '-h', '48', '-p', '1'], dir);
    const three = await out('raytrace', ['-w', '64', '-h', '48', '-p', '3', '-o', 'img.ppm'], dir);
    expect(three.split('\n')[1]).toBe(one.split('\n')[1]);
    const ppm = readFileSync(join(dir, 'img.ppm'));
    expect(ppm.subarray(0, 13).toString()).toBe('P6\n64 48\n255\n');
    expect(ppm.length).toBe(13 + 64 * 48 * 3);
  }, 300_000);

  it('pmake: -j 1 and -j 3 build the same program', async () => {
    const dir = tempDir();
    const a = await out('pmake', ['-j', '1', '-n', '5', '-d', join(dir, 'a')], dir, 0, undefined, 280_000);
    const b = await out('pmake', ['-j', '3', '-n', '5', '-d', join(dir, 'b')], dir, 0, undefined, 280_000);
    const last = (t: string): string | undefined => t.trimEnd().split('\n').pop();
    expect(last(b)).toBe(last(a));
    expect(last(a)).toMatch(/^pmake: OK [0-9a-f]{8}$/);
  }, 300_000);

  it('pmake -I (headers read by every compile) and -S (sources from a read-only tree) build the same program', async () => {
    const dir = tempDir();
    const inc = join(repoRoot, 'guest', 'images', 'rootfs', 'usr', 'include');
    const plain = await out('pmake', ['-n', '5', '-d', join(dir, 'a')], dir, 0, undefined, 280_000);
    const withI = await out('pmake', ['-n', '5', '-I', inc, '-keep', '-d', join(dir, 'src')], dir, 0, undefined, 280_000);
    const last = (t: string): string | undefined => t.trimEnd().split('\n').pop();
    expect(last(withI)).toBe(last(plain));
    expect(readFileSync(join(dir, 'src', 'f00.c'), 'latin1')).toContain('#include "sys/param.h"');
    const fromS = await out('pmake', ['-n', '5', '-I', inc, '-S', join(dir, 'src'), '-d', join(dir, 'b')], dir, 0, undefined, 280_000);
    expect(last(fromS)).toBe(last(plain));
    expect(existsSync(join(dir, 'src', 'f04.c'))).toBe(true);   // -S leaves the source tree alone
    // A header cc1 cannot find is an error.
    writeFileSync(join(dir, 'x.c'), '#include "nope.h"\nint f(int a) { return a; }\n');
    await out('cc1', ['-I', inc, 'x.c', '-o', 'x.o'], dir, 1);
  }, 300_000);
});

suite('guest userland build', () => {
  it('is reproducible, and guest/images/rootfs/bin holds the current binaries', () => {
    requireTools([CROSS_CC, 'make']);
    const other = mkdtempSync(join(tmpdir(), 'disco-userland-build-'));
    try {
      const r = spawnSync('make', ['-C', userDir, `B=${other}`, 'build'], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`second build failed:\n${r.stdout}${r.stderr}`);
      const stale: string[] = [];
      for (const name of readdirSync(join(other, 'bin'))) {
        const fresh = readFileSync(join(other, 'bin', name));
        expect({ name, same: fresh.equals(readFileSync(join(buildBin, name))) }).toEqual({ name, same: true });
        const committed = join(rootfsBin, name);
        if (!existsSync(committed) || !fresh.equals(readFileSync(committed))) stale.push(name);
      }
      if (stale.length) {
        throw new Error(`guest/images/rootfs/bin is out of date for: ${stale.join(' ')}; run \`make -C guest/user\` and commit`);
      }
      // The header tree of pmake -I (tools/genheaders.sh) is what the generator writes.
      const r2 = spawnSync('sh', [join(userDir, 'tools', 'genheaders.sh'), join(other, 'include')], { encoding: 'utf8' });
      if (r2.status !== 0) throw new Error(`genheaders.sh failed:\n${r2.stderr}`);
      const committedInc = join(repoRoot, 'guest', 'images', 'rootfs', 'usr', 'include');
      for (const name of ['pmake.list', 'stdio.h', 'sys/types.h', 'sys/param.h']) {
        expect({ name, same: readFileSync(join(other, 'include', name)).equals(readFileSync(join(committedInc, name))) }).toEqual({ name, same: true });
      }
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  }, 300_000);
});
