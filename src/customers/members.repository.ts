import { Inject, Injectable } from '@nestjs/common';
import { Kysely, Selectable } from 'kysely';
import { type Keyset, keysetPage } from '../common/pagination';
import { KYSELY } from '../database/database.constants';
import type { CustomerMembersTable, Database } from '../database/database.types';

export type MemberRow = Selectable<CustomerMembersTable>;

@Injectable()
export class MembersRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  insert(row: {
    customer_id: string;
    user_id: string;
    role: MemberRow['role'];
    email: string | null;
  }): Promise<MemberRow> {
    return this.db
      .insertInto('customer_members')
      .values(row)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  find(customerId: string, userId: string): Promise<MemberRow | undefined> {
    return this.db
      .selectFrom('customer_members')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  list(customerId: string, opts: { after?: Keyset; limit: number }): Promise<MemberRow[]> {
    const q = this.db
      .selectFrom('customer_members')
      .selectAll()
      .where('customer_id', '=', customerId);
    return keysetPage(q, opts).execute();
  }

  async remove(customerId: string, userId: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('customer_members')
      .where('customer_id', '=', customerId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}
