import fc from 'fast-check';

/** The parts of an OpenAPI 3 document the fuzzer reads. */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  pattern?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  example?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  oneOf?: Schema[];
  allOf?: Schema[];
  nullable?: boolean;
}
export interface Parameter {
  name: string;
  in: string;
  schema?: Schema;
}
export interface OpenApiDoc {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Parameter[];
        requestBody?: { content?: Record<string, { schema?: Schema }> };
      }
    >
  >;
  components?: { schemas?: Record<string, Schema> };
}

/** Values a client should never be able to turn into a 500, whatever field they land in. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.uuid(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.constantFrom(
    'a'.repeat(5000),
    '../../etc/passwd',
    "'; drop table tasks; --",
    '__proto__',
    '\u0000',
    '\ud800',
    '2026-02-30',
    '-1',
    '1e400',
    Number.MAX_SAFE_INTEGER + 2,
    -0,
    1e308,
  ),
  fc.constant({ $ne: 1 }),
  fc.constant({ constructor: { prototype: { polluted: true } } }),
);

/** What the generator knows about the world: real ids make requests reach the services. */
export interface FuzzContext {
  doc: OpenApiDoc;
  ids: string[];
}

/**
 * Values for an OpenAPI schema: valid ones (examples, enums, real ids, pattern matches) that get
 * past validation and into the services — with the required fields only, or with any — and the
 * same with junk at one leaf in five.
 */
type Mode = 'minimal' | 'valid' | 'mutated';
export function valueFor(
  schema: Schema | undefined,
  ctx: FuzzContext,
  name = '',
): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: validFor(schema, ctx, 0, name, 'minimal'), weight: 2 },
    { arbitrary: validFor(schema, ctx, 0, name, 'valid'), weight: 2 },
    { arbitrary: validFor(schema, ctx, 0, name, 'mutated'), weight: 2 },
  );
}

function leaf(
  schema: Schema | undefined,
  ctx: FuzzContext,
  depth: number,
  name: string,
  mode: Mode,
): fc.Arbitrary<unknown> {
  const valid = validFor(schema, ctx, depth, name, mode);
  return mode === 'mutated'
    ? fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: junk, weight: 1 })
    : valid;
}

function validFor(
  schema: Schema | undefined,
  ctx: FuzzContext,
  depth: number,
  name: string,
  mode: Mode,
): fc.Arbitrary<unknown> {
  const s = resolve(schema, ctx.doc);
  if (!s || depth > 4) return junk;
  if (s.oneOf?.length) return fc.oneof(...s.oneOf.map((o) => validFor(o, ctx, depth, name, mode)));
  if (s.allOf?.length) return validFor(s.allOf[0], ctx, depth, name, mode);
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'string':
      return stringFor(s, ctx, name);
    case 'number':
    case 'integer':
      return numberFor(s, name);
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const items = fc.array(leaf(s.items, ctx, depth + 1, name, mode), {
        minLength: Math.min(s.minItems ?? 0, 3),
        maxLength: Math.min(s.maxItems ?? 3, 3),
      });
      return s.example === undefined ? items : fc.oneof(fc.constant(s.example), items);
    }
    default:
      return objectFor(s, ctx, depth, mode);
  }
}

function objectFor(s: Schema, ctx: FuzzContext, depth: number, mode: Mode): fc.Arbitrary<unknown> {
  const props = s.properties ?? {};
  const required = (s.required ?? []).filter((r) => r in props);
  const names = mode === 'minimal' && required.length ? required : Object.keys(props);
  if (!names.length) {
    return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
      maxKeys: 4,
    });
  }
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const n of names) model[n] = leaf(props[n], ctx, depth + 1, n, mode);
  return fc.record(model, { requiredKeys: required });
}

