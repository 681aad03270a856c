import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { setTimeout as delay } from 'node:timers/promises';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';
import type { DomainEvent } from './domain-events';
import { EVENT_HISTORY, EventsService } from './events.service';

/** A delivered stream entry: the stream id (SSE `id:`) and the event. */
export type StreamListener = (id: string, event: DomainEvent) => void;

interface TrackedStream {
  /** The last entry id read; the next XREAD asks for what follows it. */
  lastId: string;
  listeners: Set<StreamListener>;
}

/** How long one XREAD blocks; new subscriptions interrupt it with CLIENT UNBLOCK. */
const BLOCK_MS = 5_000;
const READ_BATCH = 500;

/**
 * Reads the customers' event streams for the live clients of this process: ONE blocking
 * connection and one XREAD BLOCK loop over the streams of every customer with a connected
 * client, however many clients there are. Because it reads Redis (not in-process memory), an
 * event published by any replica reaches the clients of every replica.
 */
@Injectable()
export class EventStreamReader implements OnModuleDestroy {
  private readonly logger = new Logger(EventStreamReader.name);
  private readonly streams = new Map<string, TrackedStream>();
  private conn?: Redis;
  private connId?: number;
  private loop?: Promise<void>;
  private stopped = false;
  /** Bumped when the set of streams changes; `observed` is the set the running XREAD reads. */
  private generation = 0;
  private observed = 0;
  private wakeLoop?: () => void;
  private lastError = 0;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly events: EventsService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Delivers every event of the customer appended from now on to the listener. Resolves once
   * the subscription is in place: anything published after that is delivered.
   */
  async subscribe(customerId: string, listener: StreamListener): Promise<() => void> {
    let stream = this.streams.get(customerId);
    if (!stream) {
      const lastId = await this.lastIdOf(customerId);
      stream = this.streams.get(customerId);
      if (!stream) {
        stream = { lastId, listeners: new Set() };
        this.streams.set(customerId, stream);
        this.generation++;
      }
    }
    stream.listeners.add(listener);
    this.start();
    await this.wake();
    const tracked = stream;
    return () => {
      tracked.listeners.delete(listener);
      if (tracked.listeners.size === 0 && this.streams.get(customerId) === tracked) {
        this.streams.delete(customerId);
        this.generation++;
      }
    };
  }

  /** The retained events after `afterId` (bounded by the stream's cap), oldest first. */
  async history(customerId: string, afterId: string): Promise<Array<[string, DomainEvent]>> {
    const entries = await this.redis.xrange(
      this.events.streamKey(customerId),
      `(${afterId}`,
      '+',
      'COUNT',
      EVENT_HISTORY,
    );
    return entries.flatMap(([id, fields]) => {
      const event = parseEntry(fields);
      return event ? [[id, event] as [string, DomainEvent]] : [];
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.wakeLoop?.();
    this.conn?.disconnect();
    await this.loop;
  }

  private async lastIdOf(customerId: string): Promise<string> {
    const [last] = await this.redis.xrevrange(
      this.events.streamKey(customerId),
      '+',
      '-',
      'COUNT',
      1,
    );
    return last ? last[0] : '0-0';
  }

  private start(): void {
    if (this.loop || this.stopped) return;
    // A dedicated connection: a blocked XREAD would stall every other command on a shared one.
    this.conn = new Redis(this.config.get('REDIS_URL'), {
      connectionName: 've-events-reader',
      maxRetriesPerRequest: null,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    this.conn.on('error', () => undefined); // reconnects on its own; the loop logs failed reads
    this.conn.on('ready', () => (this.connId = undefined)); // a new connection has a new CLIENT ID
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const conn = this.conn!;
    while (!this.stopped) {
      if (this.streams.size === 0) {
        await new Promise<void>((resolve) => (this.wakeLoop = resolve));
        continue;
      }
      try {
        this.connId ??= Number(await conn.client('ID'));
        const customers = [...this.streams.keys()];
        const keys = customers.map((c) => this.events.streamKey(c));
        const ids = customers.map((c) => this.streams.get(c)!.lastId);
        this.observed = this.generation;
        const res = await conn.xread(
          'COUNT',
          READ_BATCH,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          ...keys,
          ...ids,
        );
        if (res) this.dispatch(customers, keys, res);
      } catch (err) {
        if (this.stopped) break;
        if (Date.now() - this.lastError > 10_000) {
          this.lastError = Date.now();
          this.logger.warn({ err }, 'reading event streams failed; retrying');
        }
        await delay(500);
      }
    }
  }

  private dispatch(
    customers: string[],
    keys: string[],
    res: Array<[string, Array<[string, string[]]>]>,
  ): void {
    for (const [key, entries] of res) {
      const customerId = customers[keys.indexOf(key)];
      const stream = customerId === undefined ? undefined : this.streams.get(customerId);
      if (!stream) continue;
      for (const [id, fields] of entries) {
        stream.lastId = id;
        const event = parseEntry(fields);
        // The key names the customer; the check keeps a malformed entry from crossing tenants.
        if (!event || event.customerId !== customerId) continue;
        for (const listener of stream.listeners) listener(id, event);
      }
    }
  }

  /**
   * Makes the loop read the current set of streams now: a running XREAD is interrupted with
   * CLIENT UNBLOCK. When the loop is between reads (UNBLOCK finds nothing blocked), it picks
   * the new set up by itself; retried briefly in case the XREAD was still on its way.
   */
  private async wake(): Promise<void> {
    this.wakeLoop?.();
    this.wakeLoop = undefined;
    for (let i = 0; i < 40 && this.observed < this.generation && !this.stopped; i++) {
      if (this.connId !== undefined) {
        const unblocked = await this.redis.client('UNBLOCK', this.connId).catch(() => 0);
        if (Number(unblocked) === 1) return;
      }
      await delay(25);
    }
  }
}

function parseEntry(fields: string[]): DomainEvent | undefined {
  const at = fields.indexOf('event');
  if (at < 0 || at % 2 !== 0) return undefined;
  try {
    return JSON.parse(fields[at + 1]!) as DomainEvent;
  } catch {
    return undefined;
  }
}
