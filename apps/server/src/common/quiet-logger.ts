// Nest's console logger without the start-up chatter (one line per route and per module);
// warnings and errors always pass.
import { ConsoleLogger } from '@nestjs/common';

const CHATTY = new Set(['RoutesResolver', 'RouterExplorer', 'WebSocketsController', 'InstanceLoader', 'NestFactory']);

export class QuietLogger extends ConsoleLogger {
  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (typeof context === 'string' && CHATTY.has(context)) return;
    super.log(message, ...rest);
  }
}
