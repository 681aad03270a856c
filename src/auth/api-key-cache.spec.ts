import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../config/app-config';
import { ApiKeyCache, type ActiveApiKey } from './api-key-cache';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('ApiKeyCache (real Redis)', () => {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const prefix = `vet-keys-${randomBytes(4).toString('hex')}`;
  const config = { get: () => prefix } as unknown as AppConfig;
  const key: ActiveApiKey = { id: 'k1', customer_id: 'c1', last_used_at: null };

  afterAll(async () => {
    await redis.del(`${prefix}:auth:api-keys-version`);
    redis.disconnect();
  });

  it('answers a known key from memory until keys change on any replica', async () => {
    const replicaA = new ApiKeyCache(redis, config);
    const replicaB = new ApiKeyCache(redis, config);
    const load = jest.fn(async () => key);
    expect(await replicaA.get('h1', load)).toEqual(key);
    expect(await replicaA.get('h1', load)).toEqual(key);
    expect(load).toHaveBeenCalledTimes(1);
    await replicaB.changed(); // e.g. the key was revoked through another replica
    const revoked = jest.fn(async () => undefined);
    expect(await replicaA.get('h1', revoked)).toBeUndefined();
    expect(revoked).toHaveBeenCalledTimes(1);
  });

  it('never caches an unknown key', async () => {
    const cache = new ApiKeyCache(redis, config);
    const load = jest.fn(async () => undefined);
    await cache.get('h2', load);
    await cache.get('h2', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('asks the database every time while Redis is unreachable', async () => {
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    down.on('error', () => undefined);
    const cache = new ApiKeyCache(down, config);
    const load = jest.fn(async () => key);
    await cache.get('h3', load);
    await cache.get('h3', load);
    expect(load).toHaveBeenCalledTimes(2);
    down.disconnect();
  });
});
