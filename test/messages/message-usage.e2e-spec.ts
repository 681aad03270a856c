import { BillingService } from '../../src/billing/billing.service';
import type { UsageEvent } from '../../src/billing/billing.types';
import type { Db } from '../../src/common/db-types';
import { MessageDeliveryService } from '../../src/messages/message-delivery.service';
import { dbOf, eventually, seedCustomer, seedVe } from '../events/support/tenants';
import { createTestApp, TestApp } from '../helpers/test-app';

jest.setTimeout(60_000);

/**
 * Usage the gateway could not bill when the agent answered (Postgres unavailable a moment) comes
 * back in the outcome as `unrecordedUsage`: a message delivery records it with the delivery,
 * as a task outcome does, once however often the delivery runs.
 */
describe('Usage of a message delivery that billing missed', () => {
  let t: TestApp;
  let acme: { id: string; apiKey: string };
  let ve: { id: string };
  /** Billing's own calls (no transaction: the gateway's) fail while this is on. */
  let billingDown = false;
  const missed: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    acme = await seedCustomer(t, 'Acme');
    ve = await seedVe(t, acme.id, { name: 'Sam' });
    const billing = t.get(BillingService);
    const recordUsage = billing.recordUsage.bind(billing);
    jest.spyOn(billing, 'recordUsage').mockImplementation(async (event: UsageEvent, db?: Db) => {
      if (billingDown && !db) {
        missed.push(event.sourceEventId);
        throw new Error('Connection terminated unexpectedly');
      }
      return recordUsage(event, db);
    });
  });
  afterAll(async () => {
    await t?.close();
  });
  afterEach(() => {
    billingDown = false;
    missed.length = 0;
  });

  const usageOf = (sourceEventIds: string[]) =>
    dbOf(t)
      .selectFrom('token_usage')
      .select(['source_event_id', 'customer_id', 've_id', 'input_tokens', 'output_tokens'])
      .where('source_event_id', 'in', sourceEventIds)
      .execute();

  const sendAndWait = async (content: string, status: 'delivered' | 'failed') => {
    const res = await t.api<{ id: string }>('POST', '/api/messages', {
      token: acme.apiKey,
      body: { veId: ve.id, content },
    });
    expect(res.status).toBe(201);
    await eventually(async () => {
      const row = await dbOf(t)
        .selectFrom('messages')
        .select('status')
        .where('id', '=', res.body.id)
        .executeTakeFirst();
      return row?.status === status ? true : undefined;
    }, `message ${status}`);
    return res.body.id;
  };

  it('records the usage with a delivered message, once even when the delivery runs again', async () => {
    billingDown = true;
    const id = await sendAndWait('Summarise the Q3 report', 'delivered');
    expect(missed.length).toBeGreaterThan(0);
    const rows = await usageOf(missed);
    expect(rows).toHaveLength(missed.length);
    expect(rows[0]).toMatchObject({ customer_id: acme.id, ve_id: ve.id });
    expect(rows[0]!.input_tokens + rows[0]!.output_tokens).toBeGreaterThan(0);

    // A retried job (the reply stored, the acknowledgement lost): billed once still.
    const again = [...missed];
    await dbOf(t).updateTable('messages').set({ status: 'queued' }).where('id', '=', id).execute();
    await t.get(MessageDeliveryService).deliver(acme.id, id);
    expect(await usageOf([...again, ...missed])).toHaveLength(new Set([...again, ...missed]).size);
  });

  it('records the usage of a message the agent refused', async () => {
    billingDown = true;
    await sendAndWait('[fail] Break something', 'failed');
    expect(missed.length).toBeGreaterThan(0);
    expect(await usageOf(missed)).toHaveLength(missed.length);
  });
});
