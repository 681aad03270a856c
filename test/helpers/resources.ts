import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Client } from 'pg';
import Redis from 'ioredis';
import { deleteKeys } from './global-teardown';

const ADMIN_URL = () =>
  process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = () => process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN = () => process.env.TEST_RUN_ID ?? 'local';

/** A fresh, empty Postgres database for one test file; `drop()` removes it. */
export async function freshDatabase(): Promise<{
  name: string;
  url: string;
  drop(): Promise<void>;
}> {
  const name = `ve_test_${RUN()}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL() });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(ADMIN_URL());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: ADMIN_URL() });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    },
  };
}

/** A BullMQ/Redis key prefix unique to one test file; `clean()` deletes its keys. */
export function freshPrefix(): { prefix: string; clean(): Promise<void> } {
  const prefix = `vet${RUN()}${randomBytes(3).toString('hex')}`;
  return {
    prefix,
    async clean() {
      const redis = new Redis(REDIS_URL());
      await deleteKeys(redis, `${prefix}*`);
      redis.disconnect();
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}
