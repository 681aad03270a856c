import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError } from '../common/domain-errors';
import { ALLOWED, IS_PUBLIC, Permission } from './auth.decorators';
import { AuthService } from './auth.service';
import type { Caller } from './caller';

/** Global guard: every route needs a credential unless marked @Public(); @Allow narrows who. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const caller = await this.auth.authenticate({
      apiKey: header('x-api-key'),
      authorization: header('authorization'),
      customerId: header('x-customer-id'),
    });
    req.caller = caller;
    const allowed = this.reflector.getAllAndOverride<Permission[] | undefined>(ALLOWED, targets);
    if (allowed && !allowed.includes(permissionOf(caller))) {
      throw new ForbiddenError(
        `A caller with role ${caller.role} may not do this (allowed: ${allowed.join(', ')})`,
      );
    }
    return true;
  }
}

function permissionOf(caller: Caller): Permission {
  if (caller.kind === 'operator') return 'operator';
  if (caller.kind === 'apiKey') return 'apiKey';
  return caller.role as Permission;
}
