import type { Kysely } from 'kysely';
import { randomBytes } from 'node:crypto';
import { KYSELY } from '../../src/database';
import type { Database, VeStatus } from '../../src/database/database.types';
import type { Ve } from '../../src/ves/ves.types';
import type { TestApp } from '../helpers/test-app';

export function dbOf(t: TestApp): Kysely<Database> {
  return t.get<Kysely<Database>>(KYSELY);
}

export interface Customer {
  id: string;
  namespace: string;
}

/** A customer row (no provisioning job): gateway tests need no other domain's routes. */
export async function seedCustomer(t: TestApp): Promise<Customer> {
  const slug = `gw-${randomBytes(4).toString('hex')}`;
  const row = await dbOf(t)
    .insertInto('customers')
    .values({ name: slug, slug, namespace: `customer-${slug}`, status: 'active' })
    .returning(['id', 'namespace'])
    .executeTakeFirstOrThrow();
  return { id: row.id, namespace: row.namespace };
}

export interface VeSeed {
  agentName: string;
  name?: string;
  role?: string;
  department?: string;
  skills?: string[];
  tools?: string[];
  status?: VeStatus;
  agentUrl?: string | null;
  model?: string;
  createdAt?: string;
}

/** A VE row of the customer, shaped as VesService returns it. */
export async function seedVe(t: TestApp, customer: Customer, seed: VeSeed): Promise<Ve> {
  const row = await dbOf(t)
    .insertInto('ves')
    .values({
      customer_id: customer.id,
      name: seed.name ?? seed.agentName,
      role: seed.role ?? 'specialist',
      department: seed.department ?? 'general',
      agent_name: seed.agentName,
      namespace: customer.namespace,
      model: seed.model ?? 'gpt-4o-mini',
      skills: seed.skills ?? [],
      tools: seed.tools ?? [],
      status: seed.status ?? 'ready',
      agent_url: seed.agentUrl ?? null,
      ...(seed.createdAt ? { created_at: seed.createdAt } : {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    customerId: row.customer_id,
    templateId: row.template_id,
    name: row.name,
    role: row.role,
    department: row.department,
    agentName: row.agent_name,
    namespace: row.namespace,
    model: row.model,
    skills: row.skills,
    tools: row.tools,
    managerId: row.manager_id,
    status: row.status,
    statusReason: row.status_reason,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    systemPrompt: row.system_prompt,
    agentUrl: row.agent_url,
    generation: row.generation,
  };
}

/** Polls until `check` returns a value (no fixed sleeps); generous, the machine is shared. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
