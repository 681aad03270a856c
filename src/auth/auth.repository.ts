import { Inject, Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { KYSELY } from '../database/database.constants';
import type { Database } from '../database/database.types';
import type { MemberRole } from './caller';

@Injectable()
export class AuthRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  findActiveApiKey(hash: string) {
    return this.db
      .selectFrom('api_keys')
      .innerJoin('customers', 'customers.id', 'api_keys.customer_id')
      .select(['api_keys.id', 'api_keys.customer_id', 'api_keys.last_used_at'])
      .where('api_keys.key_hash', '=', hash)
      .where('api_keys.revoked_at', 'is', null)
      .where('customers.status', 'not in', ['deleting', 'deleted'])
      .executeTakeFirst();
  }

  /** Touches last_used_at at most once a minute per key, so hot keys do not write on every call. */
  async touchApiKey(id: string): Promise<void> {
    await this.db
      .updateTable('api_keys')
      .set({ last_used_at: sql`now()` })
      .where('id', '=', id)
      .where((eb) =>
        eb.or([
          eb('last_used_at', 'is', null),
          eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`),
        ]),
      )
      .execute();
  }

  memberships(userId: string): Promise<{ customer_id: string; role: MemberRole }[]> {
    return this.db
      .selectFrom('customer_members')
      .innerJoin('customers', 'customers.id', 'customer_members.customer_id')
      .select(['customer_members.customer_id', 'customer_members.role'])
      .where('customer_members.user_id', '=', userId)
      .where('customers.status', 'not in', ['deleting', 'deleted'])
      .execute();
  }
}
