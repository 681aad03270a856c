import { createHash } from 'node:crypto';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && DNS_LABEL.test(value);
}

/**
 * A DNS-1123 label (lower case, digits, '-', at most 63) made from any string. When the
 * input had to change, a short hash of the original keeps distinct inputs distinct.
 */
export function toDnsLabel(value: string, max = 63): string {
  const cleaned = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (cleaned === value && cleaned.length <= max && cleaned.length > 0) return cleaned;
  const hash = createHash('sha256').update(value).digest('hex').slice(0, 6);
  const head = cleaned.slice(0, max - hash.length - 1).replace(/-+$/g, '');
  return head ? `${head}-${hash}` : `x-${hash}`;
}

/** "campaign-planning" or "campaign_planning" → "Campaign planning"; other text is kept. */
export function humanize(value: string): string {
  if (/\s/.test(value) || !/[-_]/.test(value)) return value;
  const words = value.split(/[-_]+/).filter(Boolean).join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A readable slug (no hash): for ids that only need to be unique within one list. */
export function slug(value: string, max = 63): string {
  const s = value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/g, '');
  return s || 'item';
}
