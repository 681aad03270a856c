import { Processor, WorkerHost } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { DomainError } from '../common/domain-errors';
import { runInJobTrace } from '../common/trace';
import { AppConfig } from '../config/app-config';
import { QUEUES, type DeliverMessageJob } from '../queue/queue.constants';
import { DeliveryResult, MessageDeliveryService } from './message-delivery.service';

/** Delivers customer → VE messages; after the last attempt (or a final error) the message is failed. */
@Processor(QUEUES.messages)
export class MessagesProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly delivery: MessageDeliveryService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.get('MESSAGES_CONCURRENCY');
  }

  async process(job: Job<DeliverMessageJob>): Promise<DeliveryResult> {
    return runInJobTrace(job, async () => {
      const { customerId, messageId } = job.data;
      try {
        return await this.delivery.deliver(customerId, messageId, job.data.traceId);
      } catch (err) {
        // A domain error (the VE is gone) will not heal by retrying; an unreachable agent may.
        const final =
          err instanceof DomainError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        if (final) await this.delivery.giveUp(customerId, messageId, (err as Error).message);
        if (err instanceof DomainError) throw new UnrecoverableError(err.message);
        throw err;
      }
    });
  }
}
