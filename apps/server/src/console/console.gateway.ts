// socket.io at /api/socket.io: the handshake needs a token (`auth: { token }` or an
// Authorization header). `console:join` sends the VM's scrollback, then its live bytes arrive
// in the room; `console:input` (admin) types into the console; `console:resize` (admin) sets the
// guest's window size (the last resize of any viewer wins). Acks carry { ok } or an error.
import { Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayInit } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import {
  CONSOLE_COLS_MAX, CONSOLE_INPUT_MAX, CONSOLE_ROWS_MAX, vmRoom, type ApiError, type ClientToServerEvents, type ServerToClientEvents, type VmState,
} from '../../../../libs/protocol/src/index.js';
import { bearer } from '../auth/auth.guard.js';
import { TokensService, type Principal } from '../auth/tokens.service.js';
import { ApiException } from '../common/api-error.js';
import { toApiError } from '../common/error.filter.js';
import { RunsService } from '../runs/runs.service.js';
import { VmRuntime } from '../vms/vm-runtime.service.js';
import { VmsService } from '../vms/vms.service.js';
import { Broadcaster, type IoServer } from './broadcaster.service.js';
import { ConsoleService } from './console.service.js';
import { WorkerHost } from '../machine/worker-host.service.js';

type Client = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { principal: Principal }>;
type Reply<T = object> = ({ ok: true } & T) | { ok: false; error: ApiError };

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

@WebSocketGateway({ path: '/api/socket.io', maxHttpBufferSize: 64 * 1024 })
export class ConsoleGateway implements OnGatewayInit {
  private readonly log = new Logger('ConsoleGateway');

  constructor(
    private readonly io: Broadcaster,
    private readonly tokens: TokensService,
    private readonly console: ConsoleService,
    private readonly runtime: VmRuntime,
    private readonly vms: VmsService,
    private readonly runs: RunsService,
    private readonly host: WorkerHost,
  ) {}

  afterInit(server: IoServer): void {
    this.io.server = server;
    server.use((socket, next) => {
      const auth = socket.handshake.auth as { token?: unknown };
      const token = typeof auth.token === 'string' ? auth.token : bearer(socket.handshake.headers.authorization);
      if (token === null) return next(new Error('unauthorized: connect with auth: { token }'));
      this.tokens.verify(token).then((p) => {
        if (p === null) return next(new Error('unauthorized: unknown or revoked token'));
        (socket as Client).data.principal = p;
        next();
      }, (e: Error) => next(e));
    });
  }

  private fail(e: unknown): { ok: false; error: ApiError } {
    return { ok: false, error: toApiError(e, this.log) };
  }

  private vmId(msg: unknown): string {
    const vmId = (msg as { vmId?: unknown } | null)?.vmId;
    if (typeof vmId !== 'string' || !ID.test(vmId)) throw ApiException.field('vmId', 'must be a VM id');
    return vmId;
  }

  @SubscribeMessage('console:join')
  async join(@ConnectedSocket() client: Client, @MessageBody() msg: unknown): Promise<Reply<{ state: VmState; runId: string | null }>> {
    try {
      const vmId = this.vmId(msg);
      await this.vms.row(vmId);
      await this.console.prepareTail(vmId, async () => (await this.runs.latest(vmId))?.id ?? null);
      // Same tick from here: no output can slip between the scrollback and the room.
      const tail = this.console.tail(vmId);
      await client.join(vmRoom(vmId));
      client.emit('console:scrollback', { vmId, runId: tail.runId, data: tail.data });
      const live = this.runtime.get(vmId);
      return { ok: true, state: live.state, runId: live.runId };
    } catch (e) {
      return this.fail(e);
    }
  }

  @SubscribeMessage('console:leave')
  async leave(@ConnectedSocket() client: Client, @MessageBody() msg: unknown): Promise<Reply> {
    try {
      await client.leave(vmRoom(this.vmId(msg)));
      return { ok: true };
    } catch (e) {
      return this.fail(e);
    }
  }

  @SubscribeMessage('console:input')
  async input(@ConnectedSocket() client: Client, @MessageBody() msg: unknown): Promise<Reply> {
    try {
      if (client.data.principal.role !== 'admin') throw new ApiException('forbidden', `token "${client.data.principal.name}" is read-only; typing needs an admin token`);
      const vmId = this.vmId(msg);
      const raw = (msg as { data?: unknown }).data;
      let data: Uint8Array;
      if (typeof raw === 'string') data = Buffer.from(raw, 'latin1');
      else if (raw instanceof Uint8Array) data = new Uint8Array(raw);
      else throw ApiException.field('data', 'must be a string or bytes');
      if (data.length === 0 || data.length > CONSOLE_INPUT_MAX) throw ApiException.field('data', `must be 1 to ${CONSOLE_INPUT_MAX} bytes`);
      await this.vms.row(vmId);
      const state = this.runtime.get(vmId).state;
      if (state === 'stopped' || state === 'starting') throw ApiException.conflict(`VM ${vmId} is ${state}: nothing to type into`);
      await this.host.dispatch({ kind: 'consoleInput', vmId, data });
      return { ok: true };
    } catch (e) {
      return this.fail(e);
    }
  }

  @SubscribeMessage('console:resize')
  async resize(@ConnectedSocket() client: Client, @MessageBody() msg: unknown): Promise<Reply> {
    try {
      if (client.data.principal.role !== 'admin') throw new ApiException('forbidden', `token "${client.data.principal.name}" is read-only; resizing the console needs an admin token`);
      const vmId = this.vmId(msg);
      const { cols, rows } = msg as { cols?: unknown; rows?: unknown };
      const bad: Record<string, string[]> = {};
      if (!isSize(cols, CONSOLE_COLS_MAX)) bad.cols = [`must be an integer 1 to ${CONSOLE_COLS_MAX}`];
      if (!isSize(rows, CONSOLE_ROWS_MAX)) bad.rows = [`must be an integer 1 to ${CONSOLE_ROWS_MAX}`];
      const names = Object.keys(bad);
      if (names.length > 0) throw new ApiException('validation_failed', names.map((n) => `${n}: ${bad[n]![0]}`).join('; '), bad);
      await this.vms.row(vmId);
      const state = this.runtime.get(vmId).state;
      if (state === 'stopped' || state === 'starting') throw ApiException.conflict(`VM ${vmId} is ${state}: no console to resize`);
      await this.host.dispatch({ kind: 'consoleResize', vmId, cols: cols as number, rows: rows as number });
      return { ok: true };
    } catch (e) {
      return this.fail(e);
    }
  }
}

function isSize(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max;
}
