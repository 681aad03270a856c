import { randomBytes, randomUUID } from 'node:crypto';
import type { TestApp } from '../helpers/test-app';
import {
  allowedOf,
  bodySchema,
  isPublic,
  OpenApiDoc,
  resolve,
  Route,
  routesOf,
  sample,
} from './support/openapi';
import { createTenancyApp, createTenant, TenantFixture, veBody } from './support/tenancy';

/**
 * Cross-tenant isolation over EVERY /api route of the OpenAPI document, including routes other
 * domains add later: customer B (an owner, the strongest customer role) calls each route with
 * customer A's object ids and must get 404; lists and streams must never show A's rows.
 */

/** Path segments whose objects are global (the marketplace catalogue), not a customer's. */
const GLOBAL_SEGMENTS = new Set(['templates']);
/** Body/query/path names that reference a tenant object, and the path segment of its fixture. */
const NAME_TO_SEGMENT: Record<string, string> = {
  veId: 'ves',
  managerId: 'ves',
  toVeId: 'ves',
  fromVeId: 'ves',
  taskId: 'tasks',
  parentTaskId: 'tasks',
  messageId: 'messages',
  keyId: 'api-keys',
  userId: 'members',
  customerId: 'customers',
  endpointId: 'webhook-endpoints',
  templateId: 'templates',
};
/** Names that address a tenant object in a path, but not in a body: a Supabase user may belong to several customers. */
const NOT_BODY_REFERENCES = new Set(['userId']);
/** Routes of this domain: the matrix must cover them (guards against a silently empty matrix). */
const OWN_ID_ROUTES = [
  'GET /api/customers/{id}',
  'PATCH /api/customers/{id}',
  'DELETE /api/customers/{id}',
  'POST /api/customers/{id}/members',
  'GET /api/customers/{id}/members',
  'DELETE /api/customers/{id}/members/{userId}',
  'POST /api/customers/{id}/api-keys',
  'GET /api/customers/{id}/api-keys',
  'DELETE /api/customers/{id}/api-keys/{keyId}',
  'GET /api/ves/{id}',
  'PATCH /api/ves/{id}',
  'DELETE /api/ves/{id}',
  'PUT /api/org-chart/{veId}',
];
const OWN_PREFIXES = [
  '/api/customers',
  '/api/ves',
  '/api/org-chart',
  '/api/marketplace',
  '/api/auth',
];

interface Side {
  tenant: TenantFixture;
  marker: string;
  /** Fixture id per path segment ('ves' → a VE id). */
  ids: Map<string, string>;
  strings: Record<string, string>;
}

interface Outcome {
  route: string;
  variant: string;
  status: number;
  note?: string;
}

