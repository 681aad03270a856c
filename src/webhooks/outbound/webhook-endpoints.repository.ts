import { Inject, Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { type Keyset, keysetPage } from '../../common/pagination';
import { KYSELY } from '../../database';
import type { Database } from '../../database/database.types';

export interface EndpointRow {
  id: string;
  customer_id: string;
  url: string;
  events: string[];
  secret: string;
  description: string | null;
  created_at: Date;
}

export interface DeliveryRow {
  id: string;
  endpoint_id: string;
  customer_id: string;
  event_id: string;
  event_type: string;
  payload: unknown;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  response_status: number | null;
  error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

const ENDPOINT_COLUMNS = [
  'id',
  'customer_id',
  'url',
  'events',
  'secret',
  'description',
  'created_at',
] as const;

/** webhook_endpoints and webhook_deliveries; every query names the customer. */
@Injectable()
export class WebhookEndpointsRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  async create(e: {
    customerId: string;
    url: string;
    events: string[];
    secret: string;
    description: string | null;
  }): Promise<EndpointRow> {
    return this.db
      .insertInto('webhook_endpoints')
      .values({
        customer_id: e.customerId,
        url: e.url,
        events: e.events,
        secret: e.secret,
        description: e.description,
      })
      .returning(ENDPOINT_COLUMNS)
      .executeTakeFirstOrThrow();
  }

  async countActive(customerId: string): Promise<number> {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('customer_id', '=', customerId)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async get(customerId: string, id: string): Promise<EndpointRow | undefined> {
    return this.db
      .selectFrom('webhook_endpoints')
      .select(ENDPOINT_COLUMNS)
      .where('customer_id', '=', customerId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
  }

  async page(customerId: string, limit: number, after?: Keyset): Promise<EndpointRow[]> {
    const q = this.db
      .selectFrom('webhook_endpoints')
      .select(ENDPOINT_COLUMNS)
      .where('customer_id', '=', customerId)
      .where('deleted_at', 'is', null);
    return keysetPage(q, { after, limit }).execute();
  }

  /** The customer's live endpoints (the fan-out filters them by event type). */
  async active(customerId: string): Promise<EndpointRow[]> {
    return this.db
      .selectFrom('webhook_endpoints')
      .select(ENDPOINT_COLUMNS)
      .where('customer_id', '=', customerId)
      .where('deleted_at', 'is', null)
      .execute();
  }

  async softDelete(customerId: string, id: string): Promise<boolean> {
    const res = await this.db
      .updateTable('webhook_endpoints')
      .set({ deleted_at: sql<Date>`now()` })
      .where('customer_id', '=', customerId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** One delivery per (endpoint, event): returns the ids of the rows this call created. */
  async insertDeliveries(
    rows: Array<{
      endpointId: string;
      customerId: string;
      eventId: string;
      eventType: string;
      payload: unknown;
    }>,
  ): Promise<string[]> {
    if (!rows.length) return [];
    const inserted = await this.db
      .insertInto('webhook_deliveries')
      .values(
        rows.map((r) => ({
          endpoint_id: r.endpointId,
          customer_id: r.customerId,
          event_id: r.eventId,
          event_type: r.eventType,
          payload: JSON.stringify(r.payload),
        })),
      )
      .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
      .returning('id')
      .execute();
    return inserted.map((r) => r.id);
  }

  /** A delivery with its endpoint (including deleted ones, so the processor can tell). */
  async deliveryWithEndpoint(
    deliveryId: string,
  ): Promise<{ delivery: DeliveryRow; endpoint: EndpointRow & { deleted: boolean } } | undefined> {
    const d = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', deliveryId)
      .executeTakeFirst();
    if (!d) return undefined;
    const e = await this.db
      .selectFrom('webhook_endpoints')
      .select([...ENDPOINT_COLUMNS, 'deleted_at'])
      .where('id', '=', d.endpoint_id)
      .where('customer_id', '=', d.customer_id)
      .executeTakeFirst();
    if (!e) return undefined;
    const { deleted_at, ...endpoint } = e;
    return { delivery: d as DeliveryRow, endpoint: { ...endpoint, deleted: deleted_at !== null } };
  }

  /** Records one attempt; `final` settles the status (succeeded, or failed after the last attempt). */
  async recordAttempt(
    deliveryId: string,
    a: { ok: boolean; final: boolean; responseStatus: number | null; error: string | null },
  ): Promise<number> {
    const status = a.ok ? 'succeeded' : a.final ? 'failed' : 'pending';
    const row = await this.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        status,
        response_status: a.responseStatus,
        error: a.error?.slice(0, 1000) ?? null,
        delivered_at: a.ok ? sql<Date>`now()` : null,
      }))
      .where('id', '=', deliveryId)
      .where('status', '=', 'pending')
      .returning('attempts')
      .executeTakeFirst();
    return row?.attempts ?? 0;
  }

  async markFailed(deliveryId: string, error: string): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'failed', error: error.slice(0, 1000) })
      .where('id', '=', deliveryId)
      .where('status', '=', 'pending')
      .execute();
  }

  async deliveriesPage(
    customerId: string,
    endpointId: string,
    limit: number,
    before?: Keyset,
  ): Promise<DeliveryRow[]> {
    const q = this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('endpoint_id', '=', endpointId);
    const rows = await keysetPage(q, { after: before, limit }, 'desc').execute();
    return rows as DeliveryRow[];
  }

  /** Pending deliveries older than `olderThanMs` (but not ancient: those are someone's problem already). */
  async stuckPending(
    olderThanMs: number,
    limit: number,
  ): Promise<Array<{ id: string; customerId: string }>> {
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .select(['id', 'customer_id'])
      .where('status', '=', 'pending')
      .where('created_at', '<', new Date(Date.now() - olderThanMs))
      .where('created_at', '>', new Date(Date.now() - 2 * 86_400_000))
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, customerId: r.customer_id }));
  }
}
