import { Inject, Injectable } from '@nestjs/common';
import type { Db } from '../common/db-types';
import { ConflictError, NotFoundError } from '../common/domain-errors';
import { KYSELY } from '../database';
import type { TaskRow, TaskStatus } from '../database/database.types';
import { EventsService } from '../events/events.service';
import { MetricsService } from '../metrics/metrics.service';
import { TaskStateMachine } from './task-state-machine';
import { TasksRepository, type TaskPatch } from './tasks.repository';

export interface TransitionSpec {
  to: TaskStatus;
  /** Accept only these current statuses (on top of the state machine): "complete it if it is still running". */
  from?: readonly TaskStatus[];
  patch?: TaskPatch;
  /** Timeline entry: type defaults to the target status. */
  event?: { type?: string; data?: Record<string, unknown> };
  /**
   * First step of an applyAlone chain only, with `from` and no patch: taken when the row is in
   * `from`, else skipped and the chain starts at the next step (pending → queued by whichever of
   * the request and the worker gets there first).
   */
  optional?: boolean;
}

export type TransitionResult = { ok: true; row: TaskRow } | { ok: false; row: TaskRow | undefined };

export interface NoteSpec {
  /** Record the note only while the task is in one of these statuses. */
  expect?: readonly TaskStatus[];
  patch?: TaskPatch;
  event: { type: string; data?: Record<string, unknown> };
}

/** Called inside the transaction that moved a task with a parent to a final state. */
export type FinalHook = (trx: Db, row: TaskRow) => Promise<void>;

/**
 * Applies the TaskStateMachine to stored tasks: each change locks the row, updates it only
 * while it still has the status it was read with, appends the timeline entry in the same
 * transaction, and publishes `task.updated` (+ `task.completed` for final states) after commit.
 */
@Injectable()
export class TaskTransitions {
  private readonly finalHooks: FinalHook[] = [];

  constructor(
    @Inject(KYSELY) private readonly db: Db,
    private readonly repo: TasksRepository,
    private readonly events: EventsService,
    metrics: MetricsService,
  ) {
    // Counted when the event is published, i.e. after the commit: a rolled back change is not a transition.
    events.onPublished(async (e) => {
      if (
        e.type === 'task.updated' &&
        typeof e.data?.status === 'string' &&
        e.data.previousStatus !== undefined
      ) {
        metrics.tasksTransitions.inc({ status: e.data.status });
      }
      if (e.type === 'task.completed' && typeof e.data?.ageMs === 'number') {
        metrics.taskProcessingSeconds.observe(
          { status: String(e.data.status) },
          e.data.ageMs / 1000,
        );
      }
    });
  }

  /** Runs fn in a transaction, or joins the caller's (opened with EventsService.transaction); events go out after commit. */
  run<T>(db: Db | undefined, fn: (trx: Db) => Promise<T>): Promise<T> {
    return this.events.transaction(db ?? this.db, fn);
  }

  onFinal(hook: FinalHook): void {
    this.finalHooks.push(hook);
  }

  /** Applies one transition, or refuses it (returns the current row) when it is illegal now. */
  async apply(
    trx: Db,
    customerId: string,
    taskId: string,
    spec: TransitionSpec,
  ): Promise<TransitionResult> {
    const row = await this.repo.findForUpdate(customerId, taskId, trx);
    if (!row) return { ok: false, row: undefined };
    if (spec.from && !spec.from.includes(row.status)) return { ok: false, row };
    if (!TaskStateMachine.canTransition(row.status, spec.to)) return { ok: false, row };
    const updated = await this.repo.updateIfStatus(
      customerId,
      taskId,
      row.status,
      { ...spec.patch, status: spec.to },
      trx,
    );
    if (!updated) return { ok: false, row };
    await this.repo.insertEvents(
      [
        {
          taskId,
          customerId,
          type: spec.event?.type ?? spec.to,
          fromStatus: row.status,
          toStatus: spec.to,
          data: spec.event?.data ?? null,
        },
      ],
      trx,
    );
    await this.publish(trx, updated, row.status);
    if (TaskStateMachine.isFinal(spec.to) && updated.parent_task_id) {
      for (const hook of this.finalHooks) await hook(trx, updated);
    }
    return { ok: true, row: updated };
  }

