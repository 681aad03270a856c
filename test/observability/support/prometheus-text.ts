/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for tests: it refuses what a
 * Prometheus server would refuse (malformed lines, samples before or outside their # TYPE family,
 * repeated series, non-cumulative histogram buckets, +Inf bucket ≠ _count).
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help?: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SUFFIXES: Record<Family['type'], string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  let current: Family | undefined;
  text.split('\n').forEach((line, i) => {
    const where = `line ${i + 1} (${JSON.stringify(line)})`;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) return; // a plain comment
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`bad metric name at ${where}`);
      let family = families.get(name);
      if (family && current !== family) throw new Error(`family ${name} is split at ${where}`);
      if (!family) {
        family = { name, type: 'untyped', samples: [] };
        families.set(name, family);
      }
      if (kind === 'TYPE') {
        if (family.samples.length) throw new Error(`TYPE after samples at ${where}`);
        if (!(rest in SUFFIXES)) throw new Error(`unknown type at ${where}`);
        family.type = rest as Family['type'];
      } else {
        family.help = rest;
      }
      current = family;
      return;
    }
    const sample = parseSample(line, where);
    const family =
      current && SUFFIXES[current.type].some((s) => sample.name === current!.name + s)
        ? current
        : undefined;
    if (!family) throw new Error(`sample outside its family at ${where}`);
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seen.has(key)) throw new Error(`repeated series at ${where}`);
    seen.add(key);
    family.samples.push(sample);
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

function parseSample(line: string, where: string): Sample {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)( -?\d+)?$/.exec(line);
  if (!m) throw new Error(`malformed sample at ${where}`);
  const [, name, rawLabels, rawValue] = m as unknown as [
    string,
    string,
    string | undefined,
    string,
  ];
  const value =
    rawValue === '+Inf'
      ? Infinity
      : rawValue === '-Inf'
        ? -Infinity
        : isNaNText(rawValue)
          ? NaN
          : Number(rawValue);
  if (Number.isNaN(value) && !isNaNText(rawValue)) throw new Error(`bad value at ${where}`);
  return { name, labels: rawLabels ? parseLabels(rawLabels.slice(1, -1), where) : {}, value };
}

function parseLabels(body: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = body;
  while (rest.length) {
    const m = /^([^=]+)="((?:[^"\\]|\\["\\n])*)"(,|$)/.exec(rest);
    if (!m || !LABEL.test(m[1]!)) throw new Error(`malformed labels at ${where}`);
    if (m[1]! in labels) throw new Error(`repeated label ${m[1]} at ${where}`);
    labels[m[1]!] = m[2]!.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(m[0].length);
  }
  return labels;
}

function checkHistogram(family: Family): void {
  const series = new Map<string, { buckets: Array<[number, number]>; count?: number }>();
  for (const s of family.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (s.name.endsWith('_bucket')) {
      if (le === undefined) throw new Error(`${family.name}: bucket without le`);
      entry.buckets.push([le === '+Inf' ? Infinity : Number(le), s.value]);
    } else if (s.name.endsWith('_count')) entry.count = s.value;
  }
  for (const [key, { buckets, count }] of series) {
    buckets.sort((a, b) => a[0] - b[0]);
    buckets.forEach(([, v], i) => {
      if (i > 0 && v < buckets[i - 1]![1])
        throw new Error(`${family.name}${key}: buckets not cumulative`);
    });
    const inf = buckets[buckets.length - 1];
    if (!inf || inf[0] !== Infinity || inf[1] !== count)
      throw new Error(`${family.name}${key}: +Inf bucket must equal _count`);
  }
}

/** Sum of the samples named `name` whose labels include `labels` (0 when none). */
export function valueOf(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number {
  let total = 0;
  for (const family of families.values()) {
    for (const s of family.samples) {
      if (s.name !== name) continue;
      if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) total += s.value;
    }
  }
  return total;
}

/** Prometheus parses values with Go's ParseFloat: NaN in any case (prom-client writes `Nan`). */
function isNaNText(raw: string): boolean {
  return raw.toLowerCase() === 'nan';
}
