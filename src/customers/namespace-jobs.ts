import { Injectable } from '@nestjs/common';
import { TraceContext } from '../common/trace';
import type { CustomerRow } from '../database/database.types';
import { QueueProducerService } from '../queue/queue-producer.service';
import {
  DEPLOYMENT_JOBS,
  ProvisionNamespaceJob,
  QUEUES,
  TeardownNamespaceJob,
} from '../queue/queue.constants';

/**
 * Enqueues a customer's namespace jobs on `deployments`. Job ids are derived from the customer,
 * so a repeated request while a job waits adds nothing.
 */
@Injectable()
export class NamespaceJobs {
  constructor(private readonly queues: QueueProducerService) {}

  /** `revision` distinguishes a re-provision (plan change) from the first one. */
  async provision(customer: CustomerRow, revision?: string): Promise<void> {
    const data: ProvisionNamespaceJob = {
      customerId: customer.id,
      traceId: TraceContext.current(),
      slug: customer.slug,
      namespace: customer.namespace,
      plan: customer.plan,
    };
    const jobId = revision
      ? `ns-${customer.id}-provision-${revision}`
      : `ns-${customer.id}-provision`;
    await this.queues
      .queue(QUEUES.deployments)
      .add(DEPLOYMENT_JOBS.provisionNamespace, data, { jobId });
  }

  async teardown(customer: CustomerRow): Promise<void> {
    const data: TeardownNamespaceJob = {
      customerId: customer.id,
      traceId: TraceContext.current(),
      namespace: customer.namespace,
    };
    await this.queues
      .queue(QUEUES.deployments)
      .add(DEPLOYMENT_JOBS.teardownNamespace, data, { jobId: `ns-${customer.id}-teardown` });
  }
}
