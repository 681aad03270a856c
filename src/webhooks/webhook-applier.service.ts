import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { BillingService } from '../billing/billing.service';
import type { Db } from '../common/db-types';
import { DomainError, UnprocessableError } from '../common/domain-errors';
import { KYSELY } from '../database';
import type { Database } from '../database/database.types';
import { EventsService } from '../events/events.service';
import { MessagesService } from '../messages/messages.service';
import { TasksService } from '../tasks/tasks.service';
import { FINAL_TASK_STATES, type AgentTaskUpdate } from '../tasks/tasks.types';
import { VesService } from '../ves/ves.service';
import { A2aPushApplier } from './a2a/a2a-push.applier';
import { WebhookEventsRepository } from './webhook-events.repository';
import {
  usageEventId,
  type AgentCallback,
  type StoredWebhookPayload,
  type UsageReport,
} from './webhooks.types';

export interface ApplyOutcome {
  status: 'applied' | 'ignored' | 'failed';
  note?: string;
}

/**
 * Applies an accepted webhook exactly once: the event row is locked while 'accepted', every effect
 * runs in that one transaction (opened through EventsService, so the domain events the services
 * queue in it are published after the commit), and the row is marked applied/ignored in it too, so a job run twice
 * (retry, stalled job, the sweeper) finds nothing left to do. A client-caused error (the task went
 * away, an illegal transition) ends the event as failed/ignored instead of retrying forever; its
 * token usage is still recorded, because spent tokens are owed whatever happened to the task.
 */
@Injectable()
export class WebhookApplier {
  private readonly logger = new Logger(WebhookApplier.name);

  constructor(
    @Inject(KYSELY) private readonly db: Kysely<Database>,
    private readonly events: WebhookEventsRepository,
    private readonly tasks: TasksService,
    private readonly messages: MessagesService,
    private readonly ves: VesService,
    private readonly billing: BillingService,
    private readonly a2a: A2aPushApplier,
    private readonly domainEvents: EventsService,
  ) {}

  /** Returns undefined when the event was already finished (or never accepted). */
  async apply(id: string): Promise<ApplyOutcome | undefined> {
    try {
      return await this.domainEvents.transaction(this.db, async (trx) => {
        const row = await this.events.lockAccepted(id, trx);
        if (!row) return undefined;
        const outcome = await this.applyPayload(id, row.payload, trx);
        await this.events.finish(id, outcome.status, outcome.note ?? null, trx);
        return outcome;
      });
    } catch (err) {
      if (!isClientError(err)) throw err;
      return this.finishRefused(id, err);
    }
  }

  /** Gives up on an event after its last attempt (transient errors that never cleared). */
  async markFailed(id: string, reason: string): Promise<void> {
    await this.events.finish(id, 'failed', reason);
  }

  private async finishRefused(id: string, err: DomainError): Promise<ApplyOutcome | undefined> {
    // A conflict is an out-of-order or late report (the task moved on): expected, so ignored.
    const status = err.status === 409 ? 'ignored' : 'failed';
    try {
      return await this.domainEvents.transaction(this.db, async (trx) => {
        const row = await this.events.lockAccepted(id, trx);
        if (!row) return undefined;
        const usage = usageOf(row.payload);
        if (usage && row.payload.eventType !== 'token_usage')
          await this.recordUsage(id, row.payload, usage, trx);
        await this.events.finish(id, status, err.message, trx);
        return { status, note: err.message };
      });
    } catch (second) {
      if (!isClientError(second)) throw second;
      await this.events.finish(id, 'failed', `${err.message}; usage: ${second.message}`);
      return { status: 'failed', note: second.message };
    }
  }

