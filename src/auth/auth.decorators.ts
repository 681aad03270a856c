import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiHeader, ApiSecurity } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../common/domain-errors';
import type { Caller } from './caller';

export const IS_PUBLIC = 'auth:public';
export const ALLOWED = 'auth:allowed';

/** Who may call a route: 'operator', 'apiKey' (service keys), or member roles. */
export type Permission = 'operator' | 'apiKey' | 'owner' | 'admin' | 'member';

/** No credential needed (health, agent webhooks that verify their own signature, JWKS). */
export const Public = () =>
  applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension('x-public', true));

/**
 * Restricts a route to the listed callers; routes without it admit every authenticated caller.
 * `x-allowed` in the OpenAPI document tells clients (and the tenancy matrix test) who may call.
 */
export const Allow = (...who: Permission[]) =>
  applyDecorators(
    SetMetadata(ALLOWED, who),
    ApiSecurity('operator'),
    ApiBearerAuth(),
    ApiExtension('x-allowed', who),
  );

export const OperatorOnly = () => Allow('operator');
/** Management of a customer's keys, members and settings: never plain members. */
export const ManagersOnly = () => Allow('operator', 'owner', 'admin');

export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<FastifyRequest>().caller;
  if (!caller) throw new UnauthorizedError('Missing credentials');
  return caller;
});

/**
 * The customer a tenant-scoped route acts for. Operators name one with `x-customer-id`.
 */
export const CustomerId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const caller = ctx.switchToHttp().getRequest<FastifyRequest>().caller;
  if (!caller) throw new UnauthorizedError('Missing credentials');
  if (!caller.customerId) {
    throw new ForbiddenError('This route acts for one customer: operators must send x-customer-id');
  }
  return caller.customerId;
});

/** Swagger: the header an operator uses to act for a customer. */
export const ApiTenant = () =>
  applyDecorators(
    ApiBearerAuth(),
    ApiSecurity('operator'),
    ApiHeader({
      name: 'x-customer-id',
      required: false,
      description: 'Operators: the customer to act for',
    }),
  );
