// The live connection: one socket.io client per session (path /api/socket.io, bearer token in
// the handshake). socket.io reconnects by itself; on every (re)connect the VM rooms still
// wanted are joined again, so consoles get their scrollback again and metrics resume.
// Pages subscribe through watchVm (refcounted per VM: consoles), onSummary (every VM's samples
// and the CPU placement, once a second, no room needed) and onState / onStatus.
import { io, type Socket } from 'socket.io-client';
import { SCROLLBACK_BYTES, type ApiError, type ClientToServerEvents, type ConsoleData, type MetricSample, type MetricsSummary, type ServerToClientEvents, type VmStateChange } from '../protocol';

export type LinkStatus = 'connecting' | 'connected' | 'reconnecting' | 'refused' | 'closed';

export interface VmWatcher {
  /** The console so far, replacing what was shown (sent on every join, so after a reconnect too). */
  scrollback?: (data: Uint8Array, runId: string | null) => void;
  output?: (data: Uint8Array, runId: string | null) => void;
  sample?: (s: MetricSample) => void;
  /** A join failed (unknown VM, ...). */
  error?: (e: ApiError) => void;
}

type Sock = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A joined room: its watchers and the console seen so far (for viewers that come later). */
interface Room {
  watchers: Set<VmWatcher>;
  /** Scrollback plus output since, capped at twice the server's scrollback; null before the first scrollback. */
  seen: Uint8Array | null;
  runId: string | null;
}

function append(a: Uint8Array, b: Uint8Array): Uint8Array {
  const keep = Math.min(a.length, Math.max(0, 2 * SCROLLBACK_BYTES - b.length));
  const out = new Uint8Array(keep + b.length);
  out.set(a.subarray(a.length - keep), 0);
  out.set(b, keep);
  return out;
}

function bytes(d: unknown): Uint8Array {
  if (d instanceof Uint8Array) return d;
  if (d instanceof ArrayBuffer) return new Uint8Array(d);
  if (typeof d === 'string') return new TextEncoder().encode(d);
  return new Uint8Array(0);
}

export class Live {
  private readonly socket: Sock;
  private statusNow: LinkStatus = 'connecting';
  private detail = '';
  private readonly statusListeners = new Set<(s: LinkStatus, detail: string) => void>();
  private readonly stateListeners = new Set<(m: VmStateChange) => void>();
  private readonly summaryListeners = new Set<(m: MetricsSummary) => void>();
  private readonly rooms = new Map<string, Room>();
  private everConnected = false;

  constructor(token: string) {
    this.socket = io({ path: '/api/socket.io', auth: { token }, transports: ['websocket'], reconnectionDelay: 500, reconnectionDelayMax: 4000 });
    this.socket.on('connect', () => {
      this.everConnected = true;
      this.setStatus('connected', '');
      for (const vmId of this.rooms.keys()) this.join(vmId);
    });
    this.socket.on('disconnect', (reason) => {
      this.setStatus(reason === 'io client disconnect' ? 'closed' : 'reconnecting', reason);
    });
    this.socket.on('connect_error', (e) => {
      const refused = e.message.startsWith('unauthorized');
      this.setStatus(refused ? 'refused' : this.everConnected ? 'reconnecting' : 'connecting', e.message);
    });
    this.socket.on('vm:state', (m) => this.stateListeners.forEach((l) => l(m)));
    this.socket.on('console:scrollback', (m: ConsoleData) => {
      const room = this.rooms.get(m.vmId);
      if (room === undefined) return;
      const data = bytes(m.data);
      room.seen = data;
      room.runId = m.runId;
      room.watchers.forEach((w) => w.scrollback?.(data, m.runId));
    });
    this.socket.on('console:output', (m: ConsoleData) => {
      const room = this.rooms.get(m.vmId);
      if (room === undefined) return;
      const data = bytes(m.data);
      if (room.seen !== null) room.seen = room.runId === m.runId ? append(room.seen, data) : data;
      room.runId = m.runId;
      room.watchers.forEach((w) => w.output?.(data, m.runId));
    });
    this.socket.on('metrics:sample', (s) => this.each(s.vmId, (w) => w.sample?.(s)));
    this.socket.on('metrics:summary', (m) => this.summaryListeners.forEach((l) => l(m)));
  }

  get status(): LinkStatus {
    return this.statusNow;
  }

  get statusDetail(): string {
    return this.detail;
  }

  private setStatus(s: LinkStatus, detail: string): void {
    this.statusNow = s;
    this.detail = detail;
    this.statusListeners.forEach((l) => l(s, detail));
  }

  private each(vmId: string, f: (w: VmWatcher) => void): void {
    this.rooms.get(vmId)?.watchers.forEach(f);
  }

  private join(vmId: string): void {
    this.socket.emit('console:join', { vmId }, (reply) => {
      if (!reply.ok) this.each(vmId, (w) => w.error?.(reply.error));
    });
  }

  onStatus(l: (s: LinkStatus, detail: string) => void): () => void {
    this.statusListeners.add(l);
    return () => this.statusListeners.delete(l);
  }

  /** Every running VM's latest sample and the CPU placement, about once a second. */
  onSummary(l: (m: MetricsSummary) => void): () => void {
    this.summaryListeners.add(l);
    return () => this.summaryListeners.delete(l);
  }

  onState(l: (m: VmStateChange) => void): () => void {
    this.stateListeners.add(l);
    return () => this.stateListeners.delete(l);
  }

  /** Join a VM's room (scrollback, console, metrics) until the returned function is called. */
  watchVm(vmId: string, w: VmWatcher): () => void {
    let room = this.rooms.get(vmId);
    if (room === undefined) {
      room = { watchers: new Set([w]), seen: null, runId: null };
      this.rooms.set(vmId, room);
      if (this.socket.connected) this.join(vmId);
    } else {
      room.watchers.add(w);
      // Already joined: a later viewer gets what the room has seen instead of a second join.
      if (room.seen !== null) w.scrollback?.(room.seen, room.runId);
    }
    return () => {
      const r = this.rooms.get(vmId);
      if (r === undefined) return;
      r.watchers.delete(w);
      if (r.watchers.size === 0) {
        this.rooms.delete(vmId);
        if (this.socket.connected) this.socket.emit('console:leave', { vmId }, () => undefined);
      }
    };
  }

  /** Type on a VM's console; resolves with the server's error, or null. */
  async type(vmId: string, data: string): Promise<ApiError | null> {
    if (!this.socket.connected) return { statusCode: 0, code: 'worker_unavailable', message: 'not connected to the server' };
    const reply = await this.socket.timeout(5000).emitWithAck('console:input', { vmId, data }).catch(() => null);
    if (reply === null) return { statusCode: 0, code: 'worker_unavailable', message: 'the server did not answer' };
    return reply.ok ? null : reply.error;
  }

  /** Tell the server the VM's console is cols x rows (the guest's window size; the last viewer's resize wins). */
  async resize(vmId: string, cols: number, rows: number): Promise<ApiError | null> {
    if (!this.socket.connected) return { statusCode: 0, code: 'worker_unavailable', message: 'not connected to the server' };
    const reply = await this.socket.timeout(5000).emitWithAck('console:resize', { vmId, cols, rows }).catch(() => null);
    if (reply === null) return { statusCode: 0, code: 'worker_unavailable', message: 'the server did not answer' };
    return reply.ok ? null : reply.error;
  }

  /** For tests and the connection menu: drop the link and let socket.io reconnect. */
  reconnect(): void {
    this.socket.disconnect();
    this.socket.connect();
  }

  close(): void {
    this.socket.close();
  }
}
