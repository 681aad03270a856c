import { Client } from 'pg';
import { join } from 'node:path';
import { migrate } from '../../src/database/migrator';
import { freshDatabase } from '../helpers/resources';

// The project-level testTimeout is not applied by jest (a global option): slow machines need more than 5 s.
jest.setTimeout(60_000);

/**
 * The Supabase-only parts of the migrations (RLS by membership, the Realtime publication, the
 * private-channel policy) run against a Postgres dressed as Supabase: the auth.uid() and
 * realtime.topic() functions (reading settings as Supabase's do), realtime.messages, the
 * supabase_realtime publication and the anon/authenticated roles with Supabase's default grants.
 */
const SUPABASE_STUBS = `
do $$ begin create role anon nologin; exception when duplicate_object then null; end $$;
do $$ begin create role authenticated nologin; exception when duplicate_object then null; end $$;
create schema auth;
create function auth.uid() returns uuid language sql stable as
  $f$ select nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $f$;
create schema realtime;
create table realtime.messages (
  id bigserial primary key, topic text not null, extension text not null, event text, payload jsonb,
  private boolean default false, inserted_at timestamptz not null default now()
);
alter table realtime.messages enable row level security;
create function realtime.topic() returns text language sql stable as
  $f$ select nullif(current_setting('realtime.topic', true), '') $f$;
create publication supabase_realtime;
grant usage on schema public, auth, realtime to anon, authenticated;
grant select on realtime.messages to anon, authenticated;
alter default privileges in schema public grant all on tables to anon, authenticated;
`;

describe('Supabase migrations: RLS by membership, Realtime publication and private channels', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let pg: Client;
  const c1 = '11111111-1111-4111-8111-111111111111';
  const c2 = '22222222-2222-4222-8222-222222222222';
  const member = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';

  /** Runs a query as a Supabase role (and user), the way PostgREST and Realtime do. */
  async function as<T>(
    role: 'anon' | 'authenticated',
    userId: string | null,
    sql: string,
    topic?: string,
  ): Promise<T[]> {
    await pg.query('begin');
    try {
      await pg.query(`set local role ${role}`);
      if (userId) await pg.query(`select set_config('request.jwt.claim.sub', $1, true)`, [userId]);
      if (topic) await pg.query(`select set_config('realtime.topic', $1, true)`, [topic]);
      return (await pg.query(sql)).rows as T[];
    } finally {
      await pg.query('rollback');
    }
  }

  beforeAll(async () => {
    db = await freshDatabase();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    await pg.query(SUPABASE_STUBS);
    await migrate(
      {
        query: async (text, params) => (await pg.query(text, params)).rows,
        exec: async (s) => void (await pg.query(s)),
      },
      join(__dirname, '../../supabase/migrations'),
    );
    await pg.query(`
      insert into customers (id, name, slug, namespace) values
        ('${c1}', 'One', 'one', 'customer-one'), ('${c2}', 'Two', 'two', 'customer-two');
      insert into customer_members (customer_id, user_id, role) values ('${c1}', '${member}', 'member');
      insert into ves (customer_id, name, role, agent_name, namespace, model) values
        ('${c1}', 'A', 'r', 'a', 'customer-one', 'm'), ('${c2}', 'B', 'r', 'b', 'customer-two', 'm');
      insert into tasks (customer_id, title) values ('${c1}', 'mine'), ('${c2}', 'theirs');
      insert into messages (customer_id, ve_id, direction, content)
        select customer_id, id, 'from_ve', 'hi' from ves;
      insert into api_keys (customer_id, name, prefix, key_hash) values ('${c1}', 'k', 'vek_x', 'hash');
      insert into realtime.messages (topic, extension, event, payload) values
        ('customer:${c1}', 'broadcast', 'task.updated', '{}'), ('customer:${c1}', 'presence', 'sync', '{}');
    `);
  });
  afterAll(async () => {
    await pg?.end();
    await db?.drop();
  });

  it('puts tasks, messages and ves in the supabase_realtime publication', async () => {
    const { rows } = await pg.query<{ tablename: string }>(
      `select tablename from pg_publication_tables where pubname = 'supabase_realtime' order by tablename`,
    );
    expect(rows.map((r) => r.tablename)).toEqual(['messages', 'tasks', 'ves']);
  });

  it('enables row-level security on every public table', async () => {
    const { rows } = await pg.query<{ relname: string }>(
      `select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind = 'r' and not c.relrowsecurity`,
    );
    expect(rows).toEqual([]);
  });

  it("shows a member its customer's tasks, messages and VEs, and nothing else", async () => {
    for (const table of ['tasks', 'messages', 'ves']) {
      const rows = await as<{ customer_id: string }>(
        'authenticated',
        member,
        `select customer_id from ${table}`,
      );
      expect(rows.map((r) => r.customer_id)).toEqual([c1]);
    }
    const stranger = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
    expect(await as('authenticated', stranger, 'select id from tasks')).toEqual([]);
  });

  it("hides a task's push token (the agent's credential) from members, every other column readable", async () => {
    const rows = await as<{ title: string; status: string }>(
      'authenticated',
      member,
      'select id, title, status, result, created_at from tasks',
    );
    expect(rows.map((r) => r.title)).toEqual(['mine']);
    await expect(as('authenticated', member, 'select push_token from tasks')).rejects.toThrow(
      /permission denied/,
    );
    await expect(as('authenticated', member, 'select * from tasks')).rejects.toThrow(
      /permission denied/,
    );
  });

  it('gives the anon key and members no access to the other tables (keys, members, customers)', async () => {
    for (const table of [
      'api_keys',
      'customer_members',
      'customers',
      'webhook_endpoints',
      'token_usage',
    ]) {
      expect(await as('authenticated', member, `select * from ${table}`)).toEqual([]);
      expect(await as('anon', null, `select * from ${table}`)).toEqual([]);
    }
    await expect(as('anon', null, 'select id from tasks')).rejects.toThrow(/permission denied/);
  });

  it("admits a member to its customer's private Realtime channel only (broadcast)", async () => {
    // Realtime authorises a join by selecting from realtime.messages with the joined topic set.
    const query = 'select extension from realtime.messages';
    const own = await as<{ extension: string }>('authenticated', member, query, `customer:${c1}`);
    expect(own.length).toBeGreaterThan(0);
    expect(new Set(own.map((r) => r.extension))).toEqual(new Set(['broadcast']));
    expect(await as('authenticated', member, query, `customer:${c2}`)).toEqual([]);
    expect(await as('authenticated', member, query, 'customer:not-a-uuid')).toEqual([]);
    expect(await as('anon', null, query, `customer:${c1}`)).toEqual([]);
  });
});
