import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { MIGRATION_LOCK_KEY } from '../../src/database/migrator';
import { freshDatabase, freshPrefix, REDIS_URL } from '../helpers/resources';
import { AppProcess, baseEnv, freePort, ROOT, tempDir, until } from './support/processes';

const MIGRATIONS = join(ROOT, 'supabase', 'migrations');

describe('three replicas booting at once on one fresh Postgres database', () => {
  const prefix = freshPrefix();
  const dir = tempDir('ve-race-');
  const apps: AppProcess[] = [];
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let admin: Client;

  beforeAll(async () => {
    db = await freshDatabase();
    admin = new Client({ connectionString: db.url });
    await admin.connect();
  });
  afterAll(async () => {
    for (const app of apps) await app.kill();
    await admin?.end().catch(() => undefined);
    await prefix.clean();
    await db?.drop();
    dir.cleanup();
  });

  /** Replicas blocked on the migration lock (a bigint key shows as classid = high, objid = low 32 bits). */
  async function waitingForLock(): Promise<number> {
    const { rows } = await admin.query<{ n: number }>(
      `select count(*)::int as n from pg_locks l join pg_database d on d.oid = l.database
        where l.locktype = 'advisory' and not l.granted and d.datname = $1
          and l.classid::bigint * 4294967296 + l.objid::bigint = $2`,
      [db.name, MIGRATION_LOCK_KEY],
    );
    return rows[0]!.n;
  }

  it('migrates exactly once, and all three become ready', async () => {
    // Holding the lock first makes the race certain: all three queue on it before any migrates.
    await admin.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const ports = [await freePort(), await freePort(), await freePort()];
    for (const port of ports) {
      const env = {
        DATABASE_URL: db.url,
        PORT: String(port),
        REDIS_URL: REDIS_URL(),
        BULLMQ_PREFIX: prefix.prefix,
      };
      apps.push(new AppProcess('main.js', baseEnv({ ...env, LOG_LEVEL: 'info' }), dir.path));
    }
    const died = () => {
      const dead = apps.find((app) => !app.alive);
      return (
        dead &&
        `a replica exited ${JSON.stringify(dead.exit)}:\n${dead.output().split('\n').slice(-20).join('\n')}`
      );
    };
    await until(
      'three replicas waiting on the migration lock',
      async () => ((await waitingForLock()) === 3 ? true : undefined),
      90_000,
      died,
    );
    await admin.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);

    await Promise.all(
      apps.map((app, i) =>
        app.waitForStatus(`http://127.0.0.1:${ports[i]}/health/ready`, 200, 90_000),
      ),
    );

    const files = readdirSync(MIGRATIONS)
      .filter((f) => f.endsWith('.sql'))
      .sort();
    const { rows } = await admin.query<{ name: string; checksum: string }>(
      'select name, checksum from schema_migrations order by name',
    );
    expect(rows.map((r) => r.name)).toEqual(files);
    for (const row of rows) {
      const text = readFileSync(join(MIGRATIONS, row.name), 'utf8');
      expect(row.checksum).toBe(createHash('sha256').update(text).digest('hex'));
    }
    // One replica applied every file; the two that waited found nothing left to do.
    const applied = apps.map((app) =>
      Number(/postgres ready; (\d+) migration\(s\) applied/.exec(app.output())?.[1]),
    );
    expect(applied.sort((a, b) => a - b)).toEqual([0, 0, files.length]);
  }, 240_000);
});
