import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { QUEUES } from '../../src/queue/queue.constants';
import { REDIS_URL } from '../helpers/resources';
import { webhookJobId } from '../../src/webhooks/webhook-intake.service';
import { ApiResponse, createTestApp, TestApp } from '../helpers/test-app';
import {
  dbOf,
  NEW_SECRET,
  OLD_SECRET,
  postSigned,
  seedTask,
  seedTenant,
  settled,
  Tenant,
  WRONG_SECRET,
} from './webhook-fixtures';

const CALLBACK = '/api/webhooks/agent-callback';

describe('Agent callbacks (signed, applied once)', () => {
  let t: TestApp;
  let tenant: Tenant;
  let webhooksQueue: Queue;
  beforeAll(async () => {
    // Two secrets: the app is mid-rotation, as WEBHOOK_SECRET allows.
    t = await createTestApp({ env: { WEBHOOK_SECRET: `${OLD_SECRET} ${NEW_SECRET}` } });
    tenant = await seedTenant(t);
    // A client of the app's own queue (same Redis, same prefix) to see what was enqueued.
    webhooksQueue = new Queue(QUEUES.webhooks, {
      connection: { url: REDIS_URL() },
      prefix: t.env.BULLMQ_PREFIX,
    });
  });
  afterAll(async () => {
    await webhooksQueue.close();
    await t.close();
  });

  const task = (id: string) =>
    dbOf(t).selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const update = (taskId: string, extra: object = {}) => ({
    eventType: 'task_update',
    customerId: tenant.customerId,
    taskId,
    veId: tenant.veId,
    status: 'completed',
    result: 'Launch post written',
    ...extra,
  });

  it('answers the health probe', async () => {
    const res = await t.api('GET', '/api/webhooks/health', { token: null });
    expect(res).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('accepts a valid callback with 202 at once and applies it through the task state machine', async () => {
    const taskId = await seedTask(t, tenant);
    const id = `msg_${randomUUID()}`;
    const res = await postSigned(t, CALLBACK, update(taskId), { id });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: true, id });
    expect(await settled(t, id)).toMatchObject({ status: 'applied', event_type: 'task_update' });
    const row = await task(taskId);
    expect(row.status).toBe('completed');
    expect(JSON.stringify(row.result)).toContain('Launch post written');
  });

  it("accepts the original guide's snake_case curl payload, signed", async () => {
    const taskId = await seedTask(t, tenant);
    const body = {
      event_type: 'task_update',
      customer_id: tenant.customerId,
      task_id: taskId,
      status: 'completed',
      result: 'Task completed successfully',
    };
    const res = await postSigned(t, CALLBACK, body);
    expect(res.status).toBe(202);
    expect(await settled(t, res.body.id)).toMatchObject({ status: 'applied' });
    expect((await task(taskId)).status).toBe('completed');
  });

  describe('refuses with 401 naming the reason, and enqueues nothing', () => {
    type Send = (body: object, id: string) => Promise<ApiResponse<{ details?: unknown[] }>>;
    const cases: Array<[string, Send, string]> = [
      [
        'a tampered body',
        (b, id) =>
          postSigned(
            t,
            CALLBACK,
            { ...b, result: 'forged' },
            { id, signedBody: JSON.stringify(b) },
          ),
        'bad_signature',
      ],
      [
        'a wrong secret',
        (b, id) => postSigned(t, CALLBACK, b, { id, secret: WRONG_SECRET }),
        'bad_signature',
      ],
      [
        'a missing signature',
        (b, id) => postSigned(t, CALLBACK, b, { id, headers: { 'webhook-signature': '' } }),
        'missing_header',
      ],
      [
        'a missing timestamp',
        (b, id) => postSigned(t, CALLBACK, b, { id, headers: { 'webhook-timestamp': '' } }),
        'missing_header',
      ],
      [
        'a malformed signature',
        (b, id) =>
          postSigned(t, CALLBACK, b, { id, headers: { 'webhook-signature': 'sha256=abc' } }),
        'malformed_header',
      ],
      [
        'a stale timestamp',
        (b, id) => postSigned(t, CALLBACK, b, { id, at: new Date(Date.now() - 6 * 60_000) }),
        'stale_timestamp',
      ],
      [
        'a future timestamp',
        (b, id) => postSigned(t, CALLBACK, b, { id, at: new Date(Date.now() + 6 * 60_000) }),
        'future_timestamp',
      ],
    ];
    it.each(cases)('%s', async (_name, send, reason) => {
      const taskId = await seedTask(t, tenant);
      const id = `msg_${randomUUID()}`;
      const res = await send(update(taskId), id);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, details: [{ reason }] });
      expect(
        await dbOf(t)
          .selectFrom('webhook_events')
          .select('id')
          .where('id', '=', id)
          .executeTakeFirst(),
      ).toBeUndefined();
      expect(await webhooksQueue.getJob(webhookJobId(id))).toBeUndefined();
      expect((await task(taskId)).status).toBe('in_progress');
    });

    it('a missing webhook-id', async () => {
      const res = await t.api('POST', CALLBACK, { token: null, body: update(randomUUID()) });
      expect(res.status).toBe(401);
      expect(res.body.details).toEqual([{ reason: 'missing_header' }]);
      expect(res.body.message).toMatch(/webhook-id/);
    });
  });

  it('accepts both the old and the new secret during a rotation', async () => {
    for (const secret of [OLD_SECRET, NEW_SECRET]) {
      const taskId = await seedTask(t, tenant);
      const res = await postSigned(t, CALLBACK, update(taskId), { secret });
      expect(res.status).toBe(202);
      expect(await settled(t, res.body.id)).toMatchObject({ status: 'applied' });
    }
  });

  it('validates per event type and names every bad field (400), storing nothing', async () => {
    const id = `msg_${randomUUID()}`;
    const res = await postSigned(
      t,
      CALLBACK,
      { event_type: 'task_update', customer_id: tenant.customerId, status: 'done', colour: 'red' },
      { id },
    );
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'colour',
      'status',
      'taskId',
    ]);
    expect(
      await dbOf(t)
        .selectFrom('webhook_events')
        .select('id')
        .where('id', '=', id)
        .executeTakeFirst(),
    ).toBeUndefined();
  });

  it('refuses an unknown customer and a task of another customer (404), and a task reported by another VE (403)', async () => {
    const other = await seedTenant(t);
    const foreignTask = await seedTask(t, other);
    const unknown = await postSigned(t, CALLBACK, {
      ...update(foreignTask),
      customerId: randomUUID(),
      veId: undefined,
    });
    expect(unknown.status).toBe(404);
    const foreign = await postSigned(t, CALLBACK, update(foreignTask));
    expect(foreign.status).toBe(404);
    expect(foreign.body.message).toMatch(/not found/);
    expect((await task(foreignTask)).status).toBe('in_progress');
    const mine = await seedTask(t, tenant);
    const wrongVe = await postSigned(t, CALLBACK, update(mine, { veId: tenant.otherVeId }));
    expect(wrongVe.status).toBe(403);
    expect(wrongVe.body.message).toMatch(/assigned to VE/);
  });

  it('records an event about a finished task as ignored, not as an error', async () => {
    const taskId = await seedTask(t, tenant, { status: 'completed' });
    const res = await postSigned(
      t,
      CALLBACK,
      update(taskId, { status: 'failed', error: 'late failure', result: undefined }),
    );
    expect(res.status).toBe(202);
    expect(await settled(t, res.body.id)).toMatchObject({ status: 'ignored' });
    expect((await task(taskId)).status).toBe('completed');
  });
  it('counts accepted, duplicate and refused webhooks (by reason) in /metrics', async () => {
    const taskId = await seedTask(t, tenant);
    const id = `msg_${randomUUID()}`;
    expect((await postSigned(t, CALLBACK, update(taskId), { id })).status).toBe(202);
    expect((await postSigned(t, CALLBACK, update(taskId), { id })).status).toBe(200);
    const metrics = (await t.api('GET', '/metrics', { token: null })).text;
    expect(metrics).toMatch(/ve_webhooks_received_total\{event_type="task_update"\} [1-9]/);
    expect(metrics).toMatch(/ve_webhooks_duplicate_total [1-9]/);
    expect(metrics).toMatch(/ve_webhooks_rejected_total\{reason="bad_signature"\} [1-9]/);
    expect(metrics).toMatch(/ve_webhooks_rejected_total\{reason="stale_timestamp"\} [1-9]/);
  });
});
