import { EventsService } from '../../src/events/events.service';
import { LiveEventsService } from '../../src/events/live-events.service';
import { ADMIN_KEY, createTestApp, TestApp } from '../helpers/test-app';
import { SseClient } from './support/sse-client';
import { eventually, seedCustomer } from './support/tenants';

// The project-level testTimeout is not applied by jest (a global option): slow machines need more than 5 s.
jest.setTimeout(60_000);

describe('GET /api/events (Server-Sent Events)', () => {
  let t: TestApp;
  let events: EventsService;
  let a: { id: string; apiKey: string };
  let b: { id: string; apiKey: string };
  const open: SseClient[] = [];

  const connect = async (headers: Record<string, string>, query = '') => {
    const client = await SseClient.connect(`${t.url}/api/events${query}`, headers);
    open.push(client);
    return client;
  };
  const asKey = (key: string) => ({ authorization: `Bearer ${key}` });

  beforeAll(async () => {
    t = await createTestApp({ env: { SSE_HEARTBEAT_MS: '300' } });
    events = t.get(EventsService);
    a = await seedCustomer(t, 'Alpha');
    b = await seedCustomer(t, 'Beta');
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });
  afterAll(() => t.close());

  it('streams text/event-stream frames: id = stream id, event = type, data = JSON with type, customerId, ids, at', async () => {
    const client = await connect(asKey(a.apiKey));
    expect(client.status).toBe(200);
    expect(client.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(client.headers.get('cache-control')).toContain('no-cache');
    expect(client.headers.get('x-request-id')).toBeTruthy();
    expect(client.retries).toEqual([3000]);

    const id = await events.publish({
      type: 'task.updated',
      customerId: a.id,
      taskId: 't-1',
      data: { status: 'queued' },
    });
    await client.waitFor(() => client.events.length === 1, 'one event');
    const [frame] = client.events;
    expect(frame).toEqual({ id, event: 'task.updated', data: expect.any(String) });
    expect(JSON.parse(frame!.data!)).toEqual({
      type: 'task.updated',
      customerId: a.id,
      taskId: 't-1',
      data: { status: 'queued' },
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('gives each customer only its own events (a key cannot pick another tenant)', async () => {
    const clientA = await connect(asKey(a.apiKey));
    const clientB = await connect(asKey(b.apiKey));
    // A customer key naming another customer in x-customer-id is refused.
    const sneaky = await connect({ ...asKey(a.apiKey), 'x-customer-id': b.id });
    expect(sneaky.status).toBe(403);
    const operatorB = await connect({ 'x-api-key': ADMIN_KEY, 'x-customer-id': b.id });

    await events.publish({ type: 'task.completed', customerId: a.id, taskId: 'a-task' });
    await events.publish({ type: 'usage.recorded', customerId: b.id, taskId: 'b-task' });
    await events.publish({ type: 'budget.exceeded', customerId: a.id });

    await clientA.waitFor(() => clientA.events.length === 2, "A's two events");
    await clientB.waitFor(() => clientB.events.length === 1, "B's event");
    await operatorB.waitFor(() => operatorB.events.length === 1, "B's event for the operator");
    // One more event for B, so that anything wrongly routed would have arrived by now.
    await events.publish({ type: 've.status', customerId: b.id, veId: 'b-ve' });
    await clientB.waitFor(() => clientB.events.length === 2, "B's second event");

    expect(clientA.payloads().map((e) => [e.type, e.customerId])).toEqual([
      ['task.completed', a.id],
      ['budget.exceeded', a.id],
    ]);
    expect(clientB.payloads().map((e) => e.customerId)).toEqual([b.id, b.id]);
    expect(clientA.events).toHaveLength(2);
  });

  it('resumes after Last-Event-ID with what the client missed, and nothing it had', async () => {
    const first = await connect(asKey(a.apiKey));
    const seen = await events.publish({ type: 'task.updated', customerId: a.id, taskId: 'seen' });
    await first.waitFor(() => first.events.some((e) => e.id === seen), 'the first event');
    first.close();

    const missed1 = await events.publish({
      type: 'task.updated',
      customerId: a.id,
      taskId: 'missed-1',
    });
    await events.publish({ type: 'task.updated', customerId: b.id, taskId: 'not-yours' });
    const missed2 = await events.publish({
      type: 'task.completed',
      customerId: a.id,
      taskId: 'missed-2',
    });

    const again = await connect({ ...asKey(a.apiKey), 'last-event-id': seen! });
    const live = await events.publish({ type: 'task.updated', customerId: a.id, taskId: 'live' });
    await again.waitFor(() => again.events.some((e) => e.id === live), 'the live event');
    expect(again.events.map((e) => e.id)).toEqual([missed1, missed2, live]);
    expect(again.payloads().map((e) => e.taskId)).toEqual(['missed-1', 'missed-2', 'live']);

    // The query parameter does the same for clients that cannot set the header.
    const byQuery = await connect(asKey(a.apiKey), `?lastEventId=${encodeURIComponent(missed1!)}`);
    await byQuery.waitFor(() => byQuery.events.length >= 2, 'the replay');
    expect(byQuery.events.map((e) => e.id)).toEqual([missed2, live]);
  });

  it('sends heartbeat comments while idle', async () => {
    const client = await connect(asKey(b.apiKey));
    await client.waitFor(
      () => client.comments.filter((c) => c === 'heartbeat').length >= 2,
      'two heartbeats',
    );
    expect(client.events).toHaveLength(0);
  });

  it('forgets a client once it disconnects', async () => {
    const live = t.get(LiveEventsService);
    await eventually(async () => live.clientCount === 0, 'the clients of earlier tests to be gone');
    const client = await connect(asKey(a.apiKey));
    expect(live.clientCount).toBe(1);
    client.close();
    await eventually(async () => live.clientCount === 0, 'the client to be removed');
  });

  it('refuses a bad Last-Event-ID (400), no credential (401), an operator without a customer (403)', async () => {
    const bad = await connect({ ...asKey(a.apiKey), 'last-event-id': 'not-an-id' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.errorBody)).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    const anonymous = await connect({});
    expect(anonymous.status).toBe(401);
    const operator = await connect({ 'x-api-key': ADMIN_KEY });
    expect(operator.status).toBe(403);
  });
});
