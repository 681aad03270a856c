import type { KubernetesObject } from '@kubernetes/client-node';
import type { K8sCondition, ObservedAgent, ObservedDeployment } from './agent-status';

interface RawCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string | Date;
  observedGeneration?: number;
}

/** Conditions as plain JSON (the client turns built-in objects' times into Dates). */
export function toConditions(raw: RawCondition[] | undefined): K8sCondition[] {
  return (raw ?? []).map((c) => ({
    type: String(c.type ?? ''),
    status: String(c.status ?? 'Unknown'),
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.message ? { message: c.message } : {}),
    ...(c.lastTransitionTime
      ? {
          lastTransitionTime:
            c.lastTransitionTime instanceof Date
              ? c.lastTransitionTime.toISOString()
              : String(c.lastTransitionTime),
        }
      : {}),
    ...(c.observedGeneration !== undefined
      ? { observedGeneration: Number(c.observedGeneration) }
      : {}),
  }));
}

type AgentObject = KubernetesObject & {
  status?: { observedGeneration?: number; conditions?: RawCondition[] };
};
type DeploymentObject = KubernetesObject & {
  spec?: { replicas?: number };
  status?: { readyReplicas?: number; availableReplicas?: number; conditions?: RawCondition[] };
};

export function observeAgent(agent: AgentObject | null): ObservedAgent | null {
  if (!agent) return null;
  return {
    generation: agent.metadata?.generation,
    observedGeneration: agent.status?.observedGeneration,
    conditions: toConditions(agent.status?.conditions),
  };
}

export function observeDeployment(deployment: DeploymentObject | null): ObservedDeployment | null {
  if (!deployment) return null;
  return {
    // A Deployment without spec.replicas runs one.
    replicas: deployment.spec?.replicas ?? 1,
    readyReplicas: deployment.status?.readyReplicas ?? 0,
    availableReplicas: deployment.status?.availableReplicas ?? 0,
    conditions: toConditions(deployment.status?.conditions),
  };
}