  private async applyPayload(id: string, p: StoredWebhookPayload, trx: Db): Promise<ApplyOutcome> {
    if (p.eventType === 'a2a_push') {
      return this.a2a.apply(id, p, trx, (usage) => this.recordUsage(id, p, usage, trx));
    }
    if (p.usage && p.eventType !== 'token_usage') await this.recordUsage(id, p, p.usage, trx);
    switch (p.eventType) {
      case 'task_update':
        return this.taskUpdate(id, p, trx);
      case 'message_send': {
        const { created } = await this.messages.recordFromVe(
          p.customerId,
          {
            veId: p.veId!,
            taskId: p.taskId ?? null,
            content: p.message!,
            sourceEventId: `wh:${id}`,
          },
          trx,
        );
        return created
          ? { status: 'applied' }
          : { status: 'ignored', note: 'message already recorded' };
      }
      case 'agent_status': {
        const reason = p.error ?? p.message ?? null;
        const changed = await this.ves.setStatus(
          p.customerId,
          p.veId!,
          { status: p.status as never, reason },
          trx,
        );
        return changed ? { status: 'applied' } : { status: 'applied', note: 'status unchanged' };
      }
      case 'delegation':
        return this.delegation(id, p, trx);
      case 'error': {
        const task = await this.tasks.get(p.customerId, p.taskId!, trx);
        if (FINAL_TASK_STATES.includes(task.status)) return finalTask(task.status);
        await this.tasks.recordAgentError(p.customerId, p.taskId!, p.error!, id, trx);
        return { status: 'applied' };
      }
      case 'token_usage': {
        const recorded = await this.recordUsage(id, p, p.usage!, trx);
        return recorded
          ? { status: 'applied' }
          : { status: 'ignored', note: 'usage already counted' };
      }
    }
  }

  private async taskUpdate(id: string, p: AgentCallback, trx: Db): Promise<ApplyOutcome> {
    const update: AgentTaskUpdate = {
      status: p.status as AgentTaskUpdate['status'],
      source: 'callback',
      eventId: id,
    };
    if (p.result !== undefined) update.result = p.result;
    if (p.error !== undefined) update.error = p.error;
    const { applied, task } = await this.tasks.applyAgentUpdate(
      p.customerId,
      p.taskId!,
      update,
      trx,
    );
    return applied ? { status: 'applied' } : finalTask(task.status);
  }

  private async delegation(id: string, p: AgentCallback, trx: Db): Promise<ApplyOutcome> {
    const parent = await this.tasks.get(p.customerId, p.taskId!, trx);
    if (FINAL_TASK_STATES.includes(parent.status)) return finalTask(parent.status);
    const fromVeId = p.veId ?? parent.veId;
    if (!fromVeId)
      throw new UnprocessableError(
        `Task ${parent.id} has no VE to delegate from: name veId in the callback`,
      );
    const d = p.delegation!;
    await this.tasks.delegate(
      p.customerId,
      {
        parentTaskId: parent.id,
        fromVeId,
        toVeId: d.toVeId,
        toAgent: d.toAgent,
        title: d.title,
        description: d.description,
        eventId: id,
      },
      trx,
    );
    return { status: 'applied' };
  }

  /** Bills usage once per source event id; an agent-supplied usage id wins over the webhook-id. */
  private async recordUsage(
    id: string,
    p: StoredWebhookPayload,
    usage: UsageReport,
    trx: Db,
  ): Promise<boolean> {
    const veId = p.veId ?? null;
    let model = usage.model;
    // kagent's usage metadata names no model: bill it at the VE's model.
    if (!model && veId) model = (await this.ves.get(p.customerId, veId, trx)).model;
    const { recorded } = await this.billing.recordUsage(
      {
        customerId: p.customerId,
        veId,
        taskId: p.taskId ?? null,
        model: model || 'unknown',
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        source:
          p.eventType === 'a2a_push'
            ? 'a2a_push'
            : p.eventType === 'token_usage'
              ? 'token_usage'
              : 'callback',
        sourceEventId: usageEventId(id, usage),
        occurredAt: 'occurredAt' in p && p.occurredAt ? new Date(p.occurredAt) : undefined,
      },
      trx,
    );
    if (!recorded) this.logger.debug({ id }, 'usage already counted');
    return recorded;
  }
}

function usageOf(p: StoredWebhookPayload): UsageReport | undefined {
  return p.eventType === 'a2a_push' ? p.update.usage : p.usage;
}

function finalTask(status: string): ApplyOutcome {
  return { status: 'ignored', note: `task is already ${status}` };
}

/** 4xx domain errors: the event itself cannot be applied; retrying will not help. */
function isClientError(err: unknown): err is DomainError {
  return err instanceof DomainError && err.status >= 400 && err.status < 500;
}
