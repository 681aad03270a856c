import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

/** Injection token of the shared ioredis client used for caches, idempotency keys, rate limits and events. */
export const REDIS = Symbol('REDIS');

export function createRedis(url: string, name: string): Redis {
  const client = new Redis(url, {
    connectionName: name,
    // Fail fast while Redis is down rather than queueing commands without bound.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: false,
    // Commands issued in the same tick (throttle, idempotency, events of concurrent requests) go out
    // in one write: measured in bench/, socket writes were the largest cost under load. Safe here:
    // this client never blocks (XREAD BLOCK and SUBSCRIBE use connections of their own).
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  client.on('error', () => undefined); // reconnects on its own; health reports the outage
  return client;
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: (c: AppConfig) => createRedis(c.get('REDIS_URL'), 've-app'),
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}
