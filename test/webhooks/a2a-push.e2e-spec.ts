import { StreamResponse } from '@a2a-js/sdk';
import { randomBytes, randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from '../helpers/test-app';
import { dbOf, seedTask, seedTenant, settled, Tenant } from './webhook-fixtures';

const PUSH = '/api/webhooks/a2a';

/** A2A push notifications: the per-task token (tasks.push_token) is the credential. */
describe('A2A push notifications', () => {
  let t: TestApp;
  let tenant: Tenant;
  beforeAll(async () => {
    t = await createTestApp();
    tenant = await seedTenant(t);
  });
  afterAll(() => t.close());

  const token = () => `ptok_${randomBytes(24).toString('base64url')}`;
  const task = (id: string) =>
    dbOf(t).selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('A2A 0.3: the completed Task with X-A2A-Notification-Token completes the task, once', async () => {
    const pushToken = token();
    const taskId = await seedTask(t, tenant, { pushToken });
    const body = {
      kind: 'task',
      id: `agent-${randomUUID()}`,
      contextId: taskId,
      status: {
        state: 'completed',
        message: {
          kind: 'message',
          role: 'agent',
          messageId: 'm1',
          parts: [{ kind: 'text', text: 'Post published' }],
        },
      },
      artifacts: [
        { artifactId: 'a1', parts: [{ kind: 'text', text: 'https://blog.example/launch' }] },
      ],
    };
    const headers = { 'x-a2a-notification-token': pushToken };
    const res = await t.api('POST', PUSH, { token: null, body, headers });
    expect(res.status).toBe(202);
    expect(await settled(t, res.body.id)).toMatchObject({
      status: 'applied',
      event_type: 'a2a_push',
    });
    const row = await task(taskId);
    expect(row.status).toBe('completed');
    expect(JSON.stringify(row.result)).toContain('Post published');
    // At least once: the same notification again is a duplicate.
    const again = await t.api('POST', PUSH, { token: null, body, headers });
    expect(again).toMatchObject({ status: 200, body: { duplicate: true, id: res.body.id } });
  });

  it('A2A 1.0: application/a2a+json StreamResponses with Authorization move the task (working, then failed)', async () => {
    const pushToken = token();
    const taskId = await seedTask(t, tenant, { pushToken });
    const agentTaskId = `agent-${randomUUID()}`;
    // Serialised by the SDK itself, as its push sender does (V1PushNotificationSerializer).
    const working = StreamResponse.toJSON(
      StreamResponse.fromJSON({
        statusUpdate: {
          taskId: agentTaskId,
          contextId: taskId,
          status: { state: 'TASK_STATE_WORKING' },
        },
      }),
    );
    const failed = StreamResponse.toJSON(
      StreamResponse.fromJSON({
        task: {
          id: agentTaskId,
          contextId: taskId,
          status: {
            state: 'TASK_STATE_FAILED',
            message: { messageId: 'm2', role: 'ROLE_AGENT', parts: [{ text: 'quota exhausted' }] },
          },
        },
      }),
    );
    const headers = {
      'content-type': 'application/a2a+json',
      authorization: `Bearer ${pushToken}`,
    };
    const first = await t.api('POST', PUSH, { token: null, body: working, headers });
    expect(first.status).toBe(202);
    await settled(t, first.body.id);
    const second = await t.api('POST', PUSH, { token: null, body: failed, headers });
    expect(second.status).toBe(202);
    expect(await settled(t, second.body.id)).toMatchObject({ status: 'applied' });
    const row = await task(taskId);
    expect(row.error ?? '').toContain('quota exhausted');
    expect(row.status).not.toBe('in_progress');
  });

  it('refuses a wrong or missing token with 401 and stores nothing', async () => {
    const taskId = await seedTask(t, tenant, { pushToken: token() });
    const body = { kind: 'task', id: 'x', contextId: taskId, status: { state: 'completed' } };
    const wrong = await t.api('POST', PUSH, {
      token: null,
      body,
      headers: { 'x-a2a-notification-token': token() },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.details).toEqual([{ reason: 'bad_token' }]);
    const missing = await t.api('POST', PUSH, { token: null, body });
    expect(missing.status).toBe(401);
    expect(missing.body.details).toEqual([{ reason: 'missing_header' }]);
    expect((await task(taskId)).status).toBe('in_progress');
  });
});
