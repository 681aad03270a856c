import { Injectable } from '@nestjs/common';
import type { Db } from '../../common/db-types';
import { MessagesService } from '../../messages/messages.service';
import { TasksService } from '../../tasks/tasks.service';
import type { AgentTaskUpdate } from '../../tasks/tasks.types';
import type { A2aPushEvent, UsageReport } from '../webhooks.types';
import type { ApplyOutcome } from '../webhook-applier.service';

/** A2A task states (0.3 spelling) → the platform's agent update; the rest are handled below. */
const STATE_TO_UPDATE: Record<string, AgentTaskUpdate['status']> = {
  submitted: 'in_progress',
  working: 'in_progress',
  completed: 'completed',
  failed: 'failed',
  rejected: 'failed',
  // The platform has no agent-side cancel: the task ends failed, saying the agent canceled it.
  canceled: 'failed',
};

/** Maps one A2A push notification onto the task it belongs to, like a task_update callback. */
@Injectable()
export class A2aPushApplier {
  constructor(
    private readonly tasks: TasksService,
    private readonly messages: MessagesService,
  ) {}

  async apply(
    id: string,
    p: A2aPushEvent,
    trx: Db,
    recordUsage: (u: UsageReport) => Promise<boolean>,
  ): Promise<ApplyOutcome> {
    const { update } = p;
    if (update.usage) await recordUsage(update.usage);
    const state = update.state;
    if (state === 'input-required' || state === 'auth-required') {
      // The agent asks the customer something: that is a message from the VE; the task keeps its state.
      if (!update.text || !p.veId)
        return { status: 'ignored', note: `${state} without a message or VE` };
      await this.messages.recordFromVe(
        p.customerId,
        { veId: p.veId, taskId: p.taskId, content: update.text, sourceEventId: `a2a:${id}` },
        trx,
      );
      return { status: 'applied', note: state };
    }
    const status = state ? STATE_TO_UPDATE[state] : undefined;
    if (!status)
      return {
        status: 'ignored',
        note: state ? `A2A state ${state} has no task mapping` : 'no task state in this update',
      };
    const agentUpdate: AgentTaskUpdate = { status, source: 'push', eventId: id };
    if (status === 'completed')
      agentUpdate.result = {
        text: update.text ?? '',
        ...(update.artifacts ? { artifacts: update.artifacts } : {}),
      };
    if (status === 'failed') {
      const why = update.text ?? `the agent reported ${state}`;
      agentUpdate.error = state === 'canceled' ? `canceled by the agent: ${why}` : why;
    }
    const { applied, task } = await this.tasks.applyAgentUpdate(
      p.customerId,
      p.taskId,
      agentUpdate,
      trx,
    );
    return applied
      ? { status: 'applied' }
      : { status: 'ignored', note: `task is already ${task.status}` };
  }
}
