import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { dbOf, eventually as poll, seedApiKey, seedCustomer, seedVe } from '../helpers/seed';
import type { ApiResponse, TestApp } from '../helpers/test-app';

/** Two secrets as during a rotation, and one the app does not know. */
export const OLD_SECRET = 'whsec_b2xkLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm';
export const NEW_SECRET = 'whsec_bmV3LXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm';
export const WRONG_SECRET = 'whsec_d3Jvbmctc2VjcmV0LTAxMjM0NTY3ODlhYmNk';
/** The secret test-app.ts configures by default. */
export { WEBHOOK_SECRET as WEBHOOK_TEST_SECRET } from '../helpers/test-app';

export { dbOf } from '../helpers/seed';

export interface Tenant {
  customerId: string;
  veId: string;
  otherVeId: string;
  agentName: string;
}

/** A customer with two VEs (peers), inserted as rows: the webhooks tests need no other domain's routes. */
export async function seedTenant(t: TestApp): Promise<Tenant> {
  const customer = await seedCustomer(t, { slugPrefix: 'wh' });
  const ve = async (agentName: string) =>
    (await seedVe(t, customer, { agentName, role: 'writer' })).id;
  const agentName = `writer-${customer.slug}`;
  return {
    customerId: customer.id,
    veId: await ve(agentName),
    otherVeId: await ve(`editor-${customer.slug}`),
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

export function apiKeyFor(t: TestApp, customerId: string): Promise<string> {
  return seedApiKey(t, customerId);
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

/** Polls until `fn` returns a value (the work happens in a queue). */
export function eventually<T>(
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 45_000,
  everyMs = 100,
): Promise<T> {
  return poll(fn, { timeoutMs, everyMs });
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
