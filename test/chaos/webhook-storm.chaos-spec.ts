import { randomUUID } from 'node:crypto';
import { RawBuilder, sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { KYSELY } from '../../src/database/database.constants';
import { until } from '../foundation/support/processes';
import { createTestApp, TestApp, WEBHOOK_SECRET } from '../helpers/test-app';

/** A small seeded PRNG (mulberry32): the same storm, in the same order, on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Send {
  id: string;
  body: string;
  signer: Webhook;
}

/**
 * 10,000 agent callbacks (messages and token usage), 30% of them replays of a webhook-id already
 * sent (some racing their original) and 5% signed with the wrong secret: exactly the valid,
 * unique ones are applied — each message stored once, each usage billed once.
 */
describe('Webhook storm', () => {
  const TOTAL = 10_000;
  const DUPLICATES = TOTAL * 0.3;
  const BAD = TOTAL * 0.05;
  const UNIQUE = TOTAL - DUPLICATES - BAD;
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: { WEBHOOK_RATE_LIMIT_PER_MINUTE: '10000000', WEBHOOKS_CONCURRENCY: '50' },
    });
  });
  afterAll(() => t?.close());

  it('applies each valid, unique event exactly once', async () => {
    const customer = (await t.api('POST', '/api/customers', { body: { name: 'Storm Co' } })).body;
    const key = (
      await t.api('POST', `/api/customers/${customer.id}/api-keys`, { body: { name: 'k' } })
    ).body.key;
    const ve = (
      await t.api('POST', '/api/ves', {
        token: key,
        body: {
          name: 'Storm VE',
          role: 'support',
          systemPrompt: 'x',
          model: 'gpt-4o-mini',
          skills: ['support'],
          tools: [],
        },
      })
    ).body;
    const random = prng(1234);
    const good = new Webhook(WEBHOOK_SECRET);
    const bad = new Webhook(
      'whsec_' + Buffer.from('not-the-secret-at-all-0123').toString('base64'),
    );
    // Even: a message from the VE; odd: token usage of 10 in / 20 out.
    const events = Array.from({ length: UNIQUE }, (_, i) => ({
      id: `msg_${randomUUID()}`,
      body: JSON.stringify(
        i % 2 === 0
          ? {
              eventType: 'message_send',
              customerId: customer.id,
              veId: ve.id,
              message: `storm ${i}`,
            }
          : {
              eventType: 'token_usage',
              customerId: customer.id,
              veId: ve.id,
              usage: { model: 'gpt-4o-mini', inputTokens: 10, outputTokens: 20 },
            },
      ),
    }));
    const sends: Send[] = events.map((e) => ({ ...e, signer: good }));
    for (let i = 0; i < DUPLICATES; i++)
      sends.push({ ...events[Math.floor(random() * UNIQUE)]!, signer: good });
    for (let i = 0; i < BAD; i++)
      sends.push({ id: `msg_${randomUUID()}`, body: events[i]!.body, signer: bad });
    for (let i = sends.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [sends[i], sends[j]] = [sends[j]!, sends[i]!];
    }

    const statuses: Record<number, number> = {};
    let next = 0;
    const client = async () => {
      while (next < sends.length) {
        const s = sends[next++]!;
        const now = new Date();
        const res = await fetch(`${t.url}/api/webhooks/agent-callback`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': s.id,
            'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
            'webhook-signature': s.signer.sign(s.id, now, s.body),
          },
          body: s.body,
        });
        await res.arrayBuffer();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: 40 }, client));
    expect(statuses).toEqual({ 202: UNIQUE, 200: DUPLICATES, 401: BAD });

    // Every accepted event is settled (applied, or ignored as a duplicate effect) before counting.
    const db = t.app.get(KYSELY);
    const count = async (query: RawBuilder<{ n: number }>) => (await query.execute(db)).rows[0]!.n;
    await until(
      'every accepted webhook settled',
      async () => {
        const pending = await count(
          sql<{
            n: number;
          }>`select count(*)::int as n from webhook_events where customer_id = ${customer.id} and status = 'accepted'`,
        );
        return pending === 0 ? true : undefined;
      },
      300_000,
    );
    const byStatus = await sql<{ status: string; n: number }>`
      select status, count(*)::int as n from webhook_events where customer_id = ${customer.id} group by status`.execute(
      db,
    );
    expect(Object.fromEntries(byStatus.rows.map((r) => [r.status, r.n]))).toEqual({
      applied: UNIQUE,
    });
    expect(
      await count(
        sql<{
          n: number;
        }>`select count(*)::int as n from messages where customer_id = ${customer.id} and direction = 'from_ve'`,
      ),
    ).toBe(UNIQUE / 2);
    expect(
      await count(
        sql<{
          n: number;
        }>`select count(*)::int as n from token_usage where customer_id = ${customer.id}`,
      ),
    ).toBe(UNIQUE / 2);
    // The rollup agrees with the ledger: nothing counted twice on the way.
    const rollup = await sql<{ events: number; input: number; output: number }>`
      select sum(events)::int as events, sum(input_tokens)::int as input, sum(output_tokens)::int as output
      from usage_daily where customer_id = ${customer.id}`.execute(db);
    expect(rollup.rows[0]).toEqual({
      events: UNIQUE / 2,
      input: (UNIQUE / 2) * 10,
      output: (UNIQUE / 2) * 20,
    });
  });
});
