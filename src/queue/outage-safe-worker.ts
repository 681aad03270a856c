import { Logger } from '@nestjs/common';
import { Worker } from 'bullmq';
import type { ConnectionOptions, Processor, WorkerOptions } from 'bullmq';
import type Redis from 'ioredis';
import { rawRedisClients, stopReconnecting } from './redis-clients';

/** How often a closing worker looks at its connections. */
const WATCH_MS = 200;
/** One warning per worker per window is enough to see an outage without flooding the logs. */
export const WORKER_ERROR_LOG_WINDOW_MS = 10_000;

/**
 * The Worker class @nestjs/bullmq instantiates for every processor (BullModule.workerClass).
 *
 * bullmq 6.7's `close()` never resolves while Redis is unreachable (taskforcesh/bullmq#4656):
 * it interrupts the blocking BZPOPMIN with `disconnect(true)`, which waits for an ioredis 'end'
 * event that a client parked in `reconnecting` never emits, and the running jobs' final
 * writes wait in the offline queue for a Redis that may never return. A SIGTERM during an
 * outage then hangs until the shutdown deadline kills the process.
 *
 * So while a worker closes, a connection found reconnecting is told to give up (its retry
 * strategy returns null): its next failed attempt ends it, which emits 'end' and fails the
 * commands queued for Redis (one left with no next attempt gets one). The close then runs its normal course: it still waits for the
 * running processors, and with Redis up it stays fully graceful. A job whose outcome could not
 * be written stays `active` in Redis; BullMQ's stalled-job check re-runs it once Redis is back,
 * and the processors are idempotent against the database.
 *
 * It also has an 'error' listener from its first moment (processors need not remember one):
 * without it, BullMQ prints each failed reconnect to stderr while Redis is down, including
 * during a boot with Redis down, before any init hook could add one. With it, an outage is a
 * warning every 10 s and the worker resumes on its own when Redis returns.
 */
export class OutageSafeWorker<D = unknown, R = unknown, N extends string = string> extends Worker<
  D,
  R,
  N
> {
  private readonly logger = new Logger('Workers');
  private closingSafely?: Promise<void>;
  private gaveUp = false;
  private readonly kicked = new Set<Redis>();

  constructor(
    name: string,
    processor: string | URL | null | Processor<D, R, N> | undefined,
    opts: WorkerOptions,
  ) {
    super(name, processor, { ...opts, connection: keepRetrying(opts.connection) });
    let last = 0;
    this.on('error', (err: Error) => {
      if (Date.now() - last < WORKER_ERROR_LOG_WINDOW_MS) return;
      last = Date.now();
      this.logger.warn(`worker ${this.name}: ${err.message}`);
    });
  }

  override close(force = false): Promise<void> {
    this.closingSafely ??= this.closeGivingUpOnRedis(force);
    return this.closingSafely;
  }

  private async closeGivingUpOnRedis(force: boolean): Promise<void> {
    const closing = super.close(force);
    this.giveUpReconnecting();
    const watch = setInterval(() => this.giveUpReconnecting(), WATCH_MS);
    try {
      await closing;
    } finally {
      clearInterval(watch);
      rawRedisClients(this).forEach(stopReconnecting);
    }
  }

  /**
   * For each connection that cannot reach Redis: no more retries after the next failed
   * attempt. One that BullMQ disconnected while it was between attempts has no attempt left
   * and would never end (the hang of bullmq#4656): it gets its final attempt now.
   */
  private giveUpReconnecting(): void {
    for (const client of rawRedisClients(this)) {
      if (this.kicked.has(client) && client.status === 'ready') client.disconnect(); // Redis came back meanwhile
      if (client.status !== 'reconnecting' && client.status !== 'connecting') continue;
      client.options.retryStrategy = () => null;
      if (client.status === 'reconnecting' && !pendingReconnect(client)) {
        this.kicked.add(client);
        client.connect().catch(() => undefined); // fails at once while Redis is down: 'end'
      }
      if (this.gaveUp) continue;
      this.gaveUp = true;
      this.logger.warn(
        `worker ${this.name}: closing without Redis; jobs whose outcome was not recorded are re-run by the stalled-job check`,
      );
    }
  }
}

/** ioredis keeps the timer of its next attempt in a private field; none means no attempt will come. */
function pendingReconnect(client: Redis): boolean {
  return !!(client as unknown as { reconnectTimeout?: NodeJS.Timeout | null }).reconnectTimeout;
}

/**
 * @nestjs/bullmq hands workers their queue's connection options, which fail fast for producers
 * (maxRetriesPerRequest: 1, no offline queue). A worker's commands wait for Redis instead
 * (BullMQ's requirement). Without the offline queue, ioredis rejects a command synchronously
 * while Redis is down ("Stream isn't writeable"), which BullMQ does not take for a connection
 * error: its main loop then fetched again at once, for ever, in microtasks, starving the event
 * loop (100% CPU; no timer, request or signal handled) until Redis came back.
 */
function keepRetrying(connection: ConnectionOptions): ConnectionOptions {
  const isClient = typeof (connection as { duplicate?: unknown }).duplicate === 'function';
  return isClient
    ? connection
    : { ...connection, maxRetriesPerRequest: null, enableOfflineQueue: true };
}
