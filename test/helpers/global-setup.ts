import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import Redis from 'ioredis';

/** Checks the real services are up and names this run, so every file's resources can be found and removed. */
export default async function globalSetup(): Promise<void> {
  process.env.TEST_RUN_ID = randomBytes(4).toString('hex');
  process.env.TEST_PG_ADMIN_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  process.env.TEST_REDIS_URL ??= 'redis://127.0.0.1:6379';
  const pg = new Client({ connectionString: process.env.TEST_PG_ADMIN_URL });
  await pg.connect().catch((err: Error) => {
    throw new Error(
      `e2e tests need PostgreSQL at ${process.env.TEST_PG_ADMIN_URL}: ${err.message}`,
    );
  });
  await pg.end();
  const redis = new Redis(process.env.TEST_REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  await redis.connect().catch((err: Error) => {
    throw new Error(`e2e tests need Redis at ${process.env.TEST_REDIS_URL}: ${err.message}`);
  });
  redis.disconnect();
}
