import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError, NotFoundError, ValidationFailedError } from '../common/domain-errors';
import type { Db } from '../common/db-types';
import type { TaskPriority, TaskRow } from '../database/database.types';
import { VesService } from '../ves/ves.service';
import type { CreateTaskDto } from './dto/create-task.dto';
import { TaskQueue } from './task-queue.service';
import { WAITING_STATUSES } from './task-state-machine';
import { TaskTransitions } from './task-transitions.service';
import { type NewTaskRow, nowMs, TasksRepository } from './tasks.repository';

/** Postgres: a referenced row (the customer, a VE) does not exist. */
const FOREIGN_KEY_VIOLATION = '23503';

export interface CreatedTask {
  row: TaskRow;
  /** False when an earlier task with the same idempotency key was returned instead. */
  created: boolean;
}

/** Fields of a new task row beyond what the customer sent (delegation sets the parent and metadata). */
export interface NewTaskExtras {
  parentTaskId?: string;
  metadata?: Record<string, unknown>;
}

/**
 * Task creation, the architecture's step 1: the row is written first (pending, with a
 * 'created' timeline entry), then the job is enqueued (job id = task id), then the task is
 * marked queued. If Redis is down the task stays pending and the reconciler enqueues it.
 */
@Injectable()
export class TaskCreation {
  private readonly logger = new Logger(TaskCreation.name);

  constructor(
    private readonly repo: TasksRepository,
    private readonly transitions: TaskTransitions,
    private readonly taskQueue: TaskQueue,
    private readonly ves: VesService,
  ) {}

  /** Creates the tasks (in request order), returning earlier ones for known idempotency keys. */
  async createMany(
    customerId: string,
    dtos: CreateTaskDto[],
    traceId?: string,
    bulk = false,
  ): Promise<CreatedTask[]> {
    assertUniqueKeys(dtos);
    await this.assertVesExist(customerId, dtos, bulk);
    const keys = dtos.flatMap((d) => (d.idempotencyKey ? [d.idempotencyKey] : []));
    const byKey = new Map(
      (await this.repo.findByIdempotencyKeys(customerId, keys)).map((r) => [r.idempotency_key!, r]),
    );
    const fresh = dtos
      .filter((d) => !d.idempotencyKey || !byKey.has(d.idempotencyKey))
      .map((d) => ({ dto: d, row: newTaskRow(customerId, d, traceId) }));
    // The rows and their 'created' entries in one statement (insert() does it in a caller's transaction).
    const { rows: inserted, backlog } = await this.repo
      .insertManyWithCreatedEvents(
        customerId,
        fresh.map((f) => f.row),
        WAITING_STATUSES,
      )
      .catch((err: unknown) => {
        // An operator naming a customer that does not exist (x-customer-id), a VE deleted meanwhile: 404, not 500.
        const pg = err as { code?: string; constraint?: string };
        if (pg.code !== FOREIGN_KEY_VIOLATION) throw err;
        throw pg.constraint?.includes('ve_id')
          ? new NotFoundError('VE')
          : new NotFoundError('Customer', customerId);
      });
    const insertedIds = new Set(inserted.map((r) => r.id));
    // A concurrent request with the same key won the insert: return its task.
    const lost = fresh
      .filter((f) => !insertedIds.has(f.row.id as string))
      .map((f) => f.dto.idempotencyKey!);
    for (const r of await this.repo.findByIdempotencyKeys(customerId, lost))
      byKey.set(r.idempotency_key!, r);
    const submitted = new Map(
      (await this.submit(customerId, inserted, backlog)).map((r) => [r.id, r]),
    );
    return dtos.map((dto) => {
      const mine = fresh.find((f) => f.dto === dto);
      const row = mine && submitted.get(mine.row.id as string);
      if (row) return { row, created: true };
      return { row: byKey.get(dto.idempotencyKey!)!, created: false };
    });
  }

