import { Inject, Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import type { Db } from '../common/db-types';
import { KYSELY } from '../database/database.constants';
import type { Database } from '../database/database.types';
import { dayStart, DayRange } from './billing-period';
import { NO_VE, UsageGroup } from './billing.types';

export interface LedgerRow {
  customer_id: string;
  ve_id: string | null;
  task_id: string | null;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cost_micros: number;
  fallback_price: boolean;
  source: string;
  source_event_id: string;
  occurred_at: Date;
}

/** Sums as they come from SQL: bigint casts keep them numbers (far below 2^53). */
export interface SumRow {
  input_tokens: number;
  output_tokens: number;
  cost_micros: number;
  events: number;
}

export interface SummaryRow extends SumRow {
  ve_id: string | null;
  model: string | null;
  /** GROUPING(ve_id, model): 1 = a per-VE row, 2 = a per-model row, 3 = the total. */
  grouping: number;
}

const sums = {
  input_tokens: sql<number>`coalesce(sum(input_tokens), 0)::bigint`,
  output_tokens: sql<number>`coalesce(sum(output_tokens), 0)::bigint`,
  cost_micros: sql<number>`coalesce(sum(cost_micros), 0)::bigint`,
};

/** token_usage (the ledger) and usage_daily (its rollups per customer, UTC day, VE and model). */
@Injectable()
export class UsageRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  /**
   * Inserts the ledger row unless its (customer, source event) is already there. Returns the id of
   * the writing transaction when inserted (for after-commit effects), undefined for a duplicate.
   */
  async insertLedger(db: Db, row: LedgerRow): Promise<string | undefined> {
    const inserted = await db
      .insertInto('token_usage')
      .values(row)
      .onConflict((oc) => oc.columns(['customer_id', 'source_event_id']).doNothing())
      .returning(sql<string>`pg_current_xact_id()::text`.as('xid'))
      .executeTakeFirst();
    return inserted?.xid;
  }

  /**
   * Ledger rows + their rollups in one statement (atomic on its own, no transaction needed): one
   * round trip and one commit for many rows instead of four round trips each. Rows already in the
   * ledger (same customer and source event) are skipped. Returns the keys (ledgerKey) inserted.
   * Rows are written in key order and rollups in (customer, day, VE, model) order, so two such
   * statements running at once take their row locks in the same order and cannot deadlock.
   */
  async insertLedgerWithRollup(db: Db, rows: readonly LedgerRow[]): Promise<Set<string>> {
    if (!rows.length) return new Set();
    const values = [...rows]
      .sort((a, b) => compare(ledgerKey(a), ledgerKey(b)))
      .map(
        (row) => sql`(${row.customer_id}, ${row.ve_id}, ${row.task_id}, ${row.model},
          ${row.input_tokens}, ${row.output_tokens}, ${row.cost_micros}, ${row.fallback_price},
          ${row.source}, ${row.source_event_id}, ${row.occurred_at})`,
      );
    const result = await sql<{ customer_id: string; source_event_id: string }>`
      with ledger as (
        insert into token_usage (customer_id, ve_id, task_id, model, input_tokens, output_tokens,
          cost_micros, fallback_price, source, source_event_id, occurred_at)
        values ${sql.join(values)}
        on conflict (customer_id, source_event_id) do nothing
        returning customer_id, ve_id, model, input_tokens, output_tokens, cost_micros,
          source_event_id, occurred_at
      ), rollup as (
        insert into usage_daily (customer_id, day, ve_id, model, input_tokens, output_tokens, cost_micros, events)
        select customer_id, (occurred_at at time zone 'UTC')::date, coalesce(ve_id, ${NO_VE}::uuid),
          model, sum(input_tokens), sum(output_tokens), sum(cost_micros), count(*)
        from ledger
        group by 1, 2, 3, 4
        order by 1, 2, 3, 4
        on conflict (customer_id, day, ve_id, model) do update set
          input_tokens = usage_daily.input_tokens + excluded.input_tokens,
          output_tokens = usage_daily.output_tokens + excluded.output_tokens,
          cost_micros = usage_daily.cost_micros + excluded.cost_micros,
          events = usage_daily.events + excluded.events
      )
      select customer_id, source_event_id from ledger`.execute(db);
    return new Set(result.rows.map(ledgerKey));
  }

  async costOf(db: Db, customerId: string, sourceEventId: string): Promise<number | undefined> {
    const row = await db
      .selectFrom('token_usage')
      .select('cost_micros')
      .where('customer_id', '=', customerId)
      .where('source_event_id', '=', sourceEventId)
      .executeTakeFirst();
    return row?.cost_micros;
  }

  /** Adds one ledger row to its rollup; the row lock of the upsert serialises concurrent writers. */
  async addToRollup(db: Db, row: LedgerRow, day: string): Promise<void> {
    await db
      .insertInto('usage_daily')
      .values({
        customer_id: row.customer_id,
        day,
        ve_id: row.ve_id ?? NO_VE,
        model: row.model,
        input_tokens: row.input_tokens,
        output_tokens: row.output_tokens,
        cost_micros: row.cost_micros,
        events: 1,
      })
      .onConflict((oc) =>
        oc.columns(['customer_id', 'day', 've_id', 'model']).doUpdateSet({
          input_tokens: sql`usage_daily.input_tokens + excluded.input_tokens`,
          output_tokens: sql`usage_daily.output_tokens + excluded.output_tokens`,
          cost_micros: sql`usage_daily.cost_micros + excluded.cost_micros`,
          events: sql`usage_daily.events + 1`,
        }),
      )
      .execute();
  }

  /**
   * Usage grouped by day, VE or model (from the rollups) or by task (from the ledger), ordered by
   * key, `limit` rows after the key `after`. Keys of "no VE"/"no task" are the nil uuid here.
   */
  async report(
    customerId: string,
    groupBy: UsageGroup,
    range: DayRange,
    limit: number,
    after?: string,
  ): Promise<Array<SumRow & { key: string }>> {
    if (groupBy === 'task') return this.byTask(customerId, range, limit, after);
    const column = groupBy === 'day' ? 'day' : groupBy === 've' ? 've_id' : 'model';
    const key = sql.ref<string>(column);
    return this.db
      .selectFrom('usage_daily')
      .select([
        key.as('key'),
        sums.input_tokens.as('input_tokens'),
        sums.output_tokens.as('output_tokens'),
        sums.cost_micros.as('cost_micros'),
        sql<number>`coalesce(sum(events), 0)::bigint`.as('events'),
      ])
      .where('customer_id', '=', customerId)
      .where('day', '>=', range.from)
      .where('day', '<', range.to)
      .$if(after !== undefined, (qb) => qb.where(sql.ref(column), '>', after!))
      .groupBy(column)
      .orderBy(column)
      .limit(limit)
      .execute() as Promise<Array<SumRow & { key: string }>>;
  }

  /**
   * By task from the ledger, in task order over the covering index token_usage_task (no sort of
   * the range); usage with no task is one row after the last task, fetched with the last page.
   */
  private async byTask(customerId: string, range: DayRange, limit: number, after?: string) {
    const inRange = this.db
      .selectFrom('token_usage')
      .where('customer_id', '=', customerId)
      .where('occurred_at', '>=', dayStart(range.from))
      .where('occurred_at', '<', dayStart(range.to));
    const totals = [
      sums.input_tokens.as('input_tokens'),
      sums.output_tokens.as('output_tokens'),
      sums.cost_micros.as('cost_micros'),
      sql<number>`count(*)::bigint`.as('events'),
    ] as const;
    const tasks = await inRange
      .select((eb) => [eb.ref('task_id').$castTo<string>().as('key'), ...totals])
      .where('task_id', 'is not', null)
      .$if(after !== undefined, (qb) => qb.where('task_id', '>', after!))
      .groupBy('task_id')
      .orderBy('task_id')
      .limit(limit)
      .execute();
    if (tasks.length === limit) return tasks;
    const none = await inRange
      .select(totals)
      .where('task_id', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(none.events) > 0 ? [...tasks, { key: NO_VE, ...none }] : tasks;
  }

  /** Totals, per VE and per model of a range in one pass over the rollups (grouping sets). */
  summary(customerId: string, range: DayRange): Promise<SummaryRow[]> {
    return this.db
      .selectFrom('usage_daily')
      .select([
        've_id',
        'model',
        sql<number>`grouping(ve_id, model)`.as('grouping'),
        sums.input_tokens.as('input_tokens'),
        sums.output_tokens.as('output_tokens'),
        sums.cost_micros.as('cost_micros'),
        sql<number>`coalesce(sum(events), 0)::bigint`.as('events'),
      ])
      .where('customer_id', '=', customerId)
      .where('day', '>=', range.from)
      .where('day', '<', range.to)
      .groupBy(sql`grouping sets ((ve_id), (model), ())`)
      .execute() as Promise<SummaryRow[]>;
  }
}

/** A ledger row's identity: its customer and source event (unique in token_usage). */
export function ledgerKey(row: Pick<LedgerRow, 'customer_id' | 'source_event_id'>): string {
  return `${row.customer_id}\u0000${row.source_event_id}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
