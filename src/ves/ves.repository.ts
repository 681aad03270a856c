import { Inject, Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import type { Db } from '../common/db-types';
import { type Keyset, keysetPage } from '../common/pagination';
import { KYSELY } from '../database/database.constants';
import type { Database, NewVe, VeRow, VeStatus, VeUpdate } from '../database/database.types';
import type { OrgNode } from '../org-chart/org-hierarchy';

/** Every query is scoped by customer and sees live VEs only (deleted_at is null), unless it says otherwise. */
@Injectable()
export class VesRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  insert(row: NewVe, db: Db = this.db): Promise<VeRow> {
    return db.insertInto('ves').values(row).returningAll().executeTakeFirstOrThrow();
  }

  findById(customerId: string, id: string, db: Db = this.db): Promise<VeRow | undefined> {
    return this.live(db, customerId).selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByAgentName(customerId: string, agentName: string): Promise<VeRow | undefined> {
    return this.live(this.db, customerId)
      .selectAll()
      .where('agent_name', '=', agentName)
      .executeTakeFirst();
  }

  findByRole(customerId: string, role: string, db: Db = this.db): Promise<VeRow | undefined> {
    return this.live(db, customerId)
      .selectAll()
      .where('role', '=', role)
      .orderBy('created_at')
      .executeTakeFirst();
  }

  /** Live agent names equal to `base` or starting with `base-` (the candidates for a suffix). */
  async agentNamesLike(customerId: string, base: string, db: Db = this.db): Promise<Set<string>> {
    const rows = await this.live(db, customerId)
      .select('agent_name')
      .where((eb) => eb.or([eb('agent_name', '=', base), eb('agent_name', 'like', `${base}-%`)]))
      .execute();
    return new Set(rows.map((r) => r.agent_name));
  }

  page(
    customerId: string,
    filter: { status?: VeStatus; department?: string },
    opts: { after?: Keyset; limit: number },
  ): Promise<VeRow[]> {
    let q = this.live(this.db, customerId).selectAll();
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.department) q = q.where('department', '=', filter.department);
    return keysetPage(q, opts).execute();
  }

  listAll(customerId: string, statuses?: VeStatus[]): Promise<VeRow[]> {
    let q = this.live(this.db, customerId).selectAll();
    if (statuses?.length) q = q.where('status', 'in', statuses);
    return q.orderBy('created_at').orderBy('id').execute();
  }

  listAllForMonitoring(afterId: string | null, limit: number): Promise<VeRow[]> {
    let q = this.db.selectFrom('ves').selectAll().where('deleted_at', 'is', null);
    if (afterId) q = q.where('id', '>', afterId);
    return q.orderBy('id').limit(limit).execute();
  }

  /** Live VEs of every customer per status (the metrics gauge). */
  async countByStatus(): Promise<Map<VeStatus, number>> {
    const rows = await this.db
      .selectFrom('ves')
      .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
      .where('deleted_at', 'is', null)
      .groupBy('status')
      .execute();
    return new Map(rows.map((r) => [r.status, Number(r.count)]));
  }

  /** Who reports to whom among the live VEs, read inside the caller's transaction. */
  async orgNodes(customerId: string, db: Db): Promise<OrgNode[]> {
    const rows = await this.live(db, customerId).select(['id', 'manager_id']).execute();
    return rows.map((r) => ({ id: r.id, managerId: r.manager_id }));
  }

  update(
    customerId: string,
    id: string,
    patch: VeUpdate,
    db: Db = this.db,
  ): Promise<VeRow | undefined> {
    return db
      .updateTable('ves')
      .set({ ...patch, updated_at: sql`now()` })
      .where('customer_id', '=', customerId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
  }

  /** Updates status, reason and (when given) conditions only if one of them differs; the row when it did. */
  setStatus(
    customerId: string,
    id: string,
    change: { status: VeStatus; reason: string | null; conditions?: unknown[] },
    db: Db = this.db,
  ): Promise<VeRow | undefined> {
    const conditions = change.conditions === undefined ? null : JSON.stringify(change.conditions);
    return db
      .updateTable('ves')
      .set({
        status: change.status,
        status_reason: change.reason,
        ...(conditions !== null ? { conditions } : {}),
        updated_at: sql`now()`,
      })
      .where('customer_id', '=', customerId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .where((eb) =>
        eb.or([
          eb('status', '!=', change.status),
          sql<boolean>`status_reason is distinct from ${change.reason}`,
          ...(conditions !== null
            ? [sql<boolean>`conditions is distinct from ${conditions}::jsonb`]
            : []),
        ]),
      )
      .returningAll()
      .executeTakeFirst();
  }

  /** Keeps the newest deployed generation: a late job for an older one does not overwrite it. */
  async recordManifest(
    customerId: string,
    id: string,
    manifest: unknown,
    generation: number,
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('ves')
      .set({
        manifest: JSON.stringify(manifest),
        deployed_generation: generation,
        updated_at: sql`now()`,
      })
      .where('customer_id', '=', customerId)
      .where('id', '=', id)
      .where((eb) =>
        eb.or([eb('deployed_generation', 'is', null), eb('deployed_generation', '<=', generation)]),
      )
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async exists(customerId: string, id: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('ves')
      .select('id')
      .where('customer_id', '=', customerId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Boolean(row);
  }

  /** Soft delete: stopped, deleted_at set; the agent name is free again (partial unique index). */
  softDelete(customerId: string, id: string, db: Db): Promise<VeRow | undefined> {
    return db
      .updateTable('ves')
      .set({
        status: 'stopped',
        status_reason: 'deleted',
        manager_id: null,
        deleted_at: sql`now()`,
        updated_at: sql`now()`,
      })
      .where('customer_id', '=', customerId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
  }

  /** The reports of a leaving manager move up to that manager's own manager. */
  async reassignReports(
    customerId: string,
    fromManagerId: string,
    toManagerId: string | null,
    db: Db,
  ): Promise<void> {
    await db
      .updateTable('ves')
      .set({ manager_id: toManagerId, updated_at: sql`now()` })
      .where('customer_id', '=', customerId)
      .where('manager_id', '=', fromManagerId)
      .where('deleted_at', 'is', null)
      .execute();
  }

  /** Serialises org changes and agent-name allocation of one customer until the transaction ends. */
  async lockCustomerOrg(customerId: string, db: Db): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext(${`ve-org:${customerId}`}))`.execute(db);
  }

  private live(db: Db, customerId: string) {
    return db
      .selectFrom('ves')
      .where('customer_id', '=', customerId)
      .where('deleted_at', 'is', null);
  }
}
