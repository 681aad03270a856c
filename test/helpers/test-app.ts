import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, freshDatabase, freshPrefix, REDIS_URL } from './resources';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';
export const WEBHOOK_SECRET = 'whsec_dGVzdC13ZWJob29rLXNlY3JldC0wMTIzNDU2Nzg5';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  env: Record<string, string>;
  /** fetch against the app; `as` picks the credential (default: operator). */
  api<T = any>(method: string, path: string, opts?: RequestOpts): Promise<ApiResponse<T>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /**
   * A provider of the app. The app was loaded in an isolated module registry, so the test's own
   * imports are other copies of its classes and symbols: `app.get(X)` misses; this matches a
   * class by name and a symbol by description (`t.get(EventsService)`, `t.get<Kysely<Database>>(KYSELY)`).
   */
  get<T>(token: (abstract new (...args: never[]) => T) | symbol): T;
  close(): Promise<void>;
}

export interface RequestOpts {
  body?: unknown;
  /** A bearer token (vek_ key or JWT); none = operator x-api-key; null = no credential at all. */
  token?: string | null;
  customerId?: string;
  headers?: Record<string, string>;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

/**
 * Boots the real app (real HTTP on a free port) against real Redis (a unique prefix) and a
 * fresh Postgres database — or PGlite in a temp dir — and removes all of it on close().
 */
export async function createTestApp(
  opts: {
    env?: Record<string, string>;
    pglite?: boolean;
    /** A replica of that app: same Postgres database and Redis prefix, which that app owns and removes. */
    replicaOf?: TestApp;
  } = {},
): Promise<TestApp> {
  const port = await freePort();
  const shared = opts.replicaOf?.env;
  if (shared && !shared.DATABASE_URL) {
    throw new Error('replicaOf needs an app on Postgres (PGlite is single-process)');
  }
  const prefix = shared
    ? { prefix: shared.BULLMQ_PREFIX!, clean: async () => undefined }
    : freshPrefix();
  const db = shared
    ? { url: shared.DATABASE_URL!, drop: async () => undefined }
    : opts.pglite
      ? undefined
      : await freshDatabase();
  const pgliteDir = opts.pglite ? mkdtempSync(join(tmpdir(), 've-pglite-')) : undefined;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    REDIS_URL: REDIS_URL(),
    BULLMQ_PREFIX: prefix.prefix,
    ADMIN_API_KEY: ADMIN_KEY,
    WEBHOOK_SECRET,
    BULL_BOARD_USER: 'ops',
    BULL_BOARD_PASSWORD: 'ops-password',
    K8S_MODE: 'dry-run',
    OUTBOUND_WEBHOOKS_ALLOW_PRIVATE: 'true',
    ...(db ? { DATABASE_URL: db.url } : { PGLITE_DIR: join(pgliteDir!, 'db') }),
    ...opts.env,
  };
  for (const key of ['DATABASE_URL', 'PGLITE_DIR']) delete process.env[key];
  Object.assign(process.env, env);
  // Imported after the environment is set: ConfigModule validates it when the module loads.
  let app!: NestFastifyApplication;
  await jest.isolateModulesAsync(async () => {
    const { createHttpApp } = await import('../../src/bootstrap');
    const { AppModule } = await import('../../src/app.module');
    app = await createHttpApp(AppModule, { swagger: true, bullBoard: true }, { logger: false });
  });
  await app.listen(port, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    url,
    env,
    async api(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.token === undefined) headers['x-api-key'] = ADMIN_KEY;
      else if (o.token !== null) headers.authorization = `Bearer ${o.token}`;
      if (o.customerId) headers['x-customer-id'] = o.customerId;
      if (o.body !== undefined) headers['content-type'] ??= 'application/json';
      const res = await fetch(url + path, {
        method,
        headers,
        body:
          o.body === undefined
            ? undefined
            : typeof o.body === 'string'
              ? o.body
              : JSON.stringify(o.body),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.status, body: body as never, headers: res.headers, text };
    },
    get<T>(token: (abstract new (...args: never[]) => T) | symbol): T {
      return providerOf(app, token) as T;
    },
    async close() {
      await app.close();
      await prefix.clean();
      await db?.drop();
      if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
    },
  };
}

/** Finds a provider instance by class name or symbol description (see TestApp.get). */
function providerOf(app: NestFastifyApplication, token: { name: string } | symbol): unknown {
  const sameToken = (candidate: unknown) =>
    typeof token === 'symbol'
      ? typeof candidate === 'symbol' && candidate.description === token.description
      : typeof candidate === 'function' && candidate.name === token.name;
  type Modules = Map<string, { providers: Map<unknown, { instance: unknown }> }>;
  const { container } = app as unknown as { container: { getModules(): Modules } };
  for (const mod of container.getModules().values()) {
    for (const [candidate, wrapper] of mod.providers) {
      if (sameToken(candidate) && wrapper.instance) return wrapper.instance;
    }
  }
  throw new Error(
    `no provider ${typeof token === 'symbol' ? token.toString() : token.name} in the app`,
  );
}
