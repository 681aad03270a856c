import { randomUUID } from 'node:crypto';
import { BillingService } from '../../src/billing/billing.service';
import { createTestApp, TestApp } from '../helpers/test-app';
import { createApiKey, createCustomer } from './billing-fixtures';

// Booting an app on a shared 2-core machine can outlast jest's 5 s default (the project testTimeout is not applied).
jest.setTimeout(120_000);

describe('Model pricing (GET /api/billing/pricing, operator PUT /api/billing/pricing/:model)', () => {
  let t: TestApp;
  let customerId: string;
  let key: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { BILLING_FALLBACK_MODEL: 'gpt-4.1' } });
    customerId = await createCustomer(t);
    key = await createApiKey(t, customerId);
  });
  afterAll(() => t.close());

  it('lists the seeded OpenAI and Anthropic list prices to any caller', async () => {
    const res = await t.api('GET', '/api/billing/pricing', { token: key });
    expect(res.status).toBe(200);
    expect(res.body.fallbackModel).toBe('gpt-4.1');
    const byModel = Object.fromEntries(res.body.items.map((i: { model: string }) => [i.model, i]));
    for (const model of [
      'gpt-4o',
      'gpt-4o-mini',
      'gpt-4.1',
      'gpt-4.1-mini',
      'gpt-4.1-nano',
      'o3',
      'o4-mini',
      'gpt-5',
      'gpt-5-mini',
      'claude-opus-4-1',
      'claude-sonnet-4-5',
      'claude-haiku-4-5',
      'claude-3-5-haiku',
    ]) {
      expect(byModel[model]).toBeDefined();
    }
    expect(byModel['gpt-4o']).toMatchObject({
      provider: 'openai',
      inputUsdPerMTok: '2.500000',
      outputUsdPerMTok: '10.000000',
    });
    expect(byModel['claude-sonnet-4-5']).toMatchObject({
      provider: 'anthropic',
      inputUsdPerMTok: '3.000000',
      outputUsdPerMTok: '15.000000',
    });
    expect((await t.api('GET', '/api/billing/pricing')).status).toBe(200);
    expect((await t.api('GET', '/api/billing/pricing', { token: null })).status).toBe(401);
  });

  it('lets operators set a price in decimal USD, stored exactly, applied to usage recorded afterwards', async () => {
    const billing = t.get(BillingService);
    const record = (model: string) =>
      billing.recordUsage({
        customerId,
        model,
        inputTokens: 1_000_000,
        outputTokens: 1_000_000,
        source: 'a2a',
        sourceEventId: randomUUID(),
      });
    // unknown: charged at the fallback (gpt-4.1: $2 + $8) and flagged
    await expect(record('acme-large')).resolves.toMatchObject({ costMicros: 10_000_000 });

    const res = await t.api('PUT', '/api/billing/pricing/ACME-Large', {
      body: { provider: 'acme', inputUsdPerMTok: 0.1, outputUsdPerMTok: '0.123456' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      model: 'acme-large',
      provider: 'acme',
      inputUsdPerMTok: '0.100000',
      outputUsdPerMTok: '0.123456',
    });
    await expect(record('acme-large-2026-01')).resolves.toMatchObject({ costMicros: 223_456 });

    const changed = await t.api('PUT', '/api/billing/pricing/gpt-4o', {
      body: { provider: 'openai', inputUsdPerMTok: 5, outputUsdPerMTok: 20 },
    });
    expect(changed.body).toMatchObject({
      inputUsdPerMTok: '5.000000',
      outputUsdPerMTok: '20.000000',
    });
    await expect(record('gpt-4o')).resolves.toMatchObject({ costMicros: 25_000_000 });

    const { rows } = await t
      .api('GET', `/api/billing/usage?groupBy=model`, { customerId })
      .then((r) => r.body);
    // The costs were fixed when recorded: the first acme-large row keeps its fallback price.
    expect(rows.find((r: { key: string }) => r.key === 'acme-large')).toMatchObject({
      costUsd: '10.000000',
    });
  });

  it('refuses prices from anyone but an operator', async () => {
    const body = { provider: 'openai', inputUsdPerMTok: 0, outputUsdPerMTok: 0 };
    expect((await t.api('PUT', '/api/billing/pricing/gpt-4o', { token: key, body })).status).toBe(
      403,
    );
  });

  it.each([
    [{ provider: 'x', inputUsdPerMTok: -0.5, outputUsdPerMTok: 1 }, 'inputUsdPerMTok'],
    [{ provider: 'x', inputUsdPerMTok: 1, outputUsdPerMTok: 0.0000001 }, 'outputUsdPerMTok'],
    [{ provider: 'x', inputUsdPerMTok: '1.2345678', outputUsdPerMTok: 1 }, 'inputUsdPerMTok'],
    [{ provider: 'x', inputUsdPerMTok: 'free', outputUsdPerMTok: 1 }, 'inputUsdPerMTok'],
    [{ inputUsdPerMTok: 1, outputUsdPerMTok: 1 }, 'provider'],
    [{ provider: 'x', inputUsdPerMTok: 1, outputUsdPerMTok: 1, cached: 0.5 }, 'cached'],
  ])('refuses %j with 400', async (body, field) => {
    const res = await t.api('PUT', '/api/billing/pricing/some-model', { body });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('refuses a model name that could never match a usage report', async () => {
    const res = await t.api('PUT', `/api/billing/pricing/${encodeURIComponent('bad name!')}`, {
      body: { provider: 'x', inputUsdPerMTok: 1, outputUsdPerMTok: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'model' })]);
  });
});
