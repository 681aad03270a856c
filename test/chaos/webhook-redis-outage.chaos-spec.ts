import { randomUUID } from 'node:crypto';
import { PrivateRedis } from '../foundation/support/processes';
import { createTestApp, TestApp } from '../helpers/test-app';
import {
  dbOf,
  postSigned,
  seedTask,
  seedTenant,
  Tenant,
  WEBHOOK_TEST_SECRET,
} from '../webhooks/webhook-fixtures';

/**
 * With Redis down, callbacks are still accepted (no 500): the database decides duplicates, the
 * event is applied in the request instead of through the queue, rate limits fail open.
 * A private redis-server, so the machine's Redis is never stopped.
 */
describe('Agent callbacks while Redis is down', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let tenant: Tenant;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    t = await createTestApp({ env: { REDIS_URL: redis.url } });
    tenant = await seedTenant(t);
  });
  afterAll(async () => {
    // Back up so the app closes gracefully (it also closes, without stray clients, with Redis down).
    await redis.start();
    await t.close();
    await redis.stop();
  }, 120_000);

  it('accepts and applies a callback once, answering the retry as a duplicate', async () => {
    const taskId = await seedTask(t, tenant);
    await redis.stop();
    const id = `msg_${randomUUID()}`;
    const body = {
      eventType: 'message_send',
      customerId: tenant.customerId,
      veId: tenant.veId,
      taskId,
      message: 'sent during the outage',
    };
    const first = await postSigned(t, '/api/webhooks/agent-callback', body, {
      id,
      secret: WEBHOOK_TEST_SECRET,
    });
    expect(first).toMatchObject({ status: 202, body: { accepted: true, id } });
    // Applied inline: already there when the answer arrives.
    const event = await dbOf(t)
      .selectFrom('webhook_events')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(event.status).toBe('applied');
    const again = await postSigned(t, '/api/webhooks/agent-callback', body, {
      id,
      secret: WEBHOOK_TEST_SECRET,
    });
    expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
    const messages = await dbOf(t)
      .selectFrom('messages')
      .select('id')
      .where('source_event_id', '=', `wh:${id}`)
      .execute();
    expect(messages).toHaveLength(1);
  });
});
