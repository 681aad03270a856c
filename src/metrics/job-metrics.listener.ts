import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Job, Worker } from 'bullmq';
import { registeredWorkers } from '../queue/registered-workers';
import { MetricsService } from './metrics.service';

/**
 * Job duration per queue for every processor, without touching them: after bootstrap (when
 * @nestjs/bullmq has created the workers) every WorkerHost in the DI graph is found through
 * DiscoveryService and its worker's 'completed'/'failed' events feed ve_job_duration_seconds.
 * Duration = finishedOn − processedOn, both stamped by BullMQ, so it is the processor's time.
 */
@Injectable()
export class JobMetricsListener implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    for (const worker of registeredWorkers(this.discovery)) this.listen(worker);
  }

  private listen(worker: Worker): void {
    worker.on('completed', (job: Job) => this.observe(worker.name, 'completed', job));
    worker.on('failed', (job: Job | undefined) => {
      if (job) this.observe(worker.name, 'failed', job);
    });
  }

  private observe(queue: string, outcome: 'completed' | 'failed', job: Job): void {
    if (!job.processedOn) return;
    const seconds = Math.max(0, ((job.finishedOn ?? Date.now()) - job.processedOn) / 1000);
    this.metrics.jobDuration.observe({ queue, outcome }, seconds);
  }
}
