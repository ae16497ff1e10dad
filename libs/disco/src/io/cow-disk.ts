// Copy-on-write disks (paper §2.5): a read-only base image shared by many VMs plus a per-VM
// overlay of the sectors that VM wrote. Reads take each sector from the overlay when the VM
// wrote it, else from the base; writes go to the overlay only, so the base is never changed.
// Non-persistent overlays live in host memory and are dropped when the VM stops; persistent
// ones are a log file (format below and in docs/monitor.md) whose contents survive VM and
// monitor restarts. A bad overlay file is refused with a clear error and left untouched.
//
// Overlay file, version 1 (little-endian):
//   header, 512 bytes: "DISCOCOW" | u32 version = 1 | u32 header bytes = 512 | u32 base sectors
//     | u32 0 | 32 bytes SHA-256 of the base image | u32 CRC-32 of bytes 0..55 | zeros
//   then records, appended by every write: u32 magic "SREC" | u32 first sector | u32 count
//     (1..2048) | u32 CRC-32 of the record's first 12 bytes and its data | count * 512 bytes.
//   A sector's contents are those of the last record covering it; sectors in no record are the
//   base image's. Closing compacts the log (temporary file, rename) when most of it is dead.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { BlockBackend } from '../../../machine/src/devices/block/block.backend.js';
import type { BaseImage } from './disk-cache.js';

const SECTOR = 512;
const HEADER_BYTES = 512;
const REC_HEADER = 16;
const MAX_RECORD_SECTORS = 2048;
const MAGIC = Buffer.from('DISCOCOW', 'latin1');
const REC_MAGIC = 0x43455253; // "SREC"
export const OVERLAY_VERSION = 1;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE) of `data`, continuing from `crc` (0 to start). */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** A base image opened read-only; identified by its file (path, device, inode, size, mtime). */
export class FileBaseImage implements BaseImage {
  readonly backend: BlockBackend;
  readonly sectors: number;
  private hash: Buffer | null = null;

  constructor(
    readonly index: number,
    readonly identity: string,
    readonly path: string,
    backend: BlockBackend,
  ) {
    this.backend = backend;
    this.sectors = backend.sectorCount;
  }

  /** SHA-256 of the whole image (computed once): what a persistent overlay is bound to. */
  contentHash(): Buffer {
    if (this.hash !== null) return this.hash;
    const h = createHash('sha256');
    const chunk = 2048;
    const buf = new Uint8Array(chunk * SECTOR);
    for (let s = 0; s < this.sectors; s += chunk) {
      const n = Math.min(chunk, this.sectors - s);
      this.backend.read(s, n, buf);
      h.update(buf.subarray(0, n * SECTOR));
    }
    this.hash = h.digest();
    return this.hash;
  }
}

/** The sectors one VM wrote on a COW disk. */
export interface Overlay {
  readonly persistent: boolean;
  /** Sectors currently in the overlay. */
  readonly sectorsWritten: number;
  has(sector: number): boolean;
  /** Copy the overlay's sector into `into` at byte offset `at` (the sector must be present). */
  read(sector: number, into: Uint8Array, at: number): void;
  /** Store `data` (count * 512 bytes) from `sector`. May throw on host I/O failure. */
  write(sector: number, data: Uint8Array): void;
  flush(): void;
  /** Drop every change (non-persistent overlays at VM stop); persistent ones keep theirs. */
  discard(): void;
  close(): void;
}

/** Non-persistent overlay: written sectors in host memory, gone when the VM stops. */
export class MemoryOverlay implements Overlay {
  readonly persistent = false;
  private readonly map = new Map<number, Uint8Array>();

  get sectorsWritten(): number {
    return this.map.size;
  }

  has(sector: number): boolean {
    return this.map.has(sector);
  }

  read(sector: number, into: Uint8Array, at: number): void {
    into.set(this.map.get(sector)!, at);
  }

  write(sector: number, data: Uint8Array): void {
    for (let i = 0; i * SECTOR < data.length; i++) this.map.set(sector + i, data.slice(i * SECTOR, (i + 1) * SECTOR));
  }

  flush(): void {}

  discard(): void {
    this.map.clear();
  }

  close(): void {}
}

/** A persistent overlay file could not be used: what is wrong with it (nothing was changed). */
export class OverlayError extends Error {}

function header(baseSectors: number, baseHash: Buffer): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(h, 0);
  h.writeUInt32LE(OVERLAY_VERSION, 8);
  h.writeUInt32LE(HEADER_BYTES, 12);
  h.writeUInt32LE(baseSectors, 16);
  baseHash.copy(h, 24);
  h.writeUInt32LE(crc32(h.subarray(0, 56)), 56);
  return h;
}

