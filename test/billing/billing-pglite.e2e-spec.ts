import { randomUUID } from 'node:crypto';
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

/** The embedded database runs the same SQL: grouping sets, upserts, pg_xact_status. */
// Booting an app on a shared 2-core machine can outlast jest's 5 s default (the project testTimeout is not applied).
jest.setTimeout(120_000);

describe('Billing on PGlite', () => {
  let t: TestApp;
  let billing: BillingService;
  let customerId: string;
  const usage = (over: Partial<UsageEvent> = {}): UsageEvent => ({
    customerId,
    veId: randomUUID(),
    taskId: randomUUID(),
    model: 'claude-sonnet-4-5-20250929',
    inputTokens: 1_000_000,
    outputTokens: 100_000,
    source: 'a2a',
    sourceEventId: randomUUID(),
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp({ pglite: true });
    billing = t.get(BillingService);
    customerId = await createCustomer(t);
  });
  afterAll(() => t.close());

  it('records once, rolls up, reports and summarises', async () => {
    const event = usage();
    // $3 + $1.50
    await expect(
      Promise.all([billing.recordUsage(event), billing.recordUsage(event)]),
    ).resolves.toEqual(
      expect.arrayContaining([
        { recorded: true, costMicros: 4_500_000 },
        { recorded: false, costMicros: 4_500_000 },
      ]),
    );
    await billing.recordUsage(usage({ veId: null, taskId: null, model: 'gpt-4o-mini' }));
    expect(await rollupMismatches(dbOf(t), customerId)).toEqual({ mismatches: 0, ledgerRows: 2 });
    const byTask = await t.api('GET', '/api/billing/usage?groupBy=task', { customerId });
    expect(byTask.body.rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: event.taskId, costUsd: '4.500000' }),
        expect.objectContaining({ key: null }),
      ]),
    );
    const summary = await t.api('GET', '/api/billing/summary', { customerId });
    expect(summary.body.totals).toEqual({
      inputTokens: 2_000_000,
      outputTokens: 200_000,
      costUsd: '4.710000',
      events: 2,
    });
    expect(summary.body.perModel.map((m: { model: string }) => m.model)).toEqual([
      'claude-sonnet-4-5-20250929',
      'gpt-4o-mini',
    ]);
  });

  it('announces usage recorded in a caller’s transaction only once it commits', async () => {
    const kept = usage();
    const dropped = usage();
    await dbOf(t)
      .transaction()
      .execute((trx) => billing.recordUsage(kept, trx));
    await expect(
      dbOf(t)
        .transaction()
        .execute(async (trx) => {
          await billing.recordUsage(dropped, trx);
          throw new Error('rolled back');
        }),
    ).rejects.toThrow('rolled back');
    await eventually(async () =>
      (await streamEvents(t, customerId, 'usage.recorded')).some(
        (e) => e.data?.sourceEventId === kept.sourceEventId,
      ),
    );
    await billing.recordUsage(usage({ sourceEventId: 'marker' }));
    const ids = (await streamEvents(t, customerId, 'usage.recorded')).map(
      (e) => e.data?.sourceEventId,
    );
    expect(ids).not.toContain(dropped.sourceEventId);
  });

  it('holds a hard-stop budget at its limit', async () => {
    await t.api('PUT', '/api/billing/budget', {
      customerId,
      body: { monthlyLimitUsd: 1, hardStop: true },
    });
    await expect(billing.assertCanSpend(customerId)).rejects.toMatchObject({ status: 402 });
  });
});
