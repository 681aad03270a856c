import type { Queue } from 'bullmq';
import type { Kysely } from 'kysely';
import { randomBytes } from 'node:crypto';
import { KYSELY } from '../../../src/database';
import type { Database, TaskStatus } from '../../../src/database/database.types';
import type { TestApp } from '../../helpers/test-app';

export function dbOf(t: TestApp): Kysely<Database> {
  return t.app.get<Kysely<Database>>(KYSELY, { strict: false });
}

/** The app's own `tasks` queue (the @nestjs/bullmq token is the string 'BullQueue_tasks'). */
export function tasksQueueOf(t: TestApp): Queue {
  return t.app.get<Queue>('BullQueue_tasks', { strict: false });
}

export interface SeededVe {
  id: string;
  agentName: string;
}

export interface Seeded {
  customerId: string;
  namespace: string;
  ves: SeededVe[];
}

/**
 * A customer and its VEs inserted as rows (the tasks tests need no other domain's routes).
 * `managers[i]` is the index of VE i's manager (undefined: none). VEs have no agent URL: with
 * no AGENT_GATEWAY_URL the built-in sandbox agent answers them.
 */
export async function seedCustomer(
  db: Kysely<Database>,
  opts: { ves?: number; managers?: Array<number | undefined>; skills?: string[][] } = {},
): Promise<Seeded> {
  const slug = `tk-${randomBytes(4).toString('hex')}`;
  const namespace = `customer-${slug}`;
  const c = await db
    .insertInto('customers')
    .values({ name: slug, slug, namespace, status: 'active' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const ves: SeededVe[] = [];
  for (let i = 0; i < (opts.ves ?? 1); i++) {
    const agentName = `agent-${i}-${slug}`;
    const managerIndex = opts.managers?.[i];
    const row = await db
      .insertInto('ves')
      .values({
        customer_id: c.id,
        name: `VE ${i}`,
        role: 'writer',
        agent_name: agentName,
        namespace,
        model: 'gpt-4o-mini',
        status: 'ready',
        skills: opts.skills?.[i] ?? ['writing'],
        manager_id: managerIndex === undefined ? null : ves[managerIndex]!.id,
        conditions: '[]',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ves.push({ id: row.id, agentName });
  }
  return { customerId: c.id, namespace, ves };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the task has one of `statuses` (through the API), returning it. */
export function taskReaches(
  t: TestApp,
  customerId: string,
  id: string,
  statuses: TaskStatus[],
  timeoutMs = 30_000,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body, asserted field by field
): Promise<Record<string, any>> {
  return eventually(
    async () => {
      const res = await t.api('GET', `/api/tasks/${id}`, { customerId });
      return statuses.includes(res.body?.status) ? res.body : undefined;
    },
    timeoutMs,
    `task ${id} to become ${statuses.join('|')}`,
  );
}

/** How many tasks of the customer have each status (straight from the database). */
export async function statusCounts(
  db: Kysely<Database>,
  customerId: string,
): Promise<Partial<Record<TaskStatus, number>>> {
  const rows = await db
    .selectFrom('tasks')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('customer_id', '=', customerId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Tasks with more than one transition into `completed` (must be none: nothing completes twice). */
export async function completedTwice(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('task_events')
    .select(['task_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('to_status', '=', 'completed')
    .groupBy('task_id')
    .having((eb) => eb.fn.countAll(), '>', 1)
    .execute();
  return rows.map((r) => r.task_id);
}

/**
 * A provider of the running app by class name. The app is loaded in its own module registry
 * (jest.isolateModulesAsync in createTestApp), so the test's own import of a class is another
 * class object: look the instance up by name in the app's container instead.
 */
export function providerByName<T>(t: TestApp, name: string): T {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const container = (t.app as any).container as {
    getModules(): Map<string, { providers: Map<unknown, { name: string; instance: unknown }> }>;
  };
  for (const mod of container.getModules().values()) {
    for (const wrapper of mod.providers.values()) {
      if (wrapper.name === name && wrapper.instance) return wrapper.instance as T;
    }
  }
  throw new Error(`no provider named ${name}`);
}

/** A task row inserted as if an agent were already working on it (for delegation rules). */
export async function seedRunningTask(
  db: Kysely<Database>,
  customerId: string,
  veId: string,
  opts: { parentTaskId?: string; title?: string } = {},
): Promise<string> {
  const row = await db
    .insertInto('tasks')
    .values({
      customer_id: customerId,
      title: opts.title ?? 'Running work',
      status: 'in_progress',
      ve_id: veId,
      parent_task_id: opts.parentTaskId ?? null,
      attempts: 1,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
