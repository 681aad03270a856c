import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, type Job, type Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { MONITORING_JOBS, QUEUES } from '../queue/queue.constants';
import { type ReconcileReport, TaskReconciler } from './task-reconciler.service';

/** The job scheduler id: one schedule for the deployment however many workers upsert it. */
export const TASK_RECONCILE_SCHEDULER = 'reconcile-tasks';
/** A job meant for another `monitoring` processor is set aside this long before it is offered again. */
const HAND_BACK_MS = 250;

/**
 * Runs the task reconciler on the `monitoring` queue every RECONCILE_INTERVAL_MS (a BullMQ job
 * scheduler, so exactly one job per interval for the whole deployment). The schedule lives in
 * Redis: a keeper re-creates it if Redis lost it (a flush), or the reconciler could not heal that.
 */
@Processor(QUEUES.monitoring)
export class TaskReconcileProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(TaskReconcileProcessor.name);
  private keeper?: NodeJS.Timeout;

  constructor(
    @InjectQueue(QUEUES.monitoring) private readonly queue: Queue,
    private readonly reconciler: TaskReconciler,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.schedule().catch((err: unknown) => {
      this.logger.warn(
        { err: (err as Error).message },
        'task reconciler not scheduled yet; the keeper retries',
      );
    });
    const every = this.config.get('RECONCILE_INTERVAL_MS');
    this.keeper = setInterval(
      () => {
        this.queue
          .getJobScheduler(TASK_RECONCILE_SCHEDULER)
          .then((found) => (found ? undefined : this.schedule()))
          .catch(() => undefined); // Redis down: next tick
      },
      Math.max(every, 5_000),
    );
    this.keeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.keeper);
  }

  async process(job: Job, token?: string): Promise<ReconcileReport | undefined> {
    if (job.name !== MONITORING_JOBS.reconcileTasks) {
      // `monitoring` is shared with other domains' schedulers (agent health): a worker takes any
      // job, so a foreign one is handed back for the processor that owns it.
      await job.moveToDelayed(Date.now() + HAND_BACK_MS, token);
      throw new DelayedError();
    }
    return this.reconciler.reconcile();
  }

  private async schedule(): Promise<void> {
    await this.queue.upsertJobScheduler(
      TASK_RECONCILE_SCHEDULER,
      { every: this.config.get('RECONCILE_INTERVAL_MS') },
      {
        name: MONITORING_JOBS.reconcileTasks,
        data: {},
        opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 1_000 } },
      },
    );
  }
}
