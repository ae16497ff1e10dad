// Every /api route needs a bearer token, except those marked @Public(). Reads (GET, HEAD) take
// any role; everything that changes state needs the admin role and is rate limited per token
// (DISCO_RATE_LIMIT per second, bursts of twice that).
import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiException } from '../common/api-error.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/config.js';
import { RateLimiter } from './rate-limiter.js';
import { TokensService, type Principal } from './tokens.service.js';

const PUBLIC = 'disco:public';
/** No token needed (health, API docs). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC, true);

export type AuthedRequest = Request & { principal?: Principal };

/** The token from an `Authorization: Bearer <token>` header, or null. */
export function bearer(header: string | undefined): string | null {
  if (header === undefined) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m === null ? null : m[1]!;
}

@Injectable()
export class AuthGuard implements CanActivate {
  private readonly limiter: RateLimiter;

  constructor(private readonly reflector: Reflector, private readonly tokens: TokensService, @Inject(SERVER_CONFIG) config: ServerConfig) {
    this.limiter = new RateLimiter(config.rateLimit, config.rateLimit * 2);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const token = bearer(req.headers.authorization);
    if (token === null) throw new ApiException('unauthorized', 'this route needs an "Authorization: Bearer <token>" header');
    const principal = await this.tokens.verify(token);
    if (principal === null) throw new ApiException('unauthorized', 'unknown or revoked token');
    const reading = req.method === 'GET' || req.method === 'HEAD';
    if (!reading && principal.role !== 'admin') throw new ApiException('forbidden', `token "${principal.name}" is read-only; this needs an admin token`);
    if (!reading) {
      const wait = this.limiter.take(principal.tokenId);
      if (wait > 0) {
        const e = new ApiException('rate_limited', `too many changes from token "${principal.name}": retry in ${wait} s`);
        e.retryAfterSeconds = wait;
        throw e;
      }
    }
    req.principal = principal;
    return true;
  }
}
