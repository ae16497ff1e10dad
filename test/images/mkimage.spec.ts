// `disco mkimage` end to end: builds images from temporary host trees, checks each with Debian's
// `e2fsck -fn`, reads them back with libs/ext2's reader and with debugfs, and checks
// reproducibility, --add placement and merging, --size, the default userland and the errors.
// Needs e2fsprogs unless DISCO_SKIP_DIFFERENTIAL=1 (then only the e2fsprogs checks are skipped).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultRootfs, mkimageCommand } from '../../apps/cli/src/commands/mkimage.js';
import { Ext2Reader } from '../../libs/ext2/src/index.js';
import { debugfs, e2fsTools, expectClean, expectSameDump, expectSameTree, makeSampleTree } from './e2fs.js';

const MiB = 1024 * 1024;
const repoRoot = resolve(import.meta.dirname, '..', '..');
const tools = e2fsTools();
if (tools === null) console.warn('mkimage.spec.ts: DISCO_SKIP_DIFFERENTIAL=1 and e2fsprogs missing: skipping the e2fsck/debugfs checks');
const withTools = tools === null ? it.skip : it;

interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `disco mkimage ARGS` in this process, capturing its output; `env` entries override process.env. */
async function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const { write: stdoutWrite } = process.stdout;
  const { write: stderrWrite } = process.stderr;
  const savedEnv = Object.fromEntries(['SOURCE_DATE_EPOCH', ...Object.keys(env)].map((k) => [k, process.env[k]]));
  const setEnv = (e: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(e)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  process.stdout.write = ((chunk: string | Uint8Array) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
  setEnv({ SOURCE_DATE_EPOCH: undefined, ...env });
  try {
    const status = await mkimageCommand.run(args);
    return { status, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
    setEnv(savedEnv);
  }
}

function expectOk(r: CliResult): void {
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  expect(r.stdout).toMatch(/^disco mkimage: wrote .*UUID [0-9a-f-]{36}\n$/);
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

let tmp: string;
let src: string;
let image: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'disco-mkimage-'));
  src = join(tmp, 'src');
  makeSampleTree(src);
  image = join(tmp, 'sample.img');
  expectOk(await cli(['--out', image, '--no-rootfs', '--add', src]));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('disco mkimage on a varied tree', () => {
  withTools('writes an image that e2fsck -fn finds clean, 64 MiB by default', () => {
    expect(statSync(image).size).toBe(64 * MiB);
    expectClean(tools!, image);
  });

  it('holds exactly the host tree, owned by root, plus /dev and /lost+found (own reader)', () => {
    const r = Ext2Reader.open(image);
    try {
      expectSameTree(r, src, '/', ['dev', 'lost+found']);
      expect(r.readdir('/').map((e) => e.name).sort()).toEqual(['big', 'bin', 'dev', 'empty', 'emptydir', 'kept', 'links', 'lost+found', 'nested', 'sizes', 'small', 'tmp', 'wide']);
      expect(r.readdir('/kept')).toEqual([]); // .gitkeep is left out
      expect(r.readdir('/dev').map((e) => [e.name, e.kind])).toEqual([['console', 'chr'], ['null', 'chr'], ['tty', 'chr'], ['zero', 'chr']]);
      expect(r.stat('/lost+found')).toMatchObject({ ino: 11, kind: 'dir', perm: 0o700 });
      expect(r.stat('/').perm).toBe(0o755);
      expect(r.stat('/big/twenty-mb.bin').block[13]).not.toBe(0); // uses the double-indirect block
    } finally {
      r.close();
    }
  });

  withTools('reads back the same through debugfs (rdump, cat, stat)', () => {
    const dump = join(tmp, 'dump');
    mkdirSync(dump);
    debugfs(tools!, image, `rdump / ${dump}`);
    expectSameDump(dump, src);
    expect(debugfs(tools!, image, 'cat /big/twenty-mb.bin').equals(readFileSync(join(src, 'big/twenty-mb.bin')))).toBe(true);
    expect(debugfs(tools!, image, 'cat /sizes/269blocks').equals(readFileSync(join(src, 'sizes/269blocks')))).toBe(true);
    const devices = { console: '05:01', null: '01:03', zero: '01:05', tty: '05:00' };
    for (const [name, num] of Object.entries(devices)) {
      const stat = debugfs(tools!, image, `stat /dev/${name}`).toString();
      expect({ name, stat: /Type: character special/.test(stat), num: /Device major\/minor number: (\S+)/.exec(stat)?.[1] }).toEqual({ name, stat: true, num });
    }
  });

  it('is reproducible: same inputs give the same bytes, whatever the host timestamps', async () => {
    const again = join(tmp, 'again.img');
    utimesSync(join(src, 'nested/a/b/c/d/e/f/leaf.txt'), 1_234_567_890, 1_234_567_890);
    utimesSync(join(src, 'small'), new Date(), new Date());
    expectOk(await cli(['--out', again, '--no-rootfs', '--add', src]));
    expect(sha256(again)).toBe(sha256(image));
    rmSync(again);
  });

  it('takes its timestamps from SOURCE_DATE_EPOCH', async () => {
    const dated = join(tmp, 'dated.img');
    expectOk(await cli(['--out', dated, '--no-rootfs', '--add', join(src, 'nested')], { SOURCE_DATE_EPOCH: '1700000000' }));
    const r = Ext2Reader.open(dated);
    expect(r.stat('/a/b/c/d/e/f/leaf.txt')).toMatchObject({ mtime: 1_700_000_000, ctime: 1_700_000_000, atime: 1_700_000_000 });
    expect(r.superblock.writeTime).toBe(1_700_000_000);
    r.close();
    if (tools) expectClean(tools, dated);
  });
});

describe('sources and size', () => {
  let one: string;
  let two: string;
  beforeAll(() => {
    one = join(tmp, 'one');
    two = join(tmp, 'two');
    for (const [d, text] of [[one, 'one'], [two, 'two']] as const) {
      mkdirSync(join(d, 'shared'), { recursive: true });
      writeFileSync(join(d, 'a.txt'), text);
      writeFileSync(join(d, 'shared', `${text}.txt`), text);
    }
  });

  it('merges --add directories in order and places DIR:/DEST', async () => {
    const img = join(tmp, 'merged.img');
    expectOk(await cli(['--out', img, '--no-rootfs', '--add', one, '--add', two, '--add', `${one}:/opt/one`, '--add', `${two}:/`]));
    const r = Ext2Reader.open(img);
    expect(r.readFile('/a.txt').toString()).toBe('two');
    expect(r.readdir('/shared').map((e) => e.name)).toEqual(['one.txt', 'two.txt']);
    expect(r.readFile('/opt/one/a.txt').toString()).toBe('one');
    expect(r.stat('/opt').perm).toBe(0o755);
    r.close();
    if (tools) expectClean(tools, img);
  });

  it('uses --rootfs DIR as the default userland', async () => {
    const img = join(tmp, 'rootfs.img');
    expectOk(await cli(['--out', img, '--rootfs', one]));
    const r = Ext2Reader.open(img);
    expectSameTree(r, one, '/', ['dev', 'lost+found']);
    r.close();
  });

  it('builds the default userland (guest/images/rootfs, empty while it does not exist)', async () => {
    expect(defaultRootfs()).toBe(join(repoRoot, 'guest', 'images', 'rootfs'));
    const img = join(tmp, 'default.img');
    expectOk(await cli(['--out', img]));
    const r = Ext2Reader.open(img);
    if (existsSync(defaultRootfs())) expectSameTree(r, defaultRootfs(), '/', ['dev', 'lost+found']);
    else expect(r.readdir('/').map((e) => e.name).sort()).toEqual(['dev', 'lost+found']);
    expect(r.stat('/dev/console').device).toEqual({ major: 5, minor: 1 });
    r.close();
    if (tools) expectClean(tools, img);
  });

  it('honours --size and reports content that does not fit', async () => {
    const img = join(tmp, 'sized.img');
    expectOk(await cli(['--out', img, '--no-rootfs', '--size', '22', '--add', src]));
    expect(statSync(img).size).toBe(22 * MiB);
    if (tools) expectClean(tools, img);
    const tooSmall = join(tmp, 'small.img');
    const r = await cli(['--out', tooSmall, '--no-rootfs', '--size', '20', '--add', src]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^disco mkimage: the content .* does not fit in an image of 20 MiB; at least 2[12] MiB is needed\n$/);
    expect(existsSync(tooSmall)).toBe(false);
  });
});

describe('errors', () => {
  const usageCases: [string, string[], RegExp][] = [
    ['no arguments', [], /--out IMG is required/],
    ['--out without value', ['--out'], /--out needs a value/],
    ['non-numeric --size', ['--out', 'x.img', '--size', 'big'], /--size takes a whole number/],
    ['zero --size', ['--out', 'x.img', '--size', '0'], /--size takes a whole number/],
    ['fractional --size', ['--out', 'x.img', '--size=1.5'], /--size takes a whole number/],
    ['huge --size', ['--out', 'x.img', '--size', '100000'], /--size takes a whole number/],
    ['unknown option', ['--out', 'x.img', '--bogus'], /unknown option --bogus/],
    ['stray argument', ['--out', 'x.img', 'extra'], /unexpected argument "extra"/],
    ['long label', ['--out', 'x.img', '--label', 'a-label-of-17-chr'], /--label is at most 16 bytes/],
    ['bad destination', ['--out', 'x.img', '--add', '.:/a/../b'], /bad destination/],
  ];
  it.each(usageCases)('%s: exit 2 with the usage', async (_name, args, message) => {
    const r = await cli(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('usage: disco mkimage');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('missing or non-directory sources: exit 2', async () => {
    const out = join(tmp, 'err.img');
    const file = join(tmp, 'one', 'a.txt');
    for (const args of [['--add', join(tmp, 'missing')], ['--add', file], ['--rootfs', join(tmp, 'missing')]]) {
      const r = await cli(['--out', out, ...args]);
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
      expect(r.stderr).toMatch(/^disco mkimage: .*: (no such directory|not a directory)\n$/);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('bad SOURCE_DATE_EPOCH: exit 2; unwritable output: exit 1', async () => {
    const r = await cli(['--out', join(tmp, 'e.img'), '--no-rootfs'], { SOURCE_DATE_EPOCH: 'yesterday' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/SOURCE_DATE_EPOCH must be whole seconds/);
    const w = await cli(['--out', join(tmp, 'no', 'such', 'dir.img'), '--no-rootfs']);
    expect(w.status).toBe(1);
    expect(w.stderr).toMatch(/^disco mkimage: .*ENOENT.*\n$/);
  });
});

describe('bin/disco mkimage', () => {
  const built = join(repoRoot, 'dist', 'apps', 'cli', 'src', 'commands', 'mkimage.js');
  const disco = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin', 'disco'), ...args], { encoding: 'utf8' });

  it('runs from the command line, with status 2 and no stack trace on bad arguments', () => {
    if (!existsSync(built)) throw new Error(`${built} is missing: run "npm run build" first (npm test does)`);
    const img = join(tmp, 'bin.img');
    const ok = disco(['mkimage', '--out', img, '--no-rootfs', '--add', join(tmp, 'one')]);
    expect({ status: ok.status, stderr: ok.stderr }).toEqual({ status: 0, stderr: '' });
    expect(Ext2Reader.fromBuffer(readFileSync(img)).readFile('/a.txt').toString()).toBe('one');
    const bad = disco(['mkimage', '--size', '-3']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('usage: disco mkimage');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect(disco(['--help']).stdout).toContain('mkimage --out IMG');
  });
});
