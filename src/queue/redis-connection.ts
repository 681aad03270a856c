import type { RedisOptions } from 'bullmq';

/** BullMQ connection options for REDIS_URL, reconnecting with a capped backoff. */
export function redisConnectionOptions(url: string): RedisOptions {
  return { url, retryStrategy: (times: number) => Math.min(times * 200, 2_000) };
}
