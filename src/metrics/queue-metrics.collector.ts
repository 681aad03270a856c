import { Injectable, OnModuleInit } from '@nestjs/common';
import { QueueProducerService } from '../queue/queue-producer.service';
import { MetricsService } from './metrics.service';

const STATES = [
  'waiting',
  'prioritized',
  'active',
  'delayed',
  'failed',
  'completed',
  'waiting-children',
] as const;

/** Queue depth per queue and state, read from Redis at scrape time. */
@Injectable()
export class QueueMetricsCollector implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly queues: QueueProducerService,
  ) {}

  onModuleInit(): void {
    this.metrics.onCollect(async () => {
      for (const queue of this.queues.all()) {
        const counts = await queue.getJobCounts(...STATES);
        for (const state of STATES)
          this.metrics.queueJobs.set({ queue: queue.name, state }, counts[state] ?? 0);
      }
    });
  }
}
