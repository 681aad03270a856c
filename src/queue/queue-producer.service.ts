import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { QUEUES, QueueName } from './queue.constants';

/**
 * Gives services the queues by name. Each is an OutageSafeQueue: a Redis outage is logged,
 * never an unhandled 'error' event.
 */
@Injectable()
export class QueueProducerService {
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

  queue(name: QueueName): Queue {
    return this.byName[name];
  }

  all(): Queue[] {
    return Object.values(this.byName);
  }
}
