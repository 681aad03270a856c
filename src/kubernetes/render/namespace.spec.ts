import { LimitRange, Namespace, ResourceQuota, Secret, ServiceAccount } from 'kubernetes-models/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import type { K8sObject } from './k8s-object';
import { NamespaceRenderInput, renderNamespaceObjects } from './namespace';
import { PLAN_SIZING } from './plan-sizing';

const input = (over: Partial<NamespaceRenderInput> = {}): NamespaceRenderInput => ({
  customerId: '5f0c6a57-2f5e-4d38-9d44-8f3e0b1c2a10',
  namespace: 'customer-acme',
  plan: 'pro',
  gatewayNamespaces: ['agentgateway-system'],
  agentClusterRole: 've-agent',
  providerKeys: { OPENAI_API_KEY: 'sk-test' },
  ...over,
});
const byKind = (objects: K8sObject[], kind: string) => objects.find((o) => o.kind === kind)!;
const validators: Record<string, new (o: never) => { validate(): void }> = {
  Namespace,
  ResourceQuota,
  LimitRange,
  NetworkPolicy,
  ServiceAccount,
  RoleBinding,
  Secret,
};

describe('renderNamespaceObjects', () => {
  it('renders exactly the namespace, quota, limits, network policy, agent account, binding and key secret', () => {
    const objects = renderNamespaceObjects(input(), 'include');
    expect(objects.map((o) => o.kind)).toEqual([
      'Namespace',
      'ResourceQuota',
      'LimitRange',
      'NetworkPolicy',
      'ServiceAccount',
      'RoleBinding',
      'Secret',
    ]);
    for (const o of objects.slice(1)) expect(o.metadata.namespace).toBe('customer-acme');
  });

  it('produces core objects that pass their Kubernetes schemas', () => {
    for (const o of renderNamespaceObjects(input(), 'include')) {
      expect(() => new validators[o.kind](o as never).validate()).not.toThrow();
    }
  });

  it('uses validators that do reject a broken object (the check above can fail)', () => {
    const broken = {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'x' },
      spec: { limits: [{ max: 3 }] },
    };
    expect(() => new LimitRange(broken as never).validate()).toThrow();
  });

  it('labels every object with the customer, the plan and the manager', () => {
    for (const o of renderNamespaceObjects(input(), 'include')) {
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 've-backend',
        've-platform.dev/customer-id': input().customerId,
        've-platform.dev/plan': 'pro',
      });
    }
  });

  it.each(['free', 'pro', 'enterprise'] as const)(
    'sizes quota and limits by the %s plan',
    (plan) => {
      const objects = renderNamespaceObjects(input({ plan }), 'include');
      const hard = (byKind(objects, 'ResourceQuota').spec as { hard: Record<string, string> }).hard;
      expect(hard['requests.cpu']).toBe(PLAN_SIZING[plan].quota.requestsCpu);
      expect(hard['limits.memory']).toBe(PLAN_SIZING[plan].quota.limitsMemory);
      expect(hard['count/agents.kagent.dev']).toBe(String(PLAN_SIZING[plan].quota.agents));
      const [limit] = (
        byKind(objects, 'LimitRange').spec as { limits: Array<Record<string, unknown>> }
      ).limits;
      expect(limit).toMatchObject({
        type: 'Container',
        max: { cpu: PLAN_SIZING[plan].container.maxCpu },
      });
    },
  );

  it('gives bigger plans more room', () => {
    expect(PLAN_SIZING.free.quota.agents).toBeLessThan(PLAN_SIZING.pro.quota.agents);
    expect(PLAN_SIZING.pro.quota.agents).toBeLessThan(PLAN_SIZING.enterprise.quota.agents);
  });

  it('denies all ingress except from the gateway namespaces', () => {
    const policy = byKind(
      renderNamespaceObjects(input({ gatewayNamespaces: ['gw', 'kagent'] }), 'include'),
      'NetworkPolicy',
    );
    expect(policy.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gw' } } },
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kagent' } } },
          ],
        },
      ],
    });
  });

  it('binds the agents service account to the configured cluster role', () => {
    const binding = byKind(
      renderNamespaceObjects(input({ agentClusterRole: 'agents-read' }), 'include'),
      'RoleBinding',
    );
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'agents-read',
    });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 've-agent', namespace: 'customer-acme' },
    ]);
  });

  it('puts only the provider keys that are set in the secret, base64-encoded', () => {
    const secret = byKind(renderNamespaceObjects(input(), 'include'), 'Secret');
    expect(secret.data).toEqual({ OPENAI_API_KEY: Buffer.from('sk-test').toString('base64') });
    const both = byKind(
      renderNamespaceObjects(
        input({ providerKeys: { OPENAI_API_KEY: 'a', ANTHROPIC_API_KEY: 'b' } }),
        'include',
      ),
      'Secret',
    );
    expect(Object.keys(both.data as object).sort()).toEqual([
      'ANTHROPIC_API_KEY',
      'OPENAI_API_KEY',
    ]);
  });

  it('leaves the secret out of manifests meant to be stored or shown', () => {
    const objects = renderNamespaceObjects(input(), 'omit');
    expect(objects.map((o) => o.kind)).not.toContain('Secret');
    expect(JSON.stringify(objects)).not.toContain(Buffer.from('sk-test').toString('base64'));
  });
});
