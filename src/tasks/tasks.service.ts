import { Injectable, Logger } from '@nestjs/common';
import { BillingService } from '../billing/billing.service';
import type { Db } from '../common/db-types';
import { NotFoundError } from '../common/domain-errors';
import { decodeCursor, type Page, toPage } from '../common/pagination';
import { AppConfig } from '../config/app-config';
import type { TaskRow, TaskStatus } from '../database/database.types';
import type { CreateTaskDto } from './dto/create-task.dto';
import type { ListTasksQuery } from './dto/list-tasks.query';
import { TaskCreation } from './task-creation.service';
import { TaskDelegation } from './task-delegation.service';
import { toTask, toTaskEvent, toTaskResult } from './task.mapper';
import { TaskQueue } from './task-queue.service';
import { UNFINISHED_STATUSES } from './task-state-machine';
import { TaskStopper } from './task-stopper.service';
import { TaskTransitions } from './task-transitions.service';
import { nowMs, TasksRepository } from './tasks.repository';
import type { AgentTaskUpdate, DelegationRequest, Task, TaskDetail } from './tasks.types';

/**
 * The task domain's entry point, used by the API, webhooks and messages. Rules live here and in
 * TaskStateMachine; SQL in TasksRepository; the queue in TaskQueue; running a task in TaskRunner.
 */
@Injectable()
export class TasksService {
  private readonly logger = new Logger(TasksService.name);

  constructor(
    private readonly repo: TasksRepository,
    private readonly transitions: TaskTransitions,
    private readonly taskQueue: TaskQueue,
    private readonly creation: TaskCreation,
    private readonly delegation: TaskDelegation,
    private readonly stopper: TaskStopper,
    private readonly billing: BillingService,
    private readonly config: AppConfig,
  ) {}

  /** The task of this customer, or NotFoundError. */
  async get(customerId: string, id: string, db?: Db): Promise<Task> {
    const row = await this.repo.find(customerId, id, db);
    if (!row) throw new NotFoundError('Task', id);
    return toTask(row);
  }

  async getWithEvents(customerId: string, id: string): Promise<TaskDetail> {
    const task = await this.get(customerId, id);
    const events = await this.repo.listEvents(customerId, id);
    return { ...task, events: events.map(toTaskEvent) };
  }

  async list(customerId: string, query: ListTasksQuery): Promise<Page<Task>> {
    const filter = { status: query.status, veId: query.veId, priority: query.priority };
    const rows = await this.repo.page(customerId, filter, query.limit, decodeCursor(query.cursor));
    return toPage(rows, query.limit, toTask);
  }

  /** Creates a task (or returns the one created first with this idempotency key: created = false). */
  async create(
    customerId: string,
    dto: CreateTaskDto,
    traceId?: string,
  ): Promise<{ task: Task; created: boolean }> {
    await this.billing.assertCanSpend(customerId);
    const [item] = await this.creation.createMany(customerId, [dto], traceId);
    return { task: toTask(item!.row), created: item!.created };
  }

  /** All or none: every item is validated (VEs included) before any is stored; one addBulk. */
  async createMany(customerId: string, dtos: CreateTaskDto[], traceId?: string): Promise<Task[]> {
    await this.billing.assertCanSpend(customerId);
    const items = await this.creation.createMany(customerId, dtos, traceId, true);
    return items.map((i) => toTask(i.row));
  }

  /**
   * Cancels an unfinished task and its unfinished descendants: a waiting job is removed, a
   * running one aborted (signal to its worker + A2A tasks/cancel). Cancelling a cancelled task
   * returns it; a completed or failed one is 409.
   */
  async cancel(customerId: string, id: string): Promise<Task> {
    const { row, stopped } = await this.transitions.run(undefined, async (trx) => {
      const current = await this.repo.find(customerId, id, trx);
      if (!current) throw new NotFoundError('Task', id);
      if (current.status === 'cancelled') return { row: current, stopped: [] as TaskRow[] };
      const cancelled = await this.transitions.applyOrThrow(trx, customerId, id, {
        to: 'cancelled',
        patch: { completed_at: nowMs() },
        event: { data: { by: 'customer' } },
      });
      return {
        row: cancelled,
        stopped: [cancelled, ...(await this.cancelDescendants(trx, customerId, id))],
      };
    });
    await Promise.all(stopped.map((r) => this.stopper.stop(r)));
    return toTask(row);
  }

  /** Runs a failed or cancelled task again (attempts start over); 409 from any other status. */
  async retry(customerId: string, id: string): Promise<Task> {
    const row = await this.transitions.run(undefined, (trx) =>
      this.transitions.applyOrThrow(trx, customerId, id, {
        to: 'queued',
        from: ['failed', 'cancelled'],
        patch: {
          attempts: 0,
          error: null,
          result: null,
          completed_at: null,
          a2a_task_id: null,
          started_at: null,
        },
        event: { type: 'retried' },
      }),
    );
    await this.enqueueOrLeave(row);
    return toTask(row);
  }

