import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../config/app-config';
import { WebhookIdempotency } from './webhook-idempotency';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('WebhookIdempotency (real Redis)', () => {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const prefix = `vet-whseen-${randomBytes(4).toString('hex')}`;
  const config = {
    get: (k: string) => (k === 'BULLMQ_PREFIX' ? prefix : 60),
  } as unknown as AppConfig;
  const edge = new WebhookIdempotency(redis, config);

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('claims once; an accepted id is a duplicate, one in flight is left to the database', async () => {
    expect(await edge.claim('a')).toBe('claimed');
    expect(await edge.claim('a')).toBe('unknown');
    await edge.markAccepted('a');
    expect(await edge.claim('a')).toBe('duplicate');
  });

  it('hands a claim started early to the request it was started for, once', async () => {
    const body = Buffer.from('{}');
    edge.claimEarly(body, 'b');
    edge.claimEarly(body, 'b'); // the tracker may run once per throttler: still one claim
    expect(await edge.claimFor(body, 'b')).toBe('claimed');
    // Taken: another request with the same id claims on its own (and finds it in flight).
    expect(await edge.claimFor(body, 'b')).toBe('unknown');
    // A different id (another body with equal bytes is another Buffer) never gets it.
    const other = Buffer.from('{}');
    edge.claimEarly(other, 'c');
    expect(await edge.claimFor(other, 'd')).toBe('claimed');
    expect(await edge.claim('c')).toBe('unknown');
  });

  it('gives back a claim started early for a refused request, so a corrected retry is accepted', async () => {
    const body = Buffer.from('{"bad":true}');
    edge.claimEarly(body, 'e');
    await edge.abandonEarly(body);
    expect(await redis.exists(`${prefix}:webhook-seen:e`)).toBe(0);
    expect(await edge.claim('e')).toBe('claimed');
    // Nothing started early: nothing to give back.
    await edge.abandonEarly(Buffer.from('{}'));
    await edge.abandonEarly(undefined);
  });
});
