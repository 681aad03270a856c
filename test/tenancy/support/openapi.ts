import { randomUUID } from 'node:crypto';

/** The parts of an OpenAPI 3 document the tenancy matrix reads. */
export interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface Operation {
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
  'x-allowed'?: string[];
  'x-public'?: boolean;
}

export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  minLength?: number;
  minimum?: number;
  allOf?: Schema[];
}

export interface Route {
  method: string;
  path: string;
  op: Operation;
  pathParams: string[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation of the document under `prefix`. */
export function routesOf(doc: OpenApiDoc, prefix: string): Route[] {
  const routes: Route[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith(prefix)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      routes.push({ method: method.toUpperCase(), path, op, pathParams });
    }
  }
  return routes;
}

/** Who may call: undefined = any authenticated caller. */
export const allowedOf = (r: Route): string[] | undefined => r.op['x-allowed'];
export const isPublic = (r: Route): boolean => r.op['x-public'] === true;

export function resolve(doc: OpenApiDoc, schema: Schema | undefined): Schema | undefined {
  let s = schema;
  for (let i = 0; s?.$ref && i < 10; i++) s = doc.components?.schemas?.[s.$ref.split('/').pop()!];
  if (s?.allOf) {
    const parts = s.allOf.map((p) => resolve(doc, p) ?? {});
    return {
      type: 'object',
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
      required: parts.flatMap((p) => p.required ?? []),
    };
  }
  return s;
}

export function bodySchema(doc: OpenApiDoc, r: Route): Schema | undefined {
  return resolve(doc, r.op.requestBody?.content?.['application/json']?.schema);
}

/**
 * A minimal valid value for a schema: required properties only, each from its example, enum,
 * format or type. `pick(name)` may supply a property's value (fixture ids, markers).
 */
export function sample(
  doc: OpenApiDoc,
  schema: Schema | undefined,
  pick: (name: string) => unknown,
  depth = 0,
): unknown {
  const s = resolve(doc, schema);
  if (!s || depth > 6) return undefined;
  if (s.example !== undefined) return s.example;
  if (s.enum?.length) return s.enum[0];
  switch (s.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) {
        const picked = pick(key);
        out[key] =
          picked !== undefined ? picked : sample(doc, s.properties?.[key], pick, depth + 1);
      }
      return out;
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => sample(doc, s.items, pick, depth + 1));
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string':
      if (s.nullable) return null;
      if (s.format === 'uuid') return randomUUID();
      if (s.format === 'date-time') return new Date().toISOString();
      if (s.format === 'date') return new Date().toISOString().slice(0, 10);
      if (s.format === 'email') return 'matrix@example.test';
      if (s.format === 'uri' || s.format === 'url') return 'https://example.test/';
      return 'matrix'.padEnd(s.minLength ?? 0, 'x');
    default:
      return s.nullable ? null : undefined;
  }
}
