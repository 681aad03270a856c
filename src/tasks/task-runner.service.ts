import { Injectable } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { BillingService } from '../billing/billing.service';
import { DomainError } from '../common/domain-errors';
import type { TaskRow } from '../database/database.types';
import { GatewayService } from '../gateway/gateway.service';
import type { InvokeOutcome } from '../gateway/gateway.types';
import { OrchestratorService } from '../orchestrator/orchestrator.service';
import { VesService } from '../ves/ves.service';
import type { Ve } from '../ves/ves.types';
import { CustomerSlots } from './customer-slots';
import { TaskOutcomes } from './task-outcomes.service';
import { TaskStateMachine, WAITING_STATUSES } from './task-state-machine';
import { TaskTransitions } from './task-transitions.service';
import { nowMs, TasksRepository } from './tasks.repository';
import type { TaskJobData, TaskJobResult } from './tasks.types';

/** How long a task waits while its customer's hard-stop budget is exhausted (billing promotes it earlier). */
export const BUDGET_HOLD_MS = 10_000;
/** How long a task waits while its customer is at CUSTOMER_TASK_CONCURRENCY (plus jitter). */
export const SLOT_WAIT_MS = 1_000;

/**
 * Runs one `tasks` job (the architecture's steps 2-3): route when no VE is given → assigned,
 * invoke the agent over A2A → in_progress, apply the outcome. Every step is a conditional
 * transition, so a job whose task is final, cancelled or changed meanwhile does nothing more.
 */
@Injectable()
export class TaskRunner {
  constructor(
    private readonly repo: TasksRepository,
    private readonly transitions: TaskTransitions,
    private readonly outcomes: TaskOutcomes,
    private readonly slots: CustomerSlots,
    private readonly orchestrator: OrchestratorService,
    private readonly gateway: GatewayService,
    private readonly ves: VesService,
    private readonly billing: BillingService,
  ) {}

  async run(job: Job<TaskJobData>, token?: string, signal?: AbortSignal): Promise<TaskJobResult> {
    const { taskId, customerId } = job.data;
    // The fairness cap first: it needs only Redis, so a customer's over-cap jobs cost no database reads.
    const slot = await this.slots.acquire(customerId, taskId);
    if (!slot) {
      await job.moveToDelayed(
        Date.now() + SLOT_WAIT_MS + Math.floor(Math.random() * SLOT_WAIT_MS),
        token,
      );
      throw new DelayedError();
    }
    try {
      const found = await this.repo.find(customerId, taskId);
      // Not there yet (created in a transaction that has not committed): BullMQ retries with backoff.
      if (!found) throw new Error(`Task ${taskId} not found`);
      if (TaskStateMachine.isFinal(found.status) || found.status === 'delegated')
        return skipped(found, found.status);
      // A pending task (the request has not marked it queued yet) is queued by the first step of the run.
      const task = found.status === 'pending' ? found : await this.startOver(found);
      if (!task) return skipped(found, 'changed meanwhile');
      if (!(await this.billing.canRun(customerId))) {
        const held = task.status === 'pending' ? await this.startOver(task) : task;
        if (!held) return skipped(task, 'changed meanwhile');
        await this.holdForBudget(held);
        await job.moveToDelayed(Date.now() + BUDGET_HOLD_MS, token);
        throw new DelayedError();
      }
      return await this.execute(job, task, signal);
    } finally {
      await slot.release();
    }
  }

  /**
   * A task found assigned/in_progress belongs to a run that died (worker killed, lock lost):
   * it goes back through queued; a pending one was enqueued by a request that died before
   * marking it queued. Returns the queued row, or undefined if it moved on meanwhile.
   */
  private async startOver(task: TaskRow): Promise<TaskRow | undefined> {
    if (task.status === 'queued') return task;
    const event =
      task.status === 'pending'
        ? { type: 'queued', data: { by: 'worker' } }
        : { type: 'requeued', data: { reason: 'an earlier run of this task did not finish' } };
    const r = await this.transitions.applyAlone(task, [
      { to: 'queued', from: [task.status], event },
    ]);
    if (r.ok) return r.row;
    // The request that created it marked it queued meanwhile: run it.
    return r.row?.status === 'queued' ? r.row : undefined;
  }

