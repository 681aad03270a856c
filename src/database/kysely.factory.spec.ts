import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createDatabase, DatabaseHandle } from './kysely.factory';

describe('createDatabase on PGlite (no DATABASE_URL)', () => {
  let root: string;
  let db: DatabaseHandle;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 've-factory-'));
    // Two levels that do not exist yet: PGlite itself does not mkdir -p.
    db = await createDatabase({ pgliteDir: join(root, 'nested', '.data', 'pglite'), poolSize: 1 });
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('creates the data directory and says it is PGlite', () => {
    expect(db.kind).toBe('pglite');
    expect(existsSync(join(root, 'nested', '.data', 'pglite', 'PG_VERSION'))).toBe(true);
  });

  it('returns int8 as numbers and dates as YYYY-MM-DD strings, as the pg driver is set up to', async () => {
    const { rows } = await sql<{
      n: number;
      d: string;
    }>`select 42::int8 as n, date '2026-11-26' as d`.execute(db.db);
    expect(rows).toEqual([{ n: 42, d: '2026-11-26' }]);
  });

  it('runs multi-statement scripts and parameterised queries in a session', async () => {
    const rows = await db.withSession(async (s) => {
      await s.exec("create table t (v text); insert into t values ('a'), ('b');");
      return s.query<{ v: string }>('select v from t where v = $1', ['b']);
    });
    expect(rows).toEqual([{ v: 'b' }]);
  });
});
