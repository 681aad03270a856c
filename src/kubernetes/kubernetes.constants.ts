/** The field manager of every server-side apply this backend makes. */
export const FIELD_MANAGER = 've-backend';

export const KAGENT_API_VERSION = 'kagent.dev/v1alpha2';

/** Label keys put on every object the platform renders. */
export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  partOf: 'app.kubernetes.io/part-of',
  customerId: 've-platform.dev/customer-id',
  plan: 've-platform.dev/plan',
  veId: 've-platform.dev/ve-id',
} as const;

export const ANNOTATIONS = {
  veGeneration: 've-platform.dev/ve-generation',
  veName: 've-platform.dev/ve-name',
} as const;

/** Names of the fixed objects inside every customer namespace. */
export const NAMESPACE_OBJECT_NAMES = {
  quota: 've-quota',
  limits: 've-limits',
  networkPolicy: 've-default-deny',
  agentServiceAccount: 've-agent',
  agentRoleBinding: 've-agent',
  modelKeysSecret: 've-model-keys',
} as const;

/** Provider keys the namespace Secret may hold; ModelConfigs point at one of them. */
export const PROVIDER_KEYS = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY'] as const;
export type ProviderKey = (typeof PROVIDER_KEYS)[number];

/** Wording shared by every status reason that names the mode, so clients can rely on the prefix. */
export const MODE_REASONS = {
  dryRunDeployed: 'dry-run: manifests rendered and stored, not applied (K8S_MODE=dry-run)',
  dryRunProvisioned:
    'dry-run: namespace manifests rendered and stored, not applied (K8S_MODE=dry-run)',
  dryRunUndeployed: 'dry-run: nothing was applied, nothing to delete (K8S_MODE=dry-run)',
  dryRunTornDown: 'dry-run: nothing was applied, nothing to tear down (K8S_MODE=dry-run)',
  offDeployed: 'kubernetes off: not deployed by the platform (K8S_MODE=off)',
  offProvisioned: 'kubernetes off: no namespace provisioned (K8S_MODE=off)',
  offUndeployed: 'kubernetes off: nothing to delete (K8S_MODE=off)',
  offTornDown: 'kubernetes off: nothing to tear down (K8S_MODE=off)',
} as const;