  /** The timeline says "held for budget" once per hold, not at every re-check. */
  private async holdForBudget(task: TaskRow): Promise<void> {
    await this.transitions.run(undefined, async (trx) => {
      if ((await this.repo.lastEventType(task.customer_id, task.id, trx)) === 'budget_hold') return;
      await this.transitions.note(trx, task.customer_id, task.id, {
        expect: ['queued'],
        event: {
          type: 'budget_hold',
          data: {
            reason: 'the monthly budget is exhausted (hard stop)',
            recheckMs: BUDGET_HOLD_MS,
          },
        },
      });
    });
  }

  private async execute(
    job: Job<TaskJobData>,
    task: TaskRow,
    signal?: AbortSignal,
  ): Promise<TaskJobResult> {
    const { ve, route } = await this.chooseVe(task);
    const pushToken = randomBytes(24).toString('base64url');
    // (pending →) queued → assigned → in_progress in one step (nothing happens between them): one
    // statement. A worker often meets a task still pending: the request marks it queued just after
    // enqueueing, and the entry says whichever of the two did.
    const started = await this.transitions.applyAlone(task, [
      {
        to: 'queued',
        from: ['pending'],
        optional: true,
        event: { type: 'queued', data: { by: 'worker' } },
      },
      {
        to: 'assigned',
        from: ['queued'],
        patch: { ve_id: ve.id },
        event: { data: { veId: ve.id, agentName: ve.agentName, ...route } },
      },
      {
        to: 'in_progress',
        from: ['assigned'],
        patch: {
          attempts: task.attempts + 1,
          started_at: nowMs(),
          push_token: pushToken,
          a2a_task_id: null,
          error: null,
        },
        event: { data: { attempt: task.attempts + 1, agentName: ve.agentName } },
      },
    ]);
    if (!started.ok) return skipped(started.row ?? task, 'changed before the agent was invoked');
    const running = started.row;
    let outcome: InvokeOutcome;
    try {
      outcome = await this.gateway.invokeAgent(task.customer_id, ve, {
        taskId: task.id,
        text: task.description ? `${task.title}\n\n${task.description}` : task.title,
        input: (task.input as Record<string, unknown> | null) ?? null,
        traceId: task.trace_id ?? undefined,
        signal,
        pushToken,
      });
    } catch (err) {
      if (signal?.aborted) return this.afterAbort(running);
      return this.outcomes.afterInvokeError(job, running, err);
    }
    return this.outcomes.apply(running, ve, outcome);
  }

  /** Picks the VE: the one the task names, or the one the orchestrator routes it to. */
  private async chooseVe(task: TaskRow): Promise<{ ve: Ve; route: Record<string, unknown> }> {
    try {
      if (task.ve_id) {
        return { ve: await this.ves.get(task.customer_id, task.ve_id), route: { source: 'given' } };
      }
      const decision = await this.orchestrator.route(task.customer_id, {
        taskId: task.id,
        title: task.title,
        description: task.description,
        traceId: task.trace_id ?? undefined,
      });
      const ve = await this.ves.get(task.customer_id, decision.veId);
      return { ve, route: { source: decision.source, reason: decision.reason } };
    } catch (err) {
      // No VE can take it (none ready, the given one deleted): retrying will not help.
      if (err instanceof DomainError && err.status < 500) {
        await this.outcomes.fail(task, WAITING_STATUSES, `Not assigned: ${err.message}`);
        throw new UnrecoverableError(err.message);
      }
      throw err;
    }
  }

  /** The run was aborted by a cancel (the task is cancelled already) or by shutdown (run again later). */
  private async afterAbort(task: TaskRow): Promise<TaskJobResult> {
    const now = await this.repo.find(task.customer_id, task.id);
    if (now && now.status !== 'in_progress') return skipped(now, 'cancelled while running');
    throw new Error(`Task ${task.id}: the agent call was aborted`);
  }
}

function skipped(task: TaskRow, why: string): TaskJobResult {
  return { taskId: task.id, status: task.status, skipped: why };
}
