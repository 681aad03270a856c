import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, sql } from 'kysely';
import { KYSELY, type Database } from '../../src/database';
import { createTestApp, TestApp } from '../helpers/test-app';
import { ROOT } from './support/processes';

/** The embedded default: the whole app on PGlite (no DATABASE_URL), in process. */
describe('Foundation on PGlite', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ pglite: true });
  }, 120_000);
  afterAll(() => t?.close());

  it('is ready, with the postgres indicator answered by PGlite', async () => {
    const res = await t.api('GET', '/health/ready', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.info).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' } });
  });

  it('applied every migration once, and the schema answers queries', async () => {
    const db = t.app.get<Kysely<Database>>(KYSELY);
    const files = readdirSync(join(ROOT, 'supabase', 'migrations')).filter((f) =>
      f.endsWith('.sql'),
    );
    const { rows } = await sql<{
      name: string;
    }>`select name from schema_migrations order by name`.execute(db);
    expect(rows.map((r) => r.name)).toEqual(files.sort());
    const customers = await db.selectFrom('customers').select('id').execute();
    expect(customers).toEqual([]);
    // int8 comes back as a JS number on PGlite too (token counts, micro-dollars)
    const { rows: big } = await sql<{ n: number }>`select 9007199254740991::int8 as n`.execute(db);
    expect(big[0]!.n).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('serves the API and its error shape as on Postgres', async () => {
    const me = await t.api('GET', '/api/auth/me');
    expect(me.body).toMatchObject({ kind: 'operator' });
    const bad = await t.api('GET', '/api/auth/me', { token: null });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: expect.any(String),
    });
  });
});
