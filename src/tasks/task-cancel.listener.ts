import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { TaskProcessor } from './task.processor';
import { TaskQueue } from './task-queue.service';

/**
 * Cancel signals for running tasks, in every process that runs the tasks worker: a cancel
 * anywhere publishes the task id; the worker holding that job aborts it (BullMQ cancelJob →
 * the AbortSignal passed to the gateway call). Workers not holding it ignore the message.
 */
@Injectable()
export class TaskCancelListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TaskCancelListener.name);
  private subscriber?: Redis;

  constructor(
    private readonly processor: TaskProcessor,
    private readonly taskQueue: TaskQueue,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // A connection of its own: a subscribed client can do nothing else. ioredis resubscribes after a reconnect.
    const sub = new Redis(this.config.get('REDIS_URL'), {
      connectionName: 've-task-cancel',
      maxRetriesPerRequest: null,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    sub.on('error', () => undefined); // reconnects on its own; the worker's own listener reports outages
    sub.on('message', (_channel: string, taskId: string) => {
      if (this.processor.worker.cancelJob(taskId, 'cancelled'))
        this.logger.log({ taskId }, 'running task aborted: cancelled');
    });
    sub.subscribe(this.taskQueue.cancelChannel).catch((err: unknown) => {
      this.logger.warn({ err }, 'cancel signals not subscribed; running tasks end on their own');
    });
    this.subscriber = sub;
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }
}
