import { EventsService } from '../../src/events/events.service';
import { createTestApp, TestApp } from '../helpers/test-app';
import { SseClient } from './support/sse-client';
import { seedCustomer } from './support/tenants';

// The project-level testTimeout is not applied by jest (a global option): slow machines need more than 5 s.
jest.setTimeout(60_000);

describe('Live events across API replicas (one Redis, one Postgres)', () => {
  let first: TestApp;
  let second: TestApp;
  let customer: { id: string; apiKey: string };

  beforeAll(async () => {
    first = await createTestApp();
    // An API-only replica: it serves HTTP and runs no processors, like a scaled-out API pod.
    second = await createTestApp({ replicaOf: first, env: { RUN_MODE: 'api' } });
    customer = await seedCustomer(first);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('delivers an event published by one replica to an SSE client of the other', async () => {
    const onSecond = await SseClient.connect(`${second.url}/api/events`, {
      authorization: `Bearer ${customer.apiKey}`,
    });
    const onFirst = await SseClient.connect(`${first.url}/api/events`, {
      authorization: `Bearer ${customer.apiKey}`,
    });
    try {
      const id = await first
        .get(EventsService)
        .publish({ type: 'task.completed', customerId: customer.id, taskId: 'x' });
      const back = await second
        .get(EventsService)
        .publish({ type: 'task.updated', customerId: customer.id, taskId: 'y' });

      await onSecond.waitFor(
        () => onSecond.events.length === 2,
        'both events on the second replica',
      );
      await onFirst.waitFor(() => onFirst.events.length === 2, 'both events on the first replica');
      expect(onSecond.events.map((e) => [e.id, e.event])).toEqual([
        [id, 'task.completed'],
        [back, 'task.updated'],
      ]);
      expect(onFirst.events.map((e) => e.id)).toEqual([id, back]);
    } finally {
      onSecond.close();
      onFirst.close();
    }
  });

  it('lets a client resume on another replica with the Last-Event-ID it got from the first', async () => {
    const onFirst = await SseClient.connect(`${first.url}/api/events`, {
      authorization: `Bearer ${customer.apiKey}`,
    });
    const seen = await first
      .get(EventsService)
      .publish({ type: 'task.updated', customerId: customer.id, taskId: 'a' });
    await onFirst.waitFor(() => onFirst.events.some((e) => e.id === seen), 'the first event');
    onFirst.close();
    const missed = await first
      .get(EventsService)
      .publish({ type: 'task.completed', customerId: customer.id, taskId: 'a' });

    const onSecond = await SseClient.connect(`${second.url}/api/events`, {
      authorization: `Bearer ${customer.apiKey}`,
      'last-event-id': seen!,
    });
    try {
      await onSecond.waitFor(() => onSecond.events.length === 1, 'the missed event');
      expect(onSecond.events[0]).toMatchObject({ id: missed, event: 'task.completed' });
    } finally {
      onSecond.close();
    }
  });

  it('ends open streams when a replica shuts down, so it can exit', async () => {
    const third = await createTestApp({ replicaOf: first, env: { RUN_MODE: 'api' } });
    const client = await SseClient.connect(`${third.url}/api/events`, {
      authorization: `Bearer ${customer.apiKey}`,
    });
    await third.close();
    await client.waitFor(() => client.isEnded, 'the stream to end');
    expect(client.isEnded).toBe(true);
  });
});
