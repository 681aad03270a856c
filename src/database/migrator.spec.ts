import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, DatabaseHandle } from './kysely.factory';
import { migrate, MIGRATION_LOCK_KEY, SqlSession } from './migrator';

/** A session that records every statement, failing the ones matching `failOn`. */
function recordingSession(failOn?: RegExp): SqlSession & { log: string[] } {
  const log: string[] = [];
  const run = async (text: string) => {
    log.push(text.trim().split('\n')[0]!);
    if (failOn?.test(text)) throw new Error('syntax error');
  };
  return {
    log,
    query: async (text, params) => {
      await run(params ? `${text} ${JSON.stringify(params)}` : text);
      return [];
    },
    exec: run,
  };
}

describe('migrate', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 've-migrations-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, sql: string) => writeFileSync(join(dir, name), sql);

  describe('locking', () => {
    it('holds the advisory lock around everything, and releases it', async () => {
      write('001_a.sql', 'create table a (id int);');
      const s = recordingSession();
      await migrate(s, dir);
      expect(s.log[0]).toBe(`select pg_advisory_lock($1) [${MIGRATION_LOCK_KEY}]`);
      expect(s.log.at(-1)).toBe(`select pg_advisory_unlock($1) [${MIGRATION_LOCK_KEY}]`);
      expect(s.log).toContain('create table a (id int);');
    });

    it('releases the lock when a migration fails, after rolling it back', async () => {
      write('001_bad.sql', 'create table oops (');
      const s = recordingSession(/oops/);
      await expect(migrate(s, dir)).rejects.toThrow('migration 001_bad.sql failed: syntax error');
      expect(s.log.slice(-2)).toEqual([
        'rollback',
        `select pg_advisory_unlock($1) [${MIGRATION_LOCK_KEY}]`,
      ]);
    });

    it('ignores files that are not .sql', async () => {
      write('README.md', 'not sql');
      write('001_a.sql', 'select 1;');
      const s = recordingSession();
      expect(await migrate(s, dir)).toEqual({ applied: ['001_a.sql'], skipped: [] });
    });
  });

  describe('on a real database (PGlite)', () => {
    let db: DatabaseHandle;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 've-pglite-'));
      db = await createDatabase({ pgliteDir: join(dataDir, 'db'), poolSize: 1 });
    }, 60_000);
    afterAll(async () => {
      await db?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    const run = () => db.withSession((s) => migrate(s, dir));
    const ledger = () =>
      db.withSession((s) =>
        s.query<{ name: string; checksum: string }>(
          'select name, checksum from schema_migrations order by name',
        ),
      );

    it('applies files in name order, each once, recording name and checksum', async () => {
      // Written out of order: 002 needs the table 001 creates.
      write(
        '20260102_add_column.sql',
        "alter table things add column label text not null default 'x';",
      );
      write('20260101_create.sql', 'create table things (id int primary key);');
      expect(await run()).toEqual({
        applied: ['20260101_create.sql', '20260102_add_column.sql'],
        skipped: [],
      });
      expect(await run()).toEqual({
        applied: [],
        skipped: ['20260101_create.sql', '20260102_add_column.sql'],
      });
      const rows = await ledger();
      expect(rows.map((r) => r.name)).toEqual(['20260101_create.sql', '20260102_add_column.sql']);
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
    });

    it('rolls a failing migration back whole and does not record it; it applies once fixed', async () => {
      write('20260103_broken.sql', 'create table half (id int);\nselect no_such_function();');
      await expect(run()).rejects.toThrow(
        /migration 20260103_broken.sql failed: .*no_such_function/,
      );
      const half = await db.withSession((s) => s.query("select to_regclass('half') as t"));
      expect(half).toEqual([{ t: null }]);
      expect((await ledger()).map((r) => r.name)).not.toContain('20260103_broken.sql');

      write('20260103_broken.sql', 'create table half (id int);');
      expect((await run()).applied).toEqual(['20260103_broken.sql']);
    });

    it('applies the platform schema (supabase/migrations) on PGlite', async () => {
      const platform = join(__dirname, '..', '..', 'supabase', 'migrations');
      const result = await db.withSession((s) => migrate(s, platform));
      expect(result.applied.length).toBeGreaterThan(0);
      const tables = await db.withSession((s) =>
        s.query<{ n: string }>(
          "select to_regclass('tasks')::text as n union all select to_regclass('customers')::text",
        ),
      );
      expect(tables.map((t) => t.n)).toEqual(['tasks', 'customers']);
    });
  });
});
