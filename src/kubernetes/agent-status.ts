import type { VeStatus } from '../database/database.types';

/** A Kubernetes condition (metav1.Condition and the Deployment's conditions share these fields). */
export interface K8sCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown' | string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export interface ObservedAgent {
  generation?: number;
  observedGeneration?: number;
  conditions: K8sCondition[];
}

export interface ObservedDeployment {
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
  conditions: K8sCondition[];
}

export interface StatusObservation {
  /** null: the Agent does not exist. */
  agent: ObservedAgent | null;
  /** null: kagent has not created the agent's Deployment (or it was removed). */
  deployment: ObservedDeployment | null;
  /** The VE's stored status, to tell a first rollout (deploying) from a regression (degraded). */
  previous: VeStatus;
  /** Its stored reason: kept when there is nothing newer to say (a failed render, a fired VE). */
  previousReason?: string | null;
}

/** A condition as stored on the VE and shown by GET /api/ves/:id/status, with where it came from. */
export interface VeCondition extends K8sCondition {
  source: 'Agent' | 'Deployment';
}

export interface MappedStatus {
  status: VeStatus;
  reason: string;
  conditions: VeCondition[];
}

const find = (conditions: K8sCondition[], type: string) => conditions.find((c) => c.type === type);
const explain = (c: K8sCondition) =>
  [c.reason, c.message].filter(Boolean).join(': ') || 'no reason given';

/**
 * The VE status from what kagent reports: the Agent's `Accepted` and `Ready` conditions and
 * the readiness of the Deployment kagent runs it in.
 */
export function veStatusFromAgent(o: StatusObservation): MappedStatus {
  const conditions: VeCondition[] = [
    ...(o.agent?.conditions ?? []).map((c) => ({ ...c, source: 'Agent' as const })),
    ...(o.deployment?.conditions ?? []).map((c) => ({ ...c, source: 'Deployment' as const })),
  ];
  const result = (status: VeStatus, reason: string): MappedStatus => ({
    status,
    reason,
    conditions,
  });
  const { agent, deployment } = o;

  if (!agent) {
    // Before the first apply the Agent is simply not there yet; later its absence is a failure.
    if (o.previous === 'deploying')
      return result('deploying', 'Agent not created yet (deployment pending)');
    if (o.previous === 'stopped') return result('stopped', o.previousReason || 'Agent deleted');
    // A deployment that failed before applying anything already says why.
    if (o.previous === 'failed' && o.previousReason) return result('failed', o.previousReason);
    return result('failed', 'Agent not found in the namespace (deleted outside the platform?)');
  }
  const accepted = find(agent.conditions, 'Accepted');
  if (accepted?.status === 'False')
    return result('failed', `Agent not accepted by kagent: ${explain(accepted)}`);
  if (accepted?.status !== 'True')
    return result('deploying', 'waiting for kagent to accept the Agent');
  if (agent.generation !== undefined && (agent.observedGeneration ?? 0) < agent.generation) {
    return result('deploying', `kagent has not reconciled generation ${agent.generation} yet`);
  }
  const progressing = deployment && find(deployment.conditions, 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    return result('failed', `Deployment stuck: ${explain(progressing)}`);
  }
  if (deployment && deployment.replicas === 0)
    return result('stopped', 'Deployment scaled to 0 replicas');

  const replicas = deployment
    ? `${deployment.availableReplicas}/${deployment.replicas} replicas available`
    : '';
  const ready = find(agent.conditions, 'Ready');
  if (ready?.status === 'True') {
    if (deployment && deployment.availableReplicas < deployment.replicas) {
      return result('degraded', `Agent ready with ${replicas}`);
    }
    return result('ready', replicas ? `Agent ready (${replicas})` : 'Agent ready');
  }
  const why = ready ? explain(ready) : 'no Ready condition yet';
  if (deployment && deployment.availableReplicas > 0)
    return result('degraded', `Agent not ready (${why}); ${replicas}`);
  if (o.previous === 'ready' || o.previous === 'degraded')
    return result('degraded', `Agent not ready: ${why}`);
  return result('deploying', `waiting for the Agent to become ready: ${why}`);
}
