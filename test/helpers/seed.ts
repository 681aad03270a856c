import type { Kysely } from 'kysely';
import { randomBytes } from 'node:crypto';
import { generateApiKey } from '../../src/auth/api-key';
import { KYSELY } from '../../src/database';
import type { Database, VeRow, VeStatus } from '../../src/database/database.types';
import type { TestApp } from './test-app';

/**
 * Rows written straight to the app's database, so a domain's e2e tests need no other domain's
 * routes (and no provisioning or deployment jobs) to have a customer, a key or a VE.
 */

export function dbOf(t: TestApp): Kysely<Database> {
  return t.get<Kysely<Database>>(KYSELY);
}

export interface SeededCustomer {
  id: string;
  slug: string;
  namespace: string;
}

/** An active customer; the slug is `<slugPrefix>-<random>` (unique across test files). */
export async function seedCustomer(
  t: TestApp,
  opts: { name?: string; slugPrefix?: string } = {},
): Promise<SeededCustomer> {
  const slug = `${opts.slugPrefix ?? 'c'}-${randomBytes(4).toString('hex')}`;
  return dbOf(t)
    .insertInto('customers')
    .values({ name: opts.name ?? slug, slug, namespace: `customer-${slug}`, status: 'active' })
    .returning(['id', 'slug', 'namespace'])
    .executeTakeFirstOrThrow();
}

/** A vek_ API key of the customer, stored hashed as the auth domain expects; returns the key. */
export async function seedApiKey(t: TestApp, customerId: string, name = 'test'): Promise<string> {
  const key = generateApiKey();
  await dbOf(t)
    .insertInto('api_keys')
    .values({ customer_id: customerId, name, prefix: key.prefix, key_hash: key.hash })
    .execute();
  return key.key;
}

export interface VeSeed {
  /** Default: `ve-<random>`. */
  agentName?: string;
  name?: string;
  role?: string;
  department?: string;
  skills?: string[];
  tools?: string[];
  status?: VeStatus;
  agentUrl?: string | null;
  model?: string;
  managerId?: string | null;
  createdAt?: string;
}

/** A VE row of the customer (status ready unless said; no agent URL: the gateway or sandbox answers). */
export async function seedVe(
  t: TestApp,
  customer: { id: string; namespace: string },
  seed: VeSeed = {},
): Promise<VeRow> {
  const agentName = seed.agentName ?? `ve-${randomBytes(3).toString('hex')}`;
  return dbOf(t)
    .insertInto('ves')
    .values({
      customer_id: customer.id,
      name: seed.name ?? agentName,
      role: seed.role ?? 'specialist',
      department: seed.department ?? 'general',
      agent_name: agentName,
      namespace: customer.namespace,
      model: seed.model ?? 'gpt-4o-mini',
      skills: seed.skills ?? [],
      tools: seed.tools ?? [],
      status: seed.status ?? 'ready',
      agent_url: seed.agentUrl ?? null,
      manager_id: seed.managerId ?? null,
      ...(seed.createdAt ? { created_at: seed.createdAt } : {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Polls until `check` gives a value — anything but undefined, null or false — and returns it. An
 * error `check` throws counts as "not yet" (a process still starting) and is named if time runs
 * out. No fixed sleeps: the machine is shared, so the default timeout is generous.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  opts: { timeoutMs?: number; everyMs?: number; what?: string } = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const why = last ? `: ${(last as Error).message ?? String(last)}` : '';
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${opts.what ?? 'a condition'}${why}`,
      );
    }
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 100));
  }
}
