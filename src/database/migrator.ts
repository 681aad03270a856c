import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

// An arbitrary constant: every replica takes the same lock before migrating.
export const MIGRATION_LOCK_KEY = 7_312_026_001;

/** One dedicated connection: parameterised queries, and multi-statement scripts. */
export interface SqlSession {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  exec(script: string): Promise<void>;
}

export interface MigrationResult {
  applied: string[];
  skipped: string[];
}

/**
 * Applies supabase/migrations/*.sql in file-name order, each once and in its own transaction,
 * recorded in `schema_migrations`. A session advisory lock serialises replicas booting together.
 */
export async function migrate(
  session: SqlSession,
  dir: string,
  log: (msg: string) => void = () => undefined,
): Promise<MigrationResult> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  await session.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    await session.exec(`create table if not exists schema_migrations (
      name text primary key,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`);
    const done = await session.query<{ name: string }>('select name from schema_migrations');
    const seen = new Set(done.map((r) => r.name));
    const result: MigrationResult = { applied: [], skipped: [] };
    for (const file of files) {
      if (seen.has(file)) {
        result.skipped.push(file);
        continue;
      }
      const text = await readFile(join(dir, file), 'utf8');
      const checksum = createHash('sha256').update(text).digest('hex');
      await session.exec('begin');
      try {
        await session.exec(text);
        await session.query('insert into schema_migrations (name, checksum) values ($1, $2)', [
          file,
          checksum,
        ]);
        await session.exec('commit');
      } catch (err) {
        await session.exec('rollback');
        throw new Error(`migration ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      log(`applied migration ${file}`);
      result.applied.push(file);
    }
    return result;
  } finally {
    await session.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  }
}
