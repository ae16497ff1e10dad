// Every /api route needs a bearer token, except those marked @Public(). Reads (GET, HEAD) take
// any role; everything that changes state needs the admin role.
import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiException } from '../common/api-error.js';
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
  constructor(private readonly reflector: Reflector, private readonly tokens: TokensService) {}

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
    req.principal = principal;
    return true;
  }
}
