import { Inject, Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { KYSELY } from '../database/database.constants';
import type { Database } from '../database/database.types';

export interface PricingRow {
  model: string;
  provider: string;
  input_micros_per_mtok: number;
  output_micros_per_mtok: number;
  updated_at: Date;
}

/** model_pricing: a small platform-wide table (no tenant rows). */
@Injectable()
export class PricingRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  /** `db`: a caller's open transaction, so a reader inside one needs no second pool connection. */
  list(db: Kysely<Database> = this.db): Promise<PricingRow[]> {
    return db
      .selectFrom('model_pricing')
      .selectAll()
      .orderBy('provider')
      .orderBy('model')
      .execute();
  }

  upsert(row: Omit<PricingRow, 'updated_at'>): Promise<PricingRow> {
    return this.db
      .insertInto('model_pricing')
      .values(row)
      .onConflict((oc) =>
        oc.column('model').doUpdateSet({
          provider: row.provider,
          input_micros_per_mtok: row.input_micros_per_mtok,
          output_micros_per_mtok: row.output_micros_per_mtok,
          updated_at: sql`now()`,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}
