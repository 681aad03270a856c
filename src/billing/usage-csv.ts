/** RFC 4180 CSV: CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled. */
const NEEDS_QUOTES = /[",\r\n]/;
// A cell starting with one of these is run as a formula by spreadsheet apps (CSV injection);
// model names come from agents, so such cells get a leading apostrophe (OWASP's advice).
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>,
): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/**
 * True when the request prefers CSV: `format=csv`, or an Accept header ranking text/csv at least as
 * high as JSON or any type (`text/csv`; not `application/json, text/csv;q=0.5`).
 */
export function wantsCsv(accept: string | undefined, format?: string): boolean {
  if (format) return format === 'csv';
  if (!accept) return false;
  let csv = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [rawType, ...params] = part.split(';');
    const type = rawType!.trim().toLowerCase();
    const qParam = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q)) continue;
    if (type === 'text/csv') csv = Math.max(csv, q);
    else if (type === 'application/json' || type === 'application/*' || type === '*/*')
      json = Math.max(json, q);
  }
  return csv > 0 && csv >= json;
}
