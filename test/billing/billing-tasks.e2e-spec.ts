import { randomBytes, randomUUID } from 'node:crypto';
import { BillingService } from '../../src/billing/billing.service';
import { costMicros, formatUsd } from '../../src/billing/money';
import { QueueProducerService } from '../../src/queue/queue-producer.service';
import { QUEUES } from '../../src/queue/queue.constants';
import { createTestApp, TestApp } from '../helpers/test-app';
import { dbOf, eventually } from './billing-fixtures';

// Booting an app on a shared 2-core machine can outlast jest's 5 s default (the project testTimeout is not applied).
jest.setTimeout(120_000);

/** Billing seen through the task pipeline (#5) and the gateway's sandbox agent (#4). */
describe('Billing with tasks run by the sandbox agent', () => {
  let t: TestApp;
  let customerId: string;
  let veId: string;
  const api = (method: string, path: string, body?: unknown) =>
    t.api(method, path, { customerId, body });

  beforeAll(async () => {
    // One task at a time per customer, so a second task waits behind a slow first one. A short
    // reconcile interval: a job that loses the race with POST's pending→queued is re-run sooner.
    t = await createTestApp({
      env: { CUSTOMER_TASK_CONCURRENCY: '1', RECONCILE_INTERVAL_MS: '2000' },
    });
    const slug = `bt-${randomBytes(4).toString('hex')}`;
    const db = dbOf(t);
    customerId = (
      await db
        .insertInto('customers')
        .values({ name: slug, slug, namespace: `customer-${slug}`, status: 'active' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    veId = (
      await db
        .insertInto('ves')
        .values({
          customer_id: customerId,
          name: 'Writer',
          role: 'writer',
          agent_name: `writer-${slug}`,
          namespace: `customer-${slug}`,
          model: 'gpt-4o-mini',
          status: 'ready',
          skills: ['writing'],
          conditions: '[]',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => t.close());

  const completed = (id: string) =>
    eventually(async () => {
      const res = await api('GET', `/api/tasks/${id}`);
      return res.body.status === 'completed' ? res.body : undefined;
    }, 60_000);

  it('shows the tokens and cost of a task run through the sandbox agent in usage, summary and CSV', async () => {
    const created = await api('POST', '/api/tasks', {
      title: 'Write a launch plan for the spring campaign',
      veId,
    });
    expect(created.status).toBe(201);
    const taskId: string = created.body.id;
    await completed(taskId);
    const ledger = await eventually(async () => {
      const rows = await dbOf(t)
        .selectFrom('token_usage')
        .selectAll()
        .where('task_id', '=', taskId)
        .execute();
      return rows.length ? rows : undefined;
    });
    const input = ledger.reduce((s, r) => s + r.input_tokens, 0);
    const output = ledger.reduce((s, r) => s + r.output_tokens, 0);
    expect(input).toBeGreaterThan(0);
    expect(output).toBeGreaterThan(0);
    expect(
      ledger.every((r) => r.model === 'gpt-4o-mini' && !r.fallback_price && r.ve_id === veId),
    ).toBe(true);
    // gpt-4o-mini: $0.15 / $0.60 per million tokens, fixed when recorded
    const cost = formatUsd(
      ledger.reduce(
        (s, r) =>
          s +
          costMicros(r.input_tokens, r.output_tokens, {
            inputMicrosPerMTok: 150_000,
            outputMicrosPerMTok: 600_000,
          }),
        0,
      ),
    );

    const byTask = await api('GET', '/api/billing/usage?groupBy=task');
    expect(byTask.body.rows).toContainEqual({
      key: taskId,
      inputTokens: input,
      outputTokens: output,
      costUsd: cost,
      events: ledger.length,
    });

    const summary = await api('GET', '/api/billing/summary');
    expect(summary.body.perVe).toContainEqual(
      expect.objectContaining({ veId, inputTokens: input, outputTokens: output, costUsd: cost }),
    );
    expect(summary.body.perModel).toContainEqual(
      expect.objectContaining({ model: 'gpt-4o-mini', inputTokens: input }),
    );

    const csv = await t.api('GET', '/api/billing/usage?groupBy=task', {
      customerId,
      headers: { accept: 'text/csv' },
    });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text.split('\r\n')).toContain(
      `${taskId},${input},${output},${cost},${ledger.length}`,
    );
  });

  it('refuses new tasks with 402 under an exhausted hard stop, holds queued ones, and releases them on a raise', async () => {
    const queue = t.get(QueueProducerService).queue(QUEUES.tasks);
    // A slow first task holds the customer's only slot; the second waits queued behind it.
    const first = await api('POST', '/api/tasks', {
      title: 'Research the market [slow:3000]',
      veId,
    });
    const second = await api('POST', '/api/tasks', { title: 'Summarise the research', veId });
    expect([first.status, second.status]).toEqual([201, 201]);

    // Meanwhile the month's spend reaches a hard-stop budget.
    expect(
      (await api('PUT', '/api/billing/budget', { monthlyLimitUsd: '0.01', hardStop: true })).status,
    ).toBe(200);
    await t.get(BillingService).recordUsage({
      customerId,
      model: 'gpt-4o',
      inputTokens: 4_000,
      outputTokens: 0,
      source: 'token_usage',
      sourceEventId: randomUUID(),
    });
    const refused = await api('POST', '/api/tasks', { title: 'One more', veId });
    expect(refused.status).toBe(402);
    expect(refused.body.message).toMatch(/Monthly budget exhausted.*hardStop/);

    // The second task reaches the budget check and is held (queued, job delayed).
    await eventually(async () => {
      const res = await api('GET', `/api/tasks/${second.body.id}`);
      return res.body.events?.some((e: { type: string }) => e.type === 'budget_hold')
        ? true
        : undefined;
    }, 60_000);
    expect((await api('GET', `/api/tasks/${second.body.id}`)).body.status).toBe('queued');

    const raised = await api('PUT', '/api/billing/budget', {
      monthlyLimitUsd: '100',
      hardStop: true,
    });
    expect(raised.body.state).toBe('ok');
    expect(await queue.getJob(second.body.id).then((j) => j?.getState())).not.toBe('delayed');
    await completed(second.body.id);
    expect((await api('POST', '/api/tasks', { title: 'Accepted again', veId })).status).toBe(201);
  });
});
