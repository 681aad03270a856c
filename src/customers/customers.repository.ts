import { Inject, Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import type { Db } from '../common/db-types';
import { type Keyset, keysetPage } from '../common/pagination';
import { KYSELY } from '../database/database.constants';
import type { CustomerRow, Database } from '../database/database.types';

export type CustomerStatus = CustomerRow['status'];
export type Plan = CustomerRow['plan'];

@Injectable()
export class CustomersRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  insert(
    row: { name: string; slug: string; namespace: string; plan: Plan },
    db: Db = this.db,
  ): Promise<CustomerRow> {
    return db.insertInto('customers').values(row).returningAll().executeTakeFirstOrThrow();
  }

  findById(id: string, db: Db = this.db): Promise<CustomerRow | undefined> {
    return db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Oldest first; `onlyId` narrows the list to one customer (a non-operator sees only its own). */
  list(opts: { after?: Keyset; limit: number; onlyId?: string }): Promise<CustomerRow[]> {
    let q = this.db.selectFrom('customers').selectAll().where('status', '!=', 'deleted');
    if (opts.onlyId) q = q.where('id', '=', opts.onlyId);
    return keysetPage(q, opts).execute();
  }

  update(
    id: string,
    patch: { name?: string; plan?: Plan },
    db: Db = this.db,
  ): Promise<CustomerRow | undefined> {
    return db
      .updateTable('customers')
      .set({ ...patch, updated_at: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /** Sets the status; a customer on its way out (deleting/deleted) is never revived by a late report. */
  setStatus(
    id: string,
    change: { status: CustomerStatus; reason: string | null; manifests?: unknown },
    db: Db = this.db,
  ): Promise<CustomerRow | undefined> {
    let q = db
      .updateTable('customers')
      .set({
        status: change.status,
        status_reason: change.reason,
        ...(change.manifests !== undefined ? { manifests: JSON.stringify(change.manifests) } : {}),
        updated_at: sql`now()`,
      })
      .where('id', '=', id);
    if (change.status !== 'deleting' && change.status !== 'deleted') {
      q = q.where('status', 'not in', ['deleting', 'deleted']);
    }
    return q.returningAll().executeTakeFirst();
  }
}
