import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { createTestApp, TestApp, WEBHOOK_SECRET } from '../helpers/test-app';
import {
  agentCallbackFor,
  FuzzContext,
  junk,
  OpenApiDoc,
  Parameter,
  queryFor,
  Schema,
  valueFor,
} from './support/openapi-arbitraries';

/**
 * Property-based bodies, query strings and path ids for every route of /docs-json, built from
 * the route's own schemas (mostly valid, so requests reach the services, with junk mixed in):
 * the app never answers 500 and never crashes; another customer's ids are always 404.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
// Fixed, so a run is reproducible; FUZZ_SEED explores other inputs locally.
const SEED = Number(process.env.FUZZ_SEED ?? 4242);
const SKIP = [/^\/admin\//, /^\/api\/events/, /^\/docs/];

interface Operation {
  method: string;
  path: string;
  params: Parameter[];
  bodySchema?: Schema;
}

/** Every operation; deletes last (the customer itself at the very end), so the fixtures live long. */
function operations(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (SKIP.some((re) => re.test(path))) continue;
    for (const [method, op] of Object.entries(methods)) {
      ops.push({
        method: method.toUpperCase(),
        path,
        params: op.parameters ?? [],
        bodySchema: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  const rank = (o: Operation) =>
    o.method !== 'DELETE' ? 0 : o.path === '/api/customers/{id}' ? 2 : 1;
  return ops.sort((a, b) => rank(a) - rank(b));
}

type Caller = 'B' | 'operator' | 'operatorNoTenant' | 'anon';

interface Fixtures {
  customerA: string;
  customerB: string;
  keyA: string;
  keyB: string;
  /** Named ids of A's objects (ve, task, message, endpoint, apiKey, member). */
  a: Record<string, string>;
  b: Record<string, string>;
}

async function seedCustomer(t: TestApp, name: string) {
  const c = await t.api('POST', '/api/customers', { body: { name } });
  expect(c.status).toBe(201);
  const key = await t.api('POST', `/api/customers/${c.body.id}/api-keys`, { body: { name: 'k' } });
  const token = key.body.key as string;
  const ve = await t.api('POST', '/api/ves', {
    token,
    body: {
      name: `${name} VE`,
      role: 'analyst',
      systemPrompt: 'x',
      model: 'gpt-4o-mini',
      skills: ['analysis'],
      tools: [],
    },
  });
  const task = await t.api('POST', '/api/tasks', {
    token,
    body: { title: 'fuzz task', veId: ve.body.id },
  });
  const msg = await t.api('POST', '/api/messages', {
    token,
    body: { veId: ve.body.id, content: 'hi' },
  });
  const endpoint = await t.api('POST', '/api/webhook-endpoints', {
    token,
    body: { url: 'http://127.0.0.1:9/hook', events: ['task.completed'] },
  });
  const member = await t.api('POST', `/api/customers/${c.body.id}/members`, {
    body: { userId: crypto.randomUUID(), role: 'member' },
  });
  const ids = {
    ve: ve.body.id,
    task: task.body.id,
    message: msg.body.id,
    endpoint: endpoint.body.id,
    apiKey: key.body.id,
    member: member.body.userId,
  };
  for (const [what, id] of Object.entries(ids)) {
    if (typeof id !== 'string') throw new Error(`fixture ${what} of ${name} not created`);
  }
  return { id: c.body.id as string, token, ids: ids as Record<string, string> };
}

describe('Fuzzing every route (fast-check)', () => {
  let t: TestApp;
  let f: Fixtures;
  const signer = new Webhook(WEBHOOK_SECRET);

  beforeAll(async () => {
    t = await createTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '1000000', WEBHOOK_RATE_LIMIT_PER_MINUTE: '1000000' },
    });
    const [a, b] = [await seedCustomer(t, 'Fuzz A'), await seedCustomer(t, 'Fuzz B')];
    f = { customerA: a.id, customerB: b.id, keyA: a.token, keyB: b.token, a: a.ids, b: b.ids };
  });
  afterAll(() => t?.close());

  async function send(
    op: Operation,
    path: string,
    caller: Caller,
    query: Record<string, string>,
    body: unknown,
  ) {
    const qs = new URLSearchParams(query).toString();
    const url = qs ? `${path}?${qs}` : path;
    const hasBody = op.method !== 'GET' && op.method !== 'DELETE' && body !== undefined;
    const raw = (body as { __raw?: string } | null)?.__raw;
    const text = hasBody ? (raw ?? JSON.stringify(body)) : undefined;
    if (op.path.startsWith('/api/webhooks/') && op.method === 'POST' && text !== undefined) {
      // Signed like a real agent, so the payload itself is what gets fuzzed.
      const id = `msg_${Math.random().toString(36).slice(2)}`;
      const now = new Date();
      return t.api(op.method, url, {
        token: null,
        body: text,
        headers: {
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': signer.sign(id, now, text),
        },
      });
    }
    return t.api(op.method, url, {
      token: caller === 'B' ? f.keyB : caller === 'anon' ? null : undefined,
      customerId: caller === 'operator' ? f.customerA : undefined,
      body: text,
    });
  }

  it('never answers 500 nor crashes, whatever the input', async () => {
    const doc = (await t.api('GET', '/docs-json', { token: null })).body as OpenApiDoc;
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(50);
    const ctx: FuzzContext = {
      doc,
      ids: [...Object.values(f.a), ...Object.values(f.b), f.customerA, f.customerB],
    };
    const pathValue = fc.oneof(
      fc.constantFrom(...ctx.ids),
      fc.uuid(),
      fc.string({ maxLength: 40 }),
      fc.constantFrom('00000000-0000-0000-0000-000000000000', 'gpt-4o-mini', '%00', '..'),
    );
    const failures: string[] = [];
    const unavailable: string[] = [];
    const reached = new Set<string>();
    for (const op of ops) {
      const slots = op.path.match(/\{[^}]+\}/g) ?? [];
      const valid =
        op.path === '/api/webhooks/agent-callback'
          ? fc.oneof(
              valueFor(op.bodySchema, ctx),
              agentCallbackFor([f.customerA, f.customerB], ctx.ids),
            )
          : valueFor(op.bodySchema, ctx);
      const body = fc.oneof(
        { arbitrary: valid, weight: 6 },
        { arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), junk, { maxKeys: 5 }), weight: 1 },
        { arbitrary: fc.string().map((s) => ({ __raw: s })), weight: 1 },
      );
      const details = await fc.check(
        fc.asyncProperty(
          body,
          queryFor(op.params, ctx),
          fc.array(pathValue, { minLength: slots.length, maxLength: slots.length }),
          fc.constantFrom<Caller>('B', 'B', 'operator', 'operatorNoTenant', 'anon'),
          async (b, query, pathIds, caller) => {
            let i = 0;
            const path = op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(pathIds[i++]!));
            const res = await send(op, path, caller, query, b);
            if (res.status < 400 || res.status === 404 || res.status === 409 || res.status === 422)
              reached.add(`${op.method} ${op.path}`);
            if (res.status === 503)
              unavailable.push(`${op.method} ${path} → 503 ${res.text.slice(0, 160)}`);
            if (res.status >= 500 && res.status !== 503) {
              failures.push(
                `${op.method} ${path} as ${caller} ${JSON.stringify(b)?.slice(0, 300)} → ${res.status} ${res.text.slice(0, 200)}`,
              );
              return false;
            }
            return true;
          },
        ),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      if (details.failed && !failures.length)
        failures.push(`${op.method} ${op.path}: ${String(details.errorInstance)}`);
    }
    expect(failures).toEqual([]);
    // Only a dependency the test does not run (an MCP gateway) may be unavailable; Postgres and Redis are up.
    expect(unavailable.filter((u) => !/\/tools/.test(u))).toEqual([]);
    // Not a vacuous run: nearly every route was driven past validation and auth at least once.
    expect(reached.size).toBeGreaterThan(ops.length * 0.8);
    expect((await t.api('GET', '/health/live', { token: null })).status).toBe(200);
  });

  it("answers 404 to another customer's ids on every route with an id", async () => {
    const doc = (await t.api('GET', '/docs-json', { token: null })).body as OpenApiDoc;
    // A's objects may have been deleted by the fuzzing above: fresh ones.
    const a = await seedCustomer(t, 'Owner A2');
    const idFor = (path: string, name: string): string | undefined => {
      if (/webhook-endpoints/.test(path)) return a.ids.endpoint;
      if (name === 'keyId') return a.ids.apiKey;
      if (name === 'userId') return a.ids.member;
      if (/customers/.test(path) && name === 'id') return a.id;
      if (/ves|org-chart/.test(path)) return a.ids.ve;
      if (/tasks/.test(path)) return a.ids.task;
      if (/messages/.test(path)) return a.ids.message;
      return undefined; // templates, pricing: shared by every customer
    };
    const leaks: string[] = [];
    let checked = 0;
    for (const op of operations(doc)) {
      const names = op.params.filter((p) => p.in === 'path').map((p) => p.name);
      if (
        !names.length ||
        !op.path.startsWith('/api/') ||
        /webhooks\/|templates|pricing/.test(op.path)
      )
        continue;
      const ids = names.map((n) => idFor(op.path, n));
      if (ids.some((id) => !id)) continue;
      let i = 0;
      const path = op.path.replace(/\{[^}]+\}/g, () => ids[i++]!);
      checked++;
      const res = await t.api(op.method, path, {
        token: f.keyB,
        body: op.method === 'GET' || op.method === 'DELETE' ? undefined : {},
      });
      // 404 is the answer; 403 only where B may not use the route at all (operator-only routes);
      // 400 when the body is checked before the id, which says nothing about A's object.
      if (
        res.status !== 404 &&
        res.status !== 403 &&
        !(res.status === 400 && op.method !== 'GET')
      ) {
        leaks.push(`${op.method} ${path} → ${res.status}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(checked).toBeGreaterThan(20);
    // A's objects are all still there: B's attempts changed nothing.
    expect((await t.api('GET', `/api/ves/${a.ids.ve}`, { token: a.token })).status).toBe(200);
    expect((await t.api('GET', `/api/tasks/${a.ids.task}`, { token: a.token })).status).toBe(200);
  });
});
