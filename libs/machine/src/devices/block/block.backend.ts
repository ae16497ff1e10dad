// Host storage behind a block controller: the BlockBackend interface, a file-backed image
// (synchronous fs calls: the emulator is single-threaded and a command completes in one call),
// and an in-memory image for tests and scratch disks.

import * as fs from 'node:fs';
import { BLOCK } from './block.regs.js';

export interface BlockBackend {
  /** Disk size in sectors of BLOCK.SECTOR_BYTES. */
  readonly sectorCount: number;
  /** When true the controller refuses WRITE with BLOCK_ERROR.READ_ONLY. */
  readonly readOnly?: boolean;
  /** Fill `into` (count * 512 bytes) from `sector`. May throw on host I/O failure. */
  read(sector: number, count: number, into: Uint8Array): void;
  /** Write `data` (a multiple of 512 bytes) at `sector`. Must not keep `data`. May throw. */
  write(sector: number, data: Uint8Array): void;
  /** Make earlier writes durable. */
  flush?(): void;
  /** Release host resources. */
  close?(): void;
}

/** A disk image held in host memory. */
export class MemoryBlockBackend implements BlockBackend {
  readonly data: Uint8Array;
  readonly sectorCount: number;
  readonly readOnly: boolean;

  /** `image`: a sector count (zero-filled disk) or initial contents (a multiple of 512 bytes). */
  constructor(image: number | Uint8Array, options: { readOnly?: boolean } = {}) {
    if (typeof image === 'number') {
      this.data = new Uint8Array(image * BLOCK.SECTOR_BYTES);
    } else {
      if (image.length % BLOCK.SECTOR_BYTES !== 0) throw new RangeError('image size must be a multiple of 512');
      this.data = image;
    }
    this.sectorCount = this.data.length / BLOCK.SECTOR_BYTES;
    this.readOnly = options.readOnly ?? false;
  }

  read(sector: number, count: number, into: Uint8Array): void {
    const start = sector * BLOCK.SECTOR_BYTES;
    into.set(this.data.subarray(start, start + count * BLOCK.SECTOR_BYTES));
  }

  write(sector: number, data: Uint8Array): void {
    this.data.set(data, sector * BLOCK.SECTOR_BYTES);
  }
}

export interface FileBlockBackendOptions {
  /** Open read-only (the guest gets BLOCK_ERROR.READ_ONLY on writes). */
  readonly readOnly?: boolean;
  /** Create (or truncate) the file with this many bytes first. */
  readonly createBytes?: number;
}

/** A disk image in a host file. A trailing partial sector is ignored. */
export class FileBlockBackend implements BlockBackend {
  readonly sectorCount: number;
  readonly readOnly: boolean;
  private fd: number | null;

  constructor(
    readonly path: string,
    options: FileBlockBackendOptions = {},
  ) {
    this.readOnly = options.readOnly ?? false;
    if (options.createBytes !== undefined) {
      const fd = fs.openSync(path, 'w');
      fs.ftruncateSync(fd, options.createBytes);
      fs.closeSync(fd);
    }
    this.fd = fs.openSync(path, this.readOnly ? 'r' : 'r+');
    this.sectorCount = Math.floor(fs.fstatSync(this.fd).size / BLOCK.SECTOR_BYTES);
  }

  read(sector: number, count: number, into: Uint8Array): void {
    const length = count * BLOCK.SECTOR_BYTES;
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.openFd(), into, done, length - done, sector * BLOCK.SECTOR_BYTES + done);
      if (n === 0) break;
      done += n;
    }
    if (done < length) into.fill(0, done, length); // file shrank under us: read zeros
  }

  write(sector: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      done += fs.writeSync(this.openFd(), data, done, data.length - done, sector * BLOCK.SECTOR_BYTES + done);
    }
  }

  flush(): void {
    fs.fsyncSync(this.openFd());
  }

  close(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
  }

  private openFd(): number {
    if (this.fd === null) throw new Error(`${this.path}: image closed`);
    return this.fd;
  }
}
