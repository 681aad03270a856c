import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { REDIS } from './redis.module';

/** A cache call slower than this is abandoned for the database: a slow Redis must not slow requests. */
const REDIS_TIMEOUT_MS = 300;

/**
 * Read-through JSON cache in Redis under `${BULLMQ_PREFIX}:cache:`. Each namespace has a version
 * counter in its keys: invalidation increments it, so a reader that loaded stale rows just before
 * a write can only store them under the old version, never serve them after it.
 * Every Redis failure degrades to loading from the source; the cache never fails a request.
 */
@Injectable()
export class RedisCache {
  private readonly logger = new Logger(RedisCache.name);
  private readonly prefix: string;
  private lastWarning = 0;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.prefix = `${config.get('BULLMQ_PREFIX')}:cache:`;
  }

  /** The cached value of `key` in `namespace`, or `load()`'s result (then cached for ttlSeconds). */
  async getOrLoad<T>(
    namespace: string,
    key: string,
    ttlSeconds: number,
    load: () => Promise<T>,
  ): Promise<T> {
    const cache = namespace.split(':')[0]!;
    let dataKey: string;
    try {
      const version = (await this.withTimeout(this.redis.get(this.versionKey(namespace)))) ?? '0';
      dataKey = `${this.prefix}${namespace}:v${version}:${key}`;
      const hit = await this.withTimeout(this.redis.get(dataKey));
      if (hit !== null) {
        this.metrics.cacheRequests.inc({ cache, outcome: 'hit' });
        return JSON.parse(hit) as T;
      }
    } catch (err) {
      this.metrics.cacheRequests.inc({ cache, outcome: 'error' });
      this.warn(err, namespace);
      return load();
    }
    this.metrics.cacheRequests.inc({ cache, outcome: 'miss' });
    const value = await load();
    this.redis
      .set(dataKey, JSON.stringify(value), 'EX', ttlSeconds)
      .catch((err: unknown) => this.warn(err, namespace));
    return value;
  }

  /** Makes every entry of the namespace unreachable (they expire by TTL). Never throws. */
  async invalidate(namespace: string): Promise<void> {
    try {
      await this.withTimeout(this.redis.incr(this.versionKey(namespace)));
    } catch (err) {
      // Entries stay readable until their TTL: bounded staleness, logged.
      this.warn(err, namespace);
    }
  }

  private versionKey(namespace: string): string {
    return `${this.prefix}${namespace}:version`;
  }

  private withTimeout<T>(op: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`redis cache call exceeded ${REDIS_TIMEOUT_MS} ms`)),
        REDIS_TIMEOUT_MS,
      );
    });
    return Promise.race([op, timeout]).finally(() => clearTimeout(timer));
  }

  private warn(err: unknown, namespace: string): void {
    // One line per 10 s is enough to see an outage without flooding the logs.
    if (Date.now() - this.lastWarning < 10_000) return;
    this.lastWarning = Date.now();
    this.logger.warn({ err, namespace }, 'cache unavailable, using the database');
  }
}
