import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Db } from '../common/db-types';
import { NotFoundError, ServiceUnavailableError } from '../common/domain-errors';
import { decodeCursor, Page, toPage } from '../common/pagination';
import { TraceContext } from '../common/trace';
import { KYSELY } from '../database';
import type { MessageRow } from '../database/database.types';
import { EventsService } from '../events/events.service';
import { MESSAGE_JOBS, QUEUES, type DeliverMessageJob } from '../queue/queue.constants';
import { QueueProducerService } from '../queue/queue-producer.service';
import { TasksService } from '../tasks/tasks.service';
import { VesService } from '../ves/ves.service';
import { MessagesRepository } from './messages.repository';
import type { Message, MessageFilter, NewVeMessage } from './messages.types';

export type { Message } from './messages.types';

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    customerId: row.customer_id,
    veId: row.ve_id,
    taskId: row.task_id,
    direction: row.direction,
    content: row.content,
    status: row.status,
    readAt: row.read_at ? row.read_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * Conversations between a customer and its VEs. Customer messages are stored `queued` and
 * delivered by a `messages` job (MessageDeliveryService); VE messages arrive through
 * recordFromVe (callbacks, A2A replies), once per source event. Used by webhooks and tasks.
 */
@Injectable()
export class MessagesService {
  private readonly logger = new Logger(MessagesService.name);

  constructor(
    @Inject(KYSELY) private readonly db: Db,
    private readonly repo: MessagesRepository,
    private readonly ves: VesService,
    private readonly events: EventsService,
    private readonly queues: QueueProducerService,
    private readonly moduleRef: ModuleRef,
  ) {}

  async list(
    customerId: string,
    filter: MessageFilter,
    limit: number,
    cursor?: string,
  ): Promise<Page<Message>> {
    const rows = await this.repo.list(customerId, filter, limit, decodeCursor(cursor));
    return toPage(rows, limit, toMessage);
  }

  async get(customerId: string, id: string, db?: Db): Promise<Message> {
    const row = await this.repo.find(customerId, id, db);
    if (!row) throw new NotFoundError('Message', id);
    return toMessage(row);
  }

  /** Stores a customer → VE message (`queued`) and enqueues its delivery; another customer's VE or task is 404. */
  async send(
    customerId: string,
    input: { veId: string; content: string; taskId?: string },
  ): Promise<Message> {
    await this.checkRefs(customerId, input.veId, input.taskId);
    const row = await this.repo.insert({
      customerId,
      veId: input.veId,
      taskId: input.taskId ?? null,
      direction: 'to_ve',
      content: input.content,
      status: 'queued',
      sourceEventId: null,
    });
    const message = toMessage(row!);
    const job: DeliverMessageJob = {
      customerId,
      messageId: message.id,
      traceId: TraceContext.current(),
    };
    try {
      await this.queues
        .queue(QUEUES.messages)
        .add(MESSAGE_JOBS.deliver, job, { jobId: message.id });
    } catch (err) {
      // No reconciler watches messages: a message that cannot be queued is failed, not left hanging.
      await this.repo.setStatus(customerId, message.id, 'failed', ['queued']);
      this.logger.warn({ err, messageId: message.id }, 'message not queued');
      throw new ServiceUnavailableError('The message could not be queued for delivery; try again', {
        cause: err,
      });
    }
    await this.events.publish(createdEvent(message));
    return message;
  }

  /** Sets readAt the first time; reading again keeps the first time. */
  async markRead(customerId: string, id: string): Promise<Message> {
    const row = await this.repo.markRead(customerId, id);
    if (!row) return this.get(customerId, id);
    const message = toMessage(row);
    await this.events.publish(updatedEvent(message));
    return message;
  }

  /** Moves a `to_ve` message to delivered/failed (from queued, or failed → delivered on a late success). */
  async setDeliveryStatus(
    customerId: string,
    id: string,
    status: 'delivered' | 'failed',
    db?: Db,
  ): Promise<void> {
    const from: MessageRow['status'][] = status === 'delivered' ? ['queued', 'failed'] : ['queued'];
    const row = await this.repo.setStatus(customerId, id, status, from, db);
    if (row) await this.events.publishAfterCommit(db, updatedEvent(toMessage(row)));
  }

  /**
   * Stores a message from a VE once per sourceEventId; emits message.created after commit.
   * Joining a caller's transaction (`db`), that transaction must be opened with
   * EventsService.transaction(db, fn) so the event waits for its commit.
   */
  async recordFromVe(
    customerId: string,
    msg: NewVeMessage,
    db?: Db,
  ): Promise<{ message: Message; created: boolean }> {
    const conn = db ?? this.db;
    await this.checkRefs(customerId, msg.veId, msg.taskId ?? undefined, conn);
    const row = await this.repo.insert(
      {
        customerId,
        veId: msg.veId,
        taskId: msg.taskId ?? null,
        direction: 'from_ve',
        content: msg.content,
        status: 'stored',
        sourceEventId: msg.sourceEventId ?? null,
      },
      conn,
    );
    if (!row) {
      const existing = await this.repo.findBySourceEvent(customerId, msg.sourceEventId!, conn);
      return { message: toMessage(existing!), created: false };
    }
    const message = toMessage(row);
    await this.events.publishAfterCommit(db, createdEvent(message));
    return { message, created: true };
  }

  private async checkRefs(
    customerId: string,
    veId: string,
    taskId: string | undefined,
    db?: Db,
  ): Promise<void> {
    await this.ves.get(customerId, veId, db);
    // TasksModule imports this module, so the tasks contract is looked up, not injected.
    if (taskId)
      await this.moduleRef.get(TasksService, { strict: false }).get(customerId, taskId, db);
  }
}

function createdEvent(m: Message) {
  return {
    type: 'message.created' as const,
    customerId: m.customerId,
    messageId: m.id,
    veId: m.veId,
    ...(m.taskId ? { taskId: m.taskId } : {}),
    data: { direction: m.direction, status: m.status },
  };
}

function updatedEvent(m: Message) {
  return {
    type: 'message.updated' as const,
    customerId: m.customerId,
    messageId: m.id,
    veId: m.veId,
    ...(m.taskId ? { taskId: m.taskId } : {}),
    data: { status: m.status, readAt: m.readAt },
  };
}
