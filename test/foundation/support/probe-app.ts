import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Module, OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import { CoreModule } from '../../../src/core.module';
import { QUEUES } from '../../../src/queue/queue.constants';

/** A minimal processor, shaped like the domains' ones (concurrency set in onModuleInit). */
@Processor(QUEUES.monitoring)
export class ProbeProcessor extends WorkerHost implements OnModuleInit {
  readonly done: string[] = [];

  onModuleInit(): void {
    this.worker.concurrency = 2;
  }

  async process(job: Job<{ n: number }>): Promise<number> {
    this.done.push(job.id!);
    return job.data.n * 2;
  }
}

/** The core of both apps plus the probe: real config, database, Redis, queues, health. */
@Module({ imports: [CoreModule], providers: [ProbeProcessor] })
export class ProbeAppModule {}
