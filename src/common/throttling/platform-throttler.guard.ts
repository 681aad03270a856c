import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RATE_LIMIT_TRACKER, type RateLimitTracker } from './rate-limit.decorators';

/**
 * Per-customer rate limits. Registered after the AuthGuard, so `req.caller` is known: a customer's
 * callers (API keys, users) share one bucket per group; operators and anonymous callers count by IP.
 * Routes with a RateLimitTracker (signed webhooks) name their customer themselves. Only /api routes
 * are limited (probes, metrics and docs are not).
 */
@Injectable()
export class PlatformThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly moduleRef: ModuleRef,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const url = ctx.switchToHttp().getRequest<FastifyRequest>().url ?? '';
    return !url.startsWith('/api/');
  }

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    return super.handleRequest({
      ...props,
      getTracker: (req) => this.trackerFor(req as FastifyRequest, props.context),
      // One bucket per customer and group, whatever the route (the default key is per route).
      generateKey: (_ctx, tracker) => tracker,
    });
  }

  protected override async throwThrottlingException(
    ctx: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    // The base guard suffixes Retry-After with the throttler's name; clients look for the plain header.
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    void reply.header('retry-after', String(Math.max(1, detail.timeToBlockExpire)));
    await this.trackerOf(ctx)?.refused?.(ctx.switchToHttp().getRequest<FastifyRequest>());
    return super.throwThrottlingException(ctx, detail);
  }

  private trackerOf(ctx: ExecutionContext): RateLimitTracker | undefined {
    const trackerType = this.reflector.getAllAndOverride<
      RateLimitTracker['constructor'] | undefined
    >(RATE_LIMIT_TRACKER, [ctx.getHandler(), ctx.getClass()]);
    return trackerType
      ? this.moduleRef.get<RateLimitTracker>(trackerType as never, { strict: false })
      : undefined;
  }

  private async trackerFor(req: FastifyRequest, ctx: ExecutionContext): Promise<string> {
    const tracker = this.trackerOf(ctx);
    if (tracker) {
      const key = await tracker.track(req);
      if (key) return key;
    }
    const caller = req.caller;
    if (caller?.customerId && caller.kind !== 'operator') return `c:${caller.customerId}`;
    return `ip:${req.ip}`;
  }
}
