import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createTestApp, TestApp } from '../helpers/test-app';
import { dbOf } from '../helpers/seed';

/**
 * Keyset cursors carry JS Dates (milliseconds) while Postgres stamps microseconds: rows stamped
 * within one millisecond must still page exactly once each. Rows inserted by one statement share
 * now(), the hardest case: every page boundary falls inside one instant.
 */
describe('Keyset pagination over rows stamped in the same instant', () => {
  const N = 5;
  let t: TestApp;
  let customerId: string;
  let endpointId: string;

  /** Every id a list route returns, following nextCursor two at a time (bounded: a loop is a bug). */
  async function pageAll(path: string, opts: { customerId?: string } = {}): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 40; pages++) {
      const sep = path.includes('?') ? '&' : '?';
      const query: string = `limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.api<{ items: Array<{ id: string }>; nextCursor: string | null }>(
        'GET',
        `${path}${sep}${query}`,
        opts,
      );
      expect(res.status).toBe(200);
      ids.push(...res.body.items.map((i) => i.id));
      cursor = res.body.nextCursor;
      if (!cursor) return ids;
    }
    throw new Error(`${path}: still paging after 40 pages (${ids.length} ids)`);
  }

  function expectEachOnce(ids: string[], expected: string[]): void {
    expect(ids).toHaveLength(new Set(ids).size);
    expect([...ids].sort()).toEqual([...expected].sort());
  }

  const many = <T>(make: (i: number) => T): T[] => Array.from({ length: N }, (_, i) => make(i));
  const tag = () => randomBytes(4).toString('hex');

  beforeAll(async () => {
    // HTTP only: no processor touches the seeded rows while the test pages through them.
    t = await createTestApp({ env: { RUN_MODE: 'api' } });
    const db = dbOf(t);
    const customers = await db
      .insertInto('customers')
      .values(
        many(() => {
          const slug = `ks-${tag()}`;
          return { name: slug, slug, namespace: `customer-${slug}`, status: 'active' as const };
        }),
      )
      .returning(['id', 'namespace'])
      .execute();
    customerId = customers[0]!.id;
    const namespace = customers[0]!.namespace;
    await db
      .insertInto('customer_members')
      .values(
        many(() => ({ customer_id: customerId, user_id: randomUUID(), role: 'member' as const })),
      )
      .execute();
    await db
      .insertInto('api_keys')
      .values(
        many((i) => ({ customer_id: customerId, name: `k${i}`, prefix: 'vek_x', key_hash: tag() })),
      )
      .execute();
    await db
      .insertInto('ve_templates')
      .values(
        many((i) => ({
          slug: `ks-${tag()}`,
          name: `T${i}`,
          role: 'r',
          department: 'd',
          model: 'm',
          monthly_price: 0,
        })),
      )
      .execute();
    const ves = await db
      .insertInto('ves')
      .values(
        many((i) => ({
          customer_id: customerId,
          name: `VE ${i}`,
          role: 'writer',
          agent_name: `agent-${i}`,
          namespace,
          model: 'gpt-4o-mini',
        })),
      )
      .returning('id')
      .execute();
    await db
      .insertInto('tasks')
      .values(many((i) => ({ customer_id: customerId, title: `Task ${i}` })))
      .execute();
    await db
      .insertInto('messages')
      .values(
        many((i) => ({
          customer_id: customerId,
          ve_id: ves[0]!.id,
          direction: 'to_ve' as const,
          content: `m${i}`,
        })),
      )
      .execute();
    const endpoints = await db
      .insertInto('webhook_endpoints')
      .values(
        many(() => ({ customer_id: customerId, url: 'https://example.test/hook', secret: 's' })),
      )
      .returning('id')
      .execute();
    endpointId = endpoints[0]!.id;
    await db
      .insertInto('webhook_deliveries')
      .values(
        many((i) => ({
          endpoint_id: endpointId,
          customer_id: customerId,
          event_id: `evt-${i}`,
          event_type: 'task.updated',
          payload: '{}',
        })),
      )
      .execute();
  });
  afterAll(() => t?.close());

  const ofCustomer = async (
    table: 'api_keys' | 'customer_members' | 'ves' | 'tasks' | 'messages',
  ) =>
    (
      await dbOf(t).selectFrom(table).select('id').where('customer_id', '=', customerId).execute()
    ).map((r) => r.id);

  it('lists customers each once', async () => {
    const all = await dbOf(t).selectFrom('customers').select('id').execute();
    expectEachOnce(
      await pageAll('/api/customers'),
      all.map((r) => r.id),
    );
  });

  it('lists API keys and members each once', async () => {
    expectEachOnce(
      await pageAll(`/api/customers/${customerId}/api-keys`),
      await ofCustomer('api_keys'),
    );
    expectEachOnce(
      await pageAll(`/api/customers/${customerId}/members`),
      await ofCustomer('customer_members'),
    );
  });

  it('lists marketplace templates each once', async () => {
    const all = await dbOf(t).selectFrom('ve_templates').select('id').execute();
    expectEachOnce(
      await pageAll('/api/marketplace/templates'),
      all.map((r) => r.id),
    );
  });

  it('lists VEs each once', async () => {
    expectEachOnce(await pageAll('/api/ves', { customerId }), await ofCustomer('ves'));
  });

  it('lists tasks each once (newest first)', async () => {
    expectEachOnce(await pageAll('/api/tasks', { customerId }), await ofCustomer('tasks'));
  });

  it('lists messages each once (newest first)', async () => {
    expectEachOnce(await pageAll('/api/messages', { customerId }), await ofCustomer('messages'));
  });

  it('lists webhook endpoints and their deliveries each once', async () => {
    const endpoints = await dbOf(t)
      .selectFrom('webhook_endpoints')
      .select('id')
      .where('customer_id', '=', customerId)
      .execute();
    expectEachOnce(
      await pageAll('/api/webhook-endpoints', { customerId }),
      endpoints.map((r) => r.id),
    );
    const deliveries = await dbOf(t)
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('endpoint_id', '=', endpointId)
      .execute();
    expectEachOnce(
      await pageAll(`/api/webhook-endpoints/${endpointId}/deliveries`, { customerId }),
      deliveries.map((r) => r.id),
    );
  });

  it('stamps created_at to the millisecond on every table with a keyset index', async () => {
    // A keyset index ends with (created_at, id); its table's default must match what a cursor holds.
    const { rows } = await sql<{ table: string; default: string | null }>`
      select distinct i.tablename as table, c.column_default as default
      from pg_indexes i
      join information_schema.columns c
        on c.table_schema = i.schemaname and c.table_name = i.tablename and c.column_name = 'created_at'
      where i.schemaname = 'public' and i.indexdef ~ 'created_at( DESC)?, id( DESC)?\\)$'
      order by 1`.execute(dbOf(t));
    expect(rows.map((r) => r.table)).toEqual(
      expect.arrayContaining(['messages', 'tasks', 'webhook_deliveries', 'webhook_endpoints']),
    );
    for (const r of rows)
      expect({ table: r.table, default: r.default }).toEqual({
        table: r.table,
        default: expect.stringContaining("date_trunc('milliseconds'"),
      });
  });
});
