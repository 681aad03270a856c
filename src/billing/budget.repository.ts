import { Inject, Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { KYSELY } from '../database/database.constants';
import type { Database } from '../database/database.types';
import type { DayRange } from './billing-period';

export interface BudgetRow {
  customer_id: string;
  monthly_limit_micros: number;
  hard_stop: boolean;
  updated_at: Date;
}

/** A customer's budget with what it spent in one month; null fields when it has no budget. */
export interface Spend {
  limitMicros: number | null;
  hardStop: boolean;
  spentMicros: number;
  updatedAt: Date | null;
}

/** budgets and budget_alerts; spend is summed from the usage_daily rollups (index prefix customer_id, day). */
@Injectable()
export class BudgetRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  /** One round trip: the budget row (if any) and the month's spend. */
  async spend(customerId: string, range: DayRange): Promise<Spend> {
    const { rows } = await sql<{
      monthly_limit_micros: number | null;
      hard_stop: boolean | null;
      updated_at: Date | null;
      spent: number;
    }>`
      select b.monthly_limit_micros, b.hard_stop, b.updated_at,
        (select coalesce(sum(u.cost_micros), 0)::bigint from usage_daily u
          where u.customer_id = ${customerId} and u.day >= ${range.from} and u.day < ${range.to}) as spent
      from (values (1)) as one (x) left join budgets b on b.customer_id = ${customerId}`.execute(
      this.db,
    );
    const row = rows[0]!;
    return {
      limitMicros: row.monthly_limit_micros,
      hardStop: row.hard_stop ?? false,
      spentMicros: Number(row.spent),
      updatedAt: row.updated_at,
    };
  }

  find(customerId: string): Promise<BudgetRow | undefined> {
    return this.db
      .selectFrom('budgets')
      .selectAll()
      .where('customer_id', '=', customerId)
      .executeTakeFirst();
  }

  async upsert(customerId: string, limitMicros: number, hardStop: boolean): Promise<void> {
    await this.db
      .insertInto('budgets')
      .values({ customer_id: customerId, monthly_limit_micros: limitMicros, hard_stop: hardStop })
      .onConflict((oc) =>
        oc.column('customer_id').doUpdateSet({
          monthly_limit_micros: limitMicros,
          hard_stop: hardStop,
          updated_at: sql`now()`,
        }),
      )
      .execute();
  }

  async remove(customerId: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('budgets')
      .where('customer_id', '=', customerId)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async alerted(customerId: string, period: string): Promise<number[]> {
    const rows = await this.db
      .selectFrom('budget_alerts')
      .select('threshold')
      .where('customer_id', '=', customerId)
      .where('period', '=', period)
      .execute();
    return rows.map((r) => r.threshold);
  }

  /** Claims the alert of a threshold for a month: true for exactly one caller, ever. */
  async claimAlert(customerId: string, period: string, threshold: number): Promise<boolean> {
    const row = await this.db
      .insertInto('budget_alerts')
      .values({ customer_id: customerId, period, threshold })
      .onConflict((oc) => oc.columns(['customer_id', 'period', 'threshold']).doNothing())
      .returning('threshold')
      .executeTakeFirst();
    return row !== undefined;
  }

  async releaseAlerts(customerId: string, period: string, thresholds: number[]): Promise<void> {
    if (!thresholds.length) return;
    await this.db
      .deleteFrom('budget_alerts')
      .where('customer_id', '=', customerId)
      .where('period', '=', period)
      .where('threshold', 'in', thresholds)
      .execute();
  }

  /**
   * Ids of the customer's tasks in 'queued' (those a hard stop holds), in id order after `after`.
   * A read of the tasks table on purpose: releasing held jobs is billing's decision (issue #7).
   */
  async queuedTaskIds(customerId: string, limit: number, after?: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('tasks')
      .select('id')
      .where('customer_id', '=', customerId)
      .where('status', '=', 'queued')
      .$if(after !== undefined, (qb) => qb.where('id', '>', after!))
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }
}
