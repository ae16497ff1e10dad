// Turns every error into the ApiError body of libs/protocol: ApiException as it is, Nest's
// HttpExceptions (unknown routes, malformed JSON, payload too large) by status, anything else
// as a logged 500 that reveals nothing.
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import type { ApiError, ErrorCode } from '../../../../libs/protocol/src/index.js';
import { ApiException } from './api-error.js';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'validation_failed', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 429: 'rate_limited', 503: 'worker_unavailable',
};

export function toApiError(e: unknown, log: Logger): ApiError {
  if (e instanceof ApiException) return e.body();
  if (e instanceof HttpException) {
    const status = e.getStatus();
    const res = e.getResponse();
    const message = typeof res === 'string' ? res : String((res as { message?: unknown }).message ?? e.message);
    return { statusCode: status, code: CODE_BY_STATUS[status] ?? (status < 500 ? 'validation_failed' : 'internal'), message };
  }
  // body-parser errors (malformed JSON, too large) carry their status.
  const status = (e as { status?: unknown; type?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { statusCode: status, code: 'validation_failed', message: `bad request body: ${(e as Error).message}` };
  }
  log.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  return { statusCode: 500, code: 'internal', message: 'internal server error' };
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('ErrorFilter');

  catch(e: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const body = toApiError(e, this.log);
    const res = host.switchToHttp().getResponse<Response>();
    if (body.statusCode === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    if (e instanceof ApiException && e.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(e.retryAfterSeconds));
    res.status(body.statusCode).json(body);
  }
}