function recordHeader(sector: number, count: number, data: Uint8Array): Buffer {
  const r = Buffer.alloc(REC_HEADER);
  r.writeUInt32LE(REC_MAGIC, 0);
  r.writeUInt32LE(sector, 4);
  r.writeUInt32LE(count, 8);
  r.writeUInt32LE(crc32(data, crc32(r.subarray(0, 12))), 12);
  return r;
}

/**
 * Persistent overlay: the log file described at the top. `open` validates the whole file before
 * anything is written to it; a missing file is created (header only).
 */
export class FileOverlay implements Overlay {
  readonly persistent = true;
  /** sector -> byte offset of its latest data in the file. */
  private readonly index = new Map<number, number>();
  private fd: number;
  private end: number;

  private constructor(
    readonly path: string,
    private readonly baseSectors: number,
    private readonly baseHash: Buffer,
    fd: number,
    end: number,
  ) {
    this.fd = fd;
    this.end = end;
  }

  /** Open (or create) the overlay of `base` at `path`; an OverlayError when it cannot be used. */
  static open(path: string, base: FileBaseImage): FileOverlay {
    const hash = base.contentHash();
    if (!fs.existsSync(path)) {
      const tmp = `${path}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, header(base.sectors, hash));
      fs.renameSync(tmp, path);
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(path);
    } catch (e) {
      throw new OverlayError(`overlay ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!st.isFile()) throw new OverlayError(`overlay ${path}: not a regular file`);
    const fd = fs.openSync(path, 'r');
    const index = new Map<number, number>();
    let end: number;
    try {
      end = FileOverlay.scan(path, fd, st.size, base.sectors, hash, index);
    } finally {
      fs.closeSync(fd);
    }
    const o = new FileOverlay(path, base.sectors, hash, fs.openSync(path, 'r+'), end);
    for (const [s, off] of index) o.index.set(s, off);
    return o;
  }

  /** Validate header and records; fills `index`; returns the end of the log. Throws OverlayError. */
  private static scan(path: string, fd: number, size: number, sectors: number, hash: Buffer, index: Map<number, number>): number {
    const bad = (why: string): OverlayError => new OverlayError(`overlay ${path}: ${why}; the file was left as it is`);
    if (size < HEADER_BYTES) throw bad(`${size} bytes, too short for a Disco COW overlay header`);
    const h = Buffer.alloc(HEADER_BYTES);
    fs.readSync(fd, h, 0, HEADER_BYTES, 0);
    if (!h.subarray(0, 8).equals(MAGIC)) throw bad('not a Disco COW overlay (bad magic)');
    if (h.readUInt32LE(56) !== crc32(h.subarray(0, 56))) throw bad('header checksum mismatch');
    const version = h.readUInt32LE(8);
    if (version !== OVERLAY_VERSION) throw bad(`version ${version}, this monitor reads version ${OVERLAY_VERSION}`);
    if (h.readUInt32LE(12) !== HEADER_BYTES) throw bad(`header size ${h.readUInt32LE(12)}`);
    if (h.readUInt32LE(16) !== sectors || !h.subarray(24, 56).equals(hash)) {
      throw bad(`made for another base image (${h.readUInt32LE(16)} sectors, SHA-256 ${h.subarray(24, 56).toString('hex').slice(0, 16)}..., not ${sectors} sectors, ${hash.toString('hex').slice(0, 16)}...)`);
    }
    let off = HEADER_BYTES;
    const rh = Buffer.alloc(REC_HEADER);
    const data = Buffer.alloc(MAX_RECORD_SECTORS * SECTOR);
    while (off < size) {
      if (size - off < REC_HEADER) throw bad(`truncated record header at byte ${off}`);
      fs.readSync(fd, rh, 0, REC_HEADER, off);
      const magic = rh.readUInt32LE(0);
      const first = rh.readUInt32LE(4);
      const count = rh.readUInt32LE(8);
      if (magic !== REC_MAGIC) throw bad(`bad record magic at byte ${off}`);
      if (count < 1 || count > MAX_RECORD_SECTORS || first + count > sectors) throw bad(`record at byte ${off} covers sectors ${first}+${count}, outside the disk (${sectors})`);
      const bytes = count * SECTOR;
      if (size - off - REC_HEADER < bytes) throw bad(`truncated record at byte ${off} (${count} sectors)`);
      fs.readSync(fd, data, 0, bytes, off + REC_HEADER);
      if (crc32(data.subarray(0, bytes), crc32(rh.subarray(0, 12))) !== rh.readUInt32LE(12)) throw bad(`record checksum mismatch at byte ${off}`);
      for (let i = 0; i < count; i++) index.set(first + i, off + REC_HEADER + i * SECTOR);
      off += REC_HEADER + bytes;
    }
    return off;
  }

  get sectorsWritten(): number {
    return this.index.size;
  }

