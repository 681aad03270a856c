import { Inject, Injectable } from '@nestjs/common';
import { Kysely, Selectable, sql } from 'kysely';
import { type Keyset, keysetPage } from '../common/pagination';
import { KYSELY } from '../database/database.constants';
import type { ApiKeysTable, Database } from '../database/database.types';

/** A key as listed: never its hash. */
export type ApiKeyRow = Omit<Selectable<ApiKeysTable>, 'key_hash'>;

const LISTED = [
  'id',
  'customer_id',
  'name',
  'prefix',
  'last_used_at',
  'revoked_at',
  'created_at',
] as const;

/** Management of customer API keys; authentication reads them in AuthRepository. */
@Injectable()
export class ApiKeysRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  insert(row: {
    customer_id: string;
    name: string;
    prefix: string;
    key_hash: string;
  }): Promise<ApiKeyRow> {
    return this.db.insertInto('api_keys').values(row).returning(LISTED).executeTakeFirstOrThrow();
  }

  list(customerId: string, opts: { after?: Keyset; limit: number }): Promise<ApiKeyRow[]> {
    const q = this.db.selectFrom('api_keys').select(LISTED).where('customer_id', '=', customerId);
    return keysetPage(q, opts).execute();
  }

  /** Revokes the key (idempotent); undefined when the customer has no such key. */
  async revoke(customerId: string, id: string): Promise<ApiKeyRow | undefined> {
    await this.db
      .updateTable('api_keys')
      .set({ revoked_at: sql`now()` })
      .where('customer_id', '=', customerId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
    return this.db
      .selectFrom('api_keys')
      .select(LISTED)
      .where('customer_id', '=', customerId)
      .where('id', '=', id)
      .executeTakeFirst();
  }
}
