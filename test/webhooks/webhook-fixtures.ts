import type { Kysely } from 'kysely';
import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { generateApiKey } from '../../src/auth/api-key';
import { KYSELY } from '../../src/database';
import type { Database } from '../../src/database/database.types';
import type { ApiResponse, TestApp } from '../helpers/test-app';

/** Two secrets as during a rotation, and one the app does not know. */
export const OLD_SECRET = 'whsec_b2xkLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm';
export const NEW_SECRET = 'whsec_bmV3LXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm';
export const WRONG_SECRET = 'whsec_d3Jvbmctc2VjcmV0LTAxMjM0NTY3ODlhYmNk';
/** The secret test-app.ts configures by default. */
export { WEBHOOK_SECRET as WEBHOOK_TEST_SECRET } from '../helpers/test-app';

export function dbOf(t: TestApp): Kysely<Database> {
  return t.app.get<Kysely<Database>>(KYSELY);
}

export interface Tenant {
  customerId: string;
  veId: string;
  otherVeId: string;
  agentName: string;
}

/** A customer with two VEs (peers), inserted as rows: the webhooks tests need no other domain's routes. */
export async function seedTenant(t: TestApp): Promise<Tenant> {
  const db = dbOf(t);
  const slug = `wh-${randomBytes(4).toString('hex')}`;
  const c = await db
    .insertInto('customers')
    .values({ name: slug, slug, namespace: `customer-${slug}`, status: 'active' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const ve = async (agent: string) =>
    (
      await db
        .insertInto('ves')
        .values({
          customer_id: c.id,
          name: agent,
          role: 'writer',
          agent_name: agent,
          namespace: `customer-${slug}`,
          model: 'gpt-4o-mini',
          status: 'ready',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const agentName = `writer-${slug}`;
  return {
    customerId: c.id,
    veId: await ve(agentName),
    otherVeId: await ve(`editor-${slug}`),
    agentName,
  };
}

/** A task of the tenant, running on its VE. */
export async function seedTask(
  t: TestApp,
  tenant: Tenant,
  extra: { pushToken?: string; status?: 'in_progress' | 'completed' } = {},
) {
  const row = await dbOf(t)
    .insertInto('tasks')
    .values({
      customer_id: tenant.customerId,
      title: 'Write the launch post',
      status: extra.status ?? 'in_progress',
      ve_id: tenant.veId,
      push_token: extra.pushToken ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function apiKeyFor(t: TestApp, customerId: string): Promise<string> {
  const k = generateApiKey();
  await dbOf(t)
    .insertInto('api_keys')
    .values({ customer_id: customerId, name: 'test', prefix: k.prefix, key_hash: k.hash })
    .execute();
  return k.key;
}

export interface SignOpts {
  secret?: string;
  id?: string;
  at?: Date;
  headers?: Record<string, string>;
  /** Sign these bytes but send `body` (a tampered delivery). */
  signedBody?: string;
}

/** POSTs a body signed per Standard Webhooks, as an agent does. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- like TestApp.api: tests read any answer
export function postSigned<T = any>(
  t: TestApp,
  path: string,
  body: unknown,
  o: SignOpts = {},
): Promise<ApiResponse<T>> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const id = o.id ?? `msg_${randomUUID()}`;
  const at = o.at ?? new Date();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(o.secret ?? NEW_SECRET).sign(id, at, o.signedBody ?? raw),
    ...o.headers,
  };
  return t.api('POST', path, { token: null, body: raw, headers });
}

/** Polls until `fn` returns a truthy value (the work happens in a queue); fails with the last value. */
export async function eventually<T>(
  fn: () => Promise<T>,
  timeoutMs = 45_000,
  everyMs = 100,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
}

/** Waits until the webhook_events row has left 'accepted' and returns it. */
export function settled(t: TestApp, id: string) {
  return eventually(() =>
    dbOf(t)
      .selectFrom('webhook_events')
      .select(['id', 'status', 'error', 'event_type'])
      .where('id', '=', id)
      .where('status', '!=', 'accepted')
      .executeTakeFirst(),
  );
}
