import { createTestApp, TestApp } from '../helpers/test-app';
import { dbOf, eventually, seedCustomer, statusCounts } from './support/fixtures';

// The project's testTimeout is not applied per project by jest 30: set it here (the machine is shared and slow).
jest.setTimeout(120_000);

/**
 * Fairness (the open-source BullMQ has no groups): a customer's burst is spread over priority
 * bands by its backlog (TASK_FAIRNESS_TIER_SIZE), and at most CUSTOMER_TASK_CONCURRENCY of one
 * customer's tasks run at once, so another customer's work is not stuck behind the burst.
 */
describe('Fairness between customers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        TASKS_CONCURRENCY: '8',
        CUSTOMER_TASK_CONCURRENCY: '4',
        TASK_FAIRNESS_TIER_SIZE: '20',
      },
    });
  });
  afterAll(() => t.close());

  it("finishes customer B's few tasks long before customer A's burst of thousands drains", async () => {
    const db = dbOf(t);
    const a = await seedCustomer(db);
    const b = await seedCustomer(db);
    const burst = 2000;
    for (let batch = 0; batch < burst / 1000; batch++) {
      const tasks = Array.from({ length: 1000 }, (_, i) => ({
        title: `Burst ${batch}-${i} [slow:20]`,
        veId: a.ves[0]!.id,
      }));
      const res = await t.api('POST', '/api/tasks/bulk', {
        body: { tasks },
        customerId: a.customerId,
      });
      expect(res.status).toBe(201);
    }
    // While A drains, never more than CUSTOMER_TASK_CONCURRENCY of its tasks run at once.
    let maxRunning = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const counts = await statusCounts(db, a.customerId);
        maxRunning = Math.max(maxRunning, (counts.in_progress ?? 0) + (counts.assigned ?? 0));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const mine = Array.from({ length: 5 }, (_, i) => ({
      title: `B task ${i}`,
      veId: b.ves[0]!.id,
    }));
    const created = await t.api('POST', '/api/tasks/bulk', {
      body: { tasks: mine },
      customerId: b.customerId,
    });
    expect(created.status).toBe(201);
    await eventually(
      async () => ((await statusCounts(db, b.customerId)).completed === 5 ? true : undefined),
      60_000,
      "B's tasks to complete",
    );
    const aDoneWhenBFinished = (await statusCounts(db, a.customerId)).completed ?? 0;
    // Plain FIFO would have run all of A's burst first.
    expect(aDoneWhenBFinished).toBeLessThan(burst / 2);

    // Nothing of A is lost or starved either: the burst drains.
    await eventually(
      async () => ((await statusCounts(db, a.customerId)).completed === burst ? true : undefined),
      400_000,
      "A's burst to drain",
    );
    sampling = false;
    await sampler;
    expect(maxRunning).toBeGreaterThan(0);
    expect(maxRunning).toBeLessThanOrEqual(4);
  }, 480_000);
});
