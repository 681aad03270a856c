import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { REDIS } from '../../redis/redis.module';
import { rateLimitGroupOf } from './rate-limit.decorators';
import { PlatformThrottlerGuard } from './platform-throttler.guard';
import { RedisThrottlerStorage } from './redis-throttler.storage';

const MINUTE = 60_000;

/**
 * Rate limits for the HTTP API app. Import it AFTER CoreModule (which holds the AuthGuard): global
 * guards run in registration order, and the per-customer key needs the authenticated caller.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, REDIS],
      useFactory: (config: AppConfig, redis: Redis) => ({
        throttlers: [
          {
            name: 'default',
            ttl: MINUTE,
            limit: config.get('RATE_LIMIT_PER_MINUTE'),
            skipIf: (ctx) => rateLimitGroupOf(ctx) !== 'api',
          },
          {
            name: 'webhooks',
            ttl: MINUTE,
            limit: config.get('WEBHOOK_RATE_LIMIT_PER_MINUTE'),
            skipIf: (ctx) => rateLimitGroupOf(ctx) !== 'webhooks',
          },
        ],
        storage: new RedisThrottlerStorage(redis, `${config.get('BULLMQ_PREFIX')}:throttle`),
        errorMessage: 'Too many requests: rate limit exceeded, retry after the Retry-After seconds',
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: PlatformThrottlerGuard }],
})
export class ThrottlingModule {}
