import { createTestApp, TestApp } from '../helpers/test-app';
import {
  dbOf,
  eventually,
  seedCustomer,
  type Seeded,
  taskReaches,
  tasksQueueOf,
} from './support/fixtures';

// The project's testTimeout is not applied per project by jest 30: set it here (the machine is shared and slow).
jest.setTimeout(120_000);

describe('Tasks API (real Postgres, real Redis, the sandbox agent)', () => {
  let t: TestApp;
  let c: Seeded;
  let other: Seeded;

  beforeAll(async () => {
    t = await createTestApp();
    c = await seedCustomer(dbOf(t), { ves: 2 });
    other = await seedCustomer(dbOf(t));
  });
  afterAll(() => t.close());

  const post = (body: unknown, customerId = c.customerId) =>
    t.api('POST', '/api/tasks', { body, customerId });

  it('completes a task created through the API with the sandbox agent, with a timeline', async () => {
    const res = await post({
      title: 'Summarise the launch plan',
      priority: 'high',
      veId: c.ves[0]!.id,
      input: { pages: 3 },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      title: 'Summarise the launch plan',
      priority: 'high',
      veId: c.ves[0]!.id,
      input: { pages: 3 },
    });
    expect(['pending', 'queued', 'assigned', 'in_progress', 'completed']).toContain(
      res.body.status,
    );
    const done = await taskReaches(t, c.customerId, res.body.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.result.text).toContain('Summarise the launch plan');
    expect(done.attempts).toBe(1);
    expect(done.completedAt).toEqual(expect.any(String));
    const path = done.events
      .filter((e: { toStatus: string | null }) => e.toStatus)
      .map((e: { toStatus: string }) => e.toStatus);
    expect(path).toEqual(['pending', 'queued', 'assigned', 'in_progress', 'completed']);
    expect(done.events[0]).toMatchObject({
      type: 'created',
      fromStatus: null,
      toStatus: 'pending',
    });
    // Transitions are counted for Prometheus once committed.
    const metrics = await t.api('GET', '/metrics', { token: null });
    expect(metrics.text).toMatch(/ve_task_transitions_total\{status="completed"\} [1-9]/);
  });

  it('routes a task without a VE through the orchestrator', async () => {
    const res = await post({ title: 'Write a blog post about our new writing tools' });
    expect(res.status).toBe(201);
    const done = await taskReaches(t, c.customerId, res.body.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(c.ves.map((v) => v.id)).toContain(done.veId);
    const assigned = done.events.find((e: { toStatus: string }) => e.toStatus === 'assigned');
    expect(assigned.data).toMatchObject({
      veId: done.veId,
      source: expect.stringMatching(/^(agent|rules)$/),
    });
  });

  it('returns the first task for a repeated idempotency key (201, then 200)', async () => {
    const body = { title: 'Only once', idempotencyKey: 'order-42', veId: c.ves[0]!.id };
    const first = await post(body);
    const again = await post({ ...body, title: 'Changed title' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.title).toBe('Only once');
    // Another customer may use the same key.
    const theirs = await post({ title: 'Theirs', idempotencyKey: 'order-42' }, other.customerId);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(first.body.id);
  });

  it('names every bad field, refuses unknown ones, and never answers 500 for input', async () => {
    const res = await post({ title: '', priority: 'asap', veId: 'nope', extra: 1 });
    expect(res.status).toBe(400);
    const fields = res.body.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['extra', 'priority', 'title', 'veId']));
  });

  it("answers 404 for a VE, a task or a customer that is not the caller's", async () => {
    const res = await post({ title: 'Sneaky', veId: other.ves[0]!.id });
    expect(res.status).toBe(404);
    const mine = await t.api(
      'GET',
      `/api/tasks/${(await post({ title: 'Mine', veId: c.ves[0]!.id })).body.id}`,
      {
        customerId: other.customerId,
      },
    );
    expect(mine.status).toBe(404);
    // An operator acting for a customer that does not exist.
    const nobody = await post({ title: 'For nobody' }, '00000000-0000-4000-8000-000000000000');
    expect(nobody.status).toBe(404);
  });

  it('creates 1000 tasks in one bulk request with one addBulk, all of them completed', async () => {
    const tasks = Array.from({ length: 1000 }, (_, i) => ({
      title: `Bulk item ${i}`,
      priority: (['low', 'medium', 'high', 'urgent'] as const)[i % 4],
      veId: c.ves[i % 2]!.id,
    }));
    const res = await t.api('POST', '/api/tasks/bulk', {
      body: { tasks },
      customerId: c.customerId,
    });
    expect(res.status).toBe(201);
    expect(res.body.items).toHaveLength(1000);
    expect(res.body.items.map((i: { title: string }) => i.title)).toEqual(
      tasks.map((x) => x.title),
    );
    const ids = res.body.items.map((i: { id: string }) => i.id);
    await eventually(
      async () => {
        const n = await dbOf(t)
          .selectFrom('tasks')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('id', 'in', ids)
          .where('status', '=', 'completed')
          .executeTakeFirstOrThrow();
        return Number(n.n) === 1000 ? true : undefined;
      },
      180_000,
      '1000 bulk tasks to complete',
    );
  }, 240_000);

  it('validates a bulk request all or nothing, naming the bad items', async () => {
    const before = await dbOf(t)
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const tasks = [{ title: 'fine' }, { title: '' }, { title: 'fine too', priority: 'someday' }];
    const res = await t.api('POST', '/api/tasks/bulk', {
      body: { tasks },
      customerId: c.customerId,
    });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'tasks.1.title',
      'tasks.2.priority',
    ]);
    const tooMany = await t.api('POST', '/api/tasks/bulk', {
      body: { tasks: Array.from({ length: 1001 }, () => ({ title: 'x' })) },
      customerId: c.customerId,
    });
    expect(tooMany.status).toBe(400);
    const badVe = await t.api('POST', '/api/tasks/bulk', {
      body: { tasks: [{ title: 'a' }, { title: 'b', veId: other.ves[0]!.id }] },
      customerId: c.customerId,
    });
    expect(badVe.status).toBe(404);
    expect(badVe.body.details).toEqual([{ field: 'tasks.1.veId', problems: ['VE not found'] }]);
    const after = await dbOf(t)
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('lists tasks newest first with filters and keyset pages that neither repeat nor skip', async () => {
    const fresh = await seedCustomer(dbOf(t), { ves: 1 });
    const body = {
      tasks: Array.from({ length: 7 }, (_, i) => ({
        title: `Page ${i}`,
        priority: i < 3 ? 'low' : 'high',
      })),
    };
    await t.api('POST', '/api/tasks/bulk', { body, customerId: fresh.customerId });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/tasks?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await t.api('GET', q, { customerId: fresh.customerId });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i: { id: string }) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    const low = await t.api('GET', '/api/tasks?priority=low&limit=200', {
      customerId: fresh.customerId,
    });
    expect(low.body.items).toHaveLength(3);
    const byVe = await t.api('GET', `/api/tasks?veId=${c.ves[1]!.id}&status=completed&limit=5`, {
      customerId: c.customerId,
    });
    expect(
      byVe.body.items.every(
        (i: { veId: string; status: string }) =>
          i.veId === c.ves[1]!.id && i.status === 'completed',
      ),
    ).toBe(true);
    const bad = await t.api('GET', '/api/tasks?status=sleeping', { customerId: c.customerId });
    expect(bad.status).toBe(400);
  });

  it('cancels a waiting task: its job leaves the queue and it never runs', async () => {
    const queue = tasksQueueOf(t);
    await queue.pause();
    try {
      const res = await post({ title: 'Wait for me', veId: c.ves[0]!.id });
      expect(await queue.getJob(res.body.id)).toBeDefined();
      const cancelled = await t.api('POST', `/api/tasks/${res.body.id}/cancel`, {
        customerId: c.customerId,
      });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');
      expect(await queue.getJob(res.body.id)).toBeUndefined();
      const again = await t.api('POST', `/api/tasks/${res.body.id}/cancel`, {
        customerId: c.customerId,
      });
      expect(again.status).toBe(200);
    } finally {
      await queue.resume();
    }
  });

  it('cancels a running task: the agent call is aborted and the task stays cancelled', async () => {
    const res = await post({ title: 'Think hard [slow:5000]', veId: c.ves[1]!.id });
    await taskReaches(t, c.customerId, res.body.id, ['in_progress']);
    const started = Date.now();
    const cancelled = await t.api('POST', `/api/tasks/${res.body.id}/cancel`, {
      customerId: c.customerId,
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    // The job ends (aborted) well before the agent's 5 s would have passed.
    const job = await tasksQueueOf(t).getJob(res.body.id);
    await eventually(
      async () => ((await job!.isCompleted()) || (await job!.isFailed()) ? true : undefined),
      20_000,
      'the job to end',
    );
    expect((await tasksQueueOf(t).getJob(res.body.id))?.returnvalue).toMatchObject({
      status: 'cancelled',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    const after = await t.api('GET', `/api/tasks/${res.body.id}`, { customerId: c.customerId });
    expect(after.body.status).toBe('cancelled');
    expect(after.body.events.some((e: { toStatus: string }) => e.toStatus === 'completed')).toBe(
      false,
    );
    const late = await t.api('POST', `/api/tasks/${res.body.id}/retry`, {
      customerId: c.customerId,
    });
    expect(late.status).toBe(200); // a cancelled task may be retried
    await taskReaches(t, c.customerId, res.body.id, ['completed'], 40_000);
  }, 60_000);

  it('fails a task the agent fails, and runs it again on retry (409 for a completed one)', async () => {
    const res = await post({ title: 'Break it [fail]', veId: c.ves[0]!.id });
    const failed = await taskReaches(t, c.customerId, res.body.id, ['failed', 'completed']);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('[fail]');
    const job = await tasksQueueOf(t).getJob(res.body.id);
    expect(await job!.isFailed()).toBe(true); // inspectable in Bull Board
    const retried = await t.api('POST', `/api/tasks/${res.body.id}/retry`, {
      customerId: c.customerId,
    });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'queued', attempts: 0, error: null });
    const again = await eventually(async () => {
      const r = await t.api('GET', `/api/tasks/${res.body.id}`, { customerId: c.customerId });
      return r.body.status === 'failed' && r.body.attempts === 1 ? r.body : undefined;
    });
    const types = again.events.map((e: { type: string }) => e.type);
    expect(types.filter((x: string) => x === 'in_progress')).toHaveLength(2);
    expect(types).toContain('retried');
    const ok = await post({ title: 'Fine', veId: c.ves[0]!.id });
    await taskReaches(t, c.customerId, ok.body.id, ['completed']);
    const refused = await t.api('POST', `/api/tasks/${ok.body.id}/retry`, {
      customerId: c.customerId,
    });
    expect(refused.status).toBe(409);
    const notCancellable = await t.api('POST', `/api/tasks/${ok.body.id}/cancel`, {
      customerId: c.customerId,
    });
    expect(notCancellable.status).toBe(409);
  });

  it('turns input-required into a message to the customer, keeping the task in progress', async () => {
    const res = await post({ title: 'Plan the offsite [input]', veId: c.ves[0]!.id });
    const waiting = await eventually(async () => {
      const r = await t.api('GET', `/api/tasks/${res.body.id}`, { customerId: c.customerId });
      return r.body.events.some((e: { type: string }) => e.type === 'input_required')
        ? r.body
        : undefined;
    });
    expect(waiting.status).toBe('in_progress');
    const msgs = await dbOf(t)
      .selectFrom('messages')
      .selectAll()
      .where('task_id', '=', res.body.id)
      .execute();
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ direction: 'from_ve', ve_id: c.ves[0]!.id });
  });
});
