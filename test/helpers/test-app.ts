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
export async function createTestApp(opts: { env?: Record<string, string>; pglite?: boolean } = {}): Promise<TestApp> {
  const port = await freePort();
  const prefix = freshPrefix();
  const db = opts.pglite ? undefined : await freshDatabase();
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
        body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
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
    async close() {
      await app.close();
      await prefix.clean();
      await db?.drop();
      if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
    },
  };
}