describe('Tenant isolation matrix (every /api route of /docs-json)', () => {
  let t: TestApp;
  let doc: OpenApiDoc;
  let routes: Route[];
  let a: Side;
  let b: Side;
  const notes: string[] = [];

  beforeAll(async () => {
    t = await createTenancyApp();
    doc = (await t.api('GET', '/docs-json', { token: null })).body;
    routes = routesOf(doc, '/api/');
    a = await side('alpha');
    b = await side('bravo');
    await createOtherDomainFixtures(a);
    await createOtherDomainFixtures(b);
  }, 120_000);
  afterAll(async () => {
    if (notes.length) console.log(`Tenant matrix notes:\n  - ${notes.join('\n  - ')}`);
    await t.close();
  });

  async function side(name: string): Promise<Side> {
    const marker = `${name}-${randomBytes(4).toString('hex')}`;
    const tenant = await createTenant(t, `${marker} customer`);
    const manager = await t.api('POST', '/api/ves', {
      token: tenant.key,
      body: veBody({ name: `${marker} boss` }),
    });
    const ve = await t.api('POST', '/api/ves', {
      token: tenant.key,
      body: veBody({ name: marker, managerId: manager.body.id }),
    });
    expect(ve.status).toBe(201);
    const template = (
      await t.api('GET', '/api/marketplace/templates?limit=1', { token: tenant.key })
    ).body.items[0].id;
    return {
      tenant,
      marker,
      ids: new Map([
        ['customers', tenant.id],
        ['ves', ve.body.id],
        ['api-keys', tenant.keyId],
        ['members', tenant.member.userId],
        ['templates', template],
      ]),
      strings: {
        namespace: tenant.namespace,
        agent: ve.body.agentName,
        agentName: ve.body.agentName,
      },
    };
  }

  /**
   * Objects of domains this file does not know: every creating route without path ids is called
   * as the customer with a sampled body (its text fields carry the marker, its id fields the
   * customer's own fixtures); what answers with an id becomes the fixture of that path segment.
   */
  async function createOtherDomainFixtures(s: Side): Promise<void> {
    const creators = routes.filter(
      (r) =>
        r.method === 'POST' &&
        r.pathParams.length === 0 &&
        !isPublic(r) &&
        !OWN_PREFIXES.some((p) => r.path.startsWith(p)) &&
        !/bulk|batch/.test(r.path) &&
        (!allowedOf(r) || allowedOf(r)!.includes('owner')),
    );
    for (let pass = 0; pass < 2; pass++) {
      for (const r of creators) {
        const segment = r.path.split('/').pop()!;
        if (s.ids.has(segment)) continue;
        const body = sample(doc, bodySchema(doc, r), (n) => ownValue(s, n));
        const res = await t.api(r.method, r.path, {
          token: s.tenant.owner.token,
          body: body ?? {},
        });
        if (res.status < 300 && typeof res.body?.id === 'string') s.ids.set(segment, res.body.id);
        else if (pass === 1 && res.status >= 300)
          notes.push(`no fixture from ${r.method} ${r.path} (answered ${res.status})`);
      }
    }
  }

  /** A value of this side for a field name: its fixture id, or its marker for text fields. */
  function ownValue(s: Side, name: string): unknown {
    const segment = NAME_TO_SEGMENT[name];
    if (segment && s.ids.has(segment)) return s.ids.get(segment);
    if (/^(title|name|content|description|text|message)$/.test(name)) return s.marker;
    // A URL this machine can reach (outbound webhooks check their targets).
    if (/^(url|callbackUrl)$/.test(name)) return `${t.url}/health/live?${s.marker}`;
    return s.strings[name];
  }

  /** The fixture for a path parameter: by the segment before it, then by its name. */
  function paramValue(s: Side, r: Route, param: string): string | undefined {
    const segments = r.path.split('/');
    const before = segments[segments.indexOf(`{${param}}`) - 1]!;
    if (s.ids.has(before)) return s.ids.get(before);
    const segment =
      NAME_TO_SEGMENT[param] ?? (param.endsWith('Id') ? `${param.slice(0, -2)}s` : undefined);
    if (segment && s.ids.has(segment)) return s.ids.get(segment);
    return s.strings[param];
  }

  function urlOf(
    r: Route,
    values: Record<string, string>,
    query: Record<string, unknown> = {},
  ): string {
    let path = r.path;
    for (const [k, v] of Object.entries(values))
      path = path.replace(`{${k}}`, encodeURIComponent(v));
    const qs = new URLSearchParams(
      Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    return qs ? `${path}?${qs}` : path;
  }

  function requiredQuery(r: Route, s: Side): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const p of r.op.parameters ?? []) {
      if (p.in === 'query' && p.required)
        out[p.name] = ownValue(s, p.name) ?? sample(doc, p.schema, () => undefined);
    }
    return out;
  }

  const label = (r: Route) => `${r.method} ${r.path}`;
  const operatorOnly = (r: Route) => Boolean(allowedOf(r) && !allowedOf(r)!.includes('owner'));
  const isGlobal = (r: Route) => r.path.split('/').some((seg) => GLOBAL_SEGMENTS.has(seg));
  const allIdsOf = (s: Side) =>
    [...s.ids.entries()].filter(([seg]) => !GLOBAL_SEGMENTS.has(seg)).map(([, id]) => id);

  /** Fetch that never hangs on a stream: an event-stream answer is closed at once. */
  async function probe(method: string, path: string, token: string, body?: unknown) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 20_000);
    try {
      const res = await fetch(t.url + path, {
        method,
        signal: controller.signal,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const type = res.headers.get('content-type') ?? '';
      if (type.includes('text/event-stream')) {
        controller.abort();
        return { status: res.status, text: '', stream: true };
      }
      return { status: res.status, text: await res.text(), stream: false };
    } finally {
      clearTimeout(timer);
    }
  }

  it('finds the routes of this domain in the document (the matrix is not empty)', () => {
    const labels = routes.map(label);
    expect(labels).toEqual(expect.arrayContaining(OWN_ID_ROUTES));
  });

  it("answers 404 to customer B for every route addressed with customer A's ids", async () => {
    const outcomes: Outcome[] = [];
    for (const r of routes.filter((x) => x.pathParams.length > 0 && !isPublic(x))) {
      if (isGlobal(r)) {
        notes.push(
          `${label(r)}: global catalogue object, not a tenant's (body references checked below)`,
        );
        continue;
      }
      const variants: { name: string; values: Record<string, string> }[] = [];
      const aValues: Record<string, string> = {};
      for (const p of r.pathParams) {
        const v = paramValue(a, r, p);
        if (!v && !operatorOnly(r))
          notes.push(`${label(r)}: no fixture for {${p}}, a random uuid was used`);
        aValues[p] = v ?? randomUUID();
      }
      variants.push({ name: "all of A's ids", values: aValues });
      // With several ids, each of A's alone among B's own: a child of A under B's parent is still A's.
      if (r.pathParams.length > 1) {
        for (const p of r.pathParams) {
          const mixed = Object.fromEntries(
            r.pathParams.map((q) => [
              q,
              q === p ? aValues[q]! : (paramValue(b, r, q) ?? randomUUID()),
            ]),
          );
          variants.push({ name: `A's {${p}} under B's others`, values: mixed });
        }
      }
      for (const v of variants) {
        const body = ['POST', 'PUT', 'PATCH'].includes(r.method)
          ? (sample(doc, bodySchema(doc, r), (n) => ownValue(b, n)) ?? {})
          : undefined;
        const res = await probe(
          r.method,
          urlOf(r, v.values, requiredQuery(r, b)),
          b.tenant.owner.token,
          body,
        );
        if (operatorOnly(r)) {
          outcomes.push({
            route: label(r),
            variant: v.name,
            status: res.status,
            note: res.status === 403 ? undefined : 'expected 403 (operator only)',
          });
          continue;
        }
        const inconclusive = res.status === 400 && !OWN_PREFIXES.some((p) => r.path.startsWith(p));
        if (inconclusive)
          notes.push(
            `${label(r)} (${v.name}): 400 for the sampled input, isolation not shown: ${res.text.slice(0, 160)}`,
          );
        outcomes.push({
          route: label(r),
          variant: v.name,
          status: res.status,
          note:
            res.status === 404 || inconclusive
              ? undefined
              : `expected 404, body ${res.text.slice(0, 200)}`,
        });
      }
    }
    expect(outcomes.filter((o) => o.note)).toEqual([]);
    const covered = new Set(outcomes.map((o) => o.route));
    expect([...covered]).toEqual(expect.arrayContaining(OWN_ID_ROUTES));
  });

  it("refuses A's ids inside B's request bodies (404), e.g. a manager, a VE or a task of A", async () => {
    const outcomes: Outcome[] = [];
    for (const r of routes.filter(
      (x) => ['POST', 'PUT', 'PATCH'].includes(x.method) && !isPublic(x) && !operatorOnly(x),
    )) {
      const schema = bodySchema(doc, r);
      const refs = Object.keys(schema?.properties ?? {}).filter((n) => {
        const seg = NAME_TO_SEGMENT[n];
        return seg && !NOT_BODY_REFERENCES.has(n) && !GLOBAL_SEGMENTS.has(seg) && a.ids.has(seg);
      });
      if (!refs.length) continue;
      const own: Record<string, string> = {};
      for (const p of r.pathParams) {
        const v = paramValue(b, r, p);
        if (!v) break;
        own[p] = v;
      }
      if (Object.keys(own).length !== r.pathParams.length) {
        notes.push(`${label(r)}: body references not checked, no fixture of B for its path`);
        continue;
      }
      for (const ref of refs) {
        const body = {
          ...(sample(doc, schema, (n) => ownValue(b, n)) as object),
          [ref]: a.ids.get(NAME_TO_SEGMENT[ref]!),
        };
        const res = await probe(
          r.method,
          urlOf(r, own, requiredQuery(r, b)),
          b.tenant.owner.token,
          body,
        );
        const ok = res.status === 404 || res.status === 422;
        if (res.status === 422) notes.push(`${label(r)} with A's ${ref}: 422 rather than 404`);
        outcomes.push({
          route: label(r),
          variant: `A's ${ref}`,
          status: res.status,
          note: ok ? undefined : `expected 404, got ${res.text.slice(0, 200)}`,
        });
      }
    }
    expect(outcomes.filter((o) => o.note)).toEqual([]);
    expect(outcomes.map((o) => o.route)).toEqual(
      expect.arrayContaining([
        'POST /api/ves',
        'PATCH /api/ves/{id}',
        'PUT /api/org-chart/{veId}',
        'POST /api/marketplace/templates/{id}/hire',
      ]),
    );
  });

  it("never shows A's rows in B's lists (with and without A's ids as filters)", async () => {
    const leaks: string[] = [];
    // Lists of B's own objects too (/api/customers/{B}/api-keys): A's rows must not slip in.
    const lists = routes.filter(
      (r) => r.method === 'GET' && !isPublic(r) && r.pathParams.every((p) => paramValue(b, r, p)),
    );
    for (const r of lists) {
      const own = Object.fromEntries(r.pathParams.map((p) => [p, paramValue(b, r, p)!]));
      const queries: Record<string, unknown>[] = [requiredQuery(r, b)];
      for (const p of r.op.parameters ?? []) {
        const seg = NAME_TO_SEGMENT[p.name];
        if (p.in === 'query' && seg && a.ids.has(seg) && !GLOBAL_SEGMENTS.has(seg)) {
          queries.push({ ...requiredQuery(r, b), [p.name]: a.ids.get(seg) });
        }
      }
      for (const token of [b.tenant.owner.token, b.tenant.key]) {
        for (const query of queries) {
          const res = await probe('GET', urlOf(r, own, query), token);
          if (res.stream) continue;
          const sent = Object.values(query).map(String);
          const shown = [a.marker, ...allIdsOf(a).filter((id) => !sent.includes(id))].filter((x) =>
            res.text.includes(x),
          );
          if (shown.length)
            leaks.push(
              `${label(r)} ${JSON.stringify(query)}: ${res.status} shows ${shown.join(', ')}`,
            );
          // A server error hides whether the route would leak: never acceptable (API.md: never a 500).
          if (res.status >= 500)
            leaks.push(`${label(r)} ${JSON.stringify(query)}: server error ${res.status}`);
          if (operatorOnly(r) && res.status !== 403 && token === b.tenant.owner.token) {
            leaks.push(`${label(r)}: ${res.status}, expected 403 (operator only)`);
          }
        }
      }
    }
    expect(leaks).toEqual([]);
    // The lists of this domain answer, and show B its own rows: the check above looked at real data.
    for (const path of ['/api/ves', '/api/org-chart', '/api/customers']) {
      const res = await t.api('GET', path, { token: b.tenant.owner.token });
      expect(res.status).toBe(200);
      expect(res.text).toContain(b.marker);
    }
  });

  it("never streams A's events to B", async () => {
    const streams = [];
    for (const r of routes.filter(
      (x) => x.method === 'GET' && x.pathParams.length === 0 && !operatorOnly(x),
    )) {
      if ((await probe('GET', urlOf(r, {}, requiredQuery(r, b)), b.tenant.owner.token)).stream)
        streams.push(r);
    }
    if (!streams.length) notes.push('no event-stream route in the document yet');
    for (const r of streams) {
      const controller = new AbortController();
      const res = await fetch(t.url + urlOf(r, {}, requiredQuery(r, b)), {
        headers: { authorization: `Bearer ${b.tenant.owner.token}` },
        signal: controller.signal,
      });
      const reader = res.body!.getReader();
      // A's event is published before B's: a leaking stream would show it before B's own.
      const aVe = await t.api('POST', '/api/ves', {
        token: a.tenant.key,
        body: veBody({ name: `${a.marker} streamed` }),
      });
      const bVe = await t.api('POST', '/api/ves', {
        token: b.tenant.key,
        body: veBody({ name: `${b.marker} streamed` }),
      });
      let text = '';
      // Reading stops at B's own event, or when the stream is aborted after 15 s.
      const timer = setTimeout(() => controller.abort(), 15_000);
      try {
        while (!text.includes(bVe.body.id)) {
          const chunk = await reader.read();
          if (chunk.done) break;
          text += Buffer.from(chunk.value).toString('utf8');
        }
      } catch {
        /* aborted by the timer */
      } finally {
        clearTimeout(timer);
        controller.abort();
      }
      if (!text.includes(bVe.body.id))
        notes.push(`${label(r)}: B's own event did not arrive in 15 s, leak check inconclusive`);
      expect(text).not.toContain(aVe.body.id);
      expect(text).not.toContain(a.tenant.id);
    }
  }, 60_000);

  it("leaves A's objects intact, and A reaches every one of them (the fixtures were real)", async () => {
    const failures: string[] = [];
    for (const r of routes.filter(
      (x) => x.method === 'GET' && x.pathParams.length > 0 && !isPublic(x) && !isGlobal(x),
    )) {
      const values: Record<string, string> = {};
      for (const p of r.pathParams) {
        const v = paramValue(a, r, p);
        if (v) values[p] = v;
      }
      if (Object.keys(values).length !== r.pathParams.length) continue;
      const res = await probe('GET', urlOf(r, values, requiredQuery(r, a)), a.tenant.owner.token);
      if (res.status === 404) failures.push(`${label(r)}: A gets 404 for its own object`);
      if (res.status >= 500) notes.push(`${label(r)}: A gets ${res.status}`);
    }
    expect(failures).toEqual([]);
    expect((await t.api('GET', '/api/auth/me', { token: a.tenant.key })).status).toBe(200);
    const members = await t.api('GET', `/api/customers/${a.tenant.id}/members`, {
      token: a.tenant.owner.token,
    });
    expect(members.body.items.map((m: { userId: string }) => m.userId)).toContain(
      a.tenant.member.userId,
    );
    expect(
      (await t.api('GET', `/api/ves/${a.ids.get('ves')}`, { token: a.tenant.key })).status,
    ).toBe(200);
    // Sanity of the matrix's own tooling.
    expect(
      resolve(doc, { $ref: '#/components/schemas/VeDto' })?.properties?.agentName,
    ).toBeDefined();
  });
});
