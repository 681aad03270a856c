import { isObject, Json } from './field-paths';
import type { ResourceType } from './resources';
import { errors } from './status';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** The API server's object-meta validation (422 Invalid): names, label keys and values. */
export function validateObject(t: ResourceType, name: string, body: Json): void {
  const nameOk =
    t.kind === 'Namespace'
      ? DNS_LABEL.test(name) && name.length <= 63
      : DNS_SUBDOMAIN.test(name) && name.length <= 253;
  if (!nameOk) {
    throw errors.invalid(
      t,
      name,
      `metadata.name: Invalid value: "${name}": a lowercase RFC 1123 ${t.kind === 'Namespace' ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-' or '.'`,
    );
  }
  const labels = (body.metadata as Json).labels;
  if (labels === undefined) return;
  if (!isObject(labels)) throw errors.invalid(t, name, 'metadata.labels: must be a map of strings');
  for (const [key, value] of Object.entries(labels)) {
    const [prefix, local] = key.includes('/') ? key.split('/', 2) : [undefined, key];
    const keyOk =
      LABEL_NAME.test(local) &&
      local.length <= 63 &&
      (prefix === undefined || (DNS_SUBDOMAIN.test(prefix) && prefix.length <= 253));
    if (!keyOk)
      throw errors.invalid(
        t,
        name,
        `metadata.labels: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.'`,
      );
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      throw errors.invalid(
        t,
        name,
        `metadata.labels: Invalid value: "${String(value)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.' (at most 63)`,
      );
    }
  }
}
