import type Redis from 'ioredis';
import { EventsService } from '../../src/events/events.service';
import { REDIS } from '../../src/redis/redis.module';
import { createTestApp, TestApp } from '../helpers/test-app';
import { dbOf, seedCustomer } from './support/tenants';

// The project-level testTimeout is not applied by jest (a global option): slow machines need more than 5 s.
jest.setTimeout(60_000);

describe('EventsService: domain events after commit', () => {
  let t: TestApp;
  let events: EventsService;
  let customerId: string;
  const streamed = async () => {
    const entries = await t.get<Redis>(REDIS).xrange(events.streamKey(customerId), '-', '+');
    return entries.map(([, fields]) => JSON.parse(fields[1]!).taskId as string);
  };

  beforeAll(async () => {
    t = await createTestApp();
    events = t.get(EventsService);
    customerId = (await seedCustomer(t)).id;
  });
  afterAll(() => t.close());

  it('publishes at once outside a transaction', async () => {
    await events.publishAfterCommit(undefined, { type: 'task.updated', customerId, taskId: 'now' });
    await events.publishAfterCommit(dbOf(t), {
      type: 'task.updated',
      customerId,
      taskId: 'now-too',
    });
    expect((await streamed()).slice(-2)).toEqual(['now', 'now-too']);
  });

  it('holds the events of a transaction until it commits', async () => {
    let during: string[] = [];
    await events.transaction(dbOf(t), async (trx) => {
      await trx
        .updateTable('customers')
        .set({ name: 'Renamed' })
        .where('id', '=', customerId)
        .execute();
      await events.publishAfterCommit(trx, {
        type: 'task.updated',
        customerId,
        taskId: 'committed',
      });
      // A nested call joins the same transaction; its events wait for the outer commit too.
      await events.transaction(trx, (inner) =>
        events.publishAfterCommit(inner, { type: 'task.completed', customerId, taskId: 'nested' }),
      );
      during = await streamed();
    });
    expect(during).not.toContain('committed');
    expect((await streamed()).slice(-2)).toEqual(['committed', 'nested']);
  });

  it('drops the events of a transaction that rolls back', async () => {
    await expect(
      events.transaction(dbOf(t), async (trx) => {
        await events.publishAfterCommit(trx, {
          type: 'task.updated',
          customerId,
          taskId: 'rolled-back',
        });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await streamed()).not.toContain('rolled-back');
  });

  it('refuses a transaction it did not open (it could not know when that one commits)', async () => {
    await expect(
      dbOf(t)
        .transaction()
        .execute((trx) =>
          events.publishAfterCommit(trx, { type: 'task.updated', customerId, taskId: 'foreign' }),
        ),
    ).rejects.toThrow(/EventsService\.transaction/);
    expect(await streamed()).not.toContain('foreign');
  });
});
