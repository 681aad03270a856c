import { Injectable, Logger } from '@nestjs/common';
import { QueueProducerService } from '../queue/queue-producer.service';
import { QUEUES, WEBHOOK_JOBS, type WebhookJob } from '../queue/queue.constants';
import { OutboundDeliveryService } from './outbound/outbound-delivery.service';
import { WebhookEventsRepository } from './webhook-events.repository';
import { webhookJobId } from './webhook-intake.service';

/** An accepted event or a pending delivery this old with no progress has lost its job. */
const STUCK_AFTER_MS = 2 * 60_000;
const BATCH = 500;

/**
 * The database is the truth, the queue a delivery mechanism: re-enqueues accepted webhooks and
 * pending outbound deliveries whose job vanished (enqueue failed, Redis flushed). Re-adding a job
 * that still exists is a no-op (same job id), so this never duplicates work.
 */
@Injectable()
export class WebhookSweeper {
  private readonly logger = new Logger(WebhookSweeper.name);

  constructor(
    private readonly events: WebhookEventsRepository,
    private readonly outbound: OutboundDeliveryService,
    private readonly queues: QueueProducerService,
  ) {}

  async sweep(): Promise<{ events: number; deliveries: number }> {
    const stuck = await this.events.stuckAccepted(STUCK_AFTER_MS, BATCH);
    const queue = this.queues.queue(QUEUES.webhooks);
    for (const e of stuck) {
      const job: WebhookJob = { webhookId: e.id, customerId: e.customerId };
      await queue.add(WEBHOOK_JOBS.apply, job, { jobId: webhookJobId(e.id), attempts: 5 });
    }
    const deliveries = await this.outbound.requeueStuck(STUCK_AFTER_MS, BATCH);
    if (stuck.length || deliveries)
      this.logger.log(`re-enqueued ${stuck.length} webhook events, ${deliveries} deliveries`);
    return { events: stuck.length, deliveries };
  }
}