  /**
   * Applies an agent's report through the state machine, in `db` (a transaction) when given.
   * A task already in a final state records the event and ignores it (returns { applied: false });
   * so does a report the state machine refuses now (e.g. "completed" for a task waiting for a retry).
   */
  async applyAgentUpdate(
    customerId: string,
    taskId: string,
    update: AgentTaskUpdate,
    db?: Db,
  ): Promise<{ applied: boolean; task: Task }> {
    return this.transitions.run(db, async (trx) => {
      const row = await this.repo.findForUpdate(customerId, taskId, trx);
      if (!row) throw new NotFoundError('Task', taskId);
      const data = { source: update.source, eventId: update.eventId, reported: update.status };
      if (update.status === 'in_progress' && ['in_progress', 'delegated'].includes(row.status)) {
        const noted = await this.transitions.note(trx, customerId, taskId, {
          event: { type: 'progress', data },
        });
        return { applied: true, task: toTask(noted ?? row) };
      }
      const patch =
        update.status === 'completed'
          ? { result: JSON.stringify(toTaskResult(update.result)), completed_at: nowMs() }
          : update.status === 'failed'
            ? { error: update.error ?? 'The agent reported a failure', completed_at: nowMs() }
            : {};
      const result = await this.transitions.apply(trx, customerId, taskId, {
        to: update.status,
        patch,
        event: { data },
      });
      if (result.ok) return { applied: true, task: toTask(result.row) };
      await this.transitions.record(trx, customerId, taskId, 'agent_update_ignored', {
        ...data,
        status: row.status,
      });
      return { applied: false, task: toTask(row) };
    });
  }

  /**
   * Records an agent error: the task is run again (re-enqueued with backoff) while attempts
   * remain, else failed. Only a running (assigned | in_progress) task is affected; on any other
   * the error is recorded on the timeline and ignored (a delegated task's children decide it).
   */
  async recordAgentError(
    customerId: string,
    taskId: string,
    error: string,
    eventId?: string,
    db?: Db,
  ): Promise<Task> {
    const max = this.config.get('TASK_MAX_ATTEMPTS');
    const { row, requeued } = await this.transitions.run(db, async (trx) => {
      const current = await this.repo.findForUpdate(customerId, taskId, trx);
      if (!current) throw new NotFoundError('Task', taskId);
      const data = { error, eventId, attempts: current.attempts };
      // Final: too late. Delegated: its children decide. Pending/queued: a run is already coming.
      if (!['assigned', 'in_progress'].includes(current.status)) {
        await this.transitions.record(trx, customerId, taskId, 'agent_error_ignored', {
          ...data,
          status: current.status,
        });
        return { row: current, requeued: false };
      }
      const retry = current.attempts < max;
      const result = await this.transitions.apply(trx, customerId, taskId, {
        to: retry ? 'queued' : 'failed',
        patch: retry ? { error } : { error, completed_at: nowMs() },
        event: { type: 'agent_error', data: { ...data, willRetry: retry } },
      });
      return { row: result.row ?? current, requeued: retry && result.ok };
    });
    if (requeued) {
      const backoff = this.config.get('TASK_RETRY_BACKOFF_MS') * 2 ** Math.max(0, row.attempts - 1);
      await this.enqueueOrLeave(row, backoff);
    }
    return toTask(row);
  }

  /** Creates a child task for the target VE (org chart rules, depth limit, cycle check), marks the parent delegated. */
  async delegate(customerId: string, req: DelegationRequest, db?: Db): Promise<Task> {
    return toTask(await this.delegation.delegate(customerId, req, db));
  }

  /**
   * The task whose A2A push-notification token (tasks.push_token) equals `token`, any customer; `taskId`
   * (the A2A contextId = platform task id, when the push carries it) narrows the lookup to one row.
   * Used by the A2A push receiver (webhooks, #6) to authenticate a push; undefined when none matches.
   */
  async findByPushToken(token: string, taskId?: string): Promise<Task | undefined> {
    if (!token) return undefined;
    const row = await this.repo.findByPushToken(token, taskId);
    return row ? toTask(row) : undefined;
  }

  /**
   * How many of the customer's tasks are in each status (statuses with none may be omitted).
   * Used by GET /api/orchestrator/status (gateway issue #4 added this skeleton; owner: tasks #5).
   */
  async countByStatus(customerId: string): Promise<Partial<Record<TaskStatus, number>>> {
    return this.repo.countByStatus(customerId);
  }

  private async cancelDescendants(trx: Db, customerId: string, id: string): Promise<TaskRow[]> {
    const out: TaskRow[] = [];
    for (const child of await this.repo.children(customerId, id, trx)) {
      if (!UNFINISHED_STATUSES.includes(child.status)) continue;
      const r = await this.transitions.apply(trx, customerId, child.id, {
        to: 'cancelled',
        patch: { completed_at: nowMs() },
        event: { data: { by: 'customer', parentTaskId: id } },
      });
      if (r.ok) out.push(r.row, ...(await this.cancelDescendants(trx, customerId, child.id)));
    }
    return out;
  }

  /** The database row is the truth: when Redis is down the reconciler enqueues the task later. */
  private async enqueueOrLeave(row: TaskRow, delay = 0): Promise<void> {
    try {
      await this.taskQueue.ensureEnqueued(row, delay);
    } catch (err) {
      this.logger.warn({ err, taskId: row.id }, 'task not enqueued now; the reconciler will');
    }
  }
}
