import { sql, type Kysely } from 'kysely';
import { SignJWT } from 'jose';
import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { hashApiKey } from '../../src/auth/api-key';
import { KYSELY } from '../../src/database/database.constants';
import { NO_VE } from '../../src/billing/billing.types';
import type { Database } from '../../src/database/database.types';
import type { DomainEvent } from '../../src/events/domain-events';
import { REDIS_URL } from '../helpers/resources';
import type { TestApp } from '../helpers/test-app';

/** The HS256 secret tests sign member tokens with (createTestApp env SUPABASE_JWT_SECRET). */
export const JWT_SECRET = 'billing-test-jwt-secret-0123456789abcdef';

export function dbOf(t: TestApp): Kysely<Database> {
  return t.get<Kysely<Database>>(KYSELY);
}

/** A customer row written directly (the tenancy routes are another domain's). */
export async function createCustomer(t: TestApp, name = 'billing'): Promise<string> {
  const slug = `${name}-${randomBytes(4).toString('hex')}`;
  const row = await dbOf(t)
    .insertInto('customers')
    .values({ name, slug, namespace: `customer-${slug}`, status: 'active' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A vek_ API key of the customer, stored hashed as the auth domain expects. */
export async function createApiKey(t: TestApp, customerId: string): Promise<string> {
  const key = `vek_${randomBytes(32).toString('base64url')}`;
  await dbOf(t)
    .insertInto('api_keys')
    .values({
      customer_id: customerId,
      name: 'billing-test',
      prefix: key.slice(0, 12),
      key_hash: hashApiKey(key),
    })
    .execute();
  return key;
}

/** A Supabase-style access token of a new member of the customer with the given role. */
export async function memberToken(
  t: TestApp,
  customerId: string,
  role: 'owner' | 'admin' | 'member',
): Promise<string> {
  const userId = randomUUID();
  await dbOf(t)
    .insertInto('customer_members')
    .values({ customer_id: customerId, user_id: userId, email: null, role })
    .execute();
  return new SignJWT({ role: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setAudience('authenticated')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(JWT_SECRET));
}

/** The domain events of a customer, read from its Redis stream (XRANGE), optionally of one type. */
export async function streamEvents(
  t: TestApp,
  customerId: string,
  type?: string,
): Promise<DomainEvent[]> {
  const redis = new Redis(REDIS_URL());
  try {
    const entries = await redis.xrange(`${t.env.BULLMQ_PREFIX}:events:${customerId}`, '-', '+');
    const events = entries.map(
      ([, fields]) => JSON.parse(fields[fields.indexOf('event') + 1]!) as DomainEvent,
    );
    return type ? events.filter((e) => e.type === type) : events;
  } finally {
    redis.disconnect();
  }
}

/** Polls `check` until it returns a truthy value (generous timeout: the machine is shared). */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const start = Date.now();
  let delay = 20;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 500);
  }
}

/**
 * Rollup rows that differ from the ledger summed per (UTC day, VE, model) — compared in SQL, with a
 * full join so a rollup without ledger rows (or the reverse) counts too — and the ledger's size.
 */
export async function rollupMismatches(
  db: Kysely<Database>,
  customerId: string,
): Promise<{ mismatches: number; ledgerRows: number }> {
  const { rows } = await sql<{ mismatches: number; ledger_rows: number }>`
    with l as (
      select (occurred_at at time zone 'UTC')::date as day, coalesce(ve_id, ${NO_VE}::uuid) as ve_id, model,
             sum(input_tokens) as i, sum(output_tokens) as o, sum(cost_micros) as c, count(*) as n
      from token_usage where customer_id = ${customerId} group by 1, 2, 3),
    r as (
      select day, ve_id, model, input_tokens as i, output_tokens as o, cost_micros as c, events as n
      from usage_daily where customer_id = ${customerId})
    select
      (select count(*) from l full join r using (day, ve_id, model)
        where l.i is distinct from r.i or l.o is distinct from r.o or l.c is distinct from r.c
           or l.n is distinct from r.n)::int as mismatches,
      (select count(*) from token_usage where customer_id = ${customerId})::int as ledger_rows`.execute(
    db,
  );
  return { mismatches: rows[0]!.mismatches, ledgerRows: rows[0]!.ledger_rows };
}