  /**
   * Applies one transition, or a chain of them (queued → assigned → in_progress), in a transaction
   * of its own: for a task without a parent as one statement (TasksRepository.transitionAlone:
   * no final hooks need the transaction), else through apply() in one transaction. Events are
   * published after the commit either way. Refused: the current row, as apply() returns it.
   */
  async applyAlone(
    task: Pick<TaskRow, 'id' | 'customer_id' | 'parent_task_id'>,
    specs: readonly TransitionSpec[],
  ): Promise<TransitionResult> {
    const { customer_id: customerId, id } = task;
    for (let i = 1; i < specs.length; i++)
      TaskStateMachine.assertTransition(specs[i - 1]!.to, specs[i]!.to);
    const optional = specs[0]!.optional ? specs[0]! : undefined;
    if (optional && (!optional.from || optional.patch || specs.length < 2))
      throw new Error('an optional step needs `from`, no patch, and a step after it');
    if (task.parent_task_id) {
      return this.run(undefined, async (trx) => {
        let result: TransitionResult = { ok: false, row: undefined };
        for (const spec of specs) {
          result = await this.apply(trx, customerId, id, spec);
          if (!result.ok && !(spec === optional && result.row)) break;
        }
        return result;
      });
    }
    // The statuses the chain may start from: those the caller accepts that the state machine allows.
    const sources = (spec: TransitionSpec) =>
      (spec.from ?? TaskStateMachine.sourcesOf(spec.to)).filter((s) =>
        TaskStateMachine.canTransition(s, spec.to),
      );
    const from = [...sources(specs[0]!), ...(optional ? sources(specs[1]!) : [])];
    const last = specs[specs.length - 1]!;
    const done = from.length
      ? await this.repo.transitionAlone(
          customerId,
          id,
          from,
          Object.assign({}, ...specs.map((s) => s.patch ?? {}), { status: last.to }),
          specs.map((s, i) => ({
            type: s.event?.type ?? s.to,
            // The first entry's from_status is the status the row had (read under the lock).
            fromStatus: i === 0 ? undefined : specs[i - 1]!.to,
            toStatus: s.to,
            data: s.event?.data ?? null,
            onlyFrom: s === optional ? s.from : undefined,
          })),
        )
      : undefined;
    if (!done) return { ok: false, row: await this.repo.find(customerId, id) };
    const taken = specs.filter((s) => s !== optional || s.from!.includes(done.previous));
    // Issued in order in one tick: the shared Redis client pipelines them into one round trip.
    await Promise.all(
      taken.map((spec, i) =>
        this.publish(
          this.db,
          { ...done.row, status: spec.to },
          i ? taken[i - 1]!.to : done.previous,
        ),
      ),
    );
    return { ok: true, row: done.row };
  }

  /** Like apply, for API paths: 404 for an unknown task, 409 (ConflictError) for an illegal transition. */
  async applyOrThrow(
    trx: Db,
    customerId: string,
    taskId: string,
    spec: TransitionSpec,
  ): Promise<TaskRow> {
    const result = await this.apply(trx, customerId, taskId, spec);
    if (result.ok) return result.row;
    if (!result.row) throw new NotFoundError('Task', taskId);
    TaskStateMachine.assertTransition(result.row.status, spec.to);
    throw new ConflictError(
      `Task ${taskId} is ${result.row.status}; it cannot become ${spec.to} now`,
    );
  }

  /**
   * Many tasks from one status to another (bulk create: pending → queued) in one statement, in
   * `db` (a caller's transaction; none: committed at once and published now).
   */
  async applyMany(
    db: Db | undefined,
    customerId: string,
    ids: string[],
    from: TaskStatus,
    to: TaskStatus,
  ): Promise<TaskRow[]> {
    TaskStateMachine.assertTransition(from, to);
    const rows = await this.repo.transitionMany(customerId, ids, from, to, db);
    // All in one go (the shared Redis client pipelines them; in a transaction, after its commit).
    await Promise.all(rows.map((row) => this.publish(db, row, from)));
    return rows;
  }

  /** A timeline entry without a status change (progress, a budget hold, a second delegation); touches updated_at. */
  async note(
    trx: Db,
    customerId: string,
    taskId: string,
    spec: NoteSpec,
  ): Promise<TaskRow | undefined> {
    const row = await this.repo.findForUpdate(customerId, taskId, trx);
    if (!row || (spec.expect && !spec.expect.includes(row.status))) return undefined;
    const updated = await this.repo.updateIfStatus(
      customerId,
      taskId,
      row.status,
      { ...spec.patch },
      trx,
    );
    await this.repo.insertEvents(
      [{ taskId, customerId, type: spec.event.type, data: spec.event.data ?? null }],
      trx,
    );
    return updated;
  }

  /** Records an event on a task whatever its status (an ignored report on a final task). */
  async record(
    trx: Db,
    customerId: string,
    taskId: string,
    type: string,
    data?: Record<string, unknown>,
  ): Promise<void> {
    await this.repo.insertEvents([{ taskId, customerId, type, data: data ?? null }], trx);
  }

  private async publish(trx: Db | undefined, row: TaskRow, previousStatus: TaskStatus): Promise<void> {
    const base = {
      customerId: row.customer_id,
      taskId: row.id,
      veId: row.ve_id ?? undefined,
      traceId: row.trace_id ?? undefined,
    };
    const updated = this.events.publishAfterCommit(trx, {
      ...base,
      type: 'task.updated',
      data: {
        status: row.status,
        previousStatus,
        priority: row.priority,
        parentTaskId: row.parent_task_id,
      },
    });
    if (!TaskStateMachine.isFinal(row.status)) return updated;
    // Sent right behind task.updated (same tick, so in order and in one pipelined round trip).
    await Promise.all([
      updated,
      this.events.publishAfterCommit(trx, {
        ...base,
        type: 'task.completed',
        data: {
          status: row.status,
          result: row.result,
          error: row.error,
          ageMs: Date.now() - row.created_at.getTime(),
        },
      }),
    ]);
  }
}
