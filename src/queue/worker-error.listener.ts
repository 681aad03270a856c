import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Worker } from 'bullmq';
import { registeredWorkers } from './registered-workers';

/** One warning per worker per window is enough to see an outage without flooding the logs. */
export const WORKER_ERROR_LOG_WINDOW_MS = 10_000;

/**
 * Gives every BullMQ worker an 'error' listener. Without one, BullMQ prints each failed
 * reconnect to stderr while Redis is down; with one, an outage is a warning every 10 s and
 * the worker resumes on its own when Redis returns. Processors need not remember to do it.
 */
@Injectable()
export class WorkerErrorListener implements OnApplicationBootstrap {
  private readonly logger = new Logger('Workers');

  constructor(private readonly discovery: DiscoveryService) {}

  // Workers exist once BullRegistrar's onModuleInit ran; bootstrap comes after every init hook.
  onApplicationBootstrap(): void {
    for (const worker of registeredWorkers(this.discovery)) this.listen(worker);
  }

  private listen(worker: Worker): void {
    let last = 0;
    worker.on('error', (err: Error) => {
      if (Date.now() - last < WORKER_ERROR_LOG_WINDOW_MS) return;
      last = Date.now();
      this.logger.warn(`worker ${worker.name}: ${err.message}`);
    });
  }
}
