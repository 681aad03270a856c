import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { Db } from '../common/db-types';
import { type Keyset, keysetPage } from '../common/pagination';
import { KYSELY } from '../database';
import type { MessageRow } from '../database/database.types';
import type { MessageFilter } from './messages.types';

export interface InsertMessage {
  customerId: string;
  veId: string;
  taskId: string | null;
  direction: 'to_ve' | 'from_ve';
  content: string;
  status: MessageRow['status'];
  sourceEventId: string | null;
}

/** SQL of the messages table; every query is scoped by customer. */
@Injectable()
export class MessagesRepository {
  constructor(@Inject(KYSELY) private readonly db: Db) {}

  /** Inserts once per (customer, sourceEventId); returns undefined when that event was already stored. */
  async insert(m: InsertMessage, db: Db = this.db): Promise<MessageRow | undefined> {
    return db
      .insertInto('messages')
      .values({
        customer_id: m.customerId,
        ve_id: m.veId,
        task_id: m.taskId,
        direction: m.direction,
        content: m.content,
        status: m.status,
        source_event_id: m.sourceEventId,
      })
      .onConflict((oc) =>
        oc
          .columns(['customer_id', 'source_event_id'])
          .where('source_event_id', 'is not', null)
          .doNothing(),
      )
      .returningAll()
      .executeTakeFirst();
  }

  async findBySourceEvent(
    customerId: string,
    sourceEventId: string,
    db: Db = this.db,
  ): Promise<MessageRow | undefined> {
    return db
      .selectFrom('messages')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('source_event_id', '=', sourceEventId)
      .executeTakeFirst();
  }

  async find(customerId: string, id: string, db: Db = this.db): Promise<MessageRow | undefined> {
    return db
      .selectFrom('messages')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Newest first, keyset by (created_at, id); fetches limit+1 rows so the caller knows whether more exist. */
  async list(
    customerId: string,
    filter: MessageFilter,
    limit: number,
    after?: Keyset,
  ): Promise<MessageRow[]> {
    let q = this.db.selectFrom('messages').selectAll().where('customer_id', '=', customerId);
    if (filter.veId) q = q.where('ve_id', '=', filter.veId);
    if (filter.taskId) q = q.where('task_id', '=', filter.taskId);
    return keysetPage(q, { after, limit }, 'desc').execute();
  }

  /** Moves a message between delivery states; returns the row when it changed. */
  async setStatus(
    customerId: string,
    id: string,
    status: MessageRow['status'],
    from: MessageRow['status'][],
    db: Db = this.db,
  ): Promise<MessageRow | undefined> {
    return db
      .updateTable('messages')
      .set({ status })
      .where('customer_id', '=', customerId)
      .where('id', '=', id)
      .where('status', 'in', from)
      .returningAll()
      .executeTakeFirst();
  }

  /** Sets read_at once (the first read counts); returns the row when it changed. */
  async markRead(customerId: string, id: string): Promise<MessageRow | undefined> {
    return this.db
      .updateTable('messages')
      .set({ read_at: sql<Date>`now()` })
      .where('customer_id', '=', customerId)
      .where('id', '=', id)
      .where('read_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
  }
}
