import { until } from '../foundation/support/processes';
import { Cluster } from './support/cluster';
import { Load } from './support/load';

/** Fault injection on a real API + worker pair: nothing accepted is lost, nothing runs twice. */
describe('Faults under load', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await Cluster.start();
  });
  afterAll(() => c?.stop());

  async function bulk(key: string, veId: string, n: number, label: string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i += 250) {
      const tasks = Array.from({ length: Math.min(250, n - i) }, (_, k) => ({
        title: `${label} ${i + k}`,
        veId,
      }));
      const res = await c.request('POST', '/api/tasks/bulk', { tasks }, key);
      expect(res.status).toBe(201);
      ids.push(...res.body.items.map((t: { id: string }) => t.id));
    }
    return ids;
  }

  /**
   * No task completed twice; every task billed, and at most once per agent invocation: a run
   * killed after the agent answered re-invokes it (attempts + 1), and that second call's tokens
   * are a second usage event — one event is never counted twice (ledger and rollup agree).
   */
  async function expectEachCompletedOnce(customerId: string): Promise<void> {
    const twice = await c.sql(
      `select task_id, count(*) from task_events
       where customer_id = $1 and to_status = 'completed' group by task_id having count(*) > 1`,
      [customerId],
    );
    expect(twice).toEqual([]);
    const billed = await c.sql<{ task_id: string; attempts: number; n: string }>(
      `select t.id as task_id, t.attempts, count(u.id) as n from tasks t
       left join token_usage u on u.customer_id = t.customer_id and u.task_id = t.id
       where t.customer_id = $1 and t.parent_task_id is null
       group by t.id, t.attempts having count(u.id) < 1 or count(u.id) > t.attempts`,
      [customerId],
    );
    expect(billed).toEqual([]);
    const [sums] = await c.sql<{ ledger: string; rollup: string }>(
      `select (select count(*) from token_usage where customer_id = $1) as ledger,
              (select coalesce(sum(events), 0) from usage_daily where customer_id = $1) as rollup`,
      [customerId],
    );
    expect(Number(sums!.rollup)).toBe(Number(sums!.ledger));
  }

  it('kill -9 of a worker during 2,000 tasks: every task completes once, usage counted once', async () => {
    await c.ready();
    const tenant = await c.tenant();
    await bulk(tenant.key, tenant.veId, 2000, 'kill');
    await until(
      'some tasks completed',
      async () => ((await c.countTasks(tenant.customerId, 'completed')) >= 100 ? true : undefined),
      120_000,
    );
    c.worker.signal('SIGKILL');
    await c.worker.waitForExit();
    const cut = await c.countTasks(tenant.customerId, 'completed');
    expect(cut).toBeLessThan(2000); // killed mid-batch, not after
    await c.startWorker();
    await c.allCompleted(tenant.customerId, 2000, 400_000);
    await expectEachCompletedOnce(tenant.customerId);
    // The jobs the dead worker held were recovered (stalled-job check), not just the waiting ones.
    const [rerun] = await c.sql<{ n: string }>(
      `select count(distinct task_id) as n from task_events where customer_id = $1 and type = 'requeued'`,
      [tenant.customerId],
    );
    expect(Number(rerun!.n)).toBeGreaterThan(0);
  });

  it('Redis stopped for 10 s: the API keeps answering, accepted tasks are kept and complete after', async () => {
    await c.ready();
    const tenant = await c.tenant();
    const load = new Load(c, tenant, 'redis-outage', 2);
    try {
      try {
        await until(
          'tasks accepted before the outage',
          async () => (load.accepted.length >= 20 ? true : undefined),
          60_000,
        );
        await c.redis.stop();
        const stopped = Date.now();
        await c.api.waitForStatus(`${c.apiUrl}/health/ready`, 503, 30_000);
        await until(
          'tasks accepted during the outage',
          async () => (load.acceptedAfter(stopped).length >= 10 ? true : undefined),
          20_000,
          () => load.stuck(8_000),
        );
        // Accepted without Redis: kept as pending (the reconciler enqueues them once it is back).
        const kept = await c.sql<{ status: string }>(
          `select status from tasks where id = any($1::uuid[])`,
          [load.acceptedAfter(stopped)],
        );
        expect(new Set(kept.map((r) => r.status))).toEqual(new Set(['pending']));
        await until(
          'an outage of 10 s',
          async () => (Date.now() - stopped >= 10_000 ? true : undefined),
          20_000,
        );
        expect(load.stuck(8_000)).toBeUndefined();
      } finally {
        // Restarted whatever happened: an empty Redis (no persistence), as after losing its data.
        await c.redis.start();
      }
      await c.api.waitForStatus(`${c.apiUrl}/health/ready`, 200, 60_000);
    } finally {
      await load.stop();
    }
    expect(c.api.alive).toBe(true);
    expect(c.worker.alive).toBe(true);
    expect(load.failures()).toEqual([]);
    // Redis came back empty: the schedules that re-enqueue lost work must have been re-created.
    await until(
      'job schedulers re-created',
      async () => ((await c.schedulers()).length >= 2 ? true : undefined),
      60_000,
    );
    expect(await c.schedulers()).toEqual(
      expect.arrayContaining(['monitoring:reconcile-tasks', 'webhooks:webhooks-sweep']),
    );
    await c.allCompleted(tenant.customerId, load.accepted.length, 300_000);
    await expectEachCompletedOnce(tenant.customerId);
  });

  it('Postgres connections killed during load: 503 at worst, the pool recovers, nothing half-written', async () => {
    await c.ready();
    const tenant = await c.tenant();
    const load = new Load(c, tenant, 'pg-kill', 4);
    try {
      await until(
        'load running',
        async () => (load.accepted.length >= 20 ? true : undefined),
        60_000,
      );
      for (let round = 0; round < 3; round++) {
        const seen = load.sent;
        await until(
          'requests between the kills',
          async () => (load.sent >= seen + 40 ? true : undefined),
          30_000,
        );
        await c.sql(
          `select pg_terminate_backend(pid) from pg_stat_activity
           where datname = current_database() and pid <> pg_backend_pid()`,
        );
      }
      const seen = load.sent;
      await until(
        'requests after the kills',
        async () => (load.sent >= seen + 40 ? true : undefined),
        30_000,
      );
    } finally {
      await load.stop();
    }
    // Every answer was a success or a 503: no 500, no connection cut.
    // (The requests the API failed, as it logged them, are in the message when this fails.)
    const failedRequests = c.loggedErrors().filter((l) => l.includes('"context":"HttpError"'));
    expect({ failures: load.failures({ allow503: true }), failedRequests }).toEqual({
      failures: [],
      failedRequests: [],
    });
    const after = await c.request(
      'POST',
      '/api/tasks',
      { title: 'after the storm', veId: tenant.veId },
      tenant.key,
    );
    expect(after.status).toBe(201);
    // Nothing half-written: every task row has its timeline, every accepted task exists.
    const orphans = await c.sql(
      `select t.id from tasks t where t.customer_id = $1
       and not exists (select 1 from task_events e where e.task_id = t.id)`,
      [tenant.customerId],
    );
    expect(orphans).toEqual([]);
    const accepted = [...load.accepted, after.body.id as string];
    const [count] = await c.sql<{ n: string }>(
      `select count(*) n from tasks where customer_id = $1 and id = any($2::uuid[])`,
      [tenant.customerId, accepted],
    );
    expect(Number(count!.n)).toBe(accepted.length);
    await c.allCompleted(tenant.customerId, await c.countTasks(tenant.customerId), 300_000);
    await expectEachCompletedOnce(tenant.customerId);
  });

  it('SIGTERM under load: in-flight requests finish, jobs finish or return, exit 0', async () => {
    await c.ready();
    const tenant = await c.tenant();
    await bulk(tenant.key, tenant.veId, 500, 'sigterm');
    await until(
      'the worker busy',
      async () => ((await c.countTasks(tenant.customerId, 'completed')) >= 20 ? true : undefined),
      120_000,
    );
    const inflight = Array.from({ length: 20 }, (_, i) =>
      c.request('POST', '/api/tasks', { title: `inflight ${i}`, veId: tenant.veId }, tenant.key),
    );
    await new Promise((r) => setTimeout(r, 50));
    c.api.signal('SIGTERM');
    c.worker.signal('SIGTERM');
    const results = await Promise.allSettled(inflight);
    const [apiExit, workerExit] = await Promise.all([
      c.api.waitForExit(40_000),
      c.worker.waitForExit(40_000),
    ]);
    expect(apiExit).toEqual({ code: 0, signal: null });
    expect(workerExit).toEqual({ code: 0, signal: null });
    // Requests that reached the server got an answer (created, or refused while closing); later ones found no server.
    for (const r of results) {
      if (r.status === 'fulfilled') expect([201, 503]).toContain(r.value.status);
    }
    await c.restartApi();
    await c.startWorker();
    await c.allCompleted(tenant.customerId, await c.countTasks(tenant.customerId), 300_000);
    expect(await c.countTasks(tenant.customerId)).toBeGreaterThanOrEqual(500);
    await expectEachCompletedOnce(tenant.customerId);
  });
});
