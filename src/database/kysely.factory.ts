import { Logger } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import { Pool, types } from 'pg';
import type { Database } from './database.types';
import type { SqlSession } from './migrator';

// int8 values here are token counts and micro-dollars: far below 2^53, so plain numbers.
types.setTypeParser(20, (v) => Number(v));
// `date` columns stay 'YYYY-MM-DD' strings: no time zone surprises.
types.setTypeParser(1082, (v) => v);

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: 'postgres' | 'pglite';
  /** Runs fn on one dedicated connection (migrations, advisory locks). */
  withSession<T>(fn: (s: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function createDatabase(opts: {
  databaseUrl?: string;
  pgliteDir: string;
  poolSize: number;
}): Promise<DatabaseHandle> {
  if (opts.databaseUrl) {
    const pool = new Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    });
    // A backend killed under us (pg_terminate_backend, failover) must not crash the process: the
    // pool drops that idle client and opens another on the next query.
    pool.on('error', (err) =>
      new Logger('Database').warn({ err: err.message }, 'idle Postgres connection lost'),
    );
    // The pool listens only to idle clients: one killed while checked out (a transaction waiting
    // between two statements) emits 'error' with no listener, which would end the process. Its
    // query in flight, or its next one, fails instead (503), and the pool discards it on release.
    const lostInUse = (err: Error) =>
      new Logger('Database').warn({ err: err.message }, 'Postgres connection lost while in use');
    pool.on('acquire', (client) => client.on('error', lostInUse));
    pool.on('release', (_err, client) => client.removeListener('error', lostInUse));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      kind: 'postgres',
      async withSession(fn) {
        const client = await pool.connect();
        try {
          return await fn({
            query: async (text, params) => (await client.query(text, params)).rows,
            exec: async (script) => void (await client.query(script)),
          });
        } finally {
          client.release();
        }
      },
      // Kysely ends the pool only if it ever ran a query; the migrator's session used it regardless.
      async close() {
        await db.destroy();
        if (!pool.ended) await pool.end();
      },
    };
  }
  const dir = resolve(opts.pgliteDir);
  mkdirSync(dirname(dir), { recursive: true });
  const { PGlite, types: pgliteTypes } = await import('@electric-sql/pglite');
  const { PGliteDialect } = await import('kysely-pglite-dialect');
  const pglite = await PGlite.create(dir, {
    parsers: {
      [pgliteTypes.INT8]: (v: string) => Number(v),
      [pgliteTypes.DATE]: (v: string) => v,
    },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    withSession: (fn) =>
      fn({
        query: async <R>(text: string, params?: unknown[]) =>
          (await pglite.query<R>(text, params)).rows,
        exec: async (script) => void (await pglite.exec(script)),
      }),
    // As above: PGlite must be closed (and flushed) even if Kysely never opened it.
    async close() {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}
