import Redis from 'ioredis';
import { deleteKeys } from '../helpers/global-teardown';
import { REDIS_URL } from '../helpers/resources';
import { createTestApp, TestApp } from '../helpers/test-app';
import {
  completedTwice,
  dbOf,
  eventually,
  seedCustomer,
  type Seeded,
  statusCounts,
  taskReaches,
  tasksQueueOf,
} from './support/fixtures';

// The project's testTimeout is not applied per project by jest 30: set it here (the machine is shared and slow).
jest.setTimeout(120_000);

describe('Task reconciler (the database is the truth)', () => {
  let t: TestApp;
  let c: Seeded;
  let redis: Redis;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        RECONCILE_INTERVAL_MS: '1000',
        TASK_RECONCILE_GRACE_MS: '500',
        TASK_DEADLINE_MS: '4000',
      },
    });
    c = await seedCustomer(dbOf(t), { ves: 2 });
    redis = new Redis(REDIS_URL());
  });
  afterAll(async () => {
    redis.disconnect();
    await t.close();
  });

  it('brings every accepted task to completion after Redis lost all of them (a flush)', async () => {
    const queue = tasksQueueOf(t);
    await queue.pause();
    const tasks = Array.from({ length: 40 }, (_, i) => ({
      title: `Survive ${i}`,
      veId: c.ves[i % 2]!.id,
    }));
    const res = await t.api('POST', '/api/tasks/bulk', {
      body: { tasks },
      customerId: c.customerId,
    });
    expect(res.status).toBe(201);
    expect(await queue.count()).toBe(40);
    // Every key of this app's prefix: jobs, the paused flag, the reconciler's own schedule.
    await deleteKeys(redis, `${t.env.BULLMQ_PREFIX}*`);
    expect(await queue.count()).toBe(0);
    await eventually(
      async () => ((await statusCounts(dbOf(t), c.customerId)).completed === 40 ? true : undefined),
      90_000,
      'the reconciler to bring all 40 tasks to completion',
    );
    expect(await completedTwice(dbOf(t))).toEqual([]);
    const ids = res.body.items.map((i: { id: string }) => i.id);
    const revived = await dbOf(t)
      .selectFrom('task_events')
      .select('task_id')
      .where('task_id', 'in', ids)
      .where('type', '=', 'reenqueued')
      .execute();
    expect(new Set(revived.map((r) => r.task_id)).size).toBe(40);
  }, 120_000);

  it('enqueues a task whose enqueue was lost (a row left pending)', async () => {
    const row = await dbOf(t)
      .insertInto('tasks')
      .values({ customer_id: c.customerId, title: 'Lost enqueue', ve_id: c.ves[0]!.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    const done = await taskReaches(t, c.customerId, row.id, ['completed'], 60_000);
    const queued = done.events.find((e: { toStatus: string }) => e.toStatus === 'queued');
    expect(queued.data).toMatchObject({ by: 'reconciler' });
  }, 90_000);

  it('fails a task stuck in progress past the deadline', async () => {
    // The sandbox answers "working" and would report back only much later.
    const res = await t.api('POST', '/api/tasks', {
      body: { title: 'Never heard of again [callback:120000]', veId: c.ves[0]!.id },
      customerId: c.customerId,
    });
    const failed = await taskReaches(t, c.customerId, res.body.id, ['failed', 'completed'], 60_000);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('deadline');
    const last = failed.events[failed.events.length - 1];
    expect(last).toMatchObject({
      fromStatus: 'in_progress',
      toStatus: 'failed',
      data: { by: 'reconciler' },
    });
  }, 90_000);
});
