// execve for the user-mode runner: find and check the program (#! scripts included), then
// replace the process image in place (fresh address space, close-on-exec fds, handlers reset).
// Also builds the first process with the host's stdio.

import * as fs from 'node:fs';
import { basename } from 'node:path';
import { type ElfImage } from '../loader/elf.js';
import { E, hostErrno, O, SIG_IGN } from './abi.js';
import { HostFile } from './files.js';
import type { Kernel } from './kernel.js';
import { checkExecutable, loadImage, MAX_ARG_BYTES } from './loader.js';
import type { Process } from './process.js';

interface CachedFile {
  key: string;
  bytes: Uint8Array;
  elf: ElfImage | number | null;
}

/** Programs are re-executed often (busybox sh runs applets via /proc/self/exe): keep the bytes. */
const fileCache = new Map<string, CachedFile>();

function readProgram(path: string, st: fs.Stats): CachedFile {
  const key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
  const hit = fileCache.get(path);
  if (hit !== undefined && hit.key === key) return hit;
  const entry: CachedFile = { key, bytes: fs.readFileSync(path), elf: null };
  if (fileCache.size > 16) fileCache.clear();
  fileCache.set(path, entry);
  return entry;
}

/**
 * Replace `p`'s image with the program at host path `path`. Returns 0, or a positive errno
 * while the old image is still intact. A failure after the point of no return kills `p`.
 */
export function execProgram(k: Kernel, p: Process, path: string, argv: Buffer[], envp: Buffer[], execfn: Buffer): number {
  let file: CachedFile;
  let elf: ElfImage;
  let args = argv;
  let cur = path;
  for (let depth = 0; ; depth++) {
    if (depth > 4) return E.LOOP;
    let st: fs.Stats;
    try {
      st = fs.statSync(cur);
    } catch (e) {
      return hostErrno(e);
    }
    if (!st.isFile()) return E.ACCES;
    try {
      fs.accessSync(cur, fs.constants.X_OK);
      file = readProgram(cur, st);
    } catch (e) {
      return hostErrno(e);
    }
    const b = file.bytes;
    if (b.length > 2 && b[0] === 0x23 && b[1] === 0x21) {
      let end = b.indexOf(0x0a);
      if (end < 0) end = Math.min(b.length, 256);
      const line = Buffer.from(b.subarray(2, end)).toString('utf8').trim();
      if (line === '') return E.NOEXEC;
      const sp = line.search(/[ \t]/);
      const interp = sp < 0 ? line : line.slice(0, sp);
      const opt = sp < 0 ? '' : line.slice(sp).trim();
      const script = depth === 0 ? execfn : Buffer.from(cur);
      args = [Buffer.from(interp), ...(opt ? [Buffer.from(opt)] : []), script, ...args.slice(1)];
      cur = interp;
      continue;
    }
    if (file.elf === null) file.elf = checkExecutable(b);
    if (typeof file.elf === 'number') return file.elf;
    elf = file.elf;
    break;
  }

  let argBytes = execfn.length + 1;
  for (const a of args) argBytes += a.length + 1;
  for (const e of envp) argBytes += e.length + 1;
  if (argBytes > MAX_ARG_BYTES) return E.TOOBIG;

  // Point of no return.
  p.mm.clear();
  const text = k.sharedText(`${cur}\0${file.key}`);
  const r = loadImage(p, file.bytes, elf, args, envp, execfn, { uid: k.uid, gid: k.gid }, k.trampolineFrame, text);
  if (r !== 0) {
    k.killProcess(p, 11);
    return 0;
  }
  try {
    p.exePath = fs.realpathSync(cur);
  } catch {
    p.exePath = cur;
  }
  p.comm = basename(cur).slice(0, 15);
  p.fds.closeOnExec();
  for (const act of p.sig.actions) {
    if (act.handler !== SIG_IGN) {
      act.handler = 0;
      act.flags = 0;
      act.mask.fill(0);
    }
  }
  p.sig.altDisabled = true;
  p.sig.altSp = p.sig.altSize = 0;
  p.clearChildTid = 0;
  p.vforkDone = true;
  return 0;
}

/** Whether an inherited host fd was opened O_APPEND (from /proc/self/fdinfo). */
function hostFdAppend(fd: number): boolean {
  try {
    const text = fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
    return (parseInt(/flags:\s*([0-7]+)/.exec(text)?.[1] ?? '0', 8) & 0o2000) !== 0;
  } catch {
    return false;
  }
}

/** Give `p` the host's stdio (as given to the kernel) as fds 0, 1 and 2. */
export function setupStdio(k: Kernel, p: Process): void {
  k.stdio.forEach((hostFd, fd) => {
    try {
      fs.fstatSync(hostFd);
    } catch {
      return; // closed on the host: closed in the guest too
    }
    const flags = O.RDWR | (hostFdAppend(hostFd) ? O.APPEND : 0);
    p.fds.place(fd, new HostFile(hostFd, flags, null, false));
  });
}
