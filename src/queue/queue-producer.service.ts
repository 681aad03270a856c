import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { QUEUES, QueueName } from './queue.constants';

/**
 * Gives services the queues by name, and attaches an error listener to each so a Redis
 * outage is logged, never an unhandled 'error' event.
 */
@Injectable()
export class QueueProducerService implements OnModuleInit {
  private readonly logger = new Logger('Queues');
  private readonly byName: Record<QueueName, Queue>;

  constructor(
    @InjectQueue(QUEUES.tasks) tasks: Queue,
    @InjectQueue(QUEUES.webhooks) webhooks: Queue,
    @InjectQueue(QUEUES.messages) messages: Queue,
    @InjectQueue(QUEUES.deployments) deployments: Queue,
    @InjectQueue(QUEUES.monitoring) monitoring: Queue,
    @InjectQueue(QUEUES.outbound) outbound: Queue,
  ) {
    this.byName = {
      [QUEUES.tasks]: tasks,
      [QUEUES.webhooks]: webhooks,
      [QUEUES.messages]: messages,
      [QUEUES.deployments]: deployments,
      [QUEUES.monitoring]: monitoring,
      [QUEUES.outbound]: outbound,
    };
  }

  onModuleInit(): void {
    let last = 0;
    for (const queue of Object.values(this.byName)) {
      queue.on('error', (err) => {
        // One line per 10 s is enough to see an outage without flooding the logs.
        if (Date.now() - last > 10_000) {
          last = Date.now();
          this.logger.warn(`queue ${queue.name}: ${err.message}`);
        }
      });
      this.closeQuietlyWhileRedisIsDown(queue);
    }
  }

  /**
   * @nestjs/bullmq closes each queue in its own onApplicationShutdown; while Redis is down the QUIT
   * fails (no offline queue) and Nest logs a stack per queue. A pod stopped during an outage
   * should say so once per queue, not look like a crash.
   */
  private closeQuietlyWhileRedisIsDown(queue: Queue): void {
    const hooked = queue as Queue & { onApplicationShutdown?: (signal?: string) => Promise<void> };
    const close = hooked.onApplicationShutdown?.bind(queue);
    if (!close) return;
    hooked.onApplicationShutdown = async (signal?: string) => {
      try {
        await close(signal);
      } catch (err) {
        this.logger.warn(`queue ${queue.name} closed without Redis: ${(err as Error).message}`);
      }
    };
  }

  queue(name: QueueName): Queue {
    return this.byName[name];
  }

  all(): Queue[] {
    return Object.values(this.byName);
  }
}
