import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { DomainError } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';
import { CustomersService } from '../customers/customers.service';
import {
  DEPLOYMENT_JOBS,
  DeployVeJob,
  ProvisionNamespaceJob,
  QUEUES,
  TeardownNamespaceJob,
  UndeployVeJob,
} from '../queue/queue.constants';
import { AgentDeployerService } from './agent-deployer.service';
import { CustomerNamespaceService } from './customer-namespace.service';
import { KubeApiError } from './kube-api-error';
import { NotVisibleYetError } from './not-visible-yet.error';
import { ManifestRenderError } from './render/k8s-object';

/**
 * A job whose row is not committed yet looks again after 100 ms, doubling up to 2 s, at most
 * 40 times (~75 s): the commit is normally milliseconds away, even on a loaded machine.
 */
const NOT_VISIBLE = { firstMs: 100, maxMs: 2_000, tries: 40 };

/**
 * The `deployments` queue: namespaces and agents. BullMQ retries with backoff (the job's
 * attempts); the outcome of the last attempt, or of an error no retry can fix, is recorded
 * on the VE or the customer.
 */
@Processor(QUEUES.deployments)
export class DeploymentsProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeploymentsProcessor.name);

  constructor(
    private readonly deployer: AgentDeployerService,
    private readonly namespaces: CustomerNamespaceService,
    private readonly customers: CustomersService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  // The worker exists only after BullMQ's registrar ran (onModuleInit), so concurrency is set here.
  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.get('DEPLOYMENTS_CONCURRENCY');
  }

  // Job duration is measured for every processor by JobMetricsListener.
  async process(job: Job, token?: string): Promise<void> {
    try {
      await this.run(job);
    } catch (err) {
      const attempts = job.opts.attempts ?? 1;
      if (err instanceof NotVisibleYetError) return this.notVisibleYet(job, err, token);
      const retryable = isRetryable(err);
      const final = !retryable || job.attemptsMade + 1 >= attempts;
      const message = (err as Error).message;
      this.logger.warn(
        { job: job.name, jobId: job.id, attempt: job.attemptsMade + 1, final, err: message },
        'deployment job failed',
      );
      await this.record(job, message, final, attempts).catch((recordErr: unknown) =>
        this.logger.error(
          { jobId: job.id, err: (recordErr as Error).message },
          'could not record the failure',
        ),
      );
      if (!retryable) throw new UnrecoverableError(message);
      throw err;
    }
  }

  /**
   * The usual race with the producer's commit (jobs are enqueued inside its transaction): looked
   * again shortly, without spending an attempt — the attempts' exponential backoff (1 s, 2 s, …)
   * is for failures, and ran past 30 s on a loaded machine. Still missing after every look:
   * deleted meanwhile, nothing left to do.
   */
  private async notVisibleYet(job: Job, err: NotVisibleYetError, token?: string): Promise<void> {
    const log = { job: job.name, jobId: job.id, reason: err.message };
    // attemptsStarted counts every run, these delayed ones included (they leave attemptsMade alone).
    const looks = Math.max(0, job.attemptsStarted - 1);
    if (!token || looks >= NOT_VISIBLE.tries) {
      this.logger.log(log, 'deployment job skipped');
      return;
    }
    this.logger.debug(log, 'not visible yet, looking again shortly');
    const delay = Math.min(NOT_VISIBLE.firstMs * 2 ** looks, NOT_VISIBLE.maxMs);
    await job.moveToDelayed(Date.now() + delay, token);
    throw new DelayedError();
  }

  private run(job: Job): Promise<void> {
    switch (job.name) {
      case DEPLOYMENT_JOBS.provisionNamespace:
        return this.namespaces.provision(job.data as ProvisionNamespaceJob);
      case DEPLOYMENT_JOBS.teardownNamespace:
        return this.namespaces.teardown(job.data as TeardownNamespaceJob);
      case DEPLOYMENT_JOBS.deployVe:
        return this.deployer.deploy(job.data as DeployVeJob);
      case DEPLOYMENT_JOBS.undeployVe:
        return this.deployer.undeploy(job.data as UndeployVeJob);
      default:
        throw new UnrecoverableError(`unknown job "${job.name}" on ${QUEUES.deployments}`);
    }
  }

  private async record(job: Job, message: string, final: boolean, attempts: number): Promise<void> {
    const attempt = job.attemptsMade + 1;
    switch (job.name) {
      case DEPLOYMENT_JOBS.deployVe:
        if (final) return this.deployer.recordDeployFailure(job.data as DeployVeJob, message);
        return this.deployer.recordRetry(job.data as DeployVeJob, attempt, attempts, message);
      case DEPLOYMENT_JOBS.provisionNamespace: {
        const { customerId } = job.data as ProvisionNamespaceJob;
        const reason = final
          ? `namespace provisioning failed: ${message}`
          : `attempt ${attempt}/${attempts} failed, retrying: ${message}`;
        // While retrying the customer keeps its status (a re-provision of an active one stays active).
        const status = final ? 'failed' : (await this.customers.get(customerId)).status;
        return this.customers.setStatus(customerId, status, reason);
      }
      case DEPLOYMENT_JOBS.teardownNamespace:
        // Still `deleting`: the reason says why it has not gone yet.
        return this.customers.setStatus(
          (job.data as TeardownNamespaceJob).customerId,
          'deleting',
          `teardown: ${message}`,
        );
      default:
        // An undeploy that failed leaves a soft-deleted VE: the log and Bull Board keep the reason.
        return;
    }
  }
}

function isRetryable(err: unknown): boolean {
  if (err instanceof UnrecoverableError || err instanceof ManifestRenderError) return false;
  if (err instanceof KubeApiError) return err.retryable;
  // Domain errors (a 4xx from a contract) do not heal by waiting; anything else may be an outage.
  if (err instanceof DomainError) return err.status >= 500;
  return true;
}
