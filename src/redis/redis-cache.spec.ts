import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { RedisCache } from './redis-cache';

const config = { get: () => 've' } as unknown as AppConfig;

/** An in-memory stand-in for the few Redis commands the cache uses. */
function memoryRedis() {
  const data = new Map<string, string>();
  return {
    data,
    get: jest.fn(async (k: string) => data.get(k) ?? null),
    set: jest.fn(async (k: string, v: string) => void data.set(k, v)),
    incr: jest.fn(async (k: string) => {
      const n = Number(data.get(k) ?? '0') + 1;
      data.set(k, String(n));
      return n;
    }),
  };
}

describe('RedisCache', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('loads once, then serves from Redis until invalidated', async () => {
    const redis = memoryRedis();
    const cache = new RedisCache(redis as unknown as Redis, config, new MetricsService());
    const load = jest.fn().mockResolvedValueOnce({ v: 1 }).mockResolvedValueOnce({ v: 2 });
    expect(await cache.getOrLoad('templates', 'k', 60, load)).toEqual({ v: 1 });
    await new Promise((r) => setImmediate(r));
    expect(await cache.getOrLoad('templates', 'k', 60, load)).toEqual({ v: 1 });
    expect(load).toHaveBeenCalledTimes(1);
    await cache.invalidate('templates');
    expect(await cache.getOrLoad('templates', 'k', 60, load)).toEqual({ v: 2 });
    expect([...redis.data.keys()].every((k) => k.startsWith('ve:cache:templates:'))).toBe(true);
  });

  it('falls back to the source when Redis fails, and never throws', async () => {
    const down = new Error("Stream isn't writeable and enableOfflineQueue options is false");
    const redis = {
      get: jest.fn().mockRejectedValue(down),
      set: jest.fn().mockRejectedValue(down),
      incr: jest.fn().mockRejectedValue(down),
    };
    const cache = new RedisCache(redis as unknown as Redis, config, new MetricsService());
    await expect(cache.getOrLoad('org:c1', 'ves', 60, async () => ['a'])).resolves.toEqual(['a']);
    await expect(cache.invalidate('org:c1')).resolves.toBeUndefined();
  });

  it('does not wait for a Redis that hangs', async () => {
    const redis = {
      get: jest.fn(() => new Promise(() => undefined)),
      set: jest.fn(),
      incr: jest.fn(() => new Promise(() => undefined)),
    };
    const cache = new RedisCache(redis as unknown as Redis, config, new MetricsService());
    const started = Date.now();
    await expect(cache.getOrLoad('templates', 'k', 60, async () => 'fresh')).resolves.toBe('fresh');
    await cache.invalidate('templates');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
