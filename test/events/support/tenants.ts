import type { Kysely } from 'kysely';
import { randomBytes } from 'node:crypto';
import { generateApiKey } from '../../../src/auth/api-key';
import { KYSELY } from '../../../src/database';
import type { Database, VeStatus } from '../../../src/database/database.types';
import type { TestApp } from '../../helpers/test-app';

export function dbOf(t: TestApp): Kysely<Database> {
  return t.get<Kysely<Database>>(KYSELY);
}

/** A customer with an API key, written straight to the database (independent of the tenancy routes). */
export async function seedCustomer(
  t: TestApp,
  name = 'Acme',
): Promise<{ id: string; apiKey: string }> {
  const slug = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${randomBytes(3).toString('hex')}`;
  const { id } = await dbOf(t)
    .insertInto('customers')
    .values({ name, slug, namespace: `customer-${slug}`, status: 'active' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const key = generateApiKey();
  await dbOf(t)
    .insertInto('api_keys')
    .values({ customer_id: id, name: 'test', prefix: key.prefix, key_hash: key.hash })
    .execute();
  return { id, apiKey: key.key };
}

/** A VE of the customer (agent_url null: reached through the gateway, or the built-in sandbox agent). */
export async function seedVe(
  t: TestApp,
  customerId: string,
  fields: { name?: string; status?: VeStatus } = {},
): Promise<{ id: string; agentName: string }> {
  const agentName = `ve-${randomBytes(3).toString('hex')}`;
  const { id } = await dbOf(t)
    .insertInto('ves')
    .values({
      customer_id: customerId,
      name: fields.name ?? 'Sam Support',
      role: 'support agent',
      department: 'support',
      agent_name: agentName,
      namespace: `customer-${customerId.slice(0, 8)}`,
      model: 'gpt-4o-mini',
      skills: ['support'],
      status: fields.status ?? 'ready',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, agentName };
}

/** Polls until check returns a value (not undefined/false), or fails with what was awaited. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 45_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
