// Open file descriptions and per-process descriptor tables for the user-mode runner. Host files
// are host fds with our own file position (so lseek works without native calls); pipes between
// emulated processes live in memory. Descriptions are shared across dup and fork.

import * as fs from 'node:fs';
import { E, hostErrno, O } from './abi.js';

/** Returned by an operation that would block: the caller puts the process to sleep and retries. */
export const WOULD_BLOCK = -0x100000;

export type ReadResult = Uint8Array | number;

/** Sleep the host thread (used only while a host fd reports EAGAIN). */
export function hostSleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export abstract class FileDesc {
  /** Descriptor-table slots referring to this description, over all processes. */
  refs = 0;
  constructor(
    /** O_ACCMODE | O_APPEND | O_NONBLOCK ... (MIPS values). */
    public flags: number,
    /** Host path it was opened with (for *at() lookups, fchdir and diagnostics), or null. */
    readonly path: string | null,
  ) {}
  get readable(): boolean {
    return (this.flags & O.ACCMODE) !== O.WRONLY;
  }
  get writable(): boolean {
    return (this.flags & O.ACCMODE) !== O.RDONLY;
  }
  abstract read(len: number): ReadResult;
  abstract write(data: Uint8Array): number;
  /** Host fd for fstat/ioctl, or -1 for in-memory objects. */
  get hostFd(): number {
    return -1;
  }
  /** Bytes a write can take right now without blocking (pipes); Infinity otherwise. */
  writeSpace(): number {
    return Infinity;
  }
  /** Called when the last reference goes away. */
  abstract release(): void;
  /** poll(2) readiness: POLLIN/POLLOUT/POLLHUP bits for the requested events. */
  abstract pollBits(): { in: boolean; out: boolean; hup: boolean };
}

export interface DirEntry {
  name: Buffer;
  ino: bigint;
  type: number;
}

/** The host's file offset of `fd` (from /proc/self/fdinfo), or 0. */
export function hostFdPos(fd: number): number {
  try {
    return Number(/pos:\s*(\d+)/.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export class HostFile extends FileDesc {
  /**
   * Our file position, or null to use the host fd's own offset: streams (pipes, ttys), and
   * inherited stdio files, whose offset the host shell shares, until the guest seeks them.
   */
  pos: number | null;
  /** Regular file, block device or directory: lseek/pread work. */
  readonly seekable: boolean;
  /** Directory listing snapshot for getdents (pos indexes it). */
  dirEntries: DirEntry[] | null = null;
  readonly isDir: boolean;

  constructor(
    private readonly fd: number,
    flags: number,
    path: string | null,
    /** False for inherited host stdio: never closed by us, and it keeps the host's offset. */
    private readonly owned: boolean,
  ) {
    super(flags, path);
    let st: fs.Stats | null = null;
    try {
      st = fs.fstatSync(fd);
    } catch {
      st = null;
    }
    this.isDir = st?.isDirectory() ?? false;
    this.seekable = st !== null && (st.isFile() || st.isBlockDevice() || st.isDirectory());
    this.pos = this.seekable && (owned || this.isDir) ? 0 : null;
  }

  override get hostFd(): number {
    return this.fd;
  }

  /** One of the host's stdio fds handed to the first process. */
  get inherited(): boolean {
    return !this.owned;
  }

  /** The offset lseek(fd, 0, SEEK_CUR) reports. */
  tell(): number {
    return this.pos ?? (this.seekable ? hostFdPos(this.fd) : 0);
  }

  read(len: number): ReadResult {
    const r = this.readAt(len, this.pos);
    if (typeof r !== 'number' && this.pos !== null) this.pos += r.length;
    return r;
  }

  /** Read at `position` (null: at the host offset, advancing it) without touching `pos`. */
  readAt(len: number, position: number | null): ReadResult {
    if (this.isDir) return -E.ISDIR;
    const buf = Buffer.allocUnsafe(len);
    for (;;) {
      try {
        const n = fs.readSync(this.fd, buf, 0, buf.length, position);
        return buf.subarray(0, n);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'EAGAIN' && (this.flags & O.NONBLOCK) === 0) {
          hostSleep(2);
          continue;
        }
        if (code === 'EOF') return buf.subarray(0, 0);
        return -hostErrno(e);
      }
    }
  }

  write(data: Uint8Array): number {
    const append = (this.flags & O.APPEND) !== 0;
    const n = this.writeAt(data, this.pos === null || append ? null : this.pos);
    if (n > 0 && this.pos !== null) {
      if (append) {
        try {
          this.pos = fs.fstatSync(this.fd).size;
        } catch {
          /* keep the old position */
        }
      } else this.pos += n;
    }
    return n;
  }

  /** Write all of `data` at `position` (null: the host offset); bytes written or -errno. */
  writeAt(data: Uint8Array, position: number | null): number {
    let done = 0;
    while (done < data.length) {
      try {
        done += fs.writeSync(this.fd, data, done, data.length - done, position === null ? null : position + done);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'EAGAIN') {
          if ((this.flags & O.NONBLOCK) !== 0) return done > 0 ? done : -E.AGAIN;
          hostSleep(2);
          continue;
        }
        if (done > 0) break;
        return -hostErrno(e);
      }
    }
    return done;
  }

  release(): void {
    if (!this.owned) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already gone */
    }
  }

  pollBits(): { in: boolean; out: boolean; hup: boolean } {
    return { in: true, out: true, hup: false };
  }
}

