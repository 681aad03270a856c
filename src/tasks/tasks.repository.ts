import { Inject, Injectable } from '@nestjs/common';
import { type QueryCreator, type RawBuilder, sql, type Updateable } from 'kysely';
import type { Db } from '../common/db-types';
import type { Keyset } from '../common/pagination';
import { KYSELY } from '../database';
import type {
  Database,
  NewTask,
  TaskEventRow,
  TaskPriority,
  TaskRow,
  TaskStatus,
  TasksTable,
} from '../database/database.types';
import { TASK_LIST_SELECTION, type TaskListRow } from './task.mapper';

export interface TaskFilter {
  status?: TaskStatus;
  veId?: string;
  priority?: TaskPriority;
}

export interface NewTaskEvent {
  taskId: string;
  customerId: string;
  type: string;
  fromStatus?: TaskStatus | null;
  toStatus?: TaskStatus | null;
  data?: Record<string, unknown> | null;
}

/** A database-clock time stamp (see nowMs). */
type Stamp = RawBuilder<Date>;

export type TaskPatch = Omit<
  Updateable<TasksTable>,
  'id' | 'customer_id' | 'status' | 'created_at' | 'completed_at' | 'started_at'
> & { completed_at?: Date | Stamp | null; started_at?: Date | Stamp | null };

/** A new row, its times stamped by the database clock. */
export type NewTaskRow = Omit<NewTask, 'created_at' | 'updated_at'> & {
  created_at?: Stamp;
  updated_at?: Stamp;
};

/**
 * now() cut to milliseconds: keyset cursors carry JS Dates (ms), so stored times must compare
 * exactly with them, or a page boundary inside one millisecond repeats or skips rows.
 */
export const nowMs = () => sql<Date>`date_trunc('milliseconds', now())`;

/** INSERT of new rows; a concurrent request with the same idempotency key wins (its row is not returned). */
function insertTasks(db: QueryCreator<Database>, rows: NewTaskRow[]) {
  return db
    .insertInto('tasks')
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns(['customer_id', 'idempotency_key'])
        .where('idempotency_key', 'is not', null)
        .doNothing(),
    )
    .returningAll();
}

/** UPDATE of the customer's tasks `ids` that are still in `from` to `to`, returning the rows moved. */
function moveStatus(
  db: QueryCreator<Database>,
  customerId: string,
  ids: string[],
  from: TaskStatus,
  to: TaskStatus,
) {
  return db
    .updateTable('tasks')
    .set({ status: to, updated_at: nowMs() })
    .where('customer_id', '=', customerId)
    .where('id', 'in', ids)
    .where('status', '=', from)
    .returningAll();
}

/** Kysely queries on tasks and task_events; nothing else touches these tables. */
@Injectable()
export class TasksRepository {
  constructor(@Inject(KYSELY) private readonly db: Db) {}

  async insertMany(rows: NewTaskRow[], db: Db = this.db): Promise<TaskRow[]> {
    if (!rows.length) return [];
    // A concurrent request with the same idempotency key wins; the loser reads the winner's row.
    return insertTasks(db, rows).execute();
  }

  /**
   * insertMany + their 'created' timeline entries (`{ priority, veId }`) as one statement, atomic
   * without a transaction: one round trip instead of four for each create request. With it, the
   * customer's backlog in `waiting` statuses per priority as it was before these rows (what
   * fairness needs to enqueue them): one round trip fewer again.
   */
  async insertManyWithCreatedEvents(
    customerId: string,
    rows: NewTaskRow[],
    waiting: readonly TaskStatus[],
  ): Promise<{ rows: TaskRow[]; backlog: Partial<Record<TaskPriority, number>> }> {
    if (!rows.length) return { rows: [], backlog: {} };
    const inserted = await this.db
      .with('ins', (db) => insertTasks(db, rows))
      .with('ev', (db) =>
        db
          .insertInto('task_events')
          .columns(['task_id', 'customer_id', 'type', 'to_status', 'data'])
          .expression((eb) =>
            eb
              .selectFrom('ins')
              .select([
                'ins.id',
                'ins.customer_id',
                sql.lit('created').as('type'),
                sql.lit('pending').as('to_status'),
                sql<string>`jsonb_build_object('priority', ins.priority, 'veId', ins.ve_id)`.as(
                  'data',
                ),
              ]),
          ),
      )
      .selectFrom('ins')
      .selectAll()
      // The statement's snapshot does not see the rows it inserts: the backlog ahead of them.
      .select(
        sql<Partial<Record<TaskPriority, number>> | null>`(
          select jsonb_object_agg(b.priority, b.n) from (
            select priority, count(*)::int as n from tasks
            where customer_id = ${customerId} and status in (${sql.join([...waiting])})
            group by priority) b)`.as('backlog'),
      )
      .execute();
    const backlog = inserted[0]?.backlog ?? {};
    return {
      rows: inserted.map(({ backlog: _backlog, ...row }) => row as TaskRow),
      backlog,
    };
  }

