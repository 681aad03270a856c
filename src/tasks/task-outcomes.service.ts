import { Injectable, Logger } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';
import { BillingService } from '../billing/billing.service';
import type { Db } from '../common/db-types';
import type { TaskRow, TaskStatus } from '../database/database.types';
import type { UsageEvent } from '../billing/billing.types';
import type { InvokeOutcome } from '../gateway/gateway.types';
import { MessagesService } from '../messages/messages.service';
import type { Ve } from '../ves/ves.types';
import { toTaskResult } from './task.mapper';
import { type TransitionSpec, TaskTransitions } from './task-transitions.service';
import { nowMs } from './tasks.repository';
import type { TaskJobData, TaskJobResult } from './tasks.types';

/** A task the agent is (or was) working on: its own answer may complete it even after it delegated. */
const RUNNING: readonly TaskStatus[] = ['in_progress', 'delegated'];

/**
 * Applies what an agent invocation produced (architecture step 3): a result completes the task,
 * a failure fails it, input-required becomes a message to the customer and working waits for
 * callbacks (both stay in_progress). An invocation error is retried with backoff by BullMQ
 * (the task goes back to queued) until the last attempt, which fails the task.
 */
@Injectable()
export class TaskOutcomes {
  private readonly logger = new Logger(TaskOutcomes.name);

  constructor(
    private readonly transitions: TaskTransitions,
    private readonly messages: MessagesService,
    private readonly billing: BillingService,
  ) {}

  async apply(task: TaskRow, ve: Ve, outcome: InvokeOutcome): Promise<TaskJobResult> {
    const a2aTaskId = outcome.a2aTaskId ?? null;
    const c = task.customer_id;
    switch (outcome.kind) {
      case 'completed': {
        const r = await this.applyFinal(task, outcome.unrecordedUsage, {
          to: 'completed',
          from: RUNNING,
          patch: {
            result: JSON.stringify(toTaskResult(outcome.text, outcome.artifacts)),
            completed_at: nowMs(),
            a2a_task_id: a2aTaskId,
          },
          event: { data: { source: 'a2a', a2aTaskId } },
        });
        return result(task, r.row, r.ok);
      }
      case 'failed': {
        const r = await this.applyFinal(task, outcome.unrecordedUsage, {
          to: 'failed',
          from: RUNNING,
          patch: { error: outcome.reason, completed_at: nowMs(), a2a_task_id: a2aTaskId },
          event: { data: { source: 'a2a', a2aState: outcome.a2aState, a2aTaskId } },
        });
        // The agent's own verdict: no retry, and the job shows as failed (with the reason) in Bull Board.
        if (r.ok) throw new UnrecoverableError(outcome.reason);
        return result(task, r.row, false);
      }
      case 'input-required': {
        const noted = await this.transitions.run(undefined, async (trx) => {
          await this.recordUsage(trx, outcome.unrecordedUsage);
          const row = await this.transitions.note(trx, c, task.id, {
            expect: RUNNING,
            patch: { a2a_task_id: a2aTaskId },
            event: { type: 'input_required', data: { message: outcome.message, a2aTaskId } },
          });
          if (row) {
            const sourceEventId = `a2a:${task.id}:${task.attempts + 1}:input-required`;
            await this.messages.recordFromVe(
              c,
              { veId: ve.id, taskId: task.id, content: outcome.message, sourceEventId },
              trx,
            );
          }
          return row;
        });
        return result(task, noted, Boolean(noted));
      }
      case 'working': {
        const noted = await this.transitions.run(undefined, async (trx) => {
          await this.recordUsage(trx, outcome.unrecordedUsage);
          return this.transitions.note(trx, c, task.id, {
            expect: RUNNING,
            patch: { a2a_task_id: a2aTaskId },
            event: { type: 'working', data: { a2aTaskId } },
          });
        });
        return result(task, noted, Boolean(noted));
      }
    }
  }

  /**
   * The agent could not be invoked (AgentUnavailableError, or anything unexpected): back to
   * queued and rethrown so BullMQ retries with exponential backoff; on the last attempt the
   * task fails with the reason and the failed job stays inspectable.
   */
  async afterInvokeError(job: Job<TaskJobData>, task: TaskRow, err: unknown): Promise<never> {
    const attempts = job.opts.attempts ?? 1;
    const attempt = job.attemptsMade + 1;
    const reason = err instanceof Error ? err.message : String(err);
    if (attempt >= attempts) {
      await this.fail(
        task,
        RUNNING,
        `The agent could not be reached after ${attempts} attempts: ${reason}`,
      );
    } else {
      this.logger.warn(
        { taskId: task.id, attempt, reason },
        'agent invocation failed; retrying with backoff',
      );
      await this.transitions.run(undefined, (trx) =>
        this.transitions.apply(trx, task.customer_id, task.id, {
          to: 'queued',
          from: ['in_progress'],
          event: { type: 'requeued', data: { reason, attempt, of: attempts } },
        }),
      );
    }
    throw err;
  }

  /**
   * A final outcome: one statement normally; with usage the gateway could not bill (Postgres was
   * unavailable a moment ago), that usage and the outcome in one transaction — both or neither,
   * so a run that dies here is re-run and billed once, and none is lost.
   */
  private applyFinal(task: TaskRow, unrecorded: UsageEvent[] | undefined, spec: TransitionSpec) {
    if (!unrecorded?.length) return this.transitions.applyAlone(task, [spec]);
    return this.transitions.run(undefined, async (trx) => {
      await this.recordUsage(trx, unrecorded);
      return this.transitions.apply(trx, task.customer_id, task.id, spec);
    });
  }

  private async recordUsage(trx: Db, usage: UsageEvent[] | undefined): Promise<void> {
    for (const event of usage ?? []) await this.billing.recordUsage(event, trx);
  }

  async fail(task: TaskRow, from: readonly TaskStatus[], reason: string): Promise<void> {
    await this.transitions.run(undefined, (trx) =>
      this.transitions.apply(trx, task.customer_id, task.id, {
        to: 'failed',
        from,
        patch: { error: reason, completed_at: nowMs() },
        event: { data: { reason } },
      }),
    );
  }
}

function result(task: TaskRow, row: TaskRow | undefined, applied: boolean): TaskJobResult {
  return {
    taskId: task.id,
    status: row?.status ?? task.status,
    ...(applied ? {} : { skipped: 'changed meanwhile' }),
  };
}
