// Debian's native mipsel gcc 12 toolchain for the guest, for `bench/memory` and
// `bench/scalability --gcc` (the paper's pmake compiled with gcc): the packages are fetched
// with apt-get download (the mipsel architecture added as scripts/fetch-busybox.mjs does),
// unpacked with dpkg-deb -x into build/gcc-toolchain/tree, pruned of what a C compile never
// reads (documentation, the LTO compiler) and given /usr/bin/gcc, as and ld links. The tree
// is merged into the benchmark's base root image; it is never committed (about 100 MB) and
// never used by npm test. Idempotent: does nothing when the tree is there.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** The packages (bookworm, mipsel) a `gcc -c` and a dynamic link need, and what they run on. */
export const TOOLCHAIN_PACKAGES = [
  'gcc-12', 'cpp-12', 'libgcc-12-dev', 'libc6', 'libc6-dev', 'linux-libc-dev', 'libgcc-s1',
  'libgmp10', 'libmpfr6', 'libmpc3', 'libisl23', 'libzstd1', 'zlib1g',
  'binutils-mipsel-linux-gnu', 'libbinutils', 'libctf-nobfd0', 'libctf0', 'libjansson4',
];
const DIR = join(ROOT, 'build', 'gcc-toolchain');
const TREE = join(DIR, 'tree');
const STAMP = join(DIR, 'complete');

function must(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.error || r.status !== 0) {
    throw new Error(`toolchain: '${cmd} ${args.join(' ')}' failed: ${r.error?.message ?? `exit ${r.status}`}\n${(r.stdout ?? '') + (r.stderr ?? '')}`);
  }
  return r.stdout;
}

/** The unpacked toolchain tree (fetched on first use); its path, to merge into a root image. */
export function ensureToolchain(log = (m) => console.error(m)) {
  if (existsSync(STAMP)) return TREE;
  const debs = join(DIR, 'debs');
  mkdirSync(debs, { recursive: true });
  if (!must('dpkg', ['--print-foreign-architectures']).split('\n').includes('mipsel')) {
    must('dpkg', ['--add-architecture', 'mipsel']);
    must('apt-get', ['update']);
  }
  log(`toolchain: apt-get download ${TOOLCHAIN_PACKAGES.length} mipsel packages into ${debs}`);
  must('apt-get', ['download', ...TOOLCHAIN_PACKAGES.map((p) => `${p}:mipsel`)], { cwd: debs });
  const tmp = `${TREE}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  for (const f of readdirSync(debs).filter((x) => x.endsWith('.deb')).sort()) must('dpkg-deb', ['-x', join(debs, f), tmp]);
  for (const p of ['usr/share', 'usr/lib/gcc/mipsel-linux-gnu/12/lto1', 'usr/lib/gcc/mipsel-linux-gnu/12/lto-wrapper']) rmSync(join(tmp, p), { recursive: true, force: true });
  for (const f of readdirSync(join(tmp, 'usr/bin')).filter((x) => x.includes('lto-dump'))) rmSync(join(tmp, 'usr/bin', f));
  for (const [name, target] of [['gcc', 'mipsel-linux-gnu-gcc-12'], ['as', 'mipsel-linux-gnu-as'], ['ld', 'mipsel-linux-gnu-ld']]) {
    symlinkSync(target, join(tmp, 'usr/bin', name));
  }
  mkdirSync(join(tmp, 'tmp'), { recursive: true, mode: 0o1777 });
  writeFileSync(join(tmp, 'tmp', '.gitkeep'), '');
  rmSync(TREE, { recursive: true, force: true });
  renameSync(tmp, TREE);
  writeFileSync(STAMP, `${must('sh', ['-c', `cd '${debs}' && ls *.deb`])}`);
  return TREE;
}
