import { Injectable } from '@nestjs/common';
import { ForbiddenError, NotFoundError } from '../common/domain-errors';
import { CustomersService } from '../customers/customers.service';
import { TasksService } from '../tasks/tasks.service';
import { VesService } from '../ves/ves.service';
import type { AgentCallback } from './webhooks.types';

/** Event types that act on a task on behalf of the VE doing it. */
const ACTS_ON_TASK = new Set(['task_update', 'error', 'delegation']);

/**
 * Checks, before a callback is accepted, that everything it names belongs to the customer it names:
 * an unknown customer, or a task/VE of another customer, is 404 (as elsewhere in the API: another
 * customer's object does not exist for you); a task of the customer reported by a different VE than
 * the one assigned to it is 403. Resolves `agentName` to `veId` so the processor need not.
 */
@Injectable()
export class CallbackOwnership {
  constructor(
    private readonly customers: CustomersService,
    private readonly tasks: TasksService,
    private readonly ves: VesService,
  ) {}

  async check(cb: AgentCallback): Promise<AgentCallback> {
    const customerId = cb.customerId;
    await this.customers.get(customerId);
    let veId = cb.veId;
    if (veId) {
      await this.ves.get(customerId, veId);
    } else if (cb.agentName) {
      const ve = await this.ves.findByAgentName(customerId, cb.agentName);
      if (!ve)
        throw new NotFoundError(`VE with agent name ${cb.agentName} of customer ${customerId}`);
      veId = ve.id;
    }
    if (cb.taskId) {
      const task = await this.tasks.get(customerId, cb.taskId);
      if (veId && task.veId && task.veId !== veId && ACTS_ON_TASK.has(cb.eventType)) {
        throw new ForbiddenError(
          `Task ${cb.taskId} is assigned to VE ${task.veId}; VE ${veId} may not report on it`,
        );
      }
    }
    const target = cb.delegation;
    if (target?.toVeId) await this.ves.get(customerId, target.toVeId);
    else if (target?.toAgent && !(await this.ves.findByAgentName(customerId, target.toAgent))) {
      throw new NotFoundError(
        `Delegation target: VE with agent name ${target.toAgent} of customer ${customerId}`,
      );
    }
    return veId ? { ...cb, veId } : cb;
  }
}
