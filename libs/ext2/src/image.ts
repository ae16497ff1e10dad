// A built ext2 image held sparsely: the non-zero regions ("chunks", keyed by first block) plus
// the total size. It can become one Buffer or be written to a file without materialising the
// zero blocks (the file is truncated to size first, so it reads back identically, and is sparse).
import { closeSync, ftruncateSync, openSync, writevSync } from 'node:fs';
import { BLOCK_SIZE, type Geometry } from './layout.js';

export interface ImageInfo {
  geometry: Geometry;
  /** Image file size in bytes (the filesystem may end a little before it, see Geometry.blocksCount). */
  sizeBytes: number;
  usedBlocks: number;
  freeBlocks: number;
  usedInodes: number;
  freeInodes: number;
  /** Filesystem UUID as 8-4-4-4-12 hex. */
  uuid: string;
  /** Seconds since the epoch written into every timestamp field. */
  timestamp: number;
}

const IOV_MAX = 1024;

export class Ext2Image {
  constructor(
    /** Non-overlapping byte regions keyed by their first block number; everything else is zero. */
    readonly chunks: ReadonlyMap<number, Uint8Array>,
    readonly info: ImageInfo,
  ) {}

  get sizeBytes(): number {
    return this.info.sizeBytes;
  }

  /** The chunks in block order. */
  *sortedChunks(): Generator<[number, Uint8Array]> {
    const keys = [...this.chunks.keys()].sort((a, b) => a - b);
    for (const k of keys) yield [k, this.chunks.get(k)!];
  }

  /** The whole image as one Buffer. */
  toBuffer(): Buffer {
    const out = Buffer.alloc(this.info.sizeBytes);
    for (const [block, data] of this.sortedChunks()) out.set(data, block * BLOCK_SIZE);
    return out;
  }

  /** Writes (or overwrites) the image file at `path`; zero regions become holes. */
  writeFile(path: string): void {
    const fd = openSync(path, 'w');
    try {
      ftruncateSync(fd, this.info.sizeBytes);
      let runStart = -1;
      let runEnd = -1;
      let run: Uint8Array[] = [];
      const flush = (): void => {
        if (!run.length) return;
        const want = run.reduce((n, b) => n + b.length, 0);
        const wrote = writevSync(fd, run, runStart);
        if (wrote !== want) throw new Error(`${path}: short write (${wrote} of ${want} bytes; disk full?)`);
        run = [];
      };
      for (const [block, data] of this.sortedChunks()) {
        const pos = block * BLOCK_SIZE;
        if (pos !== runEnd || run.length >= IOV_MAX) {
          flush();
          runStart = pos;
        }
        run.push(data);
        runEnd = pos + data.length;
        // A short chunk (a file's last block) ends the run: the next one starts on a block boundary.
        if (data.length % BLOCK_SIZE !== 0) runEnd = -1;
      }
      flush();
    } finally {
      closeSync(fd);
    }
  }
}
