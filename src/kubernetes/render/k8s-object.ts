/** The shape every rendered Kubernetes object has; the rest is kind-specific. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** A rendered object that cannot be produced from the input (bad tool reference, too many tools...). */
export class ManifestRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestRenderError';
  }
}

/** A `kind: List`, which kubectl applies as-is; how VE manifests are stored and served as JSON. */
export function asList(items: K8sObject[]): { apiVersion: 'v1'; kind: 'List'; items: K8sObject[] } {
  return { apiVersion: 'v1', kind: 'List', items };
}
