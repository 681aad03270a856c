import { Injectable } from '@nestjs/common';
import { ServiceUnavailableError } from '../common/domain-errors';
import { TraceContext } from '../common/trace';
import type { VeRow } from '../database/database.types';
import { QueueProducerService } from '../queue/queue-producer.service';
import { DEPLOYMENT_JOBS, DeployVeJob, QUEUES, UndeployVeJob } from '../queue/queue.constants';

/**
 * Enqueues a VE's deployment jobs on `deployments`. The job id names the VE and its generation,
 * so the same revision is never queued twice. Called inside the transaction that writes the VE:
 * a queue outage rolls the change back (503) instead of leaving a VE nobody will deploy.
 */
@Injectable()
export class VeDeployJobs {
  constructor(private readonly queues: QueueProducerService) {}

  async deploy(ve: VeRow): Promise<void> {
    const data: DeployVeJob = {
      customerId: ve.customer_id,
      traceId: TraceContext.current(),
      veId: ve.id,
      namespace: ve.namespace,
      agentName: ve.agent_name,
      generation: ve.generation,
    };
    await this.add(DEPLOYMENT_JOBS.deployVe, data, `ve-${ve.id}-${ve.generation}`);
  }

  async undeploy(ve: VeRow): Promise<void> {
    const data: UndeployVeJob = {
      customerId: ve.customer_id,
      traceId: TraceContext.current(),
      veId: ve.id,
      namespace: ve.namespace,
      agentName: ve.agent_name,
    };
    await this.add(DEPLOYMENT_JOBS.undeployVe, data, `ve-${ve.id}-undeploy`);
  }

  private async add(name: string, data: DeployVeJob | UndeployVeJob, jobId: string): Promise<void> {
    try {
      await this.queues.queue(QUEUES.deployments).add(name, data, { jobId });
    } catch (err) {
      throw new ServiceUnavailableError('The deployment queue is unavailable, retry later', {
        cause: err,
      });
    }
  }
}
