import { randomUUID } from 'node:crypto';
import { BillingService } from '../../src/billing/billing.service';
import { QueueProducerService } from '../../src/queue/queue-producer.service';
import { QUEUES } from '../../src/queue/queue.constants';
import { createTestApp, TestApp } from '../helpers/test-app';
import {
  createApiKey,
  createCustomer,
  dbOf,
  JWT_SECRET,
  memberToken,
  streamEvents,
} from './billing-fixtures';

/** gpt-4o input is $2.50 per million tokens: 40,000 tokens = $0.10. */
const TOKENS_PER_DIME = 40_000;

// Booting an app on a shared 2-core machine can outlast jest's 5 s default (the project testTimeout is not applied).
jest.setTimeout(120_000);

describe('Budgets: limits, thresholds, hard stop (GET/PUT/DELETE /api/billing/budget)', () => {
  let t: TestApp;
  let billing: BillingService;
  const spend = (customerId: string, dimes: number) =>
    billing.recordUsage({
      customerId,
      model: 'gpt-4o',
      inputTokens: dimes * TOKENS_PER_DIME,
      outputTokens: 0,
      source: 'token_usage',
      sourceEventId: randomUUID(),
    });
  const alerts = async (customerId: string) =>
    (await streamEvents(t, customerId, 'budget.exceeded')).map((e) => e.data?.threshold);
  const putBudget = (customerId: string, body: unknown, token?: string) =>
    t.api('PUT', '/api/billing/budget', { body, ...(token ? { token } : { customerId }) });

  beforeAll(async () => {
    t = await createTestApp({ env: { SUPABASE_JWT_SECRET: JWT_SECRET } });
    billing = t.get(BillingService);
  });
  afterAll(() => t.close());

  it('shows no budget until one is set, then the limit, the spend and the state', async () => {
    const customerId = await createCustomer(t);
    const none = await t.api('GET', '/api/billing/budget', { customerId });
    expect(none.body).toEqual({
      monthlyLimitUsd: null,
      hardStop: false,
      spentUsd: '0.000000',
      percentUsed: null,
      state: 'none',
      period: new Date().toISOString().slice(0, 7),
      updatedAt: null,
    });
    await spend(customerId, 3);
    const set = await putBudget(customerId, { monthlyLimitUsd: 0.5, hardStop: true });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      monthlyLimitUsd: '0.500000',
      hardStop: true,
      spentUsd: '0.300000',
      percentUsed: 60,
      state: 'ok',
    });
    expect((await t.api('GET', '/api/billing/budget', { customerId })).body).toMatchObject({
      monthlyLimitUsd: '0.500000',
      state: 'ok',
    });
    expect((await t.api('DELETE', '/api/billing/budget', { customerId })).status).toBe(204);
    expect((await t.api('GET', '/api/billing/budget', { customerId })).body).toMatchObject({
      monthlyLimitUsd: null,
      state: 'none',
    });
  });

  it('lets owners, admins, API keys and operators set it — not plain members', async () => {
    const customerId = await createCustomer(t);
    const body = { monthlyLimitUsd: '25.5', hardStop: false };
    expect(
      (await putBudget(customerId, body, await memberToken(t, customerId, 'member'))).status,
    ).toBe(403);
    expect(
      (
        await t.api('DELETE', '/api/billing/budget', {
          token: await memberToken(t, customerId, 'member'),
        })
      ).status,
    ).toBe(403);
    for (const token of [
      await memberToken(t, customerId, 'owner'),
      await memberToken(t, customerId, 'admin'),
      await createApiKey(t, customerId),
    ]) {
      expect((await putBudget(customerId, body, token)).status).toBe(200);
    }
    expect((await putBudget(customerId, body)).body.monthlyLimitUsd).toBe('25.500000');
    const member = await memberToken(t, customerId, 'member');
    expect(
      (await t.api('GET', '/api/billing/budget', { token: member })).body.monthlyLimitUsd,
    ).toBe('25.500000');
  });

  it.each([
    [{ monthlyLimitUsd: -1 }, 'monthlyLimitUsd'],
    [{ monthlyLimitUsd: 1.0000001 }, 'monthlyLimitUsd'],
    [{ monthlyLimitUsd: '12,50' }, 'monthlyLimitUsd'],
    [{ hardStop: true }, 'monthlyLimitUsd'],
    [{ monthlyLimitUsd: 10, hardStop: 'yes' }, 'hardStop'],
    [{ monthlyLimitUsd: 10, currency: 'EUR' }, 'currency'],
  ])('refuses %j with 400', async (body, field) => {
    const res = await putBudget(await createCustomer(t), body);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('emits budget.exceeded once at 80% and once at 100% of the month', async () => {
    const customerId = await createCustomer(t);
    await putBudget(customerId, { monthlyLimitUsd: 1 });
    await spend(customerId, 5); // 50%
    expect(await alerts(customerId)).toEqual([]);
    await spend(customerId, 3); // 80%
    expect(await alerts(customerId)).toEqual([80]);
    await spend(customerId, 1); // 90%
    await spend(customerId, 2); // 110%
    await spend(customerId, 4); // 150%
    expect(await alerts(customerId)).toEqual([80, 100]);
    const [warning, exceeded] = await streamEvents(t, customerId, 'budget.exceeded');
    expect(warning!.data).toMatchObject({
      threshold: 80,
      monthlyLimitUsd: '1.000000',
      spentUsd: '0.800000',
      state: 'warning',
    });
    expect(exceeded!.data).toMatchObject({
      threshold: 100,
      spentUsd: '1.100000',
      state: 'exceeded',
      hardStop: false,
    });
  });

  it('emits each threshold once when concurrent usage crosses it', async () => {
    const customerId = await createCustomer(t);
    await putBudget(customerId, { monthlyLimitUsd: 1 });
    await Promise.all(Array.from({ length: 20 }, () => spend(customerId, 1)));
    expect((await alerts(customerId)).sort()).toEqual([100, 80]);
  });

  it('re-arms alerts the raised limit no longer reaches, and fires at once below a lowered one', async () => {
    const customerId = await createCustomer(t);
    await putBudget(customerId, { monthlyLimitUsd: 1 });
    await spend(customerId, 9); // 90%
    expect(await alerts(customerId)).toEqual([80]);
    await putBudget(customerId, { monthlyLimitUsd: 10 }); // 9%
    await spend(customerId, 71); // 80% of $10
    expect(await alerts(customerId)).toEqual([80, 80]);
    const lowered = await putBudget(customerId, { monthlyLimitUsd: 5 }); // 160%
    expect(lowered.body.state).toBe('exceeded');
    expect(await alerts(customerId)).toEqual([80, 80, 100]);
  });

  it('with hardStop, refuses spending at the limit (402) and releases held tasks when raised', async () => {
    const customerId = await createCustomer(t);
    const bystander = await createCustomer(t, 'bystander');
    await putBudget(customerId, { monthlyLimitUsd: '0.20', hardStop: true });
    await spend(customerId, 1);
    await expect(billing.canRun(customerId)).resolves.toBe(true);
    await spend(customerId, 1);
    await expect(billing.canRun(customerId)).resolves.toBe(false);
    await expect(billing.assertCanSpend(customerId)).rejects.toMatchObject({
      status: 402,
      message: expect.stringContaining(
        'Monthly budget exhausted: spent $0.200000 of the $0.200000 limit',
      ),
    });
    await expect(billing.canRun(bystander)).resolves.toBe(true);

    // What the task pipeline does with held tasks: the row stays 'queued', its job waits delayed.
    const queue = t.get(QueueProducerService).queue(QUEUES.tasks);
    const held = async (customer: string) => {
      const task = await dbOf(t)
        .insertInto('tasks')
        .values({ customer_id: customer, title: 'held by the budget', status: 'queued' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await queue.add(
        'run-task',
        { customerId: customer, taskId: task.id },
        { jobId: task.id, delay: 3_600_000 },
      );
      return task.id;
    };
    const mine = [await held(customerId), await held(customerId)];
    const theirs = await held(bystander);

    const raised = await putBudget(customerId, { monthlyLimitUsd: '1.00', hardStop: true });
    expect(raised.body).toMatchObject({ state: 'ok', hardStop: true });
    await expect(billing.canRun(customerId)).resolves.toBe(true);
    for (const id of mine) expect(await (await queue.getJob(id))?.isDelayed()).toBe(false);
    expect(await (await queue.getJob(theirs))?.isDelayed()).toBe(true);
    await queue.remove(theirs);
  });

  it('releases held tasks when hardStop is turned off, and keeps refusing only while it is on', async () => {
    const customerId = await createCustomer(t);
    await putBudget(customerId, { monthlyLimitUsd: 0, hardStop: true });
    await expect(billing.assertCanSpend(customerId)).rejects.toMatchObject({ status: 402 });
    const queue = t.get(QueueProducerService).queue(QUEUES.tasks);
    const task = await dbOf(t)
      .insertInto('tasks')
      .values({ customer_id: customerId, title: 'held', status: 'queued' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await queue.add(
      'run-task',
      { customerId, taskId: task.id },
      { jobId: task.id, delay: 3_600_000 },
    );
    await putBudget(customerId, { monthlyLimitUsd: 0, hardStop: false });
    await expect(billing.assertCanSpend(customerId)).resolves.toBeUndefined();
    expect(await (await queue.getJob(task.id))?.isDelayed()).toBe(false);
  });
});
