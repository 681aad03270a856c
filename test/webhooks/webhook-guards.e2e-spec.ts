import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from '../helpers/test-app';
import {
  apiKeyFor,
  postSigned,
  seedTask,
  seedTenant,
  Tenant,
  WEBHOOK_TEST_SECRET,
} from './webhook-fixtures';

const LIMIT = 3;

/** Per-customer rate limits on Redis (429 + Retry-After) and the SSRF guard on receiver URLs. */
describe('Rate limits and receiver URL guard', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  beforeAll(async () => {
    t = await createTestApp({
      env: {
        WEBHOOK_RATE_LIMIT_PER_MINUTE: String(LIMIT),
        RATE_LIMIT_PER_MINUTE: String(LIMIT),
        OUTBOUND_WEBHOOKS_ALLOW_PRIVATE: 'false',
      },
    });
    [a, b] = [await seedTenant(t), await seedTenant(t)];
  });
  afterAll(() => t.close());

  const callback = async (tenant: Tenant) => {
    const taskId = await seedTask(t, tenant);
    const body = {
      eventType: 'message_send',
      customerId: tenant.customerId,
      veId: tenant.veId,
      taskId,
      message: 'hi',
    };
    return postSigned(t, '/api/webhooks/agent-callback', body, {
      secret: WEBHOOK_TEST_SECRET,
      id: `msg_${randomUUID()}`,
    });
  };

  it('limits signed webhooks per customer: the next one is 429 with Retry-After; another customer still passes', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await callback(a)).status).toBe(202);
    const limited = await callback(a);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect((await callback(b)).status).toBe(202);
  });

  it('limits API callers per customer (after authentication): 429 with Retry-After', async () => {
    const keyA = await apiKeyFor(t, a.customerId);
    const keyB = await apiKeyFor(t, b.customerId);
    for (let i = 0; i < LIMIT; i++)
      expect((await t.api('GET', '/api/webhook-endpoints', { token: keyA })).status).toBe(200);
    const limited = await t.api('GET', '/api/webhook-endpoints', { token: keyA });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await t.api('GET', '/api/webhook-endpoints', { token: keyB })).status).toBe(200);
  });

  it('refuses receiver URLs that resolve to private or loopback addresses', async () => {
    const c = await seedTenant(t);
    for (const url of ['http://127.0.0.1:9/hook', 'http://localhost/hook']) {
      const res = await t.api('POST', '/api/webhook-endpoints', {
        customerId: c.customerId,
        body: { url, events: ['task.completed'] },
      });
      expect(res.status).toBe(422);
      expect(res.body.message).toMatch(/non-public address/);
    }
  });
});
