import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { CryptoKey, exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { freePort } from '../../helpers/resources';
import { eventually as poll } from '../../helpers/seed';
import { createTestApp, TestApp } from '../../helpers/test-app';

/**
 * The app as these tests need it: HTTP only (RUN_MODE=api), so the jobs this domain queues stay
 * queued for inspection instead of racing other domains' processors; Supabase HS256 auth on.
 */
export function createTenancyApp(
  opts: { env?: Record<string, string>; pglite?: boolean } = {},
): Promise<TestApp> {
  return createTestApp({
    ...opts,
    env: { RUN_MODE: 'api', SUPABASE_JWT_SECRET: JWT_SECRET, ...opts.env },
  });
}

/** The HS256 secret Supabase projects share with their backends (legacy JWT secret), for tests. */
export const JWT_SECRET = 'test-supabase-jwt-secret-0123456789abcdefghij';

/** A Supabase-style access token signed with the HS256 secret. */
export function hsToken(
  userId: string,
  opts: { secret?: string; audience?: string; expiresIn?: string | number; issuer?: string } = {},
): Promise<string> {
  return new SignJWT({ role: 'authenticated', email: `${userId.slice(0, 8)}@example.test` })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setAudience(opts.audience ?? 'authenticated')
    .setIssuedAt()
    .setIssuer(opts.issuer ?? 'supabase-test')
    .setExpirationTime(opts.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(opts.secret ?? JWT_SECRET));
}

/** A local Supabase Auth stand-in: serves an ES256 JWKS at /auth/v1/.well-known/jwks.json and signs tokens. */
export class LocalJwks {
  private server?: Server;
  private privateKey!: CryptoKey;
  private jwk!: JWK;
  url = '';
  requests = 0;

  async start(): Promise<void> {
    const pair = await generateKeyPair('ES256', { extractable: true });
    this.privateKey = pair.privateKey;
    this.jwk = {
      ...(await exportJWK(pair.publicKey)),
      kid: 'test-key-1',
      alg: 'ES256',
      use: 'sig',
    };
    const port = await freePort();
    this.server = createServer((req, res) => {
      this.requests++;
      if (req.url === '/auth/v1/.well-known/jwks.json') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ keys: [this.jwk] }));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${port}`;
  }

  async token(
    userId: string,
    opts: {
      audience?: string;
      expiresIn?: string | number;
      key?: CryptoKey;
      kid?: string;
      issuer?: string;
    } = {},
  ): Promise<string> {
    return new SignJWT({ role: 'authenticated' })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: opts.kid ?? 'test-key-1' })
      .setSubject(userId)
      .setAudience(opts.audience ?? 'authenticated')
      .setIssuer(opts.issuer ?? `${this.url}/auth/v1`)
      .setIssuedAt()
      .setExpirationTime(opts.expiresIn ?? '1h')
      .sign(opts.key ?? this.privateKey);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}

export interface TenantFixture {
  id: string;
  slug: string;
  namespace: string;
  /** A vek_ key of the customer. */
  key: string;
  keyId: string;
  owner: { userId: string; token: string };
  member: { userId: string; token: string };
}

let counter = 0;

/** A customer with an API key, an owner user and a plain member user (HS256 tokens). */
export async function createTenant(
  t: TestApp,
  name = `Tenant ${++counter} ${randomUUID().slice(0, 6)}`,
): Promise<TenantFixture> {
  const created = await t.api('POST', '/api/customers', { body: { name } });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const key = await t.api('POST', `/api/customers/${id}/api-keys`, { body: { name: 'fixture' } });
  expect(key.status).toBe(201);
  const owner = { userId: randomUUID(), token: '' };
  const member = { userId: randomUUID(), token: '' };
  for (const [user, role] of [
    [owner, 'owner'],
    [member, 'member'],
  ] as const) {
    const res = await t.api('POST', `/api/customers/${id}/members`, {
      body: { userId: user.userId, role },
    });
    expect(res.status).toBe(201);
    user.token = await hsToken(user.userId);
  }
  return {
    id,
    slug: created.body.slug,
    namespace: created.body.namespace,
    key: key.body.key,
    keyId: key.body.id,
    owner,
    member,
  };
}

/** A valid custom VE body; `over` replaces fields. */
export function veBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Research Analyst',
    role: 'research-analyst',
    systemPrompt: 'You research markets and summarise findings with sources.',
    model: 'gpt-4o-mini',
    skills: ['market-research', 'summarization'],
    tools: ['brave-search/brave_web_search'],
    ...over,
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  return poll(check, { timeoutMs, everyMs: 50, what });
}

export const BULL_BOARD_AUTH = 'Basic ' + Buffer.from('ops:ops-password').toString('base64');

interface BoardJob {
  id: string;
  name: string;
  data: Record<string, unknown>;
}

/** The jobs of the deployments queue as Bull Board's API shows them (every state). */
export async function boardDeploymentJobs(t: TestApp): Promise<BoardJob[]> {
  const res = await t.api(
    'GET',
    '/admin/queues/api/queues?activeQueue=deployments&status=latest&page=1&jobsPerPage=1000',
    {
      token: null,
      headers: { authorization: BULL_BOARD_AUTH },
    },
  );
  expect(res.status).toBe(200);
  const queue = (res.body.queues as { name: string; jobs: BoardJob[] }[]).find(
    (q) => q.name === 'deployments',
  );
  return queue?.jobs ?? [];
}

/** Waits until Bull Board shows the deployments job with this id. */
export function boardJob(t: TestApp, jobId: string): Promise<BoardJob> {
  return eventually(
    async () => (await boardDeploymentJobs(t)).find((j) => j.id === jobId),
    20_000,
    `job ${jobId}`,
  );
}
