import {
  FIELD_MANAGER,
  LABELS,
  NAMESPACE_OBJECT_NAMES as N,
  PROVIDER_KEYS,
  ProviderKey,
} from '../kubernetes.constants';
import type { K8sObject } from './k8s-object';
import { Plan, PLAN_SIZING } from './plan-sizing';

export interface NamespaceRenderInput {
  customerId: string;
  namespace: string;
  plan: Plan;
  /** Namespaces whose pods may reach the agents (the gateway's; kagent's controller when it proxies A2A). */
  gatewayNamespaces: string[];
  /** The ClusterRole the agents' RoleBinding grants inside the namespace. */
  agentClusterRole: string;
  /** The model provider keys to put in the namespace Secret; unset keys are left out. */
  providerKeys: Partial<Record<ProviderKey, string | undefined>>;
}

/**
 * `include` renders the Secret with its values (only ever sent to the API server);
 * `omit` leaves the Secret out, for manifests that are stored or shown to people.
 */
export type SecretValues = 'include' | 'omit';

export function namespaceLabels(input: Pick<NamespaceRenderInput, 'customerId' | 'plan'>) {
  return {
    [LABELS.managedBy]: FIELD_MANAGER,
    [LABELS.partOf]: 've-platform',
    [LABELS.customerId]: input.customerId,
    [LABELS.plan]: input.plan,
  };
}

/** Every object of a customer namespace, in the order they are applied (Namespace first). */
export function renderNamespaceObjects(
  input: NamespaceRenderInput,
  secrets: SecretValues,
): K8sObject[] {
  const labels = namespaceLabels(input);
  const meta = (name: string) => ({ name, namespace: input.namespace, labels });
  const sizing = PLAN_SIZING[input.plan];
  const objects: K8sObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: input.namespace, labels } },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: meta(N.quota),
      spec: {
        hard: {
          'requests.cpu': sizing.quota.requestsCpu,
          'requests.memory': sizing.quota.requestsMemory,
          'limits.cpu': sizing.quota.limitsCpu,
          'limits.memory': sizing.quota.limitsMemory,
          pods: String(sizing.quota.pods),
          secrets: String(sizing.quota.secrets),
          configmaps: String(sizing.quota.configMaps),
          services: String(sizing.quota.services),
          persistentvolumeclaims: String(sizing.quota.persistentVolumeClaims),
          'count/agents.kagent.dev': String(sizing.quota.agents),
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: meta(N.limits),
      spec: {
        limits: [
          {
            type: 'Container',
            default: { cpu: sizing.container.defaultCpu, memory: sizing.container.defaultMemory },
            defaultRequest: {
              cpu: sizing.container.defaultRequestCpu,
              memory: sizing.container.defaultRequestMemory,
            },
            max: { cpu: sizing.container.maxCpu, memory: sizing.container.maxMemory },
          },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(N.networkPolicy),
      spec: {
        // Every pod; ingress only (agents must still reach model providers and MCP servers).
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: input.gatewayNamespaces.map((ns) => ({
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
            })),
          },
        ],
      },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(N.agentServiceAccount) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(N.agentRoleBinding),
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: input.agentClusterRole,
      },
      subjects: [
        { kind: 'ServiceAccount', name: N.agentServiceAccount, namespace: input.namespace },
      ],
    },
  ];
  if (secrets === 'include') objects.push(renderModelKeysSecret(input));
  return objects;
}

function renderModelKeysSecret(input: NamespaceRenderInput): K8sObject {
  const data: Record<string, string> = {};
  for (const key of PROVIDER_KEYS) {
    const value = input.providerKeys[key];
    if (value) data[key] = Buffer.from(value, 'utf8').toString('base64');
  }
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: N.modelKeysSecret,
      namespace: input.namespace,
      labels: namespaceLabels(input),
    },
    type: 'Opaque',
    data,
  };
}
