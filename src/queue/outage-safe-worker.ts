import { Logger } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import type { RedisClient } from 'bullmq';
import { setTimeout as delay } from 'node:timers/promises';

/** How often a graceful close checks that Redis is still there. */
const WATCH_MS = 250;
/** A client that has not even resolved within this long is not usable for a graceful close. */
const CLIENT_WAIT_MS = 500;

/**
 * The Worker class @nestjs/bullmq instantiates for every processor (BullModule.workerClass).
 *
 * bullmq 6.7's graceful `close()` never resolves while Redis is unreachable
 * (taskforcesh/bullmq#4656): it interrupts the blocking BZPOPMIN with `disconnect(true)`,
 * which waits for an ioredis 'end' event that a client parked in `reconnecting` never emits.
 * A SIGTERM during an outage then hangs until the shutdown deadline kills the process.
 *
 * Here a close is graceful (waits for the running jobs and records their outcome in Redis)
 * only while Redis answers. Without Redis, nothing could be recorded anyway: the worker stops
 * fetching, drops its connections without QUIT, and lets the running processors finish their
 * database work; their jobs stay `active` in Redis and BullMQ's stalled-job check re-runs them
 * once Redis is back (the processors are idempotent against the database). If Redis goes away
 * while a graceful close is waiting, the close switches to the same path instead of hanging.
 */
export class OutageSafeWorker<D = unknown, R = unknown, N extends string = string> extends Worker<
  D,
  R,
  N
> {
  private readonly shutdownLogger = new Logger('Workers');
  /** Processor calls in progress (not the Redis bookkeeping around them). */
  private readonly processing = new Set<Promise<void>>();
  private closingSafely?: Promise<void>;

  protected override callProcessJob(job: Job<D, R, N>, token: string, signal?: AbortSignal) {
    const result = super.callProcessJob(job, token, signal);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.processing.add(settled);
    void settled.then(() => this.processing.delete(settled));
    return result;
  }

  override close(force = false): Promise<void> {
    this.closingSafely ??= this.closeSafely(force);
    return this.closingSafely;
  }

  private async closeSafely(force: boolean): Promise<void> {
    if (force) return super.close(true);
    if (!(await this.redisUsable())) {
      this.shutdownLogger.warn(
        `worker ${this.name}: closing without Redis; running jobs are re-run by the stalled-job check`,
      );
      return this.closeWithoutRedis();
    }
    const graceful = super.close(false);
    const lost = await Promise.race([
      graceful.then(() => false),
      this.untilRedisLost(graceful).then(() => true),
    ]);
    if (!lost) return;
    this.shutdownLogger.warn(
      `worker ${this.name}: Redis went away during a graceful close; running jobs are re-run by the stalled-job check`,
    );
    // The graceful close cannot finish without Redis; it is left behind (the process is exiting).
    graceful.catch(() => undefined);
    await this.dropConnections();
    await Promise.all(this.processing);
  }

  /** Force close first (no fetching, no QUIT, no lock renewal), so a processor's Redis calls fail fast. */
  private async closeWithoutRedis(): Promise<void> {
    await super.close(true);
    await Promise.all(this.processing);
  }

  /** Both connections can take commands (a blocking client parked in `reconnecting` is what hangs). */
  private async redisUsable(): Promise<boolean> {
    const [main, blocking] = await Promise.all([
      clientWithin(this.backend.client),
      clientWithin(this.backend.blockingClient),
    ]);
    if (main?.status !== 'ready') return false;
    return !this.backend.blockingClient || (!!blocking && blocking.status !== 'reconnecting');
  }

  /** Resolves when Redis is gone while `closing` is pending (polling: ioredis has no event for "still down"). */
  private async untilRedisLost(closing: Promise<void>): Promise<void> {
    let done = false;
    void closing.then(
      () => (done = true),
      () => (done = true),
    );
    const [main, blocking] = await Promise.all([
      clientWithin(this.backend.client),
      clientWithin(this.backend.blockingClient),
    ]);
    for (;;) {
      await delay(WATCH_MS);
      if (done) return new Promise<void>(() => undefined); // closed normally: never "lost"
      if (isDown(main) || isDown(blocking)) return;
    }
  }

  /** Disconnects without waiting for Redis: pending commands fail at once instead of queueing. */
  private async dropConnections(): Promise<void> {
    const clients = await Promise.all([
      clientWithin(this.backend.client),
      clientWithin(this.backend.blockingClient),
    ]);
    for (const client of clients) client?.disconnect();
  }
}

function isDown(client: RedisClient | undefined): boolean {
  return client?.status === 'reconnecting' || client?.status === 'connecting';
}

/** The raw client, or undefined when its connection never got initialised (Redis down since boot). */
async function clientWithin(
  client: Promise<RedisClient> | undefined,
): Promise<RedisClient | undefined> {
  if (!client) return undefined;
  return Promise.race([
    client.catch(() => undefined),
    delay(CLIENT_WAIT_MS).then(() => undefined),
  ]);
}
