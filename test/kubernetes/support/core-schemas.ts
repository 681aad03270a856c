import { LimitRange, Namespace, ResourceQuota, Secret, ServiceAccount } from 'kubernetes-models/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';

type Validator = new (o: never) => { validate(): void };

/** The core (non-CRD) kinds the platform renders, by `apiVersion/kind`, with their schema validators. */
export const CORE_VALIDATORS: Record<string, Validator> = {
  'v1/Namespace': Namespace,
  'v1/ResourceQuota': ResourceQuota,
  'v1/LimitRange': LimitRange,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Secret': Secret,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
};

/** Validates every core object against its schema (throws on the first invalid one); returns how many were checked. */
export function validateCoreObjects(objects: Array<{ apiVersion: string; kind: string }>): number {
  let checked = 0;
  for (const o of objects) {
    const V = CORE_VALIDATORS[`${o.apiVersion}/${o.kind}`];
    if (!V) continue;
    new V(o as never).validate();
    checked++;
  }
  return checked;
}
