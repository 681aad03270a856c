import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { NotFoundError } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';
import { Customer, CustomersService } from '../customers/customers.service';
import type { ProvisionNamespaceJob, TeardownNamespaceJob } from '../queue/queue.constants';
import { KubeApiError } from './kube-api-error';
import { KubernetesClient } from './kubernetes-client';
import { MODE_REASONS } from './kubernetes.constants';
import { NotVisibleYetError } from './not-visible-yet.error';
import { ManifestService } from './manifest.service';
import { asList } from './render/k8s-object';

/** A namespace that is being deleted takes no new objects; deploying into it must wait or stop. */
export class NamespaceTerminatingError extends Error {}

type NamespaceCustomer = Pick<Customer, 'id' | 'namespace' | 'plan'>;

/** Provisions and tears down customer namespaces, recording each outcome on the customer. */
@Injectable()
export class CustomerNamespaceService {
  private readonly logger = new Logger(CustomerNamespaceService.name);

  constructor(
    private readonly k8s: KubernetesClient,
    private readonly manifests: ManifestService,
    private readonly customers: CustomersService,
    private readonly config: AppConfig,
  ) {}

  async provision(job: ProvisionNamespaceJob): Promise<void> {
    const customer = await this.currentCustomer(job.customerId);
    if (customer === 'gone') return;
    // The row is the truth (the plan may have changed since the job was queued); the job is the fallback.
    const target: NamespaceCustomer = {
      id: customer.id,
      namespace: customer.namespace || job.namespace,
      plan: customer.plan,
    };
    const stored = asList(this.manifests.namespaceObjects(target, 'omit'));
    if (this.k8s.mode === 'off')
      return this.customers.setStatus(target.id, 'active', MODE_REASONS.offProvisioned);
    if (this.k8s.mode === 'dry-run') {
      return this.customers.setStatus(target.id, 'active', MODE_REASONS.dryRunProvisioned, stored);
    }
    const applied = await this.applyNamespace(target);
    await this.customers.setStatus(
      target.id,
      'active',
      `namespace ${target.namespace} provisioned (${applied} objects applied)`,
      stored,
    );
  }

  async teardown(job: TeardownNamespaceJob): Promise<void> {
    if (this.k8s.mode !== 'cluster') {
      const reason =
        this.k8s.mode === 'off' ? MODE_REASONS.offTornDown : MODE_REASONS.dryRunTornDown;
      return this.customers.setStatus(job.customerId, 'deleted', reason);
    }
    const ref = { apiVersion: 'v1', kind: 'Namespace', name: job.namespace };
    const existed = await this.k8s.api.delete(ref);
    if (existed) await this.waitUntilGone(job.namespace);
    await this.customers.setStatus(
      job.customerId,
      'deleted',
      existed
        ? `namespace ${job.namespace} deleted`
        : `namespace ${job.namespace} was already gone`,
    );
  }

  /**
   * Before a VE is applied: its namespace exists, or is provisioned now from the customer row,
   * so deploy jobs do not depend on running after the provisioning job.
   */
  async ensureProvisioned(customerId: string, namespace: string): Promise<void> {
    const ns = await this.k8s.api.read<{ status?: { phase?: string } } & { kind: string }>({
      apiVersion: 'v1',
      kind: 'Namespace',
      name: namespace,
    });
    if (ns?.status?.phase === 'Terminating')
      throw new NamespaceTerminatingError(`namespace ${namespace} is terminating`);
    if (ns) return;
    const customer = await this.currentCustomer(customerId);
    if (customer === 'gone')
      throw new NamespaceTerminatingError(`customer ${customerId} is being deleted`);
    await this.applyNamespace({ id: customer.id, namespace, plan: customer.plan });
  }

  private async applyNamespace(customer: NamespaceCustomer): Promise<number> {
    const objects = this.manifests.namespaceObjects(customer, 'include');
    // In order: the Namespace must exist before anything is applied into it.
    for (const obj of objects) await this.k8s.api.apply(obj);
    this.logger.log(
      { namespace: customer.namespace, objects: objects.length },
      'namespace applied',
    );
    return objects.length;
  }

  /** Namespace deletion is asynchronous: Terminating until every object in it is gone, then 404. */
  private async waitUntilGone(namespace: string): Promise<void> {
    const interval = this.config.get('K8S_POLL_INTERVAL_MS');
    const deadline = Date.now() + this.config.get('K8S_NAMESPACE_DELETE_TIMEOUT_MS');
    while (Date.now() < deadline) {
      const ns = await this.k8s.api.read({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
      if (!ns) return;
      await sleep(interval);
    }
    throw new KubeApiError(
      `delete Namespace ${namespace}`,
      'still terminating after the deadline',
      409,
      'Timeout',
    );
  }

  /** The customer, or 'gone' when it is on its way out; not found (yet) is retried. */
  private async currentCustomer(id: string): Promise<Customer | 'gone'> {
    try {
      const customer = await this.customers.get(id);
      return customer.status === 'deleting' || customer.status === 'deleted' ? 'gone' : customer;
    } catch (err) {
      if (err instanceof NotFoundError) throw new NotVisibleYetError(`customer ${id}`);
      throw err;
    }
  }
}
