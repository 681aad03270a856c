import { sql } from 'kysely';
import { parseAllDocuments } from 'yaml';
import { KYSELY } from '../../src/database/database.constants';
import { createTestApp, TestApp } from '../helpers/test-app';
import { validateCoreObjects } from './support/core-schemas';
import { createActiveCustomer, CustomerInfo, getVe, hire, VeInfo } from './support/platform';
import { waitFor } from './support/wait-for';

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  // Parsed YAML, asserted field by field below.
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
};
const docs = (yaml: string): Obj[] => parseAllDocuments(yaml).map((d) => d.toJS() as Obj);

// The machine is shared with other suites: waits are generous (they poll, they do not sleep).
jest.setTimeout(120_000);

describe('Kubernetes in dry-run mode (no cluster configured)', () => {
  let t: TestApp;
  let customer: CustomerInfo;
  let ve: VeInfo;

  beforeAll(async () => {
    t = await createTestApp({ env: { K8S_MODE: 'dry-run', OPENAI_API_KEY: 'sk-dry-run-secret' } });
    customer = await createActiveCustomer(t, 'enterprise');
    const hired = await hire(t, customer.id);
    ve = await waitFor(
      async () => {
        const v = await getVe(t, customer.id, hired.id);
        return v.status === 'ready' ? v : null;
      },
      { what: 'VE ready in dry-run' },
    );
  });
  afterAll(() => t?.close());

  it('says dry-run in /health/ready, and keeps the platform ready', async () => {
    const res = await t.api('GET', '/health/ready', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.info.kubernetes).toEqual({ status: 'up', mode: 'dry-run' });
  });

  it('provisions the customer on paper: active, with the reason saying dry-run', () => {
    expect(customer.statusReason).toMatch(/^dry-run: /);
  });

  it('makes the VE ready with a reason that says the manifests were not applied', () => {
    expect(ve.statusReason).toMatch(/^dry-run: manifests rendered and stored, not applied/);
  });

  it('serves the VE manifest as YAML: a ModelConfig and an Agent with the kagent fields', async () => {
    const res = await t.api('GET', `/api/ves/${ve.id}/manifest`, { customerId: customer.id });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(res.headers.get('x-k8s-mode')).toBe('dry-run');
    const [modelConfig, agent] = docs(res.text);
    expect(modelConfig).toMatchObject({
      apiVersion: 'kagent.dev/v1alpha2',
      kind: 'ModelConfig',
      metadata: { namespace: customer.namespace },
    });
    expect(modelConfig.spec).toMatchObject({
      model: expect.any(String),
      apiKeySecret: 've-model-keys',
      apiKeySecretKey: expect.stringMatching(/_API_KEY$/),
    });
    expect(agent).toMatchObject({
      apiVersion: 'kagent.dev/v1alpha2',
      kind: 'Agent',
      metadata: { name: ve.agentName, namespace: customer.namespace },
    });
    const d = agent.spec.declarative;
    expect(agent.spec.type).toBe('Declarative');
    expect(d.systemMessage.length).toBeGreaterThan(0);
    expect(d.modelConfig).toBe(modelConfig.metadata.name);
    expect(d.a2aConfig.skills.length).toBeGreaterThanOrEqual(1);
    expect(d.a2aConfig.skills.map((s: { id: string }) => s.id)).toEqual(
      expect.arrayContaining(ve.skills),
    );
    const servers = [...new Set(ve.tools.map((x) => x.split('/')[0]))];
    expect(d.tools.map((x: { mcpServer: { name: string } }) => x.mcpServer.name)).toEqual(servers);
    for (const tool of d.tools)
      expect(tool).toMatchObject({
        type: 'McpServer',
        mcpServer: { kind: 'RemoteMCPServer', apiGroup: 'kagent.dev' },
      });
  });

  it('serves the same manifest as JSON (a kind: List) on Accept: application/json, and stored it', async () => {
    const res = await t.api('GET', `/api/ves/${ve.id}/manifest`, {
      customerId: customer.id,
      headers: { accept: 'application/json' },
    });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({
      apiVersion: 'v1',
      kind: 'List',
      items: [{ kind: 'ModelConfig' }, { kind: 'Agent' }],
    });
    const db = t.app.get(KYSELY);
    const row = await sql<{
      manifest: unknown;
      deployed_generation: number;
    }>`select manifest, deployed_generation from ves where id = ${ve.id}`.execute(db);
    expect(row.rows[0].manifest).toEqual(res.body);
  });

  it('serves the customer bundle whose core objects pass their Kubernetes schemas, without the key secret', async () => {
    const res = await t.api('GET', `/api/customers/${customer.id}/manifests`);
    expect(res.status).toBe(200);
    const objects = docs(res.text);
    expect(objects.map((o) => o.kind)).toEqual([
      'Namespace',
      'ResourceQuota',
      'LimitRange',
      'NetworkPolicy',
      'ServiceAccount',
      'RoleBinding',
      'ModelConfig',
      'Agent',
    ]);
    expect(validateCoreObjects(objects)).toBe(6);
    expect(res.text).not.toContain(Buffer.from('sk-dry-run-secret').toString('base64'));
    expect(res.text).toMatch(
      /^# .*\n# Secret ve-model-keys \(keys: OPENAI_API_KEY\) is not included/,
    );
  });

  it('answers the status from the store, saying the mode', async () => {
    const res = await t.api('GET', `/api/ves/${ve.id}/status`, { customerId: customer.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      veId: ve.id,
      mode: 'dry-run',
      live: false,
      status: 'ready',
      reason: ve.statusReason,
    });
  });

  it("gives another customer 404 for this customer's VE status, manifest and bundle", async () => {
    const other = await createActiveCustomer(t, 'free');
    const key = await t.api<{ key: string }>('POST', `/api/customers/${other.id}/api-keys`, {
      body: { name: 'ci' },
    });
    const token = key.body.key;
    expect((await t.api('GET', `/api/ves/${ve.id}/status`, { token })).status).toBe(404);
    expect((await t.api('GET', `/api/ves/${ve.id}/manifest`, { token })).status).toBe(404);
    expect((await t.api('GET', `/api/customers/${customer.id}/manifests`, { token })).status).toBe(
      404,
    );
    expect((await t.api('GET', `/api/customers/${other.id}/manifests`, { token })).status).toBe(
      200,
    );
  });
});
