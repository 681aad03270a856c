import { Injectable } from '@nestjs/common';
import type { Db } from '../common/db-types';
import { notImplemented } from '../common/not-implemented';
import type { AgentTaskUpdate, DelegationRequest, Task } from './tasks.types';

/**
 * Contract used by webhooks and messages. Owned by the task pipeline issue (#5).
 */
@Injectable()
export class TasksService {
  /** The task of this customer, or NotFoundError. */
  async get(_customerId: string, _id: string, _db?: Db): Promise<Task> {
    return notImplemented('TasksService.get');
  }

  /**
   * Applies an agent's report through the state machine, in `db` (a transaction) when given.
   * A task already in a final state records the event and ignores it (returns { applied: false }).
   */
  async applyAgentUpdate(
    _customerId: string,
    _taskId: string,
    _update: AgentTaskUpdate,
    _db?: Db,
  ): Promise<{ applied: boolean; task: Task }> {
    return notImplemented('TasksService.applyAgentUpdate');
  }

  /** Records an agent error: retried (re-enqueued) while attempts remain, else failed. */
  async recordAgentError(_customerId: string, _taskId: string, _error: string, _eventId?: string, _db?: Db): Promise<Task> {
    return notImplemented('TasksService.recordAgentError');
  }

  /** Creates a child task for the target VE (org chart rules, depth limit, cycle check), marks the parent delegated. */
  async delegate(_customerId: string, _req: DelegationRequest, _db?: Db): Promise<Task> {
    return notImplemented('TasksService.delegate');
  }
}
