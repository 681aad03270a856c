import { randomInt, randomUUID } from 'node:crypto';
import { BillingService } from '../../src/billing/billing.service';
import type { UsageEvent } from '../../src/billing/billing.types';
import { createTestApp, TestApp } from '../helpers/test-app';
import {
  createCustomer,
  dbOf,
  eventually,
  rollupMismatches,
  streamEvents,
} from './billing-fixtures';

// Booting an app on a shared 2-core machine can outlast jest's 5 s default (the project testTimeout is not applied).
jest.setTimeout(120_000);

describe('BillingService.recordUsage (real Postgres, real Redis)', () => {
  let t: TestApp;
  let billing: BillingService;
  let customerId: string;
  const usage = (over: Partial<UsageEvent> = {}): UsageEvent => ({
    customerId,
    model: 'gpt-4o',
    inputTokens: 1_000,
    outputTokens: 500,
    source: 'callback',
    sourceEventId: randomUUID(),
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp();
    billing = t.get(BillingService);
    customerId = await createCustomer(t);
  });
  afterAll(() => t.close());

  it('stores the cost in integer micro-dollars at the seeded price, with a rollup and an event', async () => {
    const veId = randomUUID();
    const taskId = randomUUID();
    const event = usage({ veId, taskId, model: 'gpt-4o-2024-08-06' });
    // 1,000 × $2.50/M + 500 × $10/M = $0.0075
    await expect(billing.recordUsage(event)).resolves.toEqual({
      recorded: true,
      costMicros: 7_500,
    });
    const row = await dbOf(t)
      .selectFrom('token_usage')
      .selectAll()
      .where('source_event_id', '=', event.sourceEventId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      ve_id: veId,
      task_id: taskId,
      model: 'gpt-4o-2024-08-06',
      cost_micros: 7_500,
      fallback_price: false,
    });
    const rollup = await dbOf(t)
      .selectFrom('usage_daily')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('ve_id', '=', veId)
      .executeTakeFirstOrThrow();
    expect(rollup).toMatchObject({
      input_tokens: 1_000,
      output_tokens: 500,
      cost_micros: 7_500,
      events: 1,
    });
    const events = await streamEvents(t, customerId, 'usage.recorded');
    expect(events.find((e) => e.data?.sourceEventId === event.sourceEventId)).toMatchObject({
      taskId,
      veId,
      data: {
        model: 'gpt-4o-2024-08-06',
        inputTokens: 1_000,
        outputTokens: 500,
        costUsd: '0.007500',
        fallbackPrice: false,
      },
    });
  });

  it('charges an unknown model at the fallback price and flags the row', async () => {
    const event = usage({ model: 'acme-llm-7b', inputTokens: 1_000_000, outputTokens: 1_000_000 });
    // BILLING_FALLBACK_MODEL defaults to claude-sonnet-4-5: $3 + $15
    await expect(billing.recordUsage(event)).resolves.toEqual({
      recorded: true,
      costMicros: 18_000_000,
    });
    const row = await dbOf(t)
      .selectFrom('token_usage')
      .select(['fallback_price', 'model'])
      .where('source_event_id', '=', event.sourceEventId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ fallback_price: true, model: 'acme-llm-7b' });
  });

  it('counts one usage event once across two sources', async () => {
    const sourceEventId = `a2a-task-${randomUUID()}`;
    const first = await billing.recordUsage(usage({ sourceEventId, source: 'a2a' }));
    const second = await billing.recordUsage(usage({ sourceEventId, source: 'callback' }));
    expect(first).toEqual({ recorded: true, costMicros: 7_500 });
    expect(second).toEqual({ recorded: false, costMicros: 7_500 });
    const rows = await dbOf(t)
      .selectFrom('token_usage')
      .select('source')
      .where('source_event_id', '=', sourceEventId)
      .execute();
    expect(rows).toEqual([{ source: 'a2a' }]);
  });

  it('counts ten concurrent deliveries of one event once, rollup included', async () => {
    const veId = randomUUID();
    const event = usage({ veId, sourceEventId: `dup-${randomUUID()}` });
    const results = await Promise.all(
      Array.from({ length: 10 }, () => billing.recordUsage({ ...event })),
    );
    expect(results.filter((r) => r.recorded)).toHaveLength(1);
    expect(results.every((r) => r.costMicros === 7_500)).toBe(true);
    const count = await dbOf(t)
      .selectFrom('token_usage')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('source_event_id', '=', event.sourceEventId)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    const rollup = await dbOf(t)
      .selectFrom('usage_daily')
      .select(['events', 'input_tokens'])
      .where('customer_id', '=', customerId)
      .where('ve_id', '=', veId)
      .executeTakeFirstOrThrow();
    expect(rollup).toEqual({ events: 1, input_tokens: 1_000 });
    const announced = (await streamEvents(t, customerId, 'usage.recorded')).filter(
      (e) => e.data?.sourceEventId === event.sourceEventId,
    );
    expect(announced).toHaveLength(1);
  });

  it('keeps the rollups equal to the ledger after many random, concurrent and repeated events', async () => {
    const other = await createCustomer(t, 'random');
    const ves = [randomUUID(), randomUUID(), null];
    const models = ['gpt-4o-mini', 'claude-haiku-4-5', 'o3', 'mystery-model'];
    const events: UsageEvent[] = Array.from({ length: 300 }, (_, i) => ({
      customerId: other,
      veId: ves[randomInt(ves.length)],
      taskId: randomInt(4) === 0 ? null : randomUUID(),
      model: models[randomInt(models.length)]!,
      inputTokens: randomInt(0, 200_000),
      outputTokens: randomInt(0, 50_000),
      source: i % 2 ? 'a2a' : 'callback',
      // a few ids repeat: duplicates must not reach the rollups
      sourceEventId: `evt-${randomInt(260)}`,
      occurredAt: new Date(Date.UTC(2026, 10, 1 + randomInt(28), randomInt(24), randomInt(60))),
    }));
    for (let i = 0; i < events.length; i += 25) {
      await Promise.all(events.slice(i, i + 25).map((e) => billing.recordUsage(e)));
    }
    const check = await rollupMismatches(dbOf(t), other);
    expect(check.ledgerRows).toBe(new Set(events.map((e) => e.sourceEventId)).size);
    expect(check.mismatches).toBe(0);
  });

  it('joins the caller’s transaction: announces after its commit, and nothing after a rollback', async () => {
    const kept = usage({ sourceEventId: `trx-commit-${randomUUID()}` });
    const dropped = usage({ sourceEventId: `trx-rollback-${randomUUID()}` });
    await dbOf(t)
      .transaction()
      .execute(async (trx) => {
        await expect(billing.recordUsage(kept, trx)).resolves.toEqual({
          recorded: true,
          costMicros: 7_500,
        });
        const announced = await streamEvents(t, customerId, 'usage.recorded');
        expect(announced.some((e) => e.data?.sourceEventId === kept.sourceEventId)).toBe(false);
      });
    await eventually(async () =>
      (await streamEvents(t, customerId, 'usage.recorded')).some(
        (e) => e.data?.sourceEventId === kept.sourceEventId,
      ),
    );

    const rollback = new Error('caller failed');
    await expect(
      dbOf(t)
        .transaction()
        .execute(async (trx) => {
          await billing.recordUsage(dropped, trx);
          throw rollback;
        }),
    ).rejects.toBe(rollback);
    // Retried after the rollback (as a job would be), it records and announces exactly once.
    await expect(billing.recordUsage(dropped)).resolves.toEqual({
      recorded: true,
      costMicros: 7_500,
    });
    const marker = usage({ sourceEventId: `trx-marker-${randomUUID()}` });
    await billing.recordUsage(marker);
    const all = await streamEvents(t, customerId, 'usage.recorded');
    expect(all.filter((e) => e.data?.sourceEventId === dropped.sourceEventId)).toHaveLength(1);
    expect(await rollupMismatches(dbOf(t), customerId)).toMatchObject({ mismatches: 0 });
  });

  it('refuses bad events with every problem named, and unknown customers as not found', async () => {
    await expect(
      billing.recordUsage(usage({ model: '', inputTokens: -5, outputTokens: 0.5 })),
    ).rejects.toMatchObject({
      status: 400,
      details: expect.arrayContaining([
        expect.objectContaining({ field: 'model' }),
        expect.objectContaining({ field: 'inputTokens' }),
        expect.objectContaining({ field: 'outputTokens' }),
      ]),
    });
    await expect(billing.recordUsage(usage({ customerId: randomUUID() }))).rejects.toMatchObject({
      status: 404,
    });
  });

  it('counts tokens and cost in the metrics by customer and model', async () => {
    await billing.recordUsage(
      usage({ model: 'claude-3-5-haiku-20241022', inputTokens: 1_000_000, outputTokens: 0 }),
    );
    const res = await t.api('GET', '/metrics', { token: null });
    expect(res.text).toContain(
      `ve_tokens_total{customer_id="${customerId}",model="claude-3-5-haiku",direction="input"} 1000000`,
    );
    expect(res.text).toMatch(
      new RegExp(
        `ve_cost_micro_usd_total\\{customer_id="${customerId}",model="claude-3-5-haiku"\\} 800000\\b`,
      ),
    );
    expect(res.text).toMatch(
      new RegExp(
        `ve_tokens_total\\{customer_id="${customerId}",model="unpriced",direction="output"\\} 1000000\\b`,
      ),
    );
  });
});
