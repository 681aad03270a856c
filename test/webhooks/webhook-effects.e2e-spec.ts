import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { REDIS_URL } from '../helpers/resources';
import { createTestApp, TestApp } from '../helpers/test-app';
import {
  dbOf,
  postSigned,
  seedTask,
  seedTenant,
  settled,
  Tenant,
  WEBHOOK_TEST_SECRET,
} from './webhook-fixtures';

const CALLBACK = '/api/webhooks/agent-callback';

/** Each event type's effect, and "the same event five times, in a row and at once → one effect". */
describe('Agent callback effects and idempotency', () => {
  let t: TestApp;
  let tenant: Tenant;
  beforeAll(async () => {
    t = await createTestApp({ env: { WEBHOOK_SECRET: WEBHOOK_TEST_SECRET } });
    tenant = await seedTenant(t);
  });
  afterAll(() => t.close());

  const db = () => dbOf(t);
  const base = () => ({ customerId: tenant.customerId, veId: tenant.veId });
  const send = (body: object, id?: string) =>
    postSigned(t, CALLBACK, body, { id, secret: WEBHOOK_TEST_SECRET });
  const countUsage = async (sourceEventId: string) =>
    Number(
      (
        await db()
          .selectFrom('token_usage')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('customer_id', '=', tenant.customerId)
          .where('source_event_id', '=', sourceEventId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('message_send stores one message from the VE', async () => {
    const taskId = await seedTask(t, tenant);
    const res = await send({
      ...base(),
      eventType: 'message_send',
      taskId,
      message: 'Draft is ready for review',
    });
    expect(res.status).toBe(202);
    expect(await settled(t, res.body.id)).toMatchObject({ status: 'applied' });
    const msg = await db()
      .selectFrom('messages')
      .selectAll()
      .where('source_event_id', '=', `wh:${res.body.id}`)
      .executeTakeFirstOrThrow();
    expect(msg).toMatchObject({
      direction: 'from_ve',
      ve_id: tenant.veId,
      task_id: taskId,
      content: 'Draft is ready for review',
    });
  });

  it('agent_status sets the VE status (agent dialects mapped), found by agent name', async () => {
    const res = await send({
      event_type: 'agent_status',
      customer_id: tenant.customerId,
      agent_name: tenant.agentName,
      status: 'error',
      error: 'model quota',
    });
    expect(res.status).toBe(202);
    expect(await settled(t, res.body.id)).toMatchObject({ status: 'applied' });
    const ve = await db()
      .selectFrom('ves')
      .select(['status', 'status_reason'])
      .where('id', '=', tenant.veId)
      .executeTakeFirstOrThrow();
    expect(ve).toEqual({ status: 'degraded', status_reason: 'model quota' });
  });

  it('delegation creates a child task for the target VE and marks the parent delegated', async () => {
    const taskId = await seedTask(t, tenant);
    const res = await send({
      ...base(),
      eventType: 'delegation',
      taskId,
      delegation: { toVeId: tenant.otherVeId, title: 'Proofread the post' },
    });
    expect(res.status).toBe(202);
    expect(await settled(t, res.body.id)).toMatchObject({ status: 'applied' });
    const child = await db()
      .selectFrom('tasks')
      .selectAll()
      .where('parent_task_id', '=', taskId)
      .executeTakeFirstOrThrow();
    expect(child).toMatchObject({ ve_id: tenant.otherVeId, title: 'Proofread the post' });
    const parent = await db()
      .selectFrom('tasks')
      .select('status')
      .where('id', '=', taskId)
      .executeTakeFirstOrThrow();
    // The child runs at once on the sandbox agent: once it is done, so is the parent.
    expect(['delegated', 'completed']).toContain(parent.status);
    const moved = await db()
      .selectFrom('task_events')
      .select('from_status')
      .where('task_id', '=', taskId)
      .where('to_status', '=', 'delegated')
      .execute();
    expect(moved).toEqual([{ from_status: 'in_progress' }]);
  });

  it('error records the attempt on the task (retried or failed)', async () => {
    const taskId = await seedTask(t, tenant);
    const res = await send({ ...base(), eventType: 'error', taskId, error: 'tool crashed' });
    expect(res.status).toBe(202);
    expect(await settled(t, res.body.id)).toMatchObject({ status: 'applied' });
    const row = await db()
      .selectFrom('tasks')
      .select(['status', 'error'])
      .where('id', '=', taskId)
      .executeTakeFirstOrThrow();
    expect(row.status).not.toBe('in_progress');
    expect(row.error).toContain('tool crashed');
  });

  it('token_usage (flat, on its own route) records one ledger row', async () => {
    const taskId = await seedTask(t, tenant);
    const res = await postSigned(
      t,
      '/api/webhooks/token-usage',
      {
        customer_id: tenant.customerId,
        ve_id: tenant.veId,
        task_id: taskId,
        model: 'gpt-4o-mini',
        input_tokens: 1200,
        output_tokens: 300,
      },
      { secret: WEBHOOK_TEST_SECRET },
    );
    expect(res.status).toBe(202);
    expect(await settled(t, res.body.id)).toMatchObject({ status: 'applied' });
    const row = await db()
      .selectFrom('token_usage')
      .selectAll()
      .where('source_event_id', '=', `wh:${res.body.id}`)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      input_tokens: 1200,
      output_tokens: 300,
      model: 'gpt-4o-mini',
      task_id: taskId,
      source: 'token_usage',
    });
  });

  it('the same event five times in a row: one status change, one usage row; then 200 { duplicate: true }', async () => {
    const taskId = await seedTask(t, tenant);
    const id = `msg_${randomUUID()}`;
    const body = {
      ...base(),
      eventType: 'task_update',
      taskId,
      status: 'completed',
      result: 'done',
      usage: { model: 'gpt-4o-mini', inputTokens: 10, outputTokens: 5 },
    };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await send(body, id);
      statuses.push(res.status);
      if (res.status === 200) expect(res.body).toMatchObject({ duplicate: true });
    }
    expect(statuses).toEqual([202, 200, 200, 200, 200]);
    await settled(t, id);
    const transitions = await db()
      .selectFrom('task_events')
      .select('id')
      .where('task_id', '=', taskId)
      .where('to_status', '=', 'completed')
      .execute();
    expect(transitions).toHaveLength(1);
    expect(await countUsage(`wh:${id}`)).toBe(1);
  });

  it('the same event five times at once: one 202, four duplicates, one message, one status change', async () => {
    const taskId = await seedTask(t, tenant);
    const msgId = `msg_${randomUUID()}`;
    const msg = { ...base(), eventType: 'message_send', taskId, message: 'once only' };
    const msgAnswers = await Promise.all(Array.from({ length: 5 }, () => send(msg, msgId)));
    expect(msgAnswers.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 202]);
    const updId = `msg_${randomUUID()}`;
    const upd = {
      ...base(),
      eventType: 'task_update',
      taskId,
      status: 'completed',
      result: 'done',
    };
    const updAnswers = await Promise.all(Array.from({ length: 5 }, () => send(upd, updId)));
    expect(updAnswers.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 202]);
    await settled(t, msgId);
    await settled(t, updId);
    const messages = await db()
      .selectFrom('messages')
      .select('id')
      .where('source_event_id', '=', `wh:${msgId}`)
      .execute();
    expect(messages).toHaveLength(1);
    const transitions = await db()
      .selectFrom('task_events')
      .select('id')
      .where('task_id', '=', taskId)
      .where('to_status', '=', 'completed')
      .execute();
    expect(transitions).toHaveLength(1);
  });

  it('an agent usage id is billed once, whether it comes by callback or token-usage', async () => {
    const usageId = `run-${randomUUID()}`;
    const usage = { model: 'gpt-4o-mini', inputTokens: 7, outputTokens: 3, eventId: usageId };
    const a = await send({ ...base(), eventType: 'token_usage', usage });
    const b = await postSigned(
      t,
      '/api/webhooks/token-usage',
      { ...base(), ...usage },
      { secret: WEBHOOK_TEST_SECRET },
    );
    expect([a.status, b.status]).toEqual([202, 202]);
    await settled(t, a.body.id);
    await settled(t, b.body.id);
    expect(await countUsage(usageId)).toBe(1);
  });

  it('keeps working on the database check alone when the Redis edge key is gone', async () => {
    const taskId = await seedTask(t, tenant);
    const id = `msg_${randomUUID()}`;
    const body = { ...base(), eventType: 'message_send', taskId, message: 'after a Redis flush' };
    expect((await send(body, id)).status).toBe(202);
    const redis = new Redis(REDIS_URL());
    expect(await redis.del(`${t.env.BULLMQ_PREFIX}:webhook-seen:${id}`)).toBe(1);
    redis.disconnect();
    const again = await send(body, id);
    expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
  });
});
