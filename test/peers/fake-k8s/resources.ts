/** What the fake API server serves: enough of core, apps, networking, RBAC and kagent for the platform. */
export interface ResourceType {
  group: string; // '' = core
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  /** metadata.generation is kept and bumped when anything but metadata/status changes. */
  generation: boolean;
  /** status is a subresource: writes to the main resource do not change it. */
  statusSubresource: boolean;
}

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update'];

const r = (
  group: string,
  version: string,
  kind: string,
  plural: string,
  opts: { namespaced?: boolean; generation?: boolean; status?: boolean } = {},
): ResourceType => ({
  group,
  version,
  kind,
  plural,
  singular: kind.toLowerCase(),
  namespaced: opts.namespaced ?? true,
  generation: opts.generation ?? false,
  statusSubresource: opts.status ?? false,
});

export const RESOURCES: ResourceType[] = [
  r('', 'v1', 'Namespace', 'namespaces', { namespaced: false, status: true }),
  r('', 'v1', 'ResourceQuota', 'resourcequotas', { status: true }),
  r('', 'v1', 'LimitRange', 'limitranges'),
  r('', 'v1', 'ServiceAccount', 'serviceaccounts'),
  r('', 'v1', 'Secret', 'secrets'),
  r('', 'v1', 'ConfigMap', 'configmaps'),
  r('apps', 'v1', 'Deployment', 'deployments', { generation: true, status: true }),
  r('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', { generation: true }),
  r('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings'),
  r('rbac.authorization.k8s.io', 'v1', 'Role', 'roles'),
  r('kagent.dev', 'v1alpha2', 'Agent', 'agents', { generation: true, status: true }),
  r('kagent.dev', 'v1alpha2', 'ModelConfig', 'modelconfigs', { generation: true, status: true }),
  r('kagent.dev', 'v1alpha2', 'RemoteMCPServer', 'remotemcpservers', {
    generation: true,
    status: true,
  }),
];

export const apiVersionOf = (t: ResourceType) => (t.group ? `${t.group}/${t.version}` : t.version);

export function findByPlural(
  group: string,
  version: string,
  plural: string,
): ResourceType | undefined {
  return RESOURCES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

export function findByKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCES.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
}

/** GET /api/v1 or /apis/{group}/{version}: the APIResourceList the client discovers paths from. */
export function resourceList(group: string, version: string) {
  const types = RESOURCES.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return null;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: types.flatMap((t) => [
      {
        name: t.plural,
        singularName: t.singular,
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: VERBS,
      },
      ...(t.statusSubresource
        ? [
            {
              name: `${t.plural}/status`,
              singularName: '',
              namespaced: t.namespaced,
              kind: t.kind,
              verbs: ['get', 'patch', 'update'],
            },
          ]
        : []),
    ]),
  };
}

export function groupList() {
  const groups = [...new Set(RESOURCES.filter((t) => t.group).map((t) => t.group))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((name) => {
      const version = RESOURCES.find((t) => t.group === name)!.version;
      const gv = { groupVersion: `${name}/${version}`, version };
      return { name, versions: [gv], preferredVersion: gv };
    }),
  };
}
