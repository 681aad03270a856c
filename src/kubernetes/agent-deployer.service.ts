import { Injectable, Logger } from '@nestjs/common';
import { NotFoundError } from '../common/domain-errors';
import type { DeployVeJob, UndeployVeJob } from '../queue/queue.constants';
import type { Ve, VeStatusChange } from '../ves/ves.types';
import { VesService } from '../ves/ves.service';
import { AgentStatusService } from './agent-status.service';
import { CustomerNamespaceService, NamespaceTerminatingError } from './customer-namespace.service';
import { KubernetesClient } from './kubernetes-client';
import { KAGENT_API_VERSION, MODE_REASONS } from './kubernetes.constants';
import { ManifestService } from './manifest.service';
import { NotVisibleYetError } from './not-visible-yet.error';
import { asList, K8sObject } from './render/k8s-object';

/** Deploys VEs as kagent Agents (server-side apply) and removes them, recording each outcome on the VE. */
@Injectable()
export class AgentDeployerService {
  private readonly logger = new Logger(AgentDeployerService.name);

  constructor(
    private readonly k8s: KubernetesClient,
    private readonly manifests: ManifestService,
    private readonly namespaces: CustomerNamespaceService,
    private readonly status: AgentStatusService,
    private readonly ves: VesService,
  ) {}

  async deploy(job: DeployVeJob): Promise<void> {
    const ve = await this.find(job.customerId, job.veId);
    // Not committed yet (retried), or fired before the job ran (its undeploy job removes what exists).
    if (!ve) throw new NotVisibleYetError(`VE ${job.veId}`);
    // The job was queued inside the transaction that bumped the generation: wait for its commit.
    if (ve.generation < job.generation)
      throw new NotVisibleYetError(`VE ${job.veId} generation ${job.generation}`);
    if (ve.agentUrl) {
      return void (await this.setStatus(ve, {
        status: 'ready',
        reason: `external A2A agent (${ve.agentUrl}): nothing to deploy`,
      }));
    }
    if (this.k8s.mode === 'off')
      return void (await this.setStatus(ve, { status: 'ready', reason: MODE_REASONS.offDeployed }));
    // Render from the row (the truth); a job for an older generation applies the newest state, which is harmless.
    const objects = this.manifests.veObjects(ve);
    if (this.k8s.mode === 'dry-run') {
      if (!(await this.record(ve, objects))) return;
      return void (await this.setStatus(ve, {
        status: 'ready',
        reason: MODE_REASONS.dryRunDeployed,
      }));
    }
    try {
      await this.namespaces.ensureProvisioned(ve.customerId, ve.namespace);
    } catch (err) {
      if (!(err instanceof NamespaceTerminatingError)) throw err;
      return void (await this.setStatus(ve, {
        status: 'stopped',
        reason: `not deployed: ${err.message}`,
      }));
    }
    for (const obj of objects) await this.k8s.api.apply(obj);
    if (!(await this.record(ve, objects))) {
      // Fired while we applied: do not leave its Agent behind.
      await this.k8s.api.delete(this.agentRef(ve));
      return;
    }
    const { status } = await this.status.refresh(ve);
    this.logger.log(
      { veId: ve.id, agent: `${ve.namespace}/${ve.agentName}`, status },
      'agent applied',
    );
  }

  async undeploy(job: UndeployVeJob): Promise<void> {
    if (this.k8s.mode !== 'cluster') {
      const reason =
        this.k8s.mode === 'off' ? MODE_REASONS.offUndeployed : MODE_REASONS.dryRunUndeployed;
      return this.markStopped(job, reason);
    }
    // The ModelConfig may serve other VEs of the customer; it goes with the namespace.
    const existed = await this.k8s.api.delete(this.agentRef(job));
    const name = `${job.namespace}/${job.agentName}`;
    await this.markStopped(
      job,
      existed ? `Agent ${name} deleted` : `Agent ${name} was already gone`,
    );
  }

  /** Records a final failure (after the last retry, or an error retrying cannot fix). */
  async recordDeployFailure(job: DeployVeJob, message: string): Promise<void> {
    const ve = await this.find(job.customerId, job.veId);
    if (ve) await this.setStatus(ve, { status: 'failed', reason: `deployment failed: ${message}` });
  }

  async recordRetry(job: DeployVeJob, attempt: number, of: number, message: string): Promise<void> {
    const ve = await this.find(job.customerId, job.veId);
    if (ve)
      await this.setStatus(ve, {
        status: 'deploying',
        reason: `attempt ${attempt}/${of} failed, retrying: ${message}`,
      });
  }

  /** Stores what was rendered with its generation; false when the VE is gone (fired meanwhile). */
  private async record(ve: Ve, objects: K8sObject[]): Promise<boolean> {
    try {
      await this.ves.recordManifest(ve.customerId, ve.id, asList(objects), ve.generation);
      return Boolean(await this.find(ve.customerId, ve.id));
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
  }

  private agentRef(ve: Pick<Ve, 'namespace' | 'agentName'>) {
    return {
      apiVersion: KAGENT_API_VERSION,
      kind: 'Agent',
      namespace: ve.namespace,
      name: ve.agentName,
    };
  }

  private setStatus(ve: Pick<Ve, 'customerId' | 'id'>, change: VeStatusChange): Promise<boolean> {
    return this.ves.setStatus(ve.customerId, ve.id, change);
  }

  /** A fired VE is soft-deleted and no longer found: stopping it is then already true. */
  private async markStopped(job: UndeployVeJob, reason: string): Promise<void> {
    try {
      await this.ves.setStatus(job.customerId, job.veId, { status: 'stopped', reason });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }

  private async find(customerId: string, veId: string): Promise<Ve | null> {
    try {
      return await this.ves.get(customerId, veId);
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  }
}
