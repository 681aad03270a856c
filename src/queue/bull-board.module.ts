import { FastifyAdapter } from '@bull-board/fastify';
import { BullBoardModule } from '@bull-board/nestjs';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { Module } from '@nestjs/common';
import { ALL_QUEUES } from './queue.constants';

/** Redacts secrets from job data shown in Bull Board. */
export function redactJobData(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(redactJobData);
  if (data && typeof data === 'object') {
    return Object.fromEntries(
      Object.entries(data as Record<string, unknown>).map(([k, v]) =>
        /secret|token|password|authorization|api[-_]?key|signature/i.test(k) ? [k, '[redacted]'] : [k, redactJobData(v)],
      ),
    );
  }
  return data;
}

/** Bull Board at /admin/queues (API app only); basic auth is enforced by a Fastify hook in main.ts. */
@Module({
  imports: [
    BullBoardModule.forRoot({ route: '/admin/queues', adapter: FastifyAdapter }),
    ...ALL_QUEUES.map((name) =>
      BullBoardModule.forFeature({
        name,
        adapter: BullMQAdapter,
        options: { displayName: name, readOnlyMode: false, allowRetries: true },
      }),
    ),
  ],
})
export class QueueBoardModule {}
