import { Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { runInJobTrace } from '../common/trace';
import { AppConfig } from '../config/app-config';
import { QUEUES } from '../queue/queue.constants';
import { TaskRunner } from './task-runner.service';
import type { TaskJobData, TaskJobResult } from './tasks.types';

/** Consumes the `tasks` queue (RUN_MODE=all|worker): parses the job, the TaskRunner does the rest. */
@Processor(QUEUES.tasks)
export class TaskProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  constructor(
    private readonly runner: TaskRunner,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.get('TASKS_CONCURRENCY');
  }

  /**
   * Graceful shutdown: stop taking jobs and wait for the running ones before the database and
   * Redis clients close (they close in onApplicationShutdown). A job that outlives
   * SHUTDOWN_GRACE_MS is re-run by BullMQ's stalled-job check on another worker.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  async process(
    job: Job<TaskJobData>,
    token?: string,
    signal?: AbortSignal,
  ): Promise<TaskJobResult> {
    return runInJobTrace(job, () => this.runner.run(job, token, signal));
  }
}
