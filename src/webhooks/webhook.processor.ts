import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { JobSchedulerKeeper } from '../queue/job-scheduler-keeper';
import { QueueProducerService } from '../queue/queue-producer.service';
import { QUEUES, WEBHOOK_JOBS, type WebhookJob } from '../queue/queue.constants';
import { WebhookApplier } from './webhook-applier.service';
import { WebhookSweeper } from './webhook-sweeper.service';

const SWEEP_SCHEDULER = 'webhooks-sweep';

/** Applies accepted webhooks (one job per webhook-id) and runs the periodic sweep of lost jobs. */
@Processor(QUEUES.webhooks)
export class WebhookProcessor extends WorkerHost implements OnModuleInit {
  private readonly logger = new Logger(WebhookProcessor.name);

  constructor(
    private readonly applier: WebhookApplier,
    private readonly sweeper: WebhookSweeper,
    private readonly queues: QueueProducerService,
    private readonly config: AppConfig,
    private readonly schedules: JobSchedulerKeeper,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    this.worker.concurrency = this.config.get('WEBHOOKS_CONCURRENCY');
    // Kept, not just created: Redis losing its data must not stop the sweep of lost webhook jobs.
    await this.schedules.keep({
      queue: this.queues.queue(QUEUES.webhooks),
      id: SWEEP_SCHEDULER,
      every: this.config.get('RECONCILE_INTERVAL_MS'),
      job: { name: WEBHOOK_JOBS.reconcile, data: {} },
    });
  }

  // Job duration is measured for every processor by JobMetricsListener.
  process(job: Job<WebhookJob>): Promise<unknown> {
    return job.name === WEBHOOK_JOBS.reconcile ? this.sweeper.sweep() : this.applyOne(job);
  }

  private async applyOne(job: Job<WebhookJob>): Promise<unknown> {
    try {
      return (await this.applier.apply(job.data.webhookId)) ?? { status: 'already finished' };
    } catch (err) {
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (last)
        await this.applier
          .markFailed(job.data.webhookId, (err as Error).message)
          .catch((markErr: unknown) =>
            this.logger.error(
              { id: job.data.webhookId, err: (markErr as Error).message },
              'could not mark the webhook failed; its row stays accepted',
            ),
          );
      throw err;
    }
  }
}
