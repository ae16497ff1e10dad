// Helpers of the server's end-to-end tests: run the built server (`bin/disco serve`, as
// `npm start` does) as a child process on a free port with a temporary data directory, call
// its REST API with fetch, and connect socket.io clients.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { addStandardDevices, buildImage, dir, merge, readHostTree } from '../../libs/ext2/src/index.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../libs/protocol/src/index.js';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
/** Debian's busybox for the guest (scripts/fetch-busybox.mjs), when fetched. */
export const BUSYBOX = join(repoRoot, 'build', 'busybox', 'busybox');
export const haveBusybox = existsSync(BUSYBOX);

/**
 * Rebuild a started server's "rootfs" base image with /bin/busybox added (for `busybox stty`):
 * call it before any VM copies or runs over the base. Same size as the server's own build.
 */
export function addBusyboxToBase(dataDir: string): void {
  const extra = mkdtempSync(join(tmpdir(), 'disco-e2e-bb-'));
  try {
    mkdirSync(join(extra, 'bin'));
    copyFileSync(BUSYBOX, join(extra, 'bin', 'busybox'));
    const root = dir();
    merge(root, readHostTree(join(repoRoot, 'guest', 'images', 'rootfs')));
    merge(root, readHostTree(extra));
    root.mode = 0o755;
    addStandardDevices(root);
    buildImage(root, { sizeBytes: 16 * 1024 * 1024 }).writeFile(join(dataDir, 'disks', 'base-rootfs.img'));
  } finally {
    rmSync(extra, { recursive: true, force: true });
  }
}

export interface ServerProcess {
  url: string;
  dataDir: string;
  proc: ChildProcess;
  output: () => string;
  /** Stop with a signal; resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export function tempDataDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'disco-e2e-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Start `bin/disco serve`; resolves once it prints its URL. */
export function startServer(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const proc = spawn(process.execPath, [join(repoRoot, 'bin', 'disco'), 'serve'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', DISCO_DATA_DIR: dataDir, DISCO_ADMIN_TOKEN: ADMIN_TOKEN, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${out}`)), 30_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve({
          url: m[1]!, dataDir, proc, output: () => out,
          stop: async (signal = 'SIGTERM') => {
            if (proc.exitCode === null) proc.kill(signal);
            return exited;
          },
        });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${out}`));
    });
  });
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
}

/** A REST call; `token` null sends no Authorization header. */
export async function api<T = any>(base: string, method: string, path: string, opts: { token?: string | null; body?: unknown; raw?: string } = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? ADMIN_TOKEN : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? null : JSON.parse(text)) as T };
}

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export function connect(base: string, token: string | null = ADMIN_TOKEN): Client {
  return io(base, { path: '/api/socket.io', transports: ['websocket'], auth: token === null ? {} : { token }, reconnection: false, forceNew: true });
}

/** Resolves on connect, rejects with the connect_error message. */
export function connected(s: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', (e) => reject(e));
  });
}

/** Everything a client saw on a VM's console (scrollback + live), as text. */
export class ConsoleWatcher {
  text = '';
  scrollback: string | null = null;

  constructor(readonly socket: Client, readonly vmId: string) {
    socket.on('console:scrollback', (m) => {
      if (m.vmId !== vmId) return;
      this.scrollback = Buffer.from(m.data).toString('latin1');
      this.text += this.scrollback;
    });
    socket.on('console:output', (m) => {
      if (m.vmId === vmId) this.text += Buffer.from(m.data).toString('latin1');
    });
  }

  async join(): Promise<{ ok: boolean; state?: string }> {
    return (await this.socket.emitWithAck('console:join', { vmId: this.vmId })) as { ok: boolean; state?: string };
  }

  /** Wait until the text matches (polls every 20 ms). */
  async waitFor(pattern: RegExp, ms = 20_000): Promise<void> {
    const end = Date.now() + ms;
    while (!pattern.test(this.text)) {
      if (Date.now() > end) throw new Error(`console never matched ${pattern}; got:\n${this.text}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Poll `f` until it returns a truthy value. */
export async function until<T>(f: () => Promise<T | null | undefined | false>, ms = 20_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
