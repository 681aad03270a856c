import { KubeConfig } from '@kubernetes/client-node';
import { Agent, fetch as undiciFetch } from 'undici';
import { KubeApi } from '../../src/kubernetes/kube-api';
import { KubeApiError } from '../../src/kubernetes/kube-api-error';
import type { K8sObject } from '../../src/kubernetes/render/k8s-object';
import { FakeKubernetes } from '../peers/fake-k8s/fake-k8s';
import { fakeTls } from '../peers/fake-k8s/tls';
import { waitFor } from './support/wait-for';

const TOKEN = 'fake-token-123';
const ns = (name: string): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name },
});
const agent = (
  namespace: string,
  description: string,
  labels: Record<string, string> = {},
): K8sObject => ({
  apiVersion: 'kagent.dev/v1alpha2',
  kind: 'Agent',
  metadata: { name: 'maya', namespace, ...(Object.keys(labels).length ? { labels } : {}) },
  spec: {
    type: 'Declarative',
    description,
    declarative: { modelConfig: 'gpt-4o-mini', systemMessage: 'hi' },
  },
});
const meta = (o: unknown) => (o as { metadata: Record<string, unknown> }).metadata;

/** fetch that trusts the fake's certificate (undici, as the Kubernetes client uses). */
function raw(url: string, init: RequestInit): Promise<Response> {
  const dispatcher = new Agent({ connect: { ca: fakeTls().cert } });
  return undiciFetch(url, { ...init, dispatcher } as never) as unknown as Promise<Response>;
}

function client(fake: FakeKubernetes, token = TOKEN): KubeApi {
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser(
    { name: 'fake', server: fake.url, caFile: fakeTls().caFile, skipTLSVerify: false },
    { name: 'u', token },
  );
  return new KubeApi(kc, 2_000);
}

jest.setTimeout(60_000);