/** An in-memory pipe: a FIFO of chunks with a capacity, counting reader and writer ends. */
export class Pipe {
  private chunks: Uint8Array[] = [];
  private head = 0;
  size = 0;
  readers = 0;
  writers = 0;
  static readonly CAPACITY = 65536;
  static readonly ATOMIC = 4096;

  take(len: number): Uint8Array {
    const n = Math.min(len, this.size);
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const c = this.chunks[0];
      const avail = c.length - this.head;
      const k = Math.min(avail, n - got);
      out.set(c.subarray(this.head, this.head + k), got);
      got += k;
      this.head += k;
      if (this.head === c.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.size -= n;
    return out;
  }

  put(data: Uint8Array): void {
    this.chunks.push(data.slice());
    this.size += data.length;
  }
}

export class PipeEnd extends FileDesc {
  constructor(
    readonly pipe: Pipe,
    readonly isWriteEnd: boolean,
    flags: number,
  ) {
    super((flags & ~O.ACCMODE) | (isWriteEnd ? O.WRONLY : O.RDONLY), null);
    if (isWriteEnd) pipe.writers++;
    else pipe.readers++;
  }

  read(len: number): ReadResult {
    if (this.isWriteEnd) return -E.BADF;
    if (len === 0) return new Uint8Array(0);
    if (this.pipe.size > 0) return this.pipe.take(len);
    if (this.pipe.writers === 0) return new Uint8Array(0);
    return (this.flags & O.NONBLOCK) !== 0 ? -E.AGAIN : WOULD_BLOCK;
  }

  /** Bytes written, -EPIPE (the caller raises SIGPIPE), -EAGAIN or WOULD_BLOCK. */
  write(data: Uint8Array): number {
    if (!this.isWriteEnd) return -E.BADF;
    const p = this.pipe;
    if (p.readers === 0) return -E.PIPE;
    if (data.length === 0) return 0;
    const space = Pipe.CAPACITY - p.size;
    // Writes up to PIPE_BUF are atomic: all or wait. Larger ones take what fits.
    if (space <= 0 || (data.length <= Pipe.ATOMIC && space < data.length)) {
      return (this.flags & O.NONBLOCK) !== 0 ? -E.AGAIN : WOULD_BLOCK;
    }
    const n = Math.min(space, data.length);
    p.put(data.subarray(0, n));
    return n;
  }

  override writeSpace(): number {
    return Math.max(0, Pipe.CAPACITY - this.pipe.size);
  }

  release(): void {
    if (this.isWriteEnd) this.pipe.writers--;
    else this.pipe.readers--;
  }

  pollBits(): { in: boolean; out: boolean; hup: boolean } {
    const p = this.pipe;
    if (this.isWriteEnd) return { in: false, out: p.readers > 0 && p.size < Pipe.CAPACITY, hup: p.readers === 0 };
    return { in: p.size > 0, out: false, hup: p.writers === 0 };
  }
}

interface Slot {
  desc: FileDesc;
  cloexec: boolean;
}

export const MAX_FDS = 65536;

/** One process's descriptor table. */
export class FdTable {
  private slots: (Slot | undefined)[] = [];

  get(fd: number): FileDesc | undefined {
    return fd >= 0 && fd < this.slots.length ? this.slots[fd]?.desc : undefined;
  }

  getCloexec(fd: number): boolean {
    return this.slots[fd]?.cloexec ?? false;
  }

  setCloexec(fd: number, on: boolean): void {
    const s = this.slots[fd];
    if (s !== undefined) s.cloexec = on;
  }

  /** Install `desc` at the lowest free fd >= min; returns the fd or -EMFILE. */
  add(desc: FileDesc, cloexec = false, min = 0): number {
    for (let fd = min; fd < MAX_FDS; fd++) {
      if (this.slots[fd] === undefined) {
        this.place(fd, desc, cloexec);
        return fd;
      }
    }
    return -E.MFILE;
  }

  /** Put `desc` at exactly `fd`, closing what was there. */
  place(fd: number, desc: FileDesc, cloexec = false): void {
    desc.refs++;
    this.close(fd);
    while (this.slots.length <= fd) this.slots.push(undefined);
    this.slots[fd] = { desc, cloexec };
  }

  close(fd: number): boolean {
    const s = fd >= 0 && fd < this.slots.length ? this.slots[fd] : undefined;
    if (s === undefined) return false;
    this.slots[fd] = undefined;
    if (--s.desc.refs === 0) s.desc.release();
    return true;
  }

  closeAll(): void {
    for (let fd = 0; fd < this.slots.length; fd++) this.close(fd);
  }

  closeOnExec(): void {
    for (let fd = 0; fd < this.slots.length; fd++) if (this.slots[fd]?.cloexec) this.close(fd);
  }

  /** A copy sharing every description (fork). */
  fork(): FdTable {
    const t = new FdTable();
    this.slots.forEach((s, fd) => {
      if (s !== undefined) t.place(fd, s.desc, s.cloexec);
    });
    return t;
  }

  /** Open fds in order (for close_range and diagnostics). */
  openFds(): number[] {
    const out: number[] = [];
    this.slots.forEach((s, fd) => {
      if (s !== undefined) out.push(fd);
    });
    return out;
  }
}
