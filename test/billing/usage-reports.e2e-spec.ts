import { randomUUID } from 'node:crypto';
import { BillingService } from '../../src/billing/billing.service';
import type { UsageEvent } from '../../src/billing/billing.types';
import { createTestApp, TestApp } from '../helpers/test-app';
import { createApiKey, createCustomer, JWT_SECRET, memberToken } from './billing-fixtures';

const byKey = <T extends { key: string | null }>(rows: T[]) =>
  [...rows].sort((a, b) =>
    (a.key ?? '00000000-0000-0000-0000-000000000000').localeCompare(
      b.key ?? '00000000-0000-0000-0000-000000000000',
    ),
  );

// Booting an app on a shared 2-core machine can outlast jest's 5 s default (the project testTimeout is not applied).
jest.setTimeout(120_000);

describe('Usage reports and summaries (GET /api/billing/usage, /summary)', () => {
  let t: TestApp;
  let customerId: string;
  let key: string;
  const [ve1, ve2, task1, task2] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const october = { from: '2026-10-01', to: '2026-11-01' };

  beforeAll(async () => {
    t = await createTestApp({ env: { SUPABASE_JWT_SECRET: JWT_SECRET } });
    customerId = await createCustomer(t);
    key = await createApiKey(t, customerId);
    const other = await createCustomer(t, 'other');
    const billing = t.get(BillingService);
    const at = (day: string) => new Date(`${day}T12:00:00Z`);
    const events: Array<Omit<UsageEvent, 'source' | 'sourceEventId'>> = [
      // $0.0025 + $0.005 = 7,500 µ$
      {
        customerId,
        veId: ve1,
        taskId: task1,
        model: 'gpt-4o',
        inputTokens: 1_000,
        outputTokens: 500,
        occurredAt: at('2026-10-03'),
      },
      // $0.30 + $0.60 = 900,000 µ$
      {
        customerId,
        veId: ve1,
        taskId: task1,
        model: 'gpt-4o-mini',
        inputTokens: 2_000_000,
        outputTokens: 1_000_000,
        occurredAt: at('2026-10-03'),
      },
      // $0.025 = 25,000 µ$
      {
        customerId,
        veId: ve2,
        taskId: task2,
        model: 'gpt-4o',
        inputTokens: 10_000,
        outputTokens: 0,
        occurredAt: at('2026-10-05'),
      },
      // no VE, no task: $0.005 = 5,000 µ$
      {
        customerId,
        model: 'claude-haiku-4-5',
        inputTokens: 0,
        outputTokens: 1_000,
        occurredAt: at('2026-10-05'),
      },
      // outside the range, and another customer's: never shown
      {
        customerId,
        veId: ve1,
        taskId: task1,
        model: 'gpt-4o',
        inputTokens: 9,
        outputTokens: 9,
        occurredAt: new Date('2026-11-01T00:00:00Z'),
      },
      {
        customerId: other,
        veId: ve1,
        model: 'gpt-4o',
        inputTokens: 99_999,
        outputTokens: 1,
        occurredAt: at('2026-10-03'),
      },
    ];
    for (const e of events)
      await billing.recordUsage({ ...e, source: 'callback', sourceEventId: randomUUID() });
  });
  afterAll(() => t.close());

  const usage = (query: string, headers: Record<string, string> = {}) =>
    t.api('GET', `/api/billing/usage?${query}`, { token: key, headers });

  const expected = {
    day: [
      {
        key: '2026-10-03',
        inputTokens: 2_001_000,
        outputTokens: 1_000_500,
        costUsd: '0.907500',
        events: 2,
      },
      {
        key: '2026-10-05',
        inputTokens: 10_000,
        outputTokens: 1_000,
        costUsd: '0.030000',
        events: 2,
      },
    ],
    ve: byKey([
      { key: null, inputTokens: 0, outputTokens: 1_000, costUsd: '0.005000', events: 1 },
      { key: ve1, inputTokens: 2_001_000, outputTokens: 1_000_500, costUsd: '0.907500', events: 2 },
      { key: ve2, inputTokens: 10_000, outputTokens: 0, costUsd: '0.025000', events: 1 },
    ]),
    model: [
      {
        key: 'claude-haiku-4-5',
        inputTokens: 0,
        outputTokens: 1_000,
        costUsd: '0.005000',
        events: 1,
      },
      { key: 'gpt-4o', inputTokens: 11_000, outputTokens: 500, costUsd: '0.032500', events: 2 },
      {
        key: 'gpt-4o-mini',
        inputTokens: 2_000_000,
        outputTokens: 1_000_000,
        costUsd: '0.900000',
        events: 1,
      },
    ],
    // usage with no task comes after the last task
    task: [
      ...byKey([
        {
          key: task1,
          inputTokens: 2_001_000,
          outputTokens: 1_000_500,
          costUsd: '0.907500',
          events: 2,
        },
        { key: task2, inputTokens: 10_000, outputTokens: 0, costUsd: '0.025000', events: 1 },
      ]),
      { key: null, inputTokens: 0, outputTokens: 1_000, costUsd: '0.005000', events: 1 },
    ],
  };

  it.each(Object.keys(expected) as Array<keyof typeof expected>)(
    'groups by %s as JSON',
    async (groupBy) => {
      const res = await usage(`from=${october.from}&to=${october.to}&groupBy=${groupBy}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ groupBy, ...october, rows: expected[groupBy], nextCursor: null });
    },
  );

  it.each(Object.keys(expected) as Array<keyof typeof expected>)(
    'groups by %s as CSV with Accept: text/csv',
    async (groupBy) => {
      const res = await usage(`from=${october.from}&to=${october.to}&groupBy=${groupBy}`, {
        accept: 'text/csv',
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toContain(
        `usage-${groupBy}-2026-10-01-2026-11-01.csv`,
      );
      const lines = res.text.split('\r\n');
      expect(lines[0]).toBe(`${groupBy},inputTokens,outputTokens,costUsd,events`);
      expect(lines.slice(1, -1)).toEqual(
        expected[groupBy].map((r) =>
          [r.key ?? '', r.inputTokens, r.outputTokens, r.costUsd, r.events].join(','),
        ),
      );
      expect(lines[lines.length - 1]).toBe('');
    },
  );

  it('escapes CSV cells and defuses formulas in model names', async () => {
    const evil = await createCustomer(t, 'evil');
    await t.get(BillingService).recordUsage({
      customerId: evil,
      model: '=cmd|"calc",x',
      inputTokens: 1,
      outputTokens: 1,
      source: 'callback',
      sourceEventId: randomUUID(),
    });
    const res = await t.api('GET', '/api/billing/usage?groupBy=model&format=csv', {
      customerId: evil,
    });
    expect(res.text.split('\r\n')[1]).toBe(`"'=cmd|""calc"",x",1,1,0.000018,1`);
  });

  it('pages with limit and cursor (JSON nextCursor, CSV x-next-cursor)', async () => {
    const first = await usage(`from=${october.from}&to=${october.to}&groupBy=model&limit=2`);
    expect(first.body.rows.map((r: { key: string }) => r.key)).toEqual([
      'claude-haiku-4-5',
      'gpt-4o',
    ]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await usage(
      `from=${october.from}&to=${october.to}&groupBy=model&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body).toMatchObject({ rows: [expected.model[2]], nextCursor: null });
    const csv = await usage(`from=${october.from}&to=${october.to}&groupBy=task&limit=1`, {
      accept: 'text/csv',
    });
    const cursor = csv.headers.get('x-next-cursor');
    expect(cursor).toEqual(expect.any(String));
    const next = await usage(
      `from=${october.from}&to=${october.to}&groupBy=task&limit=1&cursor=${cursor}`,
    );
    expect(next.body.rows).toEqual([expected.task[1]]);
    const tasks = await usage(`from=${october.from}&to=${october.to}&groupBy=task&limit=2`);
    expect(tasks.body.rows).toEqual(expected.task.slice(0, 2));
    const noTask = await usage(
      `from=${october.from}&to=${october.to}&groupBy=task&limit=2&cursor=${tasks.body.nextCursor}`,
    );
    expect(noTask.body).toMatchObject({ rows: [expected.task[2]], nextCursor: null });
  });

  it('defaults to the current UTC month and groups by day', async () => {
    const res = await usage('');
    const now = new Date();
    const month = now.toISOString().slice(0, 7);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ groupBy: 'day', from: `${month}-01` });
    expect(res.body.to > res.body.from).toBe(true);
  });

  it.each([
    ['from=2026-02-30', 'from'],
    ['from=2026-10-05&to=2026-10-05', 'to'],
    ['from=2026-10-05&to=2026-10-01', 'to'],
    ['from=2024-01-01&to=2026-01-01', 'to'],
    ['from=yesterday', 'from'],
    ['groupBy=week', 'groupBy'],
    ['limit=0', 'limit'],
    ['groupBy=day&cursor=bm90LWEtZGF5', 'cursor'],
    ['colour=blue', 'colour'],
  ])('refuses %s with 400 naming %s', async (query, field) => {
    const res = await usage(query);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('summarises a month from the rollups: totals, per VE, per model, budget none', async () => {
    const res = await t.api('GET', '/api/billing/summary?period=2026-10', { token: key });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      period: '2026-10',
      totals: { inputTokens: 2_011_000, outputTokens: 1_001_500, costUsd: '0.937500', events: 4 },
      perVe: [
        {
          veId: ve1,
          inputTokens: 2_001_000,
          outputTokens: 1_000_500,
          costUsd: '0.907500',
          events: 2,
        },
        { veId: ve2, inputTokens: 10_000, outputTokens: 0, costUsd: '0.025000', events: 1 },
        { veId: null, inputTokens: 0, outputTokens: 1_000, costUsd: '0.005000', events: 1 },
      ],
      perModel: [
        {
          model: 'gpt-4o-mini',
          inputTokens: 2_000_000,
          outputTokens: 1_000_000,
          costUsd: '0.900000',
          events: 1,
        },
        { model: 'gpt-4o', inputTokens: 11_000, outputTokens: 500, costUsd: '0.032500', events: 2 },
        {
          model: 'claude-haiku-4-5',
          inputTokens: 0,
          outputTokens: 1_000,
          costUsd: '0.005000',
          events: 1,
        },
      ],
      budget: {
        monthlyLimitUsd: null,
        hardStop: false,
        spentUsd: '0.937500',
        percentUsed: null,
        state: 'none',
      },
    });
  });

  it('shows the budget state of the month in the summary', async () => {
    expect(
      (await t.api('PUT', '/api/billing/budget', { token: key, body: { monthlyLimitUsd: '1.00' } }))
        .status,
    ).toBe(200);
    const res = await t.api('GET', '/api/billing/summary?period=2026-10', { token: key });
    expect(res.body.budget).toEqual({
      monthlyLimitUsd: '1.000000',
      hardStop: false,
      spentUsd: '0.937500',
      percentUsed: 93.75,
      state: 'warning',
    });
    const empty = await t.api('GET', '/api/billing/summary?period=2025-01', { token: key });
    expect(empty.body).toMatchObject({
      totals: { inputTokens: 0, outputTokens: 0, costUsd: '0.000000', events: 0 },
      perVe: [],
      perModel: [],
      budget: { spentUsd: '0.000000', percentUsed: 0, state: 'ok' },
    });
  });

  it.each(['2026-13', '2026-1', 'october', '2026-10-01'])('refuses period=%s', async (period) => {
    const res = await t.api('GET', `/api/billing/summary?period=${period}`, { token: key });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'period' })]);
  });

  it('answers every member role and the operator acting for the customer; others not', async () => {
    const member = await memberToken(t, customerId, 'member');
    expect(
      (await t.api('GET', '/api/billing/summary?period=2026-10', { token: member })).body.totals
        .events,
    ).toBe(4);
    expect(
      (await t.api('GET', '/api/billing/summary?period=2026-10', { customerId })).body.totals
        .events,
    ).toBe(4);
    expect((await t.api('GET', '/api/billing/summary')).status).toBe(403);
    expect((await t.api('GET', '/api/billing/usage', { token: null })).status).toBe(401);
  });
});
