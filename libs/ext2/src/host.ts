// Loads a host directory into the writer's in-memory tree: regular files (contents read now),
// directories, symlinks (not followed), device nodes and FIFOs, with the host's permission bits.
// Sockets are skipped with a warning; files named .gitkeep are skipped (they only exist so that
// git keeps otherwise-empty directories such as tmp/).
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { Ext2Error } from './layout.js';
import { type DirNode, type Ext2Node } from './tree.js';

export interface HostTreeOptions {
  /** Receives a message for each host entry left out (sockets). */
  onWarning?: (message: string) => void;
  /** File names never copied; default ['.gitkeep']. */
  skipNames?: readonly string[];
}

/** Splits a Linux dev_t (glibc encoding) into major and minor. */
export function splitDevice(rdev: number): { major: number; minor: number } {
  const d = BigInt(rdev);
  const major = Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn));
  const minor = Number((d & 0xffn) | ((d >> 12n) & ~0xffn));
  return { major, minor };
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Reads the tree rooted at host directory `dir` (which may itself be a symlink to a directory). */
export function readHostTree(dir: string, options: HostTreeOptions = {}): DirNode {
  let st: Stats;
  try {
    st = statSync(dir);
  } catch {
    throw new Ext2Error(`${dir}: no such directory`);
  }
  if (!st.isDirectory()) throw new Ext2Error(`${dir}: not a directory`);
  const skip = new Set(options.skipNames ?? ['.gitkeep']);
  const warn = options.onWarning ?? (() => {});

  const load = (path: string, st: Stats): Ext2Node | undefined => {
    const mode = st.mode & 0o7777;
    try {
      if (st.isDirectory()) {
        const node: DirNode = { kind: 'dir', mode, entries: new Map() };
        for (const name of readdirSync(path).sort()) {
          if (skip.has(name)) continue;
          const childPath = join(path, name);
          const child = load(childPath, lstatSync(childPath));
          if (child !== undefined) node.entries.set(name, child);
        }
        return node;
      }
      if (st.isFile()) return { kind: 'file', mode, data: readFileSync(path) };
      if (st.isSymbolicLink()) return { kind: 'symlink', target: readlinkSync(path) };
      if (st.isCharacterDevice() || st.isBlockDevice()) {
        return { kind: st.isCharacterDevice() ? 'chr' : 'blk', mode, ...splitDevice(st.rdev) };
      }
      if (st.isFIFO()) return { kind: 'fifo', mode };
    } catch (e) {
      if (e instanceof Ext2Error) throw e;
      throw new Ext2Error(`${path}: cannot read (${describe(e)})`);
    }
    warn(`${path}: skipped (sockets cannot be stored in the image)`);
    return undefined;
  };
  return load(dir, st) as DirNode;
}