  /**
   * Moves the customer's tasks `ids` that are still in `from` to `to`, with a timeline entry for
   * each row moved, as one statement (atomic on its own, or part of a caller's transaction).
   */
  async transitionMany(
    customerId: string,
    ids: string[],
    from: TaskStatus,
    to: TaskStatus,
    db: Db = this.db,
  ): Promise<TaskRow[]> {
    if (!ids.length) return [];
    return db
      .with('upd', (db) => moveStatus(db, customerId, ids, from, to))
      .with('ev', (db) =>
        db
          .insertInto('task_events')
          .columns(['task_id', 'customer_id', 'type', 'from_status', 'to_status'])
          .expression((eb) =>
            eb
              .selectFrom('upd')
              .select([
                'upd.id',
                'upd.customer_id',
                sql.lit(to).as('type'),
                sql.lit(from).as('from_status'),
                sql.lit(to).as('to_status'),
              ]),
          ),
      )
      .selectFrom('upd')
      .selectAll()
      .execute() as Promise<TaskRow[]>;
  }

  async find(customerId: string, id: string, db: Db = this.db): Promise<TaskRow | undefined> {
    return db
      .selectFrom('tasks')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Locks the row for the rest of the transaction: transitions of one task are serialised. */
  async findForUpdate(customerId: string, id: string, db: Db): Promise<TaskRow | undefined> {
    return db
      .selectFrom('tasks')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  async findByIdempotencyKeys(
    customerId: string,
    keys: string[],
    db: Db = this.db,
  ): Promise<TaskRow[]> {
    if (!keys.length) return [];
    return db
      .selectFrom('tasks')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('idempotency_key', 'in', keys)
      .execute();
  }

  async findByPushToken(token: string, taskId?: string): Promise<TaskRow | undefined> {
    let q = this.db.selectFrom('tasks').selectAll().where('push_token', '=', token);
    if (taskId) q = q.where('id', '=', taskId);
    return q.executeTakeFirst();
  }

  /** Conditional update: changes the row only while it still has status `from` (race-safe). */
  async updateIfStatus(
    customerId: string,
    id: string,
    from: TaskStatus,
    patch: TaskPatch & { status?: TaskStatus },
    db: Db,
  ): Promise<TaskRow | undefined> {
    return db
      .updateTable('tasks')
      .set({ ...patch, updated_at: nowMs() })
      .where('customer_id', '=', customerId)
      .where('id', '=', id)
      .where('status', '=', from)
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * A transition (or a chain of them) as one statement, atomic without a transaction: locks the
   * row, updates it only while its status is one of `from`, and appends the timeline entries in
   * order — one round trip and one commit instead of five round trips (bench/: the pipeline's
   * largest cost). Returns the updated row with the status it had, or undefined when refused.
   */
  async transitionAlone(
    customerId: string,
    id: string,
    from: readonly TaskStatus[],
    patch: TaskPatch & { status: TaskStatus },
    events: ReadonlyArray<
      Omit<NewTaskEvent, 'taskId' | 'customerId'> & {
        /** Recorded only when the row was in one of these statuses. */
        onlyFrom?: readonly TaskStatus[];
      }
    >,
  ): Promise<{ row: TaskRow; previous: TaskStatus } | undefined> {
    const set = Object.entries({ ...patch, updated_at: nowMs() })
      .filter(([, v]) => v !== undefined)
      .map(([column, value]) => sql`${sql.ref(column)} = ${value}`);
    const entries = events.map(
      (e, i) =>
        sql`(${i}::int, ${e.type}::text, ${e.fromStatus ?? null}::text, ${e.toStatus ?? null}::text, ${
          e.data ? JSON.stringify(e.data) : null
        }::jsonb, ${e.onlyFrom ? [...e.onlyFrom] : null}::text[])`,
    );
    const { rows } = await sql<TaskRow & { previous_status: TaskStatus }>`
      with cur as (
        select id, status from tasks where customer_id = ${customerId} and id = ${id} for update
      ), upd as (
        update tasks set ${sql.join(set)}
        from cur
        where tasks.customer_id = ${customerId} and tasks.id = cur.id
          and cur.status in (${sql.join([...from])})
        returning tasks.*, cur.status as previous_status
      ), ev as (
        insert into task_events (task_id, customer_id, type, from_status, to_status, data)
        select upd.id, upd.customer_id, e.type, coalesce(e.from_status, upd.previous_status),
          e.to_status, e.data
        from upd cross join (values ${sql.join(entries)}) as e (ord, type, from_status, to_status, data, only_from)
        where e.only_from is null or upd.previous_status = any (e.only_from)
        order by e.ord
      )
      select * from upd`.execute(this.db);
    const found = rows[0];
    if (!found) return undefined;
    const { previous_status: previous, ...row } = found;
    return { row: row as TaskRow, previous };
  }

  async insertEvents(events: NewTaskEvent[], db: Db = this.db): Promise<void> {
    if (!events.length) return;
    await db
      .insertInto('task_events')
      .values(
        events.map((e) => ({
          task_id: e.taskId,
          customer_id: e.customerId,
          type: e.type,
          from_status: e.fromStatus ?? null,
          to_status: e.toStatus ?? null,
          data: e.data ? JSON.stringify(e.data) : null,
        })),
      )
      .execute();
  }

  async listEvents(customerId: string, taskId: string, db: Db = this.db): Promise<TaskEventRow[]> {
    return db
      .selectFrom('task_events')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('task_id', '=', taskId)
      .orderBy('id', 'asc')
      .execute();
  }

  async lastEventType(
    customerId: string,
    taskId: string,
    db: Db = this.db,
  ): Promise<string | undefined> {
    const row = await db
      .selectFrom('task_events')
      .select('type')
      .where('customer_id', '=', customerId)
      .where('task_id', '=', taskId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.type;
  }

  /** One page in (created_at desc, id desc) order: limit+1 rows, so toPage can tell whether more follow. */
  async page(
    customerId: string,
    filter: TaskFilter,
    limit: number,
    after?: Keyset,
  ): Promise<TaskListRow[]> {
    // Only the columns the API shows: a page is 50+ rows, and each unused column is parsed.
    let q = this.db
      .selectFrom('tasks')
      .select(TASK_LIST_SELECTION)
      .where('customer_id', '=', customerId);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.veId) q = q.where('ve_id', '=', filter.veId);
    if (filter.priority) q = q.where('priority', '=', filter.priority);
    if (after)
      q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.at, after.id)));
    // tasks.created_at: the column, not the selected text of the same name.
    return q
      .orderBy('tasks.created_at', 'desc')
      .orderBy('tasks.id', 'desc')
      .limit(limit + 1)
      .execute();
  }

