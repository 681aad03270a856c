import type { Queue } from 'bullmq';
import { MessageDeliveryService } from '../../src/messages/message-delivery.service';
import { MessagesService } from '../../src/messages/messages.service';
import { QueueProducerService } from '../../src/queue/queue-producer.service';
import { SseClient } from '../events/support/sse-client';
import { dbOf, eventually, seedCustomer, seedVe } from '../events/support/tenants';
import { createTestApp, TestApp } from '../helpers/test-app';

// The project-level testTimeout is not applied by jest (a global option): slow machines need more than 5 s.
jest.setTimeout(60_000);

interface Msg {
  id: string;
  customerId: string;
  veId: string;
  taskId: string | null;
  direction: 'to_ve' | 'from_ve';
  content: string;
  status: string;
  readAt: string | null;
  createdAt: string;
}

describe('Messages between a customer and its VEs (through the sandbox A2A agent)', () => {
  let t: TestApp;
  let acme: { id: string; apiKey: string };
  let other: { id: string; apiKey: string };
  let ve: { id: string; agentName: string };
  let otherVe: { id: string };
  let sse: SseClient;

  const as = (c: { apiKey: string }) => ({ token: c.apiKey });
  const list = async (query: string, c = acme) =>
    (
      await t.api<{ items: Msg[]; nextCursor: string | null }>(
        'GET',
        `/api/messages?${query}`,
        as(c),
      )
    ).body;
  const send = (body: unknown, c = acme, headers?: Record<string, string>) =>
    t.api<Msg>('POST', '/api/messages', { ...as(c), body, headers });
  /** Waits until the conversation holds the VE's reply to `sent`, and `sent` is delivered. */
  const replyTo = async (sent: Msg) =>
    eventually(async () => {
      const { items } = await list(`veId=${sent.veId}&limit=200`);
      const mine = items.find((m) => m.id === sent.id);
      const reply = items.find(
        (m) =>
          m.direction === 'from_ve' &&
          m.createdAt >= sent.createdAt &&
          m.content.includes(sent.content.replace(/\[\w+\]\s*/g, '')),
      );
      return mine?.status === 'delivered' && reply ? { mine, reply } : undefined;
    }, `the reply to ${sent.content}`);

  beforeAll(async () => {
    t = await createTestApp();
    acme = await seedCustomer(t, 'Acme');
    other = await seedCustomer(t, 'Other');
    ve = await seedVe(t, acme.id, { name: 'Sam' });
    otherVe = await seedVe(t, other.id);
    sse = await SseClient.connect(`${t.url}/api/events`, {
      authorization: `Bearer ${acme.apiKey}`,
    });
  });
  afterAll(async () => {
    sse?.close();
    await t?.close();
  });

  it('delivers a message to the VE over A2A and stores its answer as a from_ve message', async () => {
    const res = await send({ veId: ve.id, content: 'Please summarise the Q3 report' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      customerId: acme.id,
      veId: ve.id,
      taskId: null,
      direction: 'to_ve',
      content: 'Please summarise the Q3 report',
      status: 'queued',
      readAt: null,
      createdAt: expect.any(String),
    });
    const { mine, reply } = await replyTo(res.body);
    expect(mine.status).toBe('delivered');
    expect(reply).toMatchObject({
      veId: ve.id,
      taskId: null,
      direction: 'from_ve',
      status: 'stored',
      readAt: null,
    });
    expect(reply.content).toContain(ve.agentName);

    // The customer's live stream saw both messages and the delivery.
    await sse.waitFor(
      () => sse.payloads('message.created').some((e) => e.messageId === reply.id),
      'the reply event',
    );
    const created = sse
      .payloads('message.created')
      .filter((e) => [mine.id, reply.id].includes(e.messageId));
    expect(created.map((e) => [e.messageId, e.data.direction, e.veId])).toEqual([
      [mine.id, 'to_ve', ve.id],
      [reply.id, 'from_ve', ve.id],
    ]);
    expect(sse.payloads('message.updated').find((e) => e.messageId === mine.id)?.data.status).toBe(
      'delivered',
    );
  });

  it("stores an agent's question (input required) as its reply", async () => {
    const res = await send({ veId: ve.id, content: '[input] Book the venue' });
    const { reply } = await replyTo(res.body);
    expect(reply.direction).toBe('from_ve');
  });

  it('marks a message failed when the agent refuses it, and stores no reply', async () => {
    const res = await send({ veId: ve.id, content: '[fail] Break something' });
    const failed = await eventually(async () => {
      const { items } = await list(`veId=${ve.id}&limit=200`);
      const m = items.find((x) => x.id === res.body.id);
      return m?.status === 'failed' ? items : undefined;
    }, 'the failed status');
    expect(
      failed.filter((m) => m.direction === 'from_ve' && m.content.includes('Break something')),
    ).toEqual([]);
  });

  it('does not store the reply twice when a delivery runs again (a retried job)', async () => {
    const res = await send({ veId: ve.id, content: 'Count me once' });
    const { mine } = await replyTo(res.body);
    // As if the job ran again after the reply was stored but before it was acknowledged.
    await dbOf(t)
      .updateTable('messages')
      .set({ status: 'queued' })
      .where('id', '=', mine.id)
      .execute();
    await t.get(MessageDeliveryService).deliver(acme.id, mine.id);
    const replies = await dbOf(t)
      .selectFrom('messages')
      .select('id')
      .where('source_event_id', '=', `reply:${mine.id}`)
      .execute();
    expect(replies).toHaveLength(1);
  });

  it('uses the task as the A2A context of a message about a task, and filters by taskId', async () => {
    const task = await dbOf(t)
      .insertInto('tasks')
      .values({
        customer_id: acme.id,
        title: 'Plan the offsite',
        ve_id: ve.id,
        status: 'completed',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const res = await send({ veId: ve.id, taskId: task.id, content: 'Add a dinner on day two' });
    expect(res.status).toBe(201);
    expect(res.body.taskId).toBe(task.id);
    const { reply } = await replyTo(res.body);
    expect(reply.taskId).toBe(task.id);
    const { items } = await list(`taskId=${task.id}`);
    expect(items.map((m) => m.id).sort()).toEqual([res.body.id, reply.id].sort());
  });

  it('carries the trace id of the request into the job (and answers it in x-trace-id)', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await send({ veId: ve.id, content: 'Trace me' }, acme, {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    expect(res.headers.get('x-trace-id')).toBe(traceId);
    const queue: Queue = t.get(QueueProducerService).queue('messages');
    const job = await queue.getJob(res.body.id);
    expect(job?.id).toBe(res.body.id);
    expect(job?.data).toEqual({ customerId: acme.id, messageId: res.body.id, traceId });
  });

  it('marks a message read once; reading again keeps the first time', async () => {
    const { reply } = await replyTo((await send({ veId: ve.id, content: 'Read receipt' })).body);
    const first = await t.api<Msg>('PATCH', `/api/messages/${reply.id}/read`, as(acme));
    expect(first.status).toBe(200);
    expect(first.body.readAt).toEqual(expect.any(String));
    const again = await t.api<Msg>('PATCH', `/api/messages/${reply.id}/read`, as(acme));
    expect(again.body.readAt).toBe(first.body.readAt);
  });

  it('pages newest first with a cursor, without gaps or repeats', async () => {
    const pageVe = await seedVe(t, acme.id, { name: 'Pager' });
    const messages = t.get(MessagesService);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (await messages.recordFromVe(acme.id, { veId: pageVe.id, content: `note ${i}` })).message
          .id,
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Msg[]; nextCursor: string | null } = await list(
        `veId=${pageVe.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((m) => m.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('records a VE message once per source event, and announces it once', async () => {
    const messages = t.get(MessagesService);
    const msg = { veId: ve.id, content: 'From a callback', sourceEventId: 'msg_callback_1' };
    const first = await messages.recordFromVe(acme.id, msg);
    const second = await messages.recordFromVe(acme.id, msg);
    expect(first.created).toBe(true);
    expect(second).toEqual({ message: first.message, created: false });
    await sse.waitFor(
      () => sse.payloads('message.created').some((e) => e.messageId === first.message.id),
      'the event',
    );
    // A later event proves nothing else about that message is coming.
    const marker = await messages.recordFromVe(acme.id, { veId: ve.id, content: 'marker' });
    await sse.waitFor(
      () => sse.payloads('message.created').some((e) => e.messageId === marker.message.id),
      'the marker',
    );
    expect(
      sse.payloads('message.created').filter((e) => e.messageId === first.message.id),
    ).toHaveLength(1);
    // Another customer may use the same source event id: keys are per customer.
    await expect(
      messages.recordFromVe(other.id, { ...msg, veId: otherVe.id }),
    ).resolves.toMatchObject({ created: true });
  });

  it("answers 404 for another customer's VE, task or message, and 400 for bad input", async () => {
    expect((await send({ veId: otherVe.id, content: 'hi' })).status).toBe(404);
    const theirTask = await dbOf(t)
      .insertInto('tasks')
      .values({ customer_id: other.id, title: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await send({ veId: ve.id, taskId: theirTask.id, content: 'hi' })).status).toBe(404);
    const theirs = (await list('limit=1', other)).items[0]!;
    expect((await t.api('PATCH', `/api/messages/${theirs.id}/read`, as(acme))).status).toBe(404);
    expect((await list(`veId=${otherVe.id}`)).items).toEqual([]);

    const bad = await send({ content: '', extra: 1 });
    expect(bad.status).toBe(400);
    const fields = (bad.body as unknown as { details: Array<{ field: string }> }).details
      .map((d) => d.field)
      .sort();
    expect(fields).toEqual(['content', 'extra', 'veId']);
    expect((await t.api('PATCH', '/api/messages/not-a-uuid/read', as(acme))).status).toBe(400);
    expect((await t.api('GET', '/api/messages?cursor=garbage', as(acme))).status).toBe(400);
    expect((await t.api('GET', '/api/messages?limit=500', as(acme))).status).toBe(400);
  });
});
