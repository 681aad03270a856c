import { createTestApp, TestApp } from '../helpers/test-app';
import { dbOf, eventually, seedCustomer, type Seeded, tasksQueueOf } from './support/fixtures';

// The project's testTimeout is not applied per project by jest 30: set it here (the machine is shared and slow).
jest.setTimeout(120_000);

describe('Task priorities (one worker slot, so the queue order is the run order)', () => {
  let t: TestApp;
  let c: Seeded;

  beforeAll(async () => {
    t = await createTestApp({ env: { TASKS_CONCURRENCY: '1' } });
    c = await seedCustomer(dbOf(t));
  });
  afterAll(() => t.close());

  it('runs urgent, then high, medium and low tasks, whatever the order they were created in', async () => {
    const queue = tasksQueueOf(t);
    await queue.pause();
    const order = ['low', 'medium', 'high', 'urgent', 'low', 'urgent', 'medium', 'high'] as const;
    const created: Array<{ id: string; priority: string }> = [];
    try {
      for (const priority of order) {
        const res = await t.api('POST', '/api/tasks', {
          body: { title: `A ${priority} task`, priority, veId: c.ves[0]!.id },
          customerId: c.customerId,
        });
        expect(res.status).toBe(201);
        created.push({ id: res.body.id, priority });
      }
    } finally {
      await queue.resume();
    }
    const db = dbOf(t);
    const ids = created.map((x) => x.id);
    await eventually(
      async () => {
        const done = await db
          .selectFrom('tasks')
          .select('id')
          .where('id', 'in', ids)
          .where('status', '=', 'completed')
          .execute();
        return done.length === ids.length ? true : undefined;
      },
      60_000,
      'every task to complete',
    );
    // The order in which they started: the id of each task's transition to in_progress.
    const started = await db
      .selectFrom('task_events')
      .select('task_id')
      .where('task_id', 'in', ids)
      .where('to_status', '=', 'in_progress')
      .orderBy('id')
      .execute();
    const byId = new Map(created.map((x) => [x.id, x.priority]));
    expect(started.map((s) => byId.get(s.task_id))).toEqual([
      'urgent',
      'urgent',
      'high',
      'high',
      'medium',
      'medium',
      'low',
      'low',
    ]);
  }, 90_000);
});