  /** How many of the customer's tasks wait for a worker, per priority (the fairness backlog). */
  async backlogByPriority(
    customerId: string,
    statuses: readonly TaskStatus[],
  ): Promise<Partial<Record<TaskPriority, number>>> {
    const rows = await this.db
      .selectFrom('tasks')
      .select(['priority', (eb) => eb.fn.countAll<number>().as('n')])
      .where('customer_id', '=', customerId)
      .where('status', 'in', [...statuses])
      .groupBy('priority')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.priority, Number(r.n)]));
  }

  /** The customer's tasks per status (the tasks_status_page index serves it). */
  async countByStatus(customerId: string): Promise<Partial<Record<TaskStatus, number>>> {
    const rows = await this.db
      .selectFrom('tasks')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('customer_id', '=', customerId)
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  async children(customerId: string, parentId: string, db: Db = this.db): Promise<TaskRow[]> {
    return db
      .selectFrom('tasks')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('parent_task_id', '=', parentId)
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .execute();
  }

  /** The task and its ancestors through parent_task_id, nearest first (bounded, so a corrupt loop ends). */
  async ancestry(
    customerId: string,
    id: string,
    maxDepth: number,
    db: Db = this.db,
  ): Promise<Array<{ id: string; ve_id: string | null }>> {
    const result = await sql<{ id: string; ve_id: string | null; depth: number }>`
      with recursive chain(id, ve_id, parent_task_id, depth) as (
        select id, ve_id, parent_task_id, 0 from tasks where customer_id = ${customerId} and id = ${id}
        union all
        select t.id, t.ve_id, t.parent_task_id, c.depth + 1
        from tasks t join chain c on t.id = c.parent_task_id
        where t.customer_id = ${customerId} and c.depth < ${maxDepth}
      )
      select id, ve_id, depth from chain order by depth`.execute(db);
    return result.rows.map((r) => ({ id: r.id, ve_id: r.ve_id }));
  }

  async findChildByDelegationEvent(
    customerId: string,
    parentId: string,
    eventId: string,
    db: Db,
  ): Promise<TaskRow | undefined> {
    return db
      .selectFrom('tasks')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('parent_task_id', '=', parentId)
      .where(sql<string>`metadata->>'delegationEventId'`, '=', eventId)
      .executeTakeFirst();
  }

  /**
   * Reconciler scan (every customer): tasks in `statuses` untouched since `before`, in
   * (updated_at, id) order from `after`, so a run pages through all of them.
   */
  async staleAcrossCustomers(
    statuses: readonly TaskStatus[],
    before: Date,
    limit: number,
    after?: Keyset,
  ): Promise<TaskRow[]> {
    let q = this.db
      .selectFrom('tasks')
      .selectAll()
      .where('status', 'in', [...statuses])
      .where('updated_at', '<', before);
    if (after)
      q = q.where((eb) => eb(eb.refTuple('updated_at', 'id'), '>', eb.tuple(after.at, after.id)));
    return q.orderBy('updated_at', 'asc').orderBy('id', 'asc').limit(limit).execute();
  }
}
