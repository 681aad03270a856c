import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Db } from '../common/db-types';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';
import type { DomainEvent, NewDomainEvent } from './domain-events';

/** How many events each customer's stream keeps for Last-Event-ID resumption. */
export const EVENT_HISTORY = 1_000;

/**
 * Publishes domain events once, through Redis, so every API replica can serve them:
 * each customer has a capped stream (history for SSE resume); subscribers read the streams.
 */
@Injectable()
export class EventsService {
  private readonly logger = new Logger(EventsService.name);
  private readonly prefix: string;
  private readonly listeners: Array<(event: DomainEvent) => Promise<void>> = [];
  /** Events waiting for the commit of a transaction opened by transaction(). */
  private readonly pending = new WeakMap<Db, NewDomainEvent[]>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.prefix = `${config.get('BULLMQ_PREFIX')}:events`;
  }

  streamKey(customerId: string): string {
    return `${this.prefix}:${customerId}`;
  }

  /** In-process reactions to every event published by this process (outbound webhooks, Realtime). */
  onPublished(listener: (event: DomainEvent) => Promise<void>): void {
    this.listeners.push(listener);
  }

  /** Returns the stream id of the event, or null when Redis is unavailable (logged, not thrown). */
  async publish(event: NewDomainEvent): Promise<string | null> {
    const full: DomainEvent = { ...event, at: event.at ?? new Date().toISOString() };
    for (const listener of this.listeners) {
      listener(full).catch((err: unknown) =>
        this.logger.warn({ err, type: full.type }, 'event listener failed'),
      );
    }
    try {
      return await this.redis.xadd(
        this.streamKey(full.customerId),
        'MAXLEN',
        '~',
        String(EVENT_HISTORY),
        '*',
        'event',
        JSON.stringify(full),
      );
    } catch (err) {
      // Events are notifications; the database already holds the change.
      this.logger.warn(
        { err, type: full.type, customerId: full.customerId },
        'event not published',
      );
      return null;
    }
  }

  async publishAll(events: NewDomainEvent[]): Promise<void> {
    await Promise.all(events.map((e) => this.publish(e)));
  }

  /**
   * Runs fn in a transaction and publishes the events queued in it (publishAfterCommit) once it
   * has committed; a rollback drops them. Given a transaction opened here, it joins it (the
   * outermost one publishes). A transaction opened elsewhere cannot be watched: refused.
   */
  async transaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
    if (db.isTransaction) {
      if (!this.pending.has(db)) throw foreignTransaction();
      return fn(db);
    }
    const queued: NewDomainEvent[] = [];
    const result = await db.transaction().execute(async (trx) => {
      this.pending.set(trx, queued);
      try {
        return await fn(trx);
      } finally {
        this.pending.delete(trx);
      }
    });
    await this.publishAll(queued);
    return result;
  }

  /** Publishes now outside a transaction; inside one opened by transaction(), after its commit. */
  async publishAfterCommit(db: Db | undefined, event: NewDomainEvent): Promise<void> {
    if (!db?.isTransaction) {
      await this.publish(event);
      return;
    }
    const queue = this.pending.get(db);
    if (!queue) throw foreignTransaction();
    queue.push({ ...event, at: event.at ?? new Date().toISOString() });
  }
}

function foreignTransaction(): Error {
  return new Error(
    'Domain events in a transaction need it opened with EventsService.transaction(db, fn), ' +
      'which publishes them after the commit (a plain db.transaction() gives no commit hook)',
  );
}
