import { FakeKubernetes } from '../peers/fake-k8s/fake-k8s';
import { createTestApp, TestApp } from '../helpers/test-app';
import { startFakeCluster } from './support/fake-cluster';
import { inNamespace, KAGENT, Meta, meta } from './support/k8s-objects';
import { createActiveCustomer, hire } from './support/platform';
import { waitFor } from './support/wait-for';

// The machine is shared with other suites: waits are generous (they poll, they do not sleep).
jest.setTimeout(120_000);

describe('Customer namespaces in cluster mode (fake API server)', () => {
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

  it('reports the cluster mode and a reachable API server in /health/ready', async () => {
    const res = await t.api('GET', '/health/ready', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.info.kubernetes).toMatchObject({
      status: 'up',
      mode: 'cluster',
      reachable: true,
      version: 'v1.32.0-fake',
    });
  });

  it('provisions a customer namespace with exactly the quota, limits, policy, agent account, binding and key secret', async () => {
    const customer = await createActiveCustomer(t, 'pro');
    expect(customer.statusReason).toBe(
      `namespace ${customer.namespace} provisioned (7 objects applied)`,
    );
    const ns = fake.object('v1', 'Namespace', undefined, customer.namespace)!;
    expect(meta(ns).labels).toMatchObject({
      've-platform.dev/customer-id': customer.id,
      've-platform.dev/plan': 'pro',
      'app.kubernetes.io/managed-by': 've-backend',
    });
    expect(inNamespace(fake, customer.namespace)).toEqual([
      'LimitRange/ve-limits',
      'NetworkPolicy/ve-default-deny',
      'ResourceQuota/ve-quota',
      'RoleBinding/ve-agent',
      'Secret/ve-model-keys',
      'ServiceAccount/ve-agent',
    ]);
    const secret = fake.object('v1', 'Secret', customer.namespace, 've-model-keys') as {
      data: Record<string, string>;
    };
    expect(secret.data).toEqual({
      OPENAI_API_KEY: Buffer.from('sk-test-openai').toString('base64'),
    });
    const policy = fake.object(
      'networking.k8s.io/v1',
      'NetworkPolicy',
      customer.namespace,
      've-default-deny',
    ) as { spec: unknown };
    expect(policy.spec).toMatchObject({
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: {
                matchLabels: { 'kubernetes.io/metadata.name': 'agentgateway-system' },
              },
            },
          ],
        },
      ],
    });
    const writes = fake.requests.filter(
      (r) => r.method === 'PATCH' && r.path.includes(customer.namespace),
    );
    expect(writes.length).toBe(7);
    for (const w of writes)
      expect(w).toMatchObject({
        contentType: 'application/apply-patch+yaml',
        query: { fieldManager: 've-backend', force: 'true' },
      });
  });

  it('tears the namespace down when the customer is deleted, waiting until it is gone', async () => {
    const customer = await createActiveCustomer(t);
    const ve = await hire(t, customer.id);
    await waitFor(() => fake.object(KAGENT, 'Agent', customer.namespace, ve.agentName), {
      what: 'Agent applied',
    });
    expect((await t.api('DELETE', `/api/customers/${customer.id}`)).status).toBe(202);
    await waitFor(
      async () => (await t.api('GET', `/api/customers/${customer.id}`)).status === 404,
      { what: 'customer deleted' },
    );
    expect(fake.object('v1', 'Namespace', undefined, customer.namespace)).toBeUndefined();
    expect(inNamespace(fake, customer.namespace)).toEqual([]);
    const nsCalls = fake.requests.filter(
      (r) => r.path === `/api/v1/namespaces/${customer.namespace}` && r.method !== 'PATCH',
    );
    const deletion = nsCalls.findIndex((r) => r.method === 'DELETE');
    // Deleted once, then polled while Terminating (200) until the 404 that ends the wait.
    expect(nsCalls[deletion]).toMatchObject({ status: 200 });
    const polls = nsCalls.slice(deletion + 1);
    expect(polls.every((r) => r.method === 'GET')).toBe(true);
    expect(polls.at(-1)).toMatchObject({ status: 404 });
  });

  it('serves the customer bundle with every VE agent', async () => {
    const customer = await createActiveCustomer(t);
    const a = await hire(t, customer.id, 'Ann');
    const b = await hire(t, customer.id, 'Bob');
    const res = await t.api('GET', `/api/customers/${customer.id}/manifests`, {
      headers: { accept: 'application/json' },
    });
    expect(res.status).toBe(200);
    const agents = res.body.items
      .filter((o: { kind: string }) => o.kind === 'Agent')
      .map((o: { metadata: Meta }) => o.metadata.name);
    expect(agents.sort()).toEqual([a.agentName, b.agentName].sort());
  });
});
