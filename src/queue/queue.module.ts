import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BullMQOtel } from 'bullmq-otel';
import { AppConfig } from '../config/app-config';
import { JobSchedulerKeeper } from './job-scheduler-keeper';
import { OutageSafeQueue } from './outage-safe-queue';
import { OutageSafeWorker } from './outage-safe-worker';
import { ALL_QUEUES, DEFAULT_JOB_OPTIONS } from './queue.constants';
import { QueueProducerService } from './queue-producer.service';
import { redisConnectionOptions } from './redis-connection';

// Every processor's worker: a SIGTERM during a Redis outage must not hang in close() (bullmq#4656).
// Set before any module registers its workers (the registrar reads it at module init).
BullModule.workerClass = OutageSafeWorker;
// Every queue: an 'error' listener from the start, and a close that leaves no client reconnecting.
// Set before the registerQueueAsync calls below, which read it.
BullModule.queueClass = OutageSafeQueue;

const queues = ALL_QUEUES.map((name) =>
  BullModule.registerQueueAsync({
    name,
    inject: [AppConfig],
    useFactory: (config: AppConfig) => ({
      // Producers fail fast while Redis is down (the database row stays, the reconciler re-enqueues):
      // no offline queue for new commands, and a command in flight when Redis goes away fails after
      // one reconnect attempt instead of holding its HTTP request until Redis returns.
      // (Workers get these options too; OutageSafeWorker gives them maxRetriesPerRequest: null.)
      connection: {
        ...redisConnectionOptions(config.get('REDIS_URL')),
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
      },
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
      streams: { events: { maxLen: 10_000 } },
      // OTEL_ENABLED: producer and processor spans, the job carrying the trace context (workers use these opts too).
      telemetry: config.get('OTEL_ENABLED')
        ? new BullMQOtel({ tracerName: 've-platform' })
        : undefined,
    }),
  }),
);

@Global()
@Module({
  imports: [
    DiscoveryModule,
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        prefix: config.get('BULLMQ_PREFIX'),
        connection: {
          ...redisConnectionOptions(config.get('REDIS_URL')),
          maxRetriesPerRequest: null,
        },
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      }),
    }),
    ...queues,
  ],
  providers: [QueueProducerService, JobSchedulerKeeper],
  exports: [BullModule, QueueProducerService, JobSchedulerKeeper],
})
export class QueueModule {}
