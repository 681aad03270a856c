import { Injectable } from '@nestjs/common';
import type { VeStatus } from '../database/database.types';
import type { Ve } from '../ves/ves.types';
import { VesService } from '../ves/ves.service';
import { MappedStatus, ObservedAgent, ObservedDeployment, veStatusFromAgent } from './agent-status';
import { observeAgent, observeDeployment } from './agent-observation';
import { KubeApiError } from './kube-api-error';
import { KubernetesClient } from './kubernetes-client';
import { KAGENT_API_VERSION } from './kubernetes.constants';

export interface AgentObservation extends MappedStatus {
  agent: ObservedAgent | null;
  deployment: ObservedDeployment | null;
}

/** What GET /api/ves/:id/status answers. */
export interface LiveVeStatus {
  veId: string;
  agentName: string;
  namespace: string;
  mode: KubernetesClient['mode'];
  /** True when this answer was just read from Kubernetes; false = the stored status. */
  live: boolean;
  status: VeStatus;
  reason: string | null;
  conditions: unknown[];
  generation: number | null;
  observedGeneration: number | null;
  deployment: { replicas: number; readyReplicas: number; availableReplicas: number } | null;
  checkedAt: string;
  error?: string;
}

/** Reads an agent's state from Kubernetes and turns it into the VE's status. */
@Injectable()
export class AgentStatusService {
  constructor(
    private readonly k8s: KubernetesClient,
    private readonly ves: VesService,
  ) {}

  /** The Agent and (when it exists) the Deployment kagent runs it in, both named after the agent. */
  async observe(
    ve: Pick<Ve, 'namespace' | 'agentName' | 'status' | 'statusReason'>,
  ): Promise<AgentObservation> {
    const ref = { namespace: ve.namespace, name: ve.agentName };
    const agent = observeAgent(
      await this.k8s.api.read({ apiVersion: KAGENT_API_VERSION, kind: 'Agent', ...ref }),
    );
    const deployment = agent
      ? observeDeployment(
          await this.k8s.api.read({ apiVersion: 'apps/v1', kind: 'Deployment', ...ref }),
        )
      : null;
    const previous = { previous: ve.status, previousReason: ve.statusReason };
    return { ...veStatusFromAgent({ agent, deployment, ...previous }), agent, deployment };
  }

  /** Observes and stores the status (VesService emits `ve.status` when it changed). */
  async refresh(ve: Ve): Promise<{ changed: boolean; status: VeStatus }> {
    const seen = await this.observe(ve);
    const changed = await this.ves.setStatus(ve.customerId, ve.id, {
      status: seen.status,
      reason: seen.reason,
      conditions: seen.conditions,
    });
    return { changed, status: seen.status };
  }

  /** Live in cluster mode; the stored status (with why) when not in cluster mode or the API is unreachable. */
  async live(customerId: string, veId: string): Promise<LiveVeStatus> {
    const ve = await this.ves.get(customerId, veId);
    const stored: LiveVeStatus = {
      veId: ve.id,
      agentName: ve.agentName,
      namespace: ve.namespace,
      mode: this.k8s.mode,
      live: false,
      status: ve.status,
      reason: ve.statusReason,
      conditions: [],
      generation: null,
      observedGeneration: null,
      deployment: null,
      checkedAt: new Date().toISOString(),
    };
    if (this.k8s.mode !== 'cluster' || ve.agentUrl) return stored;
    try {
      const seen = await this.observe(ve);
      return {
        ...stored,
        live: true,
        status: seen.status,
        reason: seen.reason,
        conditions: seen.conditions,
        generation: seen.agent?.generation ?? null,
        observedGeneration: seen.agent?.observedGeneration ?? null,
        deployment: seen.deployment
          ? {
              replicas: seen.deployment.replicas,
              readyReplicas: seen.deployment.readyReplicas,
              availableReplicas: seen.deployment.availableReplicas,
            }
          : null,
      };
    } catch (err) {
      const e = KubeApiError.from(err, 'read agent status');
      return { ...stored, error: e.message };
    }
  }
}
