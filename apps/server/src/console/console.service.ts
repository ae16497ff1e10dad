// Console output of runs: kept in memory (the last SCROLLBACK_BYTES per VM, for viewers that
// join) and written to the database in chunks (every FLUSH_MS, at run end), at most
// RUN_LOG_MAX bytes per run (the rest is counted, flagged as truncated, not kept).
import { Injectable, Logger } from '@nestjs/common';
import { SCROLLBACK_BYTES } from '../../../../libs/protocol/src/index.js';
import { PrismaService } from '../db/prisma.service.js';
import { Broadcaster } from './broadcaster.service.js';

const FLUSH_MS = 250;
const RUN_LOG_MAX = 4 * 1024 * 1024;

interface Tail {
  runId: string | null;
  data: Buffer;
}

interface RunLog {
  vmId: string;
  seq: number;
  /** Bytes written to the database so far plus those waiting. */
  kept: number;
  total: number;
  waiting: Buffer[];
  waitingFrom: number;
  truncated: boolean;
}

@Injectable()
export class ConsoleService {
  private readonly log = new Logger('Console');
  private readonly tails = new Map<string, Tail>();
  private readonly runs = new Map<string, RunLog>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly db: PrismaService, private readonly io: Broadcaster) {}

  beginRun(vmId: string, runId: string): void {
    this.tails.set(vmId, { runId, data: Buffer.alloc(0) });
    this.runs.set(runId, { vmId, seq: 0, kept: 0, total: 0, waiting: [], waitingFrom: 0, truncated: false });
  }

  append(vmId: string, runId: string, bytes: Uint8Array): void {
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const tail = this.tails.get(vmId);
    if (tail !== undefined && tail.runId === runId) {
      const joined = Buffer.concat([tail.data, data]);
      tail.data = joined.length > SCROLLBACK_BYTES ? joined.subarray(joined.length - SCROLLBACK_BYTES) : joined;
    }
    const run = this.runs.get(runId);
    if (run !== undefined) {
      run.total += data.length;
      const room = RUN_LOG_MAX - run.kept;
      if (room < data.length) run.truncated = true;
      if (room > 0) {
        run.waiting.push(room < data.length ? data.subarray(0, room) : data);
        run.kept += Math.min(room, data.length);
      }
      this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
    }
    this.io.toVm(vmId, 'console:output', { vmId, runId, data });
  }

  /** Write waiting output of every run (serialised: one flush at a time). */
  flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.flushing = this.flushing.then(() => this.writeWaiting()).catch((e: Error) => this.log.error(`console flush: ${e.message}`));
    return this.flushing;
  }

  private async writeWaiting(): Promise<void> {
    for (const [runId, run] of this.runs) {
      if (run.waiting.length === 0) continue;
      const data = Buffer.concat(run.waiting);
      const offset = run.waitingFrom;
      run.waiting = [];
      run.waitingFrom += data.length;
      await this.db.consoleChunk.create({ data: { runId, seq: run.seq++, offset, data } });
    }
  }

  /** Flush and forget a run's log; returns its byte count and whether it was cut. */
  async endRun(runId: string): Promise<{ consoleBytes: number; consoleTruncated: boolean }> {
    await this.flush();
    const run = this.runs.get(runId);
    this.runs.delete(runId);
    return { consoleBytes: run?.total ?? 0, consoleTruncated: run?.truncated ?? false };
  }

  /**
   * Make sure the VM has a tail (from the database if this server has not run it yet). After
   * this resolves, `tail()` and joining the room in the same tick give gap-free output.
   */
  async prepareTail(vmId: string, latestRunId: () => Promise<string | null>): Promise<void> {
    if (this.tails.has(vmId)) return;
    const runId = await latestRunId();
    const data = runId === null ? Buffer.alloc(0) : await this.lastBytes(runId, SCROLLBACK_BYTES);
    if (!this.tails.has(vmId)) this.tails.set(vmId, { runId, data });
  }

  tail(vmId: string): Tail {
    return this.tails.get(vmId) ?? { runId: null, data: Buffer.alloc(0) };
  }

  /** The last `max` bytes of a run's stored log. */
  private async lastBytes(runId: string, max: number): Promise<Buffer> {
    const chunks = await this.db.consoleChunk.findMany({ where: { runId }, orderBy: { seq: 'desc' }, take: 64 });
    const parts: Buffer[] = [];
    let n = 0;
    for (const c of chunks) {
      parts.unshift(Buffer.from(c.data));
      n += c.data.length;
      if (n >= max) break;
    }
    const all = Buffer.concat(parts);
    return all.length > max ? all.subarray(all.length - max) : all;
  }

  /** A run's whole stored log (plus what waits to be written). */
  async runLog(runId: string): Promise<Buffer> {
    await this.flush();
    const chunks = await this.db.consoleChunk.findMany({ where: { runId }, orderBy: { seq: 'asc' } });
    return Buffer.concat(chunks.map((c) => Buffer.from(c.data)));
  }
}
