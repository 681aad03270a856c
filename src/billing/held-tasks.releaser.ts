import { Injectable, Logger } from '@nestjs/common';
import { QueueProducerService } from '../queue/queue-producer.service';
import { QUEUES } from '../queue/queue.constants';
import { BudgetRepository } from './budget.repository';

const BATCH = 200;

/**
 * A hard stop keeps a customer's tasks 'queued' with their `tasks` job moved to delayed; when the
 * stop is lifted this promotes those jobs so they run now rather than at their next re-check.
 */
@Injectable()
export class HeldTasksReleaser {
  private readonly logger = new Logger(HeldTasksReleaser.name);

  constructor(
    private readonly repo: BudgetRepository,
    private readonly queues: QueueProducerService,
  ) {}

  /** Returns how many jobs were promoted; a Redis outage is logged (the delayed jobs still wake on their own). */
  async release(customerId: string): Promise<number> {
    const queue = this.queues.queue(QUEUES.tasks);
    let released = 0;
    let after: string | undefined;
    try {
      for (;;) {
        const ids = await this.repo.queuedTaskIds(customerId, BATCH, after);
        const outcomes = await Promise.all(
          ids.map(async (id) => {
            const job = await queue.getJob(id);
            if (!job || !(await job.isDelayed())) return false;
            // It may start or vanish between the check and the call: that race is harmless.
            return job.promote().then(
              () => true,
              () => false,
            );
          }),
        );
        released += outcomes.filter(Boolean).length;
        if (ids.length < BATCH) break;
        after = ids[ids.length - 1];
      }
    } catch (err) {
      this.logger.warn({ err, customerId, released }, 'could not release every held task now');
    }
    if (released)
      this.logger.log({ customerId, released }, 'budget stop lifted: held tasks released');
    return released;
  }
}
