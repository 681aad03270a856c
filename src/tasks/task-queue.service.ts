import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import type { TaskPriority, TaskRow } from '../database/database.types';
import { QUEUES } from '../queue/queue.constants';
import { QueueProducerService } from '../queue/queue-producer.service';
import { REDIS } from '../redis/redis.module';
import { fairPriorities } from './task-fairness';
import { WAITING_STATUSES } from './task-state-machine';
import { TasksRepository } from './tasks.repository';
import type { TaskJobData } from './tasks.types';

/** The job name on the `tasks` queue. */
export const TASK_JOB = 'run-task';
const FINISHED = new Set(['completed', 'failed']);

/**
 * The `tasks` queue as the task domain uses it: job id = task id (enqueueing twice is harmless),
 * a fair priority, retries with exponential backoff, and cancel signals to whichever worker
 * runs a task (Redis pub/sub, so it works across processes).
 */
@Injectable()
export class TaskQueue {
  private readonly logger = new Logger(TaskQueue.name);
  readonly queue: Queue<TaskJobData>;
  readonly cancelChannel: string;

  constructor(
    queues: QueueProducerService,
    private readonly repo: TasksRepository,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    this.queue = queues.queue(QUEUES.tasks) as Queue<TaskJobData>;
    this.cancelChannel = `${config.get('BULLMQ_PREFIX')}:tasks:cancel`;
  }

  jobOptions(taskId: string, priority: number, delay = 0): JobsOptions {
    return {
      jobId: taskId,
      priority,
      delay,
      attempts: this.config.get('TASK_MAX_ATTEMPTS'),
      backoff: { type: 'exponential', delay: this.config.get('TASK_RETRY_BACKOFF_MS') },
    };
  }

  /**
   * One addBulk for new tasks of one customer, prioritised fairly against the customer's backlog:
   * `ahead`, the backlog read when the rows were inserted (not counting them), or read now.
   */
  async enqueueNew(
    customerId: string,
    rows: TaskRow[],
    ahead?: Partial<Record<TaskPriority, number>>,
  ): Promise<void> {
    if (!rows.length) return;
    let backlog = ahead;
    if (!backlog) {
      backlog = await this.repo.backlogByPriority(customerId, WAITING_STATUSES);
      // The new rows are already stored (pending): they are not "ahead" of themselves.
      for (const row of rows) backlog[row.priority] = Math.max(0, (backlog[row.priority] ?? 0) - 1);
    }
    const priorities = fairPriorities(
      rows.map((r) => r.priority),
      backlog,
      this.config.get('TASK_FAIRNESS_TIER_SIZE'),
    );
    await this.queue.addBulk(
      rows.map((row, i) => ({
        name: TASK_JOB,
        data: jobData(row),
        opts: this.jobOptions(row.id, priorities[i]!),
      })),
    );
  }

  /**
   * Makes sure the task has a live job: a finished job left by an earlier run (kept for
   * inspection) is removed first, since its id would make the new add a no-op. Returns false
   * when a live job already exists.
   */
  async ensureEnqueued(row: TaskRow, delay = 0): Promise<boolean> {
    const existing = await this.queue.getJob(row.id);
    if (existing) {
      const state = await existing.getState();
      if (!FINISHED.has(state) && state !== 'unknown') return false;
      await existing.remove().catch((err: unknown) => {
        this.logger.warn({ err, taskId: row.id }, 'could not remove the finished job of a task');
      });
    }
    const priority = await this.priorityFor(row.customer_id, row.priority);
    await this.queue.add(TASK_JOB, jobData(row), this.jobOptions(row.id, priority, delay));
    return true;
  }

  /**
   * Takes a task's job off the queue when it is not running. Returns 'removed', 'absent' (no
   * job or already finished), or 'running' (a worker has it: send a cancel signal instead).
   */
  async withdraw(taskId: string): Promise<'removed' | 'absent' | 'running'> {
    const job = await this.queue.getJob(taskId);
    if (!job) return 'absent';
    const state = await job.getState();
    if (FINISHED.has(state)) return 'absent';
    if (state === 'active') return 'running';
    try {
      await job.remove();
      return 'removed';
    } catch {
      // Taken by a worker between getState and remove: it holds the lock now.
      return 'running';
    }
  }

  /** Asks every worker process to abort the run of this task (BullMQ's cancelJob → abort signal). */
  async signalCancel(taskId: string): Promise<void> {
    await this.redis.publish(this.cancelChannel, taskId);
  }

  private async priorityFor(customerId: string, level: TaskPriority): Promise<number> {
    const backlog = await this.repo.backlogByPriority(customerId, WAITING_STATUSES);
    backlog[level] = Math.max(0, (backlog[level] ?? 0) - 1);
    return fairPriorities([level], backlog, this.config.get('TASK_FAIRNESS_TIER_SIZE'))[0]!;
  }
}

function jobData(row: TaskRow): TaskJobData {
  return {
    taskId: row.id,
    customerId: row.customer_id,
    ...(row.trace_id ? { traceId: row.trace_id } : {}),
  };
}
