// `disco mkimage`: builds an ext2 disk image (docs/images.md) from the default guest userland
// (guest/images/rootfs/) plus host directories given with --add, with libs/ext2's own writer.
// Exit status: 0 written, 1 failure (content does not fit, I/O error), 2 bad arguments.
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  addStandardDevices, buildImage, dir, Ext2Error, merge, mkdirp, readHostTree, splitPath, type DirNode,
} from '../../../../libs/ext2/src/index.js';
import { repoRoot } from '../repo-root.js';

const MiB = 1024 * 1024;
/** Largest --size in MiB: every group carries a superblock and GDT copy, so keep images modest. */
const MAX_SIZE_MIB = 4096;

const USAGE = `usage: disco mkimage --out IMG [--size MB] [--add DIR[:/DEST]]... [--rootfs DIR | --no-rootfs] [--label NAME]

Builds an ext2 disk image (format: docs/images.md) from the default guest userland
(guest/images/rootfs/), then each --add directory in order, then /dev's device nodes
(console, null, tty, zero). Later sources win over earlier ones; directories merge.

  --out IMG          image file to write (replaced if it exists)
  --size MB          image size in MiB, 1..${MAX_SIZE_MIB} (default: content + 25% + 8 MiB, at least 64)
  --add DIR          merge host directory DIR into the image root (repeatable)
  --add DIR:/DEST    place DIR's contents at /DEST in the image (parents created)
  --rootfs DIR       use DIR instead of guest/images/rootfs/ as the default userland
  --no-rootfs        start from an empty tree
  --label NAME       volume label, at most 16 bytes (default "disco")

Everything is owned by root; permissions come from the host. All timestamps are
SOURCE_DATE_EPOCH when set, else 1997-10-05; the same inputs give the same image bytes.
`;

class UsageError extends Error {}

interface Options {
  out: string;
  sizeMiB?: number;
  adds: { dir: string; dest: string }[];
  /** The default userland: path, and whether it must exist (only when given with --rootfs). */
  rootfs: { path: string; required: boolean } | null;
  label?: string;
}

export function defaultRootfs(): string {
  return join(repoRoot(), 'guest', 'images', 'rootfs');
}

function parseArgs(args: string[]): Options {
  let out: string | undefined;
  let sizeMiB: number | undefined;
  let rootfs: string | null | undefined;
  let label: string | undefined;
  const adds: Options['adds'] = [];
  for (let i = 0; i < args.length; i++) {
    let arg = args[i]!;
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const takeValue = (): string => {
      if (value !== undefined) return value;
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--out': out = takeValue(); break;
      case '--size': {
        const v = takeValue();
        if (!/^[0-9]+$/.test(v) || Number(v) < 1 || Number(v) > MAX_SIZE_MIB) {
          throw new UsageError(`--size takes a whole number of MiB from 1 to ${MAX_SIZE_MIB}, not "${v}"`);
        }
        sizeMiB = Number(v);
        break;
      }
      case '--add': {
        const v = takeValue();
        const colon = v.lastIndexOf(':');
        const hasDest = colon > 0 && v[colon + 1] === '/';
        const dirPath = hasDest ? v.slice(0, colon) : v;
        const dest = hasDest ? v.slice(colon + 1) : '/';
        if (dirPath === '') throw new UsageError('--add needs a directory');
        try {
          splitPath(dest);
        } catch (e) {
          throw new UsageError(`--add ${v}: bad destination (${(e as Error).message})`);
        }
        adds.push({ dir: dirPath, dest });
        break;
      }
      case '--rootfs': rootfs = takeValue(); break;
      case '--no-rootfs':
        if (value !== undefined) throw new UsageError('--no-rootfs takes no value');
        rootfs = null;
        break;
      case '--label': {
        label = takeValue();
        if (Buffer.byteLength(label, 'utf8') > 16) throw new UsageError('--label is at most 16 bytes');
        break;
      }
      default:
        throw new UsageError(arg.startsWith('-') ? `unknown option ${arg}` : `unexpected argument "${arg}"`);
    }
  }
  if (out === undefined || out === '') throw new UsageError('--out IMG is required');
  const opts: Options = {
    out,
    adds,
    rootfs: rootfs === undefined ? { path: defaultRootfs(), required: false } : rootfs === null ? null : { path: rootfs, required: true },
  };
  if (sizeMiB !== undefined) opts.sizeMiB = sizeMiB;
  if (label !== undefined) opts.label = label;
  return opts;
}

function timestampFromEnv(): number | undefined {
  const v = process.env.SOURCE_DATE_EPOCH;
  if (v === undefined || v === '') return undefined;
  if (!/^[0-9]+$/.test(v) || Number(v) > 0xffffffff) {
    throw new UsageError(`SOURCE_DATE_EPOCH must be whole seconds from 0 to 4294967295, not "${v}"`);
  }
  return Number(v);
}

/** The image tree: default userland, then the --add directories, then /dev nodes. */
function assembleTree(opts: Options, warn: (m: string) => void): DirNode {
  const root = dir();
  // A missing default rootfs is an empty userland; an explicit --rootfs must exist.
  if (opts.rootfs !== null && (opts.rootfs.required || existsSync(opts.rootfs.path))) {
    merge(root, readHostTree(opts.rootfs.path, { onWarning: warn }));
  }
  for (const add of opts.adds) {
    const tree = readHostTree(add.dir, { onWarning: warn });
    const target = mkdirp(root, add.dest);
    merge(target, tree);
  }
  root.mode = 0o755;
  addStandardDevices(root);
  return root;
}

function fail(message: string, status: number, showUsage = false): number {
  process.stderr.write(`disco mkimage: ${message}\n${showUsage ? '\n' + USAGE : ''}`);
  return status;
}

async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  let opts: Options;
  let timestamp: number | undefined;
  try {
    opts = parseArgs(args);
    timestamp = timestampFromEnv();
  } catch (e) {
    if (e instanceof UsageError) return fail(e.message, 2, true);
    throw e;
  }
  const sources = [...(opts.rootfs?.required ? [opts.rootfs.path] : []), ...opts.adds.map((a) => a.dir)];
  for (const src of sources) {
    if (!existsSync(src)) return fail(`${src}: no such directory`, 2);
    if (!statSync(src).isDirectory()) return fail(`${src}: not a directory`, 2);
  }
  const out = resolve(opts.out);
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    const tree = assembleTree(opts, (m) => process.stderr.write(`disco mkimage: warning: ${m}\n`));
    const image = buildImage(tree, {
      ...(opts.sizeMiB !== undefined ? { sizeBytes: opts.sizeMiB * MiB } : {}),
      ...(timestamp !== undefined ? { timestamp } : {}),
      ...(opts.label !== undefined ? { label: opts.label } : {}),
    });
    image.writeFile(tmp);
    renameSync(tmp, out);
    const { info } = image;
    const g = info.geometry;
    process.stdout.write(
      `disco mkimage: wrote ${opts.out}: ${info.sizeBytes / MiB} MiB, ${info.usedInodes}/${g.inodesCount} inodes, ` +
        `${info.usedBlocks}/${g.blocksCount} blocks used, UUID ${info.uuid}\n`,
    );
    return 0;
  } catch (e) {
    rmSync(tmp, { force: true });
    if (e instanceof Ext2Error) return fail(e.message, 1);
    return fail(e instanceof Error ? e.message : String(e), 1);
  }
}

export const mkimageCommand = {
  summary: 'build an ext2 disk image from the guest userland and host directories',
  run,
};