  /** Inserts pending rows and their 'created' entries in `trx` (delegation uses it inside its own transaction). */
  async insert(
    trx: Db,
    customerId: string,
    rows: NewTaskRow[],
    extra?: Record<string, unknown>,
  ): Promise<TaskRow[]> {
    const inserted = await this.repo.insertMany(rows, trx);
    await this.repo.insertEvents(
      inserted.map((r) => ({
        taskId: r.id,
        customerId,
        type: 'created',
        toStatus: 'pending' as const,
        data: { priority: r.priority, veId: r.ve_id, ...extra },
      })),
      trx,
    );
    return inserted;
  }

  /**
   * Enqueues pending rows (one addBulk) and marks them queued; rows a worker took already are
   * re-read. `backlog`: the customer's waiting tasks ahead of these, when the insert read it.
   */
  async submit(
    customerId: string,
    rows: TaskRow[],
    backlog?: Partial<Record<TaskPriority, number>>,
  ): Promise<TaskRow[]> {
    if (!rows.length) return [];
    try {
      await this.taskQueue.enqueueNew(customerId, rows, backlog);
    } catch (err) {
      this.logger.warn(
        { err, customerId, count: rows.length },
        'tasks stay pending: not enqueued now, the reconciler will',
      );
      return rows;
    }
    const ids = rows.map((r) => r.id);
    const moved = await this.transitions.applyMany(undefined, customerId, ids, 'pending', 'queued');
    const byId = new Map(moved.map((r) => [r.id, r]));
    return Promise.all(
      rows.map(async (r) => byId.get(r.id) ?? (await this.repo.find(customerId, r.id)) ?? r),
    );
  }

  private async assertVesExist(
    customerId: string,
    dtos: CreateTaskDto[],
    bulk: boolean,
  ): Promise<void> {
    const ids = [...new Set(dtos.flatMap((d) => (d.veId ? [d.veId] : [])))];
    const missing = new Set<string>();
    for (const id of ids) {
      await this.ves.get(customerId, id).catch((err: unknown) => {
        if (err instanceof NotFoundError) missing.add(id);
        else throw err;
      });
    }
    if (!missing.size) return;
    const details = dtos.flatMap((d, i) =>
      d.veId && missing.has(d.veId)
        ? [{ field: bulk ? `tasks.${i}.veId` : 'veId', problems: ['VE not found'] }]
        : [],
    );
    throw new DomainError(`VE ${[...missing].join(', ')} not found`, 404, details);
  }
}

export function newTaskRow(
  customerId: string,
  dto: CreateTaskDto,
  traceId?: string,
  extras: NewTaskExtras = {},
): NewTaskRow {
  return {
    id: randomUUID(),
    customer_id: customerId,
    title: dto.title,
    description: dto.description ?? null,
    priority: dto.priority ?? 'medium',
    ve_id: dto.veId ?? null,
    parent_task_id: extras.parentTaskId ?? null,
    input: dto.input ? JSON.stringify(dto.input) : null,
    idempotency_key: dto.idempotencyKey ?? null,
    trace_id: traceId ?? null,
    metadata: extras.metadata ? JSON.stringify(extras.metadata) : null,
    created_at: nowMs(),
    updated_at: nowMs(),
  };
}

function assertUniqueKeys(dtos: CreateTaskDto[]): void {
  const first = new Map<string, number>();
  const details: Array<{ field: string; problems: string[] }> = [];
  dtos.forEach((d, i) => {
    if (!d.idempotencyKey) return;
    const seen = first.get(d.idempotencyKey);
    if (seen === undefined) first.set(d.idempotencyKey, i);
    else
      details.push({
        field: `tasks.${i}.idempotencyKey`,
        problems: [`repeats tasks.${seen}.idempotencyKey`],
      });
  });
  if (details.length)
    throw new ValidationFailedError(
      'Validation failed: idempotency keys repeat within the request',
      details,
    );
}
