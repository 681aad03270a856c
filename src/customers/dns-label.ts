/** A DNS-1123 label: lowercase alphanumerics and '-', starting and ending alphanumeric, ≤ 63 chars. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_LABEL_MAX = 63;

export function isDnsLabel(value: string, maxLength = DNS_LABEL_MAX): boolean {
  return value.length <= maxLength && DNS_LABEL.test(value);
}

/**
 * Derives a DNS-1123 label from free text ("Ana's Café #1" → "anas-cafe-1"): accents folded,
 * apostrophes dropped, every other run of non-alphanumerics one '-', cut to maxLength
 * without a trailing '-'. Returns `fallback` when nothing usable is left.
 */
export function toDnsLabel(text: string, maxLength: number, fallback: string): string {
  const label = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, Math.max(1, maxLength))
    .replace(/-+$/, '');
  return label || fallback.slice(0, maxLength);
}