describe('KubeApi against the fake Kubernetes API server', () => {
  let fake: FakeKubernetes;
  let api: KubeApi;
  beforeAll(async () => {
    fake = await new FakeKubernetes({
      token: TOKEN,
      namespaceTerminationMs: 150,
      tls: fakeTls(),
    }).start();
    api = client(fake);
  });
  afterAll(() => fake.close());

  it('applies with server-side apply: the apply-patch content type, field manager ve-backend, force', async () => {
    await api.apply(ns('ssa-a'));
    const patch = fake.requests.find(
      (r) => r.method === 'PATCH' && r.path === '/api/v1/namespaces/ssa-a',
    )!;
    expect(patch).toMatchObject({
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: 've-backend', force: 'true' },
      status: 201,
    });
    const created = fake.object('v1', 'Namespace', undefined, 'ssa-a')!;
    expect(meta(created).managedFields).toEqual([
      expect.objectContaining({ manager: 've-backend', operation: 'Apply' }),
    ]);
    expect(meta(created).labels).toEqual({ 'kubernetes.io/metadata.name': 'ssa-a' });
  });

  it('sends built-in objects intact, including fields the client models rename (from, default)', async () => {
    await api.apply(ns('ssa-raw'));
    const policy: K8sObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'p', namespace: 'ssa-raw' },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { a: 'b' } } }] }],
      },
    };
    const limits: K8sObject = {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'l', namespace: 'ssa-raw' },
      spec: {
        limits: [{ type: 'Container', default: { cpu: '1' }, defaultRequest: { cpu: '100m' } }],
      },
    };
    await api.apply(policy);
    await api.apply(limits);
    expect(fake.object('networking.k8s.io/v1', 'NetworkPolicy', 'ssa-raw', 'p')?.spec).toEqual(
      policy.spec,
    );
    expect(fake.object('v1', 'LimitRange', 'ssa-raw', 'l')?.spec).toEqual(limits.spec);
  });

  it('changes nothing when the same object is applied twice', async () => {
    await api.apply(ns('ssa-b'));
    const first = await api.apply(agent('ssa-b', 'v1'));
    const second = await api.apply(agent('ssa-b', 'v1'));
    expect(meta(second).generation).toBe(1);
    expect(meta(second).resourceVersion).toBe(meta(first).resourceVersion);
  });

  it('bumps the generation when the spec changes, not when only labels do', async () => {
    await api.apply(ns('ssa-c'));
    await api.apply(agent('ssa-c', 'v1'));
    const relabelled = await api.apply(agent('ssa-c', 'v1', { team: 'x' }));
    expect(meta(relabelled).generation).toBe(1);
    const updated = await api.apply(agent('ssa-c', 'v2', { team: 'x' }));
    expect(meta(updated).generation).toBe(2);
    expect(Number(meta(updated).resourceVersion)).toBeGreaterThan(
      Number(meta(relabelled).resourceVersion),
    );
  });

  it('removes fields the manager stopped applying', async () => {
    await api.apply(ns('ssa-d'));
    await api.apply(agent('ssa-d', 'v1', { team: 'x' }));
    await api.apply(agent('ssa-d', 'v1'));
    expect(
      meta(fake.object('kagent.dev/v1alpha2', 'Agent', 'ssa-d', 'maya')).labels,
    ).toBeUndefined();
  });

  it('reports a conflict with another manager as 409 without force, and takes the field over with force', async () => {
    await api.apply(ns('ssa-e'));
    await api.apply(agent('ssa-e', 'v1'));
    const url = `${fake.url}/apis/kagent.dev/v1alpha2/namespaces/ssa-e/agents/maya`;
    const headers = { authorization: `Bearer ${TOKEN}` };
    const edit = await raw(`${url}?fieldManager=kubectl-edit`, {
      method: 'PATCH',
      headers: { ...headers, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { description: 'edited by hand' } }),
    });
    expect(edit.status).toBe(200);
    const body = JSON.stringify(agent('ssa-e', 'v1'));
    const noForce = await raw(`${url}?fieldManager=ve-backend`, {
      method: 'PATCH',
      headers: { ...headers, 'content-type': 'application/apply-patch+yaml' },
      body,
    });
    expect(noForce.status).toBe(409);
    expect(await noForce.json()).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Conflict',
      code: 409,
      details: { causes: [{ field: '.spec.description' }] },
    });
    const forced = await api.apply(agent('ssa-e', 'v1'));
    expect((forced as unknown as { spec: { description: string } }).spec.description).toBe('v1');
    const managers = (meta(forced).managedFields as Array<{ manager: string }>).map(
      (m) => m.manager,
    );
    expect(managers).toEqual(['ve-backend']);
  });

  it('requires a field manager for apply (400)', async () => {
    const res = await raw(`${fake.url}/api/v1/namespaces/x`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/apply-patch+yaml' },
      body: JSON.stringify(ns('x')),
    });
    expect(res.status).toBe(400);
  });

  it('answers 404 for missing objects (read → null, delete → false) and for a missing namespace', async () => {
    expect(
      await api.read({
        apiVersion: 'kagent.dev/v1alpha2',
        kind: 'Agent',
        namespace: 'nope',
        name: 'x',
      }),
    ).toBeNull();
    expect(
      await api.delete({
        apiVersion: 'kagent.dev/v1alpha2',
        kind: 'Agent',
        namespace: 'nope',
        name: 'x',
      }),
    ).toBe(false);
    const err = await api.apply(agent('nope', 'v1')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: expect.stringContaining('namespaces "nope" not found'),
    });
  });

  it('terminates a namespace before it is gone; a second delete (409) counts as in progress; new objects are refused (403)', async () => {
    await api.apply(ns('ssa-f'));
    expect(await api.delete({ apiVersion: 'v1', kind: 'Namespace', name: 'ssa-f' })).toBe(true);
    const terminating = await api.read<{ kind: string; status: { phase: string } }>({
      apiVersion: 'v1',
      kind: 'Namespace',
      name: 'ssa-f',
    });
    expect(terminating?.status.phase).toBe('Terminating');
    expect(await api.delete({ apiVersion: 'v1', kind: 'Namespace', name: 'ssa-f' })).toBe(true);
    expect(
      fake.requests
        .filter((r) => r.method === 'DELETE' && r.path === '/api/v1/namespaces/ssa-f')
        .map((r) => r.status),
    ).toEqual([200, 409]);
    await expect(api.apply(agent('ssa-f', 'v1'))).rejects.toMatchObject({
      code: 403,
      reason: 'Forbidden',
    });
    await waitFor(
      async () => (await api.read({ apiVersion: 'v1', kind: 'Namespace', name: 'ssa-f' })) === null,
    );
  });

  it('refuses invalid names with 422 and no credentials with 401', async () => {
    await expect(api.apply(ns('not_a_label'))).rejects.toMatchObject({
      code: 422,
      reason: 'Invalid',
      retryable: false,
    });
    await expect(client(fake, 'wrong').apply(ns('x'))).rejects.toMatchObject({ code: 401 });
  });

  it('says when a kind is not served (kagent CRDs missing)', async () => {
    const err = await api
      .read({ apiVersion: 'kagent.dev/v1alpha2', kind: 'Nonexistent', namespace: 'a', name: 'b' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      reason: 'NotServed',
      message: expect.stringContaining('kagent CRDs'),
    });
  });

  it('fails fast as unreachable while the API server is away, and works again when it is back', async () => {
    await fake.stop();
    const err = await api.serverVersion().catch((e: unknown) => e);
    expect(err).toMatchObject({ unreachable: true, retryable: true });
    await fake.start();
    expect(await api.serverVersion()).toBe('v1.32.0-fake');
  });
});
