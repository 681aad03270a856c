import type { VeStatus } from '../../../src/database/database.types';
import {
  eventually as poll,
  seedApiKey,
  seedCustomer as seedCustomerRow,
  seedVe as seedVeRow,
} from '../../helpers/seed';
import type { TestApp } from '../../helpers/test-app';

export { dbOf } from '../../helpers/seed';

/** A customer with an API key, written straight to the database (independent of the tenancy routes). */
export async function seedCustomer(
  t: TestApp,
  name = 'Acme',
): Promise<{ id: string; apiKey: string }> {
  const slugPrefix = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const { id } = await seedCustomerRow(t, { name, slugPrefix });
  return { id, apiKey: await seedApiKey(t, id) };
}

/** A VE of the customer (agent_url null: reached through the gateway, or the built-in sandbox agent). */
export async function seedVe(
  t: TestApp,
  customerId: string,
  fields: { name?: string; status?: VeStatus } = {},
): Promise<{ id: string; agentName: string }> {
  const row = await seedVeRow(
    t,
    { id: customerId, namespace: `customer-${customerId.slice(0, 8)}` },
    {
      name: fields.name ?? 'Sam Support',
      role: 'support agent',
      department: 'support',
      skills: ['support'],
      status: fields.status,
    },
  );
  return { id: row.id, agentName: row.agent_name };
}

/** Polls until check returns a value (not undefined/false), or fails with what was awaited. */
export function eventually<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 45_000,
): Promise<T> {
  return poll(check, { what, timeoutMs });
}
