import { Injectable } from '@nestjs/common';
import type { Db } from '../common/db-types';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationFailedError,
} from '../common/domain-errors';
import { AppConfig } from '../config/app-config';
import type { TaskRow } from '../database/database.types';
import type { Ve } from '../ves/ves.types';
import { VesService } from '../ves/ves.service';
import { newTaskRow, TaskCreation } from './task-creation.service';
import { TaskQueue } from './task-queue.service';
import { TaskStateMachine } from './task-state-machine';
import { TaskTransitions } from './task-transitions.service';
import { nowMs, TasksRepository } from './tasks.repository';
import type { DelegationRequest, TaskResult } from './tasks.types';

/**
 * Delegation: a running task's VE hands part of the work to another VE of the same customer,
 * down the org chart (a direct or indirect report) or across (a peer: the same manager; VEs
 * without a manager are peers of each other). The child task is linked by parent_task_id and
 * enqueued; the parent becomes `delegated` and its timeline names the child. When every child
 * is final, the parent follows: completed with the children's results when all completed,
 * else failed naming the children that did not. The parent's own agent may still finish it
 * first (its answer wins; late children then change nothing).
 */
@Injectable()
export class TaskDelegation {
  constructor(
    private readonly repo: TasksRepository,
    private readonly transitions: TaskTransitions,
    private readonly creation: TaskCreation,
    private readonly taskQueue: TaskQueue,
    private readonly ves: VesService,
    private readonly config: AppConfig,
  ) {
    transitions.onFinal((trx, row) => this.onChildFinished(trx, row));
  }

  async delegate(customerId: string, req: DelegationRequest, db?: Db): Promise<TaskRow> {
    const { child, fresh } = await this.transitions.run(db, async (trx) => {
      // The parent's lock serialises delegations and child roll-ups of one parent.
      const parent = await this.repo.findForUpdate(customerId, req.parentTaskId, trx);
      if (!parent) throw new NotFoundError('Task', req.parentTaskId);
      if (req.eventId) {
        const seen = await this.repo.findChildByDelegationEvent(
          customerId,
          parent.id,
          req.eventId,
          trx,
        );
        if (seen) return { child: seen, fresh: false };
      }
      if (!['in_progress', 'delegated'].includes(parent.status)) {
        throw new ConflictError(
          `Task ${parent.id} is ${parent.status}: only a running task can delegate`,
        );
      }
      if (parent.ve_id !== req.fromVeId)
        throw new ConflictError(`Task ${parent.id} is not assigned to VE ${req.fromVeId}`);
      const target = await this.resolveTarget(customerId, req);
      await this.assertOrgChartAllows(customerId, req.fromVeId, target);
      await this.assertChainAllows(customerId, parent, target);
      const row = newTaskRow(
        customerId,
        {
          title: req.title,
          description: req.description,
          priority: parent.priority,
          veId: target.id,
        },
        parent.trace_id ?? undefined,
        {
          parentTaskId: parent.id,
          metadata: {
            fromVeId: req.fromVeId,
            ...(req.eventId ? { delegationEventId: req.eventId } : {}),
          },
        },
      );
      const [created] = await this.creation.insert(trx, customerId, [row], {
        parentTaskId: parent.id,
        fromVeId: req.fromVeId,
      });
      const event = {
        type: 'delegated',
        data: { childTaskId: created!.id, toVeId: target.id, toAgent: target.agentName },
      };
      if (parent.status === 'delegated')
        await this.transitions.note(trx, customerId, parent.id, { event });
      else
        await this.transitions.applyOrThrow(trx, customerId, parent.id, { to: 'delegated', event });
      // Inside a caller's transaction there is no "after commit": enqueue now; a run that comes
      // before the commit finds no row and is retried with backoff.
      if (db?.isTransaction) {
        await this.taskQueue.enqueueNew(customerId, [created!]);
        const [queued] = await this.transitions.applyMany(
          trx,
          customerId,
          [created!.id],
          'pending',
          'queued',
        );
        return { child: queued ?? created!, fresh: false };
      }
      return { child: created!, fresh: true };
    });
    if (!fresh) return child;
    const [submitted] = await this.creation.submit(customerId, [child]);
    return submitted ?? child;
  }

  /** When the last child of a delegated task becomes final, the parent follows (same transaction). */
  private async onChildFinished(trx: Db, child: TaskRow): Promise<void> {
    const customerId = child.customer_id;
    const parent = await this.repo.findForUpdate(customerId, child.parent_task_id!, trx);
    if (!parent || parent.status !== 'delegated') return;
    const children = await this.repo.children(customerId, parent.id, trx);
    if (children.some((c) => !TaskStateMachine.isFinal(c.status))) return;
    const unfinished = children.filter((c) => c.status !== 'completed');
    const childTaskIds = children.map((c) => c.id);
    if (!unfinished.length) {
      const result: TaskResult = {
        text: children
          .map((c) => (c.result as TaskResult | null)?.text ?? '')
          .filter(Boolean)
          .join('\n\n'),
        children: children.map((c) => ({
          taskId: c.id,
          veId: c.ve_id,
          title: c.title,
          result: c.result,
        })),
      };
      await this.transitions.apply(trx, customerId, parent.id, {
        to: 'completed',
        from: ['delegated'],
        patch: { result: JSON.stringify(result), completed_at: nowMs() },
        event: { data: { by: 'children', childTaskIds } },
      });
      return;
    }
    const why = unfinished
      .map((c) => `${c.id} ${c.status}${c.error ? `: ${c.error}` : ''}`)
      .join('; ');
    await this.transitions.apply(trx, customerId, parent.id, {
      to: 'failed',
      from: ['delegated'],
      patch: { error: `Delegated work did not complete: ${why}`, completed_at: nowMs() },
      event: { data: { by: 'children', childTaskIds } },
    });
  }

  private async resolveTarget(customerId: string, req: DelegationRequest): Promise<Ve> {
    if (req.toVeId) return this.ves.get(customerId, req.toVeId);
    if (req.toAgent) {
      const ve = await this.ves.findByAgentName(customerId, req.toAgent);
      if (!ve) throw new NotFoundError('VE with agent name', req.toAgent);
      return ve;
    }
    throw new ValidationFailedError('A delegation names its target: toVeId or toAgent', [
      { field: 'delegation.toVeId', problems: ['toVeId or toAgent is required'] },
    ]);
  }

  private async assertOrgChartAllows(
    customerId: string,
    fromVeId: string,
    target: Ve,
  ): Promise<void> {
    if (target.id === fromVeId) throw new ConflictError('A VE cannot delegate to itself');
    if (await this.ves.isReportOrPeer(customerId, fromVeId, target.id)) return;
    const from = await this.ves.get(customerId, fromVeId);
    throw new ForbiddenError(
      `VE ${target.name} is neither a report nor a peer of ${from.name}: delegation goes down the org chart or across`,
    );
  }

  /** Depth limit and cycle check on the chain of parent tasks. */
  private async assertChainAllows(customerId: string, parent: TaskRow, target: Ve): Promise<void> {
    const max = this.config.get('TASK_MAX_DELEGATION_DEPTH');
    // The parent and its ancestors: the child would sit at depth chain.length.
    const chain = await this.repo.ancestry(customerId, parent.id, max + 1);
    if (chain.length > max) {
      throw new ConflictError(`Delegation too deep: tasks may be delegated at most ${max} levels`);
    }
    if (chain.some((t) => t.ve_id === target.id)) {
      throw new ConflictError(
        `Delegation cycle: VE ${target.name} already works on a task of this chain`,
      );
    }
  }
}
