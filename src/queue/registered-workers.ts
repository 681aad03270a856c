import { WorkerHost } from '@nestjs/bullmq';
import type { DiscoveryService } from '@nestjs/core';
import type { Worker } from 'bullmq';

/**
 * The BullMQ workers of every processor in the DI graph. They exist once BullRegistrar's
 * onModuleInit ran, so call this from onApplicationBootstrap (after every init hook).
 */
export function registeredWorkers(discovery: DiscoveryService): Worker[] {
  const found: Worker[] = [];
  for (const wrapper of discovery.getProviders()) {
    const instance: unknown = wrapper.instance;
    if (!(instance instanceof WorkerHost)) continue;
    try {
      found.push(instance.worker);
    } catch {
      // A WorkerHost never registered (manualRegistration): it has no worker and runs no jobs.
    }
  }
  return found;
}
