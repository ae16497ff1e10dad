// The in-memory file tree the writer turns into an ext2 image: directories, regular files,
// symlinks, device nodes and FIFOs, with helpers to build, place and merge trees. Ownership is
// always root (uid 0, gid 0); `mode` holds only the permission bits (0o7777).
import { Ext2Error, MAX_NAME_LEN } from './layout.js';

export interface FileNode {
  kind: 'file';
  mode: number;
  data: Uint8Array;
}
export interface DirNode {
  kind: 'dir';
  mode: number;
  entries: Map<string, Ext2Node>;
}
export interface SymlinkNode {
  kind: 'symlink';
  target: string;
}
export interface DeviceNode {
  kind: 'chr' | 'blk';
  mode: number;
  major: number;
  minor: number;
}
export interface FifoNode {
  kind: 'fifo';
  mode: number;
}
export type Ext2Node = FileNode | DirNode | SymlinkNode | DeviceNode | FifoNode;

/** A directory node; entries as an object ({ name: node }) or [name, node] pairs. */
export function dir(entries: Record<string, Ext2Node> | Iterable<[string, Ext2Node]> = {}, mode = 0o755): DirNode {
  const list = Symbol.iterator in entries ? entries : Object.entries(entries);
  return { kind: 'dir', mode, entries: new Map(list as Iterable<[string, Ext2Node]>) };
}
export function file(data: Uint8Array | string, mode = 0o644): FileNode {
  return { kind: 'file', mode, data: typeof data === 'string' ? Buffer.from(data, 'utf8') : data };
}
export function symlink(target: string): SymlinkNode {
  return { kind: 'symlink', target };
}
export function chr(major: number, minor: number, mode = 0o666): DeviceNode {
  return { kind: 'chr', mode, major, minor };
}
export function blk(major: number, minor: number, mode = 0o660): DeviceNode {
  return { kind: 'blk', mode, major, minor };
}
export function fifo(mode = 0o644): FifoNode {
  return { kind: 'fifo', mode };
}

/** Checks that `name` can be a directory entry: 1..255 UTF-8 bytes, no '/' or NUL, not '.' or '..'. */
export function checkName(name: string): void {
  const len = Buffer.byteLength(name, 'utf8');
  if (len === 0 || len > MAX_NAME_LEN || name.includes('/') || name.includes('\0') || name === '.' || name === '..') {
    throw new Ext2Error(`invalid file name ${JSON.stringify(name)} (1..${MAX_NAME_LEN} bytes, no "/" or NUL)`);
  }
}

/** Splits an image path ("/a/b", "a/b/") into its components; "" and "/" give []. */
export function splitPath(path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  for (const p of parts) checkName(p);
  return parts;
}

/** Returns the directory at `path` under `root`, creating missing directories with `mode`. */
export function mkdirp(root: DirNode, path: string, mode = 0o755): DirNode {
  let cur = root;
  const walked: string[] = [];
  for (const name of splitPath(path)) {
    walked.push(name);
    let next = cur.entries.get(name);
    if (next === undefined) {
      next = dir({}, mode);
      cur.entries.set(name, next);
    } else if (next.kind !== 'dir') {
      throw new Ext2Error(`/${walked.join('/')} is a ${next.kind}, not a directory`);
    }
    cur = next;
  }
  return cur;
}

/** Places `node` at `path` (parents created as 0755 directories), replacing what was there. */
export function put(root: DirNode, path: string, node: Ext2Node): void {
  const parts = splitPath(path);
  const name = parts.pop();
  if (name === undefined) throw new Ext2Error('cannot replace the root directory with put(); use merge()');
  mkdirp(root, parts.join('/')).entries.set(name, node);
}

/** Looks up `path` under `root` (no symlink following); undefined when absent. */
export function lookup(root: DirNode, path: string): Ext2Node | undefined {
  let cur: Ext2Node = root;
  for (const name of splitPath(path)) {
    if (cur.kind !== 'dir') return undefined;
    const next: Ext2Node | undefined = cur.entries.get(name);
    if (next === undefined) return undefined;
    cur = next;
  }
  return cur;
}

/**
 * Merges `src` into `dst` (like copying one tree over the other): directories merge
 * recursively and take `src`'s mode; any other clash is won by `src`.
 */
export function merge(dst: DirNode, src: DirNode): void {
  dst.mode = src.mode;
  for (const [name, node] of src.entries) {
    const old = dst.entries.get(name);
    if (old !== undefined && old.kind === 'dir' && node.kind === 'dir') merge(old, node);
    else dst.entries.set(name, node);
  }
}

/** Counts the nodes of a tree, the root included. */
export function countNodes(root: DirNode): number {
  let n = 1;
  for (const node of root.entries.values()) n += node.kind === 'dir' ? countNodes(node) : 1;
  return n;
}

/** Device nodes every Disco image has in /dev (name, major, minor, permissions). */
export const STANDARD_DEVICES: readonly { name: string; major: number; minor: number; mode: number }[] = [
  { name: 'console', major: 5, minor: 1, mode: 0o600 },
  { name: 'null', major: 1, minor: 3, mode: 0o666 },
  { name: 'tty', major: 5, minor: 0, mode: 0o666 },
  { name: 'zero', major: 1, minor: 5, mode: 0o666 },
];

/** Creates /dev (0755 if missing) and the standard character devices, replacing same-named entries. */
export function addStandardDevices(root: DirNode): void {
  const dev = mkdirp(root, 'dev');
  for (const d of STANDARD_DEVICES) dev.entries.set(d.name, chr(d.major, d.minor, d.mode));
}
