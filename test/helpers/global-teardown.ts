import { Client } from 'pg';
import Redis from 'ioredis';

/** Drops whatever a crashed test file left behind: its databases and its Redis keys. */
export default async function globalTeardown(): Promise<void> {
  const run = process.env.TEST_RUN_ID;
  if (!run) return;
  const pg = new Client({ connectionString: process.env.TEST_PG_ADMIN_URL });
  await pg.connect();
  const { rows } = await pg.query<{ datname: string }>(
    'select datname from pg_database where datname like $1',
    [`ve_test_${run}_%`],
  );
  for (const { datname } of rows)
    await pg.query(`drop database if exists "${datname}" with (force)`);
  await pg.end();
  const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  await deleteKeys(redis, `vet${run}*`);
  redis.disconnect();
}

export async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}
