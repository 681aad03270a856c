import { Inject, Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import type { Db } from '../common/db-types';
import { KYSELY } from '../database';
import type { Database } from '../database/database.types';
import type { StoredWebhookPayload } from './webhooks.types';

export interface WebhookEventRow {
  id: string;
  customerId: string;
  eventType: string;
  payload: StoredWebhookPayload;
  status: 'accepted' | 'applied' | 'ignored' | 'failed';
  error: string | null;
}

/** webhook_events: one row per accepted webhook-id; the primary key is the cross-replica idempotency key. */
@Injectable()
export class WebhookEventsRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  /** Inserts the event unless its id exists; true when this call inserted it (the one acceptance). */
  async insertIfNew(e: {
    id: string;
    customerId: string;
    eventType: string;
    payload: StoredWebhookPayload;
  }): Promise<boolean> {
    const row = await this.db
      .insertInto('webhook_events')
      .values({
        id: e.id,
        customer_id: e.customerId,
        event_type: e.eventType,
        payload: JSON.stringify(e.payload),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** insertIfNew for many events in one statement; returns the ids this call inserted. */
  async insertManyIfNew(
    events: Array<{
      id: string;
      customerId: string;
      eventType: string;
      payload: StoredWebhookPayload;
    }>,
  ): Promise<Set<string>> {
    if (!events.length) return new Set();
    const rows = await this.db
      .insertInto('webhook_events')
      .values(
        events.map((e) => ({
          id: e.id,
          customer_id: e.customerId,
          event_type: e.eventType,
          payload: JSON.stringify(e.payload),
        })),
      )
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  async exists(id: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('webhook_events')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Locks the row while it is still 'accepted' (inside the applying transaction); undefined when already done. */
  async lockAccepted(id: string, trx: Db): Promise<WebhookEventRow | undefined> {
    const row = await trx
      .selectFrom('webhook_events')
      .select(['id', 'customer_id', 'event_type', 'payload', 'status', 'error'])
      .where('id', '=', id)
      .where('status', '=', 'accepted')
      .forUpdate()
      .executeTakeFirst();
    return row && toRow(row);
  }

  async get(id: string): Promise<WebhookEventRow | undefined> {
    const row = await this.db
      .selectFrom('webhook_events')
      .select(['id', 'customer_id', 'event_type', 'payload', 'status', 'error'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toRow(row);
  }

  async finish(
    id: string,
    status: 'applied' | 'ignored' | 'failed',
    error: string | null,
    db: Db = this.db,
  ): Promise<void> {
    await db
      .updateTable('webhook_events')
      .set({ status, error: error?.slice(0, 2000) ?? null, applied_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('status', '=', 'accepted')
      .execute();
  }

  /** Rows accepted longer ago than `olderThanMs` and never applied: their job was lost (Redis flush, enqueue failure). */
  async stuckAccepted(
    olderThanMs: number,
    limit: number,
  ): Promise<Array<{ id: string; customerId: string }>> {
    const rows = await this.db
      .selectFrom('webhook_events')
      .select(['id', 'customer_id'])
      .where('status', '=', 'accepted')
      .where('received_at', '<', new Date(Date.now() - olderThanMs))
      .orderBy('received_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, customerId: r.customer_id }));
  }
}

function toRow(r: {
  id: string;
  customer_id: string;
  event_type: string;
  payload: unknown;
  status: WebhookEventRow['status'];
  error: string | null;
}): WebhookEventRow {
  return {
    id: r.id,
    customerId: r.customer_id,
    eventType: r.event_type,
    payload: r.payload as StoredWebhookPayload,
    status: r.status,
    error: r.error,
  };
}
