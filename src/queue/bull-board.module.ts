import { FastifyAdapter } from '@bull-board/fastify';
import { BullBoardModule } from '@bull-board/nestjs';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { QueueAdapterOptions } from '@bull-board/api/typings/app';
import { Module } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { ALL_QUEUES } from './queue.constants';

/** Redacts secrets from job data shown in Bull Board. */
export function redactJobData(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(redactJobData);
  if (data && typeof data === 'object') {
    return Object.fromEntries(
      Object.entries(data as Record<string, unknown>).map(([k, v]) =>
        /secret|token|password|authorization|api[-_]?key|signature/i.test(k)
          ? [k, '[redacted]']
          : [k, redactJobData(v)],
      ),
    );
  }
  return data;
}

/** The BullMQ adapter with job data and return values passed through redactJobData before the board shows them. */
export class RedactingBullMQAdapter extends BullMQAdapter {
  constructor(queue: Queue, options?: Partial<QueueAdapterOptions>) {
    super(queue, options);
    this.setFormatter('data', redactJobData);
    this.setFormatter('returnValue', redactJobData);
  }
}

/** Bull Board at /admin/queues (API app only); basic auth is enforced by a Fastify hook in main.ts. */
@Module({
  imports: [
    BullBoardModule.forRoot({ route: '/admin/queues', adapter: FastifyAdapter }),
    ...ALL_QUEUES.map((name) =>
      BullBoardModule.forFeature({
        name,
        adapter: RedactingBullMQAdapter,
        options: { displayName: name, readOnlyMode: false, allowRetries: true },
      }),
    ),
  ],
})
export class QueueBoardModule {}
