import { Injectable } from '@nestjs/common';
import { ForbiddenError, NotFoundError } from '../common/domain-errors';
import { CustomersService } from '../customers/customers.service';
import { TasksService } from '../tasks/tasks.service';
import { VesService } from '../ves/ves.service';
import type { AgentCallback } from './webhooks.types';

/** Event types that act on a task on behalf of the VE doing it. */
const ACTS_ON_TASK = new Set(['task_update', 'error', 'delegation']);
/**
 * How long a customer or VE found at the edge stays found without asking the database again. An
 * agent reports many events in a row; two queries for each were a third of a callback's cost in
 * bench/. Ownership never changes (a VE's customer is fixed), so only a deletion can be missed,
 * for at most this long: the event is then accepted and its effects refused when applied.
 */
const FOUND_TTL_MS = 2_000;
const FOUND_MAX = 10_000;

/**
 * Checks, before a callback is accepted, that everything it names belongs to the customer it names:
 * an unknown customer, or a task/VE of another customer, is 404 (as elsewhere in the API: another
 * customer's object does not exist for you); a task of the customer reported by a different VE than
 * the one assigned to it is 403. Resolves `agentName` to `veId` so the processor need not.
 */
@Injectable()
export class CallbackOwnership {
  /** `c:<customer>` / `v:<customer>:<ve>` / `a:<customer>:<agent name>` → the customer or VE id found, until when. */
  private readonly found = new Map<string, { value: string; until: number }>();

  constructor(
    private readonly customers: CustomersService,
    private readonly tasks: TasksService,
    private readonly ves: VesService,
  ) {}

  async check(cb: AgentCallback): Promise<AgentCallback> {
    const customerId = cb.customerId;
    await this.recall(`c:${customerId}`, async () => (await this.customers.get(customerId)).id);
    let veId = cb.veId;
    if (veId) {
      const id = veId;
      await this.recall(
        `v:${customerId}:${id}`,
        async () => (await this.ves.get(customerId, id)).id,
      );
    } else if (cb.agentName) {
      const name = cb.agentName;
      veId = await this.recall(`a:${customerId}:${name}`, async () => {
        const ve = await this.ves.findByAgentName(customerId, name);
        if (!ve) throw new NotFoundError(`VE with agent name ${name} of customer ${customerId}`);
        return ve.id;
      });
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

  /** The value looked up for `key` within FOUND_TTL_MS, or a fresh lookup (whose errors are not kept). */
  private async recall(key: string, lookup: () => Promise<string>): Promise<string> {
    const now = Date.now();
    const hit = this.found.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = await lookup();
    if (this.found.size >= FOUND_MAX) this.found.clear();
    this.found.set(key, { value, until: now + FOUND_TTL_MS });
    return value;
  }
}
