import type { FakeKubernetes } from '../../peers/fake-k8s/fake-k8s';

export type Meta = {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  generation?: number;
  resourceVersion?: string;
};
export const meta = (o: unknown) => (o as { metadata: Meta }).metadata;
export const KAGENT = 'kagent.dev/v1alpha2';

/** Every kind the fake serves, to prove a namespace holds exactly what we expect. */
const KINDS: Array<[string, string]> = [
  ['v1', 'ResourceQuota'],
  ['v1', 'LimitRange'],
  ['v1', 'ServiceAccount'],
  ['v1', 'Secret'],
  ['v1', 'ConfigMap'],
  ['networking.k8s.io/v1', 'NetworkPolicy'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'Role'],
  ['apps/v1', 'Deployment'],
  [KAGENT, 'Agent'],
  [KAGENT, 'ModelConfig'],
  [KAGENT, 'RemoteMCPServer'],
];

export const inNamespace = (fake: FakeKubernetes, ns: string) =>
  KINDS.flatMap(([v, k]) => fake.list(v, k, ns).map((o) => `${k}/${meta(o).name}`)).sort();
