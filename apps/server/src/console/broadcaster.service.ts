// Sends socket.io events from services: the gateway hands its server over at start, services
// send through here with the typed event maps of libs/protocol.
import { Injectable } from '@nestjs/common';
import type { Server } from 'socket.io';
import { vmRoom, type ClientToServerEvents, type ServerToClientEvents } from '../../../../libs/protocol/src/index.js';

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents>;

@Injectable()
export class Broadcaster {
  server: IoServer | null = null;

  toVm<E extends keyof ServerToClientEvents>(vmId: string, event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
    this.server?.to(vmRoom(vmId)).emit(event, ...args);
  }

  toAll<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
    this.server?.emit(event, ...args);
  }
}
