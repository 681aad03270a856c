import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { RedisThrottlerStorage } from './redis-throttler.storage';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('RedisThrottlerStorage (real Redis)', () => {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const prefix = `vet-throttle-${randomBytes(4).toString('hex')}`;
  const storage = new RedisThrottlerStorage(redis, prefix);

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('counts hits in a window and blocks past the limit', async () => {
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push(await storage.increment('k1', 60_000, 3, 30_000, 'default'));
    expect(results.map((r) => r.totalHits)).toEqual([1, 2, 3, 4]);
    expect(results.map((r) => r.isBlocked)).toEqual([false, false, false, true]);
    expect(results[0]!.timeToExpire).toBe(60);
    expect(results[3]!.timeToBlockExpire).toBe(30);
    const during = await storage.increment('k1', 60_000, 3, 30_000, 'default');
    expect(during.isBlocked).toBe(true);
  });

  it('is atomic under concurrency: exactly `limit` of many parallel hits pass', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, () => storage.increment('k2', 60_000, 20, 60_000, 'default')),
    );
    expect(results.filter((r) => !r.isBlocked)).toHaveLength(20);
  });

  it('starts a fresh window once the block ends', async () => {
    await storage.increment('k3', 60_000, 1, 200, 'default');
    expect((await storage.increment('k3', 60_000, 1, 200, 'default')).isBlocked).toBe(true);
    await new Promise((r) => setTimeout(r, 300)); // the block is 200 ms of Redis time: nothing to await but the clock
    const after = await storage.increment('k3', 60_000, 1, 200, 'default');
    expect(after).toMatchObject({ isBlocked: false, totalHits: 1 });
  });

  it('keeps separate buckets per key and throttler name', async () => {
    await storage.increment('k4', 60_000, 1, 60_000, 'default');
    expect((await storage.increment('k4', 60_000, 1, 60_000, 'webhooks')).isBlocked).toBe(false);
    expect((await storage.increment('k5', 60_000, 1, 60_000, 'default')).isBlocked).toBe(false);
  });

  it('fails open when Redis is unreachable', async () => {
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    down.on('error', () => undefined);
    const r = await new RedisThrottlerStorage(down, prefix).increment(
      'k6',
      60_000,
      1,
      60_000,
      'default',
    );
    expect(r).toMatchObject({ isBlocked: false, totalHits: 0 });
    down.disconnect();
  });
});
