import type { Kysely } from 'kysely';
import type { Database } from '../database/database.types';
import { UsageLedgerWriter } from './usage-ledger.writer';
import { ledgerKey, type LedgerRow, type UsageRepository } from './usage.repository';

function row(customer: string, event: string): LedgerRow {
  return {
    customer_id: customer,
    ve_id: null,
    task_id: null,
    model: 'gpt-4o-mini',
    input_tokens: 10,
    output_tokens: 5,
    cost_micros: 4,
    fallback_price: false,
    source: 'a2a',
    source_event_id: event,
    occurred_at: new Date(),
  };
}

describe('UsageLedgerWriter', () => {
  const db = {} as Kysely<Database>;

  function writerWith(insert: (rows: readonly LedgerRow[]) => Promise<Set<string>>) {
    const calls: string[][] = [];
    const repo = {
      insertLedgerWithRollup: jest.fn(async (_db: unknown, rows: readonly LedgerRow[]) => {
        calls.push(rows.map((r) => r.source_event_id));
        return insert(rows);
      }),
    } as unknown as UsageRepository;
    return { writer: new UsageLedgerWriter(db, repo), calls };
  }
  const allNew = async (rows: readonly LedgerRow[]) => new Set(rows.map(ledgerKey));

  it('writes a lone row at once, and the rows that arrive meanwhile in one statement', async () => {
    const { writer, calls } = writerWith(allNew);
    const results = await Promise.all(['a', 'b', 'c'].map((e) => writer.write(row('c1', e))));
    expect(results).toEqual([true, true, true]);
    expect(calls).toEqual([['a'], ['b', 'c']]);
  });

  it('records a key twice in one batch once', async () => {
    const { writer, calls } = writerWith(allNew);
    const results = await Promise.all(['a', 'b', 'b'].map((e) => writer.write(row('c1', e))));
    expect(results).toEqual([true, true, false]);
    expect(calls).toEqual([['a'], ['b']]);
  });

  it('reports rows already in the ledger as not inserted', async () => {
    const { writer } = writerWith(async () => new Set());
    await expect(writer.write(row('c1', 'a'))).resolves.toBe(false);
  });

  it('retries a failed batch row by row, so one bad row fails alone', async () => {
    const { writer, calls } = writerWith(async (rows) => {
      if (rows.some((r) => r.customer_id === 'gone'))
        throw Object.assign(new Error('foreign key'), { code: '23503' });
      return allNew(rows);
    });
    const results = await Promise.allSettled([
      writer.write(row('c1', 'a')),
      writer.write(row('c1', 'b')),
      writer.write(row('gone', 'c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(calls).toEqual([['a'], ['b', 'c'], ['b'], ['c']]);
  });

  it('fails the whole batch at once when Postgres is unreachable (no retry row by row)', async () => {
    const { writer, calls } = writerWith(async (rows) => {
      if (rows.length > 1) throw new Error('Connection terminated unexpectedly');
      return allNew(rows);
    });
    const results = await Promise.allSettled(
      ['a', 'b', 'c'].map((e) => writer.write(row('c1', e))),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(calls).toEqual([['a'], ['b', 'c']]);
  });
});