function stringFor(s: Schema, ctx: FuzzContext, name: string): fc.Arbitrary<unknown> {
  if (s.format === 'uuid' || /Id$/.test(name)) {
    return fc.oneof(fc.constantFrom(...ctx.ids), fc.uuid());
  }
  // What class-validator checks but the OpenAPI document does not say (names, timestamps).
  if (/(agent|^to)(Name)?$/i.test(name)) return fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);
  if (s.format === 'date-time' || /At$/.test(name))
    return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (name === 'url') {
    return fc.constantFrom(
      'http://127.0.0.1:9/hook',
      'https://example.invalid/hooks',
      'http://169.254.169.254/latest/meta-data',
      'ftp://example.invalid/x',
      'not a url',
    );
  }
  if (s.pattern) {
    return fc.stringMatching(new RegExp(s.pattern)).map((v) => v.slice(0, s.maxLength ?? 100));
  }
  const options: fc.Arbitrary<unknown>[] = [
    fc.string({ minLength: 1, maxLength: Math.min(s.maxLength ?? 60, 60) }),
    // Identifier-like text: what skill ids, slugs and names look like.
    fc.stringMatching(/^[a-z][a-z0-9]{0,10}(-[a-z0-9]{1,8}){0,2}$/),
  ];
  if (s.example !== undefined) options.push(fc.constant(s.example));
  if (s.maxLength !== undefined) options.push(fc.constant('x'.repeat(s.maxLength)));
  return fc.oneof(...options);
}

function numberFor(s: Schema, name: string): fc.Arbitrary<unknown> {
  const min = s.minimum ?? -1_000;
  const max = s.maximum ?? (/Tokens$/.test(name) ? 1_000_000 : 1_000_000_000);
  return fc.oneof(
    fc.integer({ min: Math.ceil(min), max: Math.floor(max) }),
    fc.constantFrom(min, max, min - 1, max + 1, 0.5, 1e21, Number.MAX_SAFE_INTEGER + 2),
  );
}

/** A query string for the declared query parameters (values as strings), sometimes with an unknown key. */
export function queryFor(
  params: Parameter[],
  ctx: FuzzContext,
): fc.Arbitrary<Record<string, string>> {
  const model: Record<string, fc.Arbitrary<string>> = {};
  for (const p of params.filter((q) => q.in === 'query')) {
    model[p.name] = valueFor(p.schema, ctx, p.name).map(asQueryValue);
  }
  const unknownKey = fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 12 }));
  return fc
    .tuple(
      fc.record(model, { requiredKeys: [] }),
      fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 6 },
        { arbitrary: unknownKey, weight: 1 },
      ),
    )
    .map(([known, extra]) => {
      const query: Record<string, string> = {};
      for (const [k, v] of Object.entries(known)) if (v !== undefined) query[k] = v;
      if (extra) query[extra[0]] = extra[1];
      return query;
    });
}

function asQueryValue(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
}

function resolve(schema: Schema | undefined, doc: OpenApiDoc): Schema | undefined {
  let s = schema;
  for (let i = 0; s?.$ref && i < 10; i++) s = doc.components?.schemas?.[s.$ref.split('/').pop()!];
  return s;
}

/**
 * Agent callbacks whose fields fit together (the event type decides what is required), naming
 * real ids of either customer: they pass validation and reach the ownership checks and the job.
 */
export function agentCallbackFor(customers: string[], ids: string[]): fc.Arbitrary<unknown> {
  const id = fc.constantFrom(...ids);
  return fc.record(
    {
      eventType: fc.constantFrom(
        'task_update',
        'message_send',
        'agent_status',
        'delegation',
        'error',
        'token_usage',
      ),
      customerId: fc.constantFrom(...customers),
      taskId: id,
      veId: id,
      agentName: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/),
      status: fc.constantFrom('in_progress', 'completed', 'failed', 'ready', 'busy', 'offline'),
      result: fc.oneof(fc.string(), fc.record({ text: fc.string() })),
      message: fc.string({ minLength: 1, maxLength: 200 }),
      error: fc.string({ minLength: 1, maxLength: 200 }),
      usage: fc.record({
        model: fc.constantFrom('gpt-4o-mini', 'claude-sonnet-4-5', 'unknown-model'),
        inputTokens: fc.nat({ max: 1_000_000 }),
        outputTokens: fc.nat({ max: 1_000_000 }),
      }),
      delegation: fc.record(
        {
          title: fc.string({ minLength: 1, maxLength: 100 }),
          toVeId: id,
          description: fc.string(),
        },
        { requiredKeys: ['title'] },
      ),
    },
    { requiredKeys: ['eventType', 'customerId'] },
  );
}