  /** Bytes of the log (header and records, dead ones included). */
  get fileBytes(): number {
    return this.end;
  }

  has(sector: number): boolean {
    return this.index.has(sector);
  }

  read(sector: number, into: Uint8Array, at: number): void {
    const off = this.index.get(sector)!;
    fs.readSync(this.openFd(), into, at, SECTOR, off);
  }

  write(sector: number, data: Uint8Array): void {
    const fd = this.openFd();
    for (let done = 0; done < data.length; done += MAX_RECORD_SECTORS * SECTOR) {
      const part = data.subarray(done, Math.min(data.length, done + MAX_RECORD_SECTORS * SECTOR));
      const count = part.length / SECTOR;
      const first = sector + done / SECTOR;
      const rec = Buffer.concat([recordHeader(first, count, part), part]);
      let w = 0;
      while (w < rec.length) w += fs.writeSync(fd, rec, w, rec.length - w, this.end + w);
      for (let i = 0; i < count; i++) this.index.set(first + i, this.end + REC_HEADER + i * SECTOR);
      this.end += rec.length;
    }
  }

  flush(): void {
    fs.fsyncSync(this.openFd());
  }

  discard(): void {}

  close(): void {
    if (this.fd < 0) return;
    const live = HEADER_BYTES + this.index.size * (SECTOR + REC_HEADER);
    if (this.end > 2 * live && this.end - live > 1 << 20) this.compact();
    fs.closeSync(this.fd);
    this.fd = -1;
  }

  /** Rewrite the log with one record per run of consecutive live sectors (temporary file, rename). */
  compact(): void {
    const fd = this.openFd();
    const tmp = `${this.path}.compact-${process.pid}`;
    const out = fs.openSync(tmp, 'w');
    try {
      let pos = 0;
      const put = (b: Uint8Array): void => {
        let w = 0;
        while (w < b.length) w += fs.writeSync(out, b, w, b.length - w, pos + w);
        pos += b.length;
      };
      put(header(this.baseSectors, this.baseHash));
      const sectors = [...this.index.keys()].sort((a, b) => a - b);
      const fresh = new Map<number, number>();
      for (let i = 0; i < sectors.length; ) {
        let j = i + 1;
        while (j < sectors.length && sectors[j] === sectors[j - 1] + 1 && j - i < MAX_RECORD_SECTORS) j++;
        const data = Buffer.alloc((j - i) * SECTOR);
        for (let k = i; k < j; k++) fs.readSync(fd, data, (k - i) * SECTOR, SECTOR, this.index.get(sectors[k])!);
        put(recordHeader(sectors[i], j - i, data));
        for (let k = i; k < j; k++) fresh.set(sectors[k], pos + (k - i) * SECTOR);
        put(data);
        i = j;
      }
      fs.fsyncSync(out);
      fs.closeSync(out);
      fs.renameSync(tmp, this.path);
      fs.closeSync(fd);
      this.fd = fs.openSync(this.path, 'r+');
      this.end = pos;
      this.index.clear();
      for (const [s, o] of fresh) this.index.set(s, o);
    } catch (e) {
      try { fs.closeSync(out); } catch { /* already closed */ }
      fs.rmSync(tmp, { force: true });
      throw e;
    }
  }

  private openFd(): number {
    if (this.fd < 0) throw new Error(`${this.path}: overlay closed`);
    return this.fd;
  }
}

/** A COW disk: base image + overlay, as a BlockBackend (writes never reach the base). */
export class CowDisk implements BlockBackend {
  readonly sectorCount: number;
  readonly readOnly = false;

  constructor(
    readonly base: BaseImage,
    readonly overlay: Overlay,
  ) {
    this.sectorCount = base.sectors;
  }

  get persistent(): boolean {
    return this.overlay.persistent;
  }

  /** Whether any of [sector, sector + count) was written by this VM. */
  written(sector: number, count: number): boolean {
    if (this.overlay.sectorsWritten === 0) return false;
    for (let s = sector; s < sector + count; s++) if (this.overlay.has(s)) return true;
    return false;
  }

  read(sector: number, count: number, into: Uint8Array): void {
    const o = this.overlay;
    let s = sector;
    const end = sector + count;
    while (s < end) {
      if (o.has(s)) {
        o.read(s, into, (s - sector) * SECTOR);
        s++;
        continue;
      }
      let e = s + 1;
      while (e < end && !o.has(e)) e++;
      this.base.backend.read(s, e - s, into.subarray((s - sector) * SECTOR, (e - sector) * SECTOR));
      s = e;
    }
  }

  write(sector: number, data: Uint8Array): void {
    this.overlay.write(sector, data);
  }

  flush(): void {
    this.overlay.flush();
  }

  close(): void {
    this.overlay.close();
  }
}
