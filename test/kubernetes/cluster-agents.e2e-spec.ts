import { Queue } from 'bullmq';
import { DEPLOYMENT_JOBS, DeployVeJob, QUEUES } from '../../src/queue/queue.constants';
import { FakeKubernetes } from '../peers/fake-k8s/fake-k8s';
import { createTestApp, TestApp } from '../helpers/test-app';
import { condition, startFakeCluster } from './support/fake-cluster';
import { KAGENT, meta } from './support/k8s-objects';
import { createActiveCustomer, getVe, hire } from './support/platform';
import { waitFor } from './support/wait-for';

// The machine is shared with other suites: waits are generous (they poll, they do not sleep).
jest.setTimeout(120_000);

describe('VE agents in cluster mode (fake API server)', () => {
  let fake: FakeKubernetes;
  let t: TestApp;

  beforeAll(async () => {
    const cluster = await startFakeCluster();
    fake = cluster.fake;
    // The monitor runs every second, so status changes are picked up by the real job scheduler.
    t = await createTestApp({
      env: { ...cluster.env, OPENAI_API_KEY: 'sk-test-openai', AGENT_HEALTH_INTERVAL_MS: '1000' },
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('applies an Agent and its ModelConfig when a VE is hired, and a second apply changes nothing', async () => {
    const customer = await createActiveCustomer(t);
    const ve = await hire(t, customer.id);
    const agent = await waitFor(
      () => fake.object(KAGENT, 'Agent', customer.namespace, ve.agentName),
      { what: 'Agent applied' },
    );
    expect(meta(agent).labels).toMatchObject({
      've-platform.dev/customer-id': customer.id,
      've-platform.dev/ve-id': ve.id,
    });
    const spec = (agent as { spec: { type: string; declarative: { modelConfig: string } } }).spec;
    expect(spec.type).toBe('Declarative');
    expect(
      fake.object(KAGENT, 'ModelConfig', customer.namespace, spec.declarative.modelConfig),
    ).toBeDefined();
    expect(meta(agent).generation).toBe(1);

    const before = meta(agent).resourceVersion;
    // The same job the platform enqueues, once more (the app's module registry is isolated: a queue of our own).
    const queue = new Queue(QUEUES.deployments, {
      connection: { url: t.env.REDIS_URL },
      prefix: t.env.BULLMQ_PREFIX,
    });
    try {
      const data: DeployVeJob = {
        customerId: customer.id,
        veId: ve.id,
        namespace: ve.namespace,
        agentName: ve.agentName,
        generation: 1,
      };
      const job = await queue.add(DEPLOYMENT_JOBS.deployVe, data, { jobId: `ve-${ve.id}-again` });
      // A single attempt: a failure ends here, with its reason, instead of as a timeout.
      const state = await waitFor(
        async () => {
          const s = await job.getState();
          return s === 'completed' || s === 'failed' ? s : null;
        },
        { what: 'second deploy job' },
      );
      const failedReason = state === 'failed' ? (await queue.getJob(job.id!))?.failedReason : null;
      expect({ state, failedReason }).toEqual({ state: 'completed', failedReason: null });
    } finally {
      await queue.close();
    }
    const after = fake.object(KAGENT, 'Agent', customer.namespace, ve.agentName)!;
    expect(meta(after).generation).toBe(1);
    expect(meta(after).resourceVersion).toBe(before);

    const patched = await t.api('PATCH', `/api/ves/${ve.id}`, {
      customerId: customer.id,
      body: { systemPrompt: 'You now only write haiku.' },
    });
    expect(patched.status).toBe(200);
    const updated = await waitFor(
      () => {
        const a = fake.object(KAGENT, 'Agent', customer.namespace, ve.agentName);
        return meta(a).generation === 2 ? a : null;
      },
      { what: 'generation 2' },
    );
    expect(
      (updated as { spec: { declarative: { systemMessage: string } } }).spec.declarative
        .systemMessage,
    ).toBe('You now only write haiku.');
  });

  it('moves the VE to ready, then degraded, as kagent reports it (monitor + live status)', async () => {
    const customer = await createActiveCustomer(t);
    const ve = await hire(t, customer.id);
    await waitFor(() => fake.object(KAGENT, 'Agent', customer.namespace, ve.agentName), {
      what: 'Agent applied',
    });
    fake.setAgentStatus(customer.namespace, ve.agentName, {
      conditions: [
        condition('Accepted', 'True', 'AgentReconciled'),
        condition('Ready', 'True', 'DeploymentReady'),
      ],
    });
    fake.setDeployment(customer.namespace, ve.agentName, { replicas: 1, availableReplicas: 1 });
    const ready = await waitFor(
      async () => {
        const v = await getVe(t, customer.id, ve.id);
        return v.status === 'ready' ? v : null;
      },
      { what: 'VE ready' },
    );
    expect(ready.statusReason).toBe('Agent ready (1/1 replicas available)');

    const live = await t.api('GET', `/api/ves/${ve.id}/status`, { customerId: customer.id });
    expect(live.body).toMatchObject({
      mode: 'cluster',
      live: true,
      status: 'ready',
      generation: 1,
      observedGeneration: 1,
      deployment: { replicas: 1, availableReplicas: 1 },
    });
    expect(live.body.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: 'Agent', type: 'Ready', status: 'True' }),
      ]),
    );

    fake.setAgentStatus(customer.namespace, ve.agentName, {
      conditions: [
        condition('Accepted', 'True', 'AgentReconciled'),
        condition('Ready', 'False', 'DeploymentNotReady', '0/1 replicas ready'),
      ],
    });
    fake.setDeployment(customer.namespace, ve.agentName, { replicas: 1, availableReplicas: 0 });
    // A sweep may read the Agent before the change above and the Deployment after it (also
    // degraded, with another reason): the next sweep sees both, so wait for that reason.
    const reason = 'Agent not ready: DeploymentNotReady: 0/1 replicas ready';
    const degraded = await waitFor(
      async () => {
        const v = await getVe(t, customer.id, ve.id);
        return v.statusReason === reason ? v : null;
      },
      { what: 'VE degraded by the Agent' },
    );
    expect(degraded.status).toBe('degraded');
  });

  it('keeps serving when the API server goes away, with VE statuses saying why, and recovers', async () => {
    const customer = await createActiveCustomer(t);
    const ve = await hire(t, customer.id);
    await waitFor(() => fake.object(KAGENT, 'Agent', customer.namespace, ve.agentName), {
      what: 'Agent applied',
    });
    fake.setAgentStatus(customer.namespace, ve.agentName, {
      conditions: [
        condition('Accepted', 'True', 'AgentReconciled'),
        condition('Ready', 'True', 'DeploymentReady'),
      ],
    });
    fake.setDeployment(customer.namespace, ve.agentName, { replicas: 1, availableReplicas: 1 });
    await waitFor(async () => (await getVe(t, customer.id, ve.id)).status === 'ready', {
      what: 'VE ready',
    });

    await fake.stop();
    try {
      const away = await waitFor(
        async () => {
          const v = await getVe(t, customer.id, ve.id);
          return v.statusReason?.includes('unreachable') ? v : null;
        },
        { what: 'reason saying the API is unreachable' },
      );
      expect(away.status).toBe('ready');
      expect(away.statusReason).toMatch(
        /^Kubernetes API unreachable \(.+\); last known status kept$/,
      );

      const ready = await t.api('GET', '/health/ready', { token: null });
      expect(ready.status).toBe(200);
      expect(ready.body.details.kubernetes).toMatchObject({
        status: 'degraded',
        mode: 'cluster',
        reachable: false,
      });
      const status = await t.api('GET', `/api/ves/${ve.id}/status`, { customerId: customer.id });
      expect(status.status).toBe(200);
      expect(status.body).toMatchObject({
        live: false,
        status: 'ready',
        error: expect.stringContaining('unreachable'),
      });
      expect((await t.api('GET', '/api/ves', { customerId: customer.id })).status).toBe(200);
      expect(
        (await t.api('GET', `/api/ves/${ve.id}/manifest`, { customerId: customer.id })).status,
      ).toBe(200);
    } finally {
      await fake.start();
    }
    const back = await waitFor(
      async () => {
        const v = await getVe(t, customer.id, ve.id);
        return v.statusReason === 'Agent ready (1/1 replicas available)' ? v : null;
      },
      { what: 'live status again' },
    );
    expect(back.status).toBe('ready');
  });

  it('marks a VE failed with the reason when its Agent cannot be rendered (no retry can fix that)', async () => {
    const customer = await createActiveCustomer(t);
    const tools = Array.from({ length: 21 }, (_, i) => `server-${i}/lookup`);
    const body = {
      name: 'Toolsmith',
      role: 'Engineer',
      systemPrompt: 'Build things.',
      model: 'claude-3-5-haiku-latest',
      skills: ['code-review'],
      tools,
    };
    const res = await t.api<{ id: string; agentName: string }>('POST', '/api/ves', {
      customerId: customer.id,
      body,
    });
    expect(res.status).toBe(201);
    const failed = await waitFor(
      async () => {
        const v = await getVe(t, customer.id, res.body.id);
        return v.status === 'failed' ? v : null;
      },
      { what: 'VE failed' },
    );
    expect(failed.statusReason).toBe(
      'deployment failed: a kagent Agent takes at most 20 tool servers, got 21',
    );
    expect(fake.object(KAGENT, 'Agent', customer.namespace, res.body.agentName)).toBeUndefined();
    // Sweeps run every second: they keep the reason, having nothing newer to say.
    const sweeps = fake.requests.filter((r) => r.path === '/version').length;
    await waitFor(() => fake.requests.filter((r) => r.path === '/version').length >= sweeps + 2, {
      what: 'two more sweeps',
    });
    expect((await getVe(t, customer.id, res.body.id)).statusReason).toBe(failed.statusReason);
  });

  it('deletes the Agent when the VE is fired', async () => {
    const customer = await createActiveCustomer(t);
    const ve = await hire(t, customer.id);
    await waitFor(() => fake.object(KAGENT, 'Agent', customer.namespace, ve.agentName), {
      what: 'Agent applied',
    });
    expect((await t.api('DELETE', `/api/ves/${ve.id}`, { customerId: customer.id })).status).toBe(
      202,
    );
    await waitFor(() => !fake.object(KAGENT, 'Agent', customer.namespace, ve.agentName), {
      what: 'Agent deleted',
    });
    const deletes = fake.requests.filter(
      (r) => r.method === 'DELETE' && r.path.endsWith(`/agents/${ve.agentName}`),
    );
    expect(deletes.map((r) => r.status)).toEqual([200]);
  });
});
