import { applyDecorators, SetMetadata, type ExecutionContext, type Type } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Which limit a route counts against: the public API (RATE_LIMIT_PER_MINUTE) or agent webhooks. */
export type RateLimitGroupName = 'api' | 'webhooks';

export const RATE_LIMIT_GROUP = 'rate-limit:group';
export const RATE_LIMIT_TRACKER = 'rate-limit:tracker';

/**
 * Names who a request counts for on routes the AuthGuard does not identify (e.g. a signed webhook's
 * customer). Returning undefined falls back to the default (the caller's customer, else the IP).
 */
export interface RateLimitTracker {
  track(req: FastifyRequest): string | undefined | Promise<string | undefined>;
  /** Called when the request is refused with 429 (e.g. to undo work `track` started for it). */
  refused?(req: FastifyRequest): Promise<void>;
}

/** Puts a controller or route in a rate-limit group, optionally with its own tracker (a provider class). */
export const RateLimitGroup = (group: RateLimitGroupName, tracker?: Type<RateLimitTracker>) =>
  applyDecorators(SetMetadata(RATE_LIMIT_GROUP, group), SetMetadata(RATE_LIMIT_TRACKER, tracker));

export function rateLimitGroupOf(ctx: ExecutionContext): RateLimitGroupName {
  const read = (target: object): RateLimitGroupName | undefined =>
    Reflect.getMetadata(RATE_LIMIT_GROUP, target);
  return read(ctx.getHandler()) ?? read(ctx.getClass()) ?? 'api';
}
