// @Caller(): the principal the AuthGuard attached to the request (routes behind the guard only).
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthedRequest } from './auth.guard.js';
import type { Principal } from './tokens.service.js';

export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const p = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (p === undefined) throw new Error('@Caller() used on a public route');
  return p;
});
