import { K8sCondition, ObservedAgent, ObservedDeployment, veStatusFromAgent } from './agent-status';

const cond = (type: string, status: string, reason?: string, message?: string): K8sCondition => ({
  type,
  status,
  ...(reason ? { reason } : {}),
  ...(message ? { message } : {}),
});
const agent = (
  conditions: K8sCondition[],
  generation = 2,
  observedGeneration = 2,
): ObservedAgent => ({
  generation,
  observedGeneration,
  conditions,
});
const deployment = (
  replicas: number,
  available: number,
  conditions: K8sCondition[] = [],
): ObservedDeployment => ({
  replicas,
  readyReplicas: available,
  availableReplicas: available,
  conditions,
});
const accepted = cond('Accepted', 'True', 'AgentReconciled');

describe('veStatusFromAgent', () => {
  it('is ready when kagent accepted the Agent and it is Ready with its replicas available', () => {
    const r = veStatusFromAgent({
      agent: agent([accepted, cond('Ready', 'True')]),
      deployment: deployment(1, 1),
      previous: 'deploying',
    });
    expect(r).toMatchObject({ status: 'ready', reason: 'Agent ready (1/1 replicas available)' });
    expect(r.conditions.map((c) => `${c.source}:${c.type}`)).toEqual([
      'Agent:Accepted',
      'Agent:Ready',
    ]);
  });

  it('is deploying until kagent accepts the Agent', () => {
    expect(
      veStatusFromAgent({ agent: agent([]), deployment: null, previous: 'deploying' }).status,
    ).toBe('deploying');
  });

  it('is failed when kagent refuses the Agent, with its reason', () => {
    const r = veStatusFromAgent({
      agent: agent([
        cond('Accepted', 'False', 'ModelConfigNotFound', 'modelconfig gpt-x not found'),
      ]),
      deployment: null,
      previous: 'deploying',
    });
    expect(r).toEqual(
      expect.objectContaining({
        status: 'failed',
        reason: expect.stringContaining('ModelConfigNotFound: modelconfig gpt-x not found'),
      }),
    );
  });

  it('is deploying while kagent has not observed the newest generation', () => {
    const r = veStatusFromAgent({
      agent: agent([accepted, cond('Ready', 'True')], 3, 2),
      deployment: deployment(1, 1),
      previous: 'ready',
    });
    expect(r).toMatchObject({
      status: 'deploying',
      reason: expect.stringContaining('generation 3'),
    });
  });

  it('is deploying on a first rollout that is not ready yet', () => {
    const r = veStatusFromAgent({
      agent: agent([accepted, cond('Ready', 'False', 'DeploymentNotFound')]),
      deployment: null,
      previous: 'deploying',
    });
    expect(r).toMatchObject({
      status: 'deploying',
      reason: expect.stringContaining('DeploymentNotFound'),
    });
  });

  it('is degraded when a ready agent stops being ready', () => {
    const r = veStatusFromAgent({
      agent: agent([accepted, cond('Ready', 'False', 'DeploymentNotReady', '0/1 ready')]),
      deployment: deployment(1, 0),
      previous: 'ready',
    });
    expect(r).toMatchObject({
      status: 'degraded',
      reason: 'Agent not ready: DeploymentNotReady: 0/1 ready',
    });
  });

  it('is degraded when some replicas are missing', () => {
    const r = veStatusFromAgent({
      agent: agent([accepted, cond('Ready', 'True')]),
      deployment: deployment(3, 2),
      previous: 'ready',
    });
    expect(r).toMatchObject({
      status: 'degraded',
      reason: 'Agent ready with 2/3 replicas available',
    });
  });

  it('is failed when the Deployment exceeded its progress deadline', () => {
    const stuck = deployment(1, 0, [
      cond('Progressing', 'False', 'ProgressDeadlineExceeded', 'ImagePullBackOff'),
    ]);
    const r = veStatusFromAgent({
      agent: agent([accepted, cond('Ready', 'False')]),
      deployment: stuck,
      previous: 'deploying',
    });
    expect(r.status).toBe('failed');
    expect(r.conditions.map((c) => c.source)).toContain('Deployment');
  });

  it('is stopped when the Deployment is scaled to zero', () => {
    expect(
      veStatusFromAgent({
        agent: agent([accepted, cond('Ready', 'False')]),
        deployment: deployment(0, 0),
        previous: 'ready',
      }).status,
    ).toBe('stopped');
  });

  it('keeps the reason of a deployment that failed before anything was applied', () => {
    const previousReason = 'deployment failed: too many tools';
    const r = veStatusFromAgent({
      agent: null,
      deployment: null,
      previous: 'failed',
      previousReason,
    });
    expect(r).toMatchObject({ status: 'failed', reason: previousReason });
  });

  it('tells a pending Agent from a vanished one', () => {
    expect(veStatusFromAgent({ agent: null, deployment: null, previous: 'deploying' }).status).toBe(
      'deploying',
    );
    expect(veStatusFromAgent({ agent: null, deployment: null, previous: 'ready' }).status).toBe(
      'failed',
    );
    expect(veStatusFromAgent({ agent: null, deployment: null, previous: 'stopped' }).status).toBe(
      'stopped',
    );
  });
});
