import { Inject, Injectable, Logger } from '@nestjs/common';
import { BillingService } from '../billing/billing.service';
import type { UsageEvent } from '../billing/billing.types';
import type { Db } from '../common/db-types';
import { KYSELY } from '../database';
import { EventsService } from '../events/events.service';
import { GatewayService } from '../gateway/gateway.service';
import type { InvokeOutcome } from '../gateway/gateway.types';
import { VesService } from '../ves/ves.service';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';

export type DeliveryResult = 'delivered' | 'replied' | 'failed' | 'skipped';

/**
 * Delivers a customer's message to its VE over A2A: the task id (or, without a task, the message
 * id) is the A2A context; a synchronous answer is stored as the VE's reply, keyed
 * `reply:<messageId>` so a retried job never stores it twice.
 */
@Injectable()
export class MessageDeliveryService {
  private readonly logger = new Logger(MessageDeliveryService.name);

  constructor(
    @Inject(KYSELY) private readonly db: Db,
    private readonly repo: MessagesRepository,
    private readonly messages: MessagesService,
    private readonly ves: VesService,
    private readonly gateway: GatewayService,
    private readonly events: EventsService,
    private readonly billing: BillingService,
  ) {}

  /** Throws when the agent is unreachable (the job retries); a refusal by the agent is final. */
  async deliver(customerId: string, messageId: string, traceId?: string): Promise<DeliveryResult> {
    const row = await this.repo.find(customerId, messageId);
    if (!row || row.direction !== 'to_ve' || row.status === 'delivered') return 'skipped';
    const ve = await this.ves.get(customerId, row.ve_id);
    // Without a task, the message id ties the A2A context together but names no platform task.
    const outcome = await this.gateway.invokeAgent(customerId, ve, {
      taskId: row.task_id ?? row.id,
      taskless: !row.task_id,
      text: row.content,
      traceId,
    });
    const reply = replyText(outcome);
    if (outcome.kind === 'failed') {
      this.logger.warn(
        { messageId, reason: outcome.reason, a2aState: outcome.a2aState },
        'agent refused the message',
      );
      await this.withUsage(outcome.unrecordedUsage, (trx) =>
        this.messages.setDeliveryStatus(customerId, messageId, 'failed', trx),
      );
      return 'failed';
    }
    await this.withUsage(outcome.unrecordedUsage, async (trx) => {
      if (reply) {
        await this.messages.recordFromVe(
          customerId,
          {
            veId: row.ve_id,
            taskId: row.task_id,
            content: reply,
            sourceEventId: `reply:${messageId}`,
          },
          trx,
        );
      }
      await this.messages.setDeliveryStatus(customerId, messageId, 'delivered', trx);
    });
    return reply ? 'replied' : 'delivered';
  }

  /**
   * Runs the delivery's writes in one transaction with the usage the gateway could not bill
   * (Postgres was unavailable a moment ago), as the tasks' outcomes do: both or neither, so a
   * delivery that dies here is retried and billed once (recordUsage is idempotent by
   * sourceEventId), and none is lost.
   */
  private withUsage(unrecorded: UsageEvent[] | undefined, fn: (trx: Db) => Promise<void>) {
    return this.events.transaction(this.db, async (trx) => {
      for (const event of unrecorded ?? []) await this.billing.recordUsage(event, trx);
      await fn(trx);
    });
  }

  /** After the last attempt: the message is failed, the reason logged. */
  async giveUp(customerId: string, messageId: string, reason: string): Promise<void> {
    this.logger.warn({ messageId, reason }, 'message not delivered after every attempt');
    await this.messages.setDeliveryStatus(customerId, messageId, 'failed');
  }
}

/** The agent's answer, when it gave one synchronously ('working' answers later, by callback). */
function replyText(outcome: InvokeOutcome): string | null {
  if (outcome.kind === 'completed') return outcome.text.trim() ? outcome.text : null;
  if (outcome.kind === 'input-required') return outcome.message.trim() ? outcome.message : null;
  return null;
}
