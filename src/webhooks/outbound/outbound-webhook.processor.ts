import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig } from '../../config/app-config';
import { QUEUES, type OutboundWebhookJob } from '../../queue/queue.constants';
import { OutboundDeliveryService } from './outbound-delivery.service';

/** Delivers customers' outbound webhooks, one attempt per job run; retries come from BullMQ's backoff. */
@Processor(QUEUES.outbound)
export class OutboundWebhookProcessor extends WorkerHost implements OnModuleInit {
  constructor(
    private readonly delivery: OutboundDeliveryService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = this.config.get('OUTBOUND_WEBHOOKS_CONCURRENCY');
  }

  // Job duration is measured for every processor by JobMetricsListener.
  process(job: Job<OutboundWebhookJob>): Promise<unknown> {
    return this.delivery.deliver(job.data.deliveryId);
  }
}
