// Owns the machine worker thread: starts it, sends it commands (answered by sequence number,
// with a timeout) and hands its events to subscribers. If the thread dies it tells the
// subscribers ('down': every VM in it is gone) and starts a fresh one.
import { Worker } from 'node:worker_threads';
import { Injectable, Logger } from '@nestjs/common';
import type { WorkerCommand, WorkerConfig, WorkerEvent, WorkerStatus } from '../../../../libs/protocol/src/index.js';
import { ApiException } from '../common/api-error.js';

const REPLY_TIMEOUT_MS = 15_000;
const WORKER_URL = new URL('../worker/worker.js', import.meta.url);

export type HostEvent = WorkerEvent | { kind: 'down'; reason: string };

interface Pending {
  resolve: (status: WorkerStatus | undefined) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

@Injectable()
export class WorkerHost {
  private readonly log = new Logger('Worker');
  private worker: Worker | null = null;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: ((e: HostEvent) => void)[] = [];
  private closing = false;
  state: 'starting' | 'ready' | 'down' = 'down';
  backend = 'unknown';
  /** The worker's entry module (tests put a stand-in here). */
  workerUrl: URL = WORKER_URL;
  /** The machine the worker builds (set before start; kept for restarts). */
  config: WorkerConfig = { cpus: 8, nodes: 4, memoryMiB: 256, timed: false, numa: 'off' };

  subscribe(listener: (e: HostEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Start the worker; resolves once it reports ready. */
  start(): Promise<void> {
    this.state = 'starting';
    const w = new Worker(this.workerUrl, { workerData: this.config });
    this.worker = w;
    let failed: string | null = null;
    return new Promise((resolve, reject) => {
      w.on('message', (e: WorkerEvent) => {
        if (e.kind === 'failed') {
          // It cannot build the machine: starting it again would fail the same way.
          failed = e.message;
          this.closing = true;
          reject(new Error(`the machine worker could not start: ${e.message}`));
          return;
        }
        if (e.kind === 'ready') {
          this.state = 'ready';
          this.backend = e.backend;
          resolve();
        }
        this.onEvent(e);
      });
      w.on('error', (e) => this.log.error(`worker error: ${e.stack ?? e.message}`));
      w.on('exit', (code) => {
        if (this.worker !== w) return;
        this.worker = null;
        this.state = 'down';
        this.failPending(`the machine worker exited (code ${code})`);
        reject(new Error(failed !== null ? `the machine worker could not start: ${failed}` : `the machine worker exited during start (code ${code})`));
        if (this.closing) return;
        this.emit({ kind: 'down', reason: `the machine worker exited (code ${code})` });
        this.log.warn('restarting the machine worker');
        this.start().catch((e: Error) => this.log.error(e.message));
      });
    });
  }

  private onEvent(e: WorkerEvent): void {
    if (e.kind === 'reply') {
      const p = this.pending.get(e.seq);
      if (p === undefined) return;
      this.pending.delete(e.seq);
      clearTimeout(p.timer);
      if (e.ok) p.resolve(e.status);
      else p.reject(new ApiException(e.error.code, e.error.message));
      return;
    }
    if (e.kind === 'log') {
      if (e.level === 'error') this.log.error(e.message);
      else if (e.level === 'warn') this.log.warn(e.message);
      else this.log.log(e.message);
      return;
    }
    this.emit(e);
  }

  private emit(e: HostEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log.error(`event handler failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    }
  }

  private failPending(message: string): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new ApiException('worker_unavailable', message));
    }
    this.pending.clear();
  }

  /** Send a command; resolves with the worker's reply (rejects with its ApiException). */
  dispatch(cmd: WorkerCommand): Promise<WorkerStatus | undefined> {
    const w = this.worker;
    if (w === null || this.state !== 'ready') return Promise.reject(new ApiException('worker_unavailable', 'the machine worker is not running'));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new ApiException('worker_unavailable', `the machine worker did not answer "${cmd.kind}" within ${REPLY_TIMEOUT_MS} ms`));
      }, REPLY_TIMEOUT_MS);
      this.pending.set(seq, { resolve, reject, timer });
      w.postMessage({ ...cmd, seq });
    });
  }

  /** Stop every VM (their runs end as stopped) and the thread (VmRuntime calls this at shutdown). */
  async stop(): Promise<void> {
    this.closing = true;
    const w = this.worker;
    if (w === null) return;
    try {
      await this.dispatch({ kind: 'exit' });
    } catch {
      // It is going away either way.
    }
    await w.terminate();
    this.worker = null;
    this.state = 'down';
  }
}
