import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { rawRedisClients, stopReconnecting } from './redis-clients';

/** One warning per queue per window is enough to see an outage without flooding the logs. */
export const QUEUE_ERROR_LOG_WINDOW_MS = 10_000;

/**
 * The Queue class @nestjs/bullmq instantiates for every registered queue (BullModule.queueClass).
 *
 * - An 'error' listener from its first moment: without one, BullMQ prints a stack per failed
 *   reconnect, including while the app boots with Redis down, before any init hook ran.
 * - A close during a Redis outage says so once instead of failing: BullMQ's QUIT fails at once
 *   (no offline queue) and Nest would log a stack per queue for a pod merely stopped during an
 *   outage. The client that failed QUIT left reconnecting, its 'error' listener removed, is
 *   stopped (see stopReconnecting): it held the process open and printed
 *   "[ioredis] Unhandled error event" at each attempt.
 */
export class OutageSafeQueue extends Queue {
  private readonly logger = new Logger('Queues');

  constructor(...args: ConstructorParameters<typeof Queue>) {
    super(...args);
    let last = 0;
    this.on('error', (err: Error) => {
      if (Date.now() - last < QUEUE_ERROR_LOG_WINDOW_MS) return;
      last = Date.now();
      this.logger.warn(`queue ${this.name}: ${err.message}`);
    });
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } catch (err) {
      this.logger.warn(`queue ${this.name} closed without Redis: ${(err as Error).message}`);
    } finally {
      rawRedisClients(this).forEach(stopReconnecting);
    }
  }
}
