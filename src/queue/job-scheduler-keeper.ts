import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { JobSchedulerTemplateOptions, Queue } from 'bullmq';

/** How often a kept schedule is looked for in Redis. */
export const SCHEDULE_CHECK_MS = 5_000;

export interface KeptSchedule {
  queue: Queue;
  /** The job scheduler id: one schedule for the deployment however many processes keep it. */
  id: string;
  every: number;
  job: { name: string; data?: unknown; opts?: JobSchedulerTemplateOptions };
}

/**
 * Keeps BullMQ job schedulers (repeatable jobs) alive. A schedule lives only in Redis: a Redis
 * restarted without persistence, a flush or a failover to an empty replica loses it, and the
 * periodic work it drives (sweeps that re-enqueue lost jobs) silently stops. Upserting is
 * idempotent, so every process that runs the processor keeps it: created at start (later, if
 * Redis is down then) and re-created within SCHEDULE_CHECK_MS whenever it is found missing.
 *
 * Nothing here waits for Redis: a queue that has not reached Redis since boot holds its commands
 * until it does, and the boot (liveness, then readiness) must not hold with them. One call per
 * schedule at a time, so the checks do not pile up behind such a wait.
 */
@Injectable()
export class JobSchedulerKeeper implements OnApplicationShutdown {
  private readonly logger = new Logger('JobSchedulers');
  private readonly timers: NodeJS.Timeout[] = [];

  /** Starts keeping the schedule; resolves without waiting for Redis. */
  async keep(schedule: KeptSchedule): Promise<void> {
    let busy = false;
    const once = (op: () => Promise<void>) => {
      if (busy) return;
      busy = true;
      op().finally(() => (busy = false));
    };
    once(() =>
      this.upsert(schedule).catch((err: unknown) =>
        this.logger.warn(
          { err: (err as Error).message },
          `job scheduler ${schedule.id} not created yet (Redis unavailable?); retrying`,
        ),
      ),
    );
    const timer = setInterval(() => once(() => this.check(schedule)), SCHEDULE_CHECK_MS);
    timer.unref();
    this.timers.push(timer);
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers) clearInterval(timer);
  }

  private async check(schedule: KeptSchedule): Promise<void> {
    try {
      if (await schedule.queue.getJobScheduler(schedule.id)) return;
      await this.upsert(schedule);
      this.logger.warn(`job scheduler ${schedule.id} was missing from Redis; re-created`);
    } catch {
      // Redis down: the next check tries again (the queue's error listener reports the outage).
    }
  }

  private async upsert({ queue, id, every, job }: KeptSchedule): Promise<void> {
    await queue.upsertJobScheduler(
      id,
      { every },
      { name: job.name, data: job.data, opts: job.opts },
    );
  }
}
