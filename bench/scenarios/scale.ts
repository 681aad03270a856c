import { Client } from 'pg';
import { hashApiKey } from '../../src/auth/api-key';
import { runLoad } from '../lib/load';

export interface ScaleResult {
  tasksRows: number;
  usageRows: number;
  listReqPerSec: number;
  listP50Ms: number;
  listP99Ms: number;
  listFilteredP99Ms: number;
  listNextPageP99Ms: number;
  summaryP50Ms: number;
  summaryP99Ms: number;
}

const CUSTOMERS = 5;

/**
 * Fills the database with one million tasks over several customers and one million usage rows
 * for one customer (ledger + the rollups the app keeps), then measures the list and summary routes.
 */
export async function seedScale(
  databaseUrl: string,
  opts: { tasks: number; usage: number; period: string },
) {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const ids: string[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const { rows } = await pg.query<{ id: string }>(
      `insert into customers (name, slug, namespace, plan, status) values ($1, $2, $3, 'pro', 'active') returning id`,
      [`Scale ${i}`, `scale-${i}`, `customer-scale-${i}`],
    );
    ids.push(rows[0]!.id);
  }
  const key = `vek_bench_scale_${Date.now()}_key_material_0123456789`;
  await pg.query(
    `insert into api_keys (customer_id, name, prefix, key_hash) values ($1, 'bench', $2, $3)`,
    [ids[0], key.slice(0, 12), hashApiKey(key)],
  );
  const { rows: ve } = await pg.query<{ id: string }>(
    `insert into ves (customer_id, name, role, agent_name, namespace, model, status)
     values ($1, 'Scale VE', 'analyst', 'scale-ve', 'customer-scale-0', 'gpt-4o-mini', 'ready') returning id`,
    [ids[0]],
  );
  // Tasks: spread over customers (the first holds 40%) and over 90 days; statuses mixed.
  await pg.query(
    `insert into tasks (customer_id, title, status, priority, ve_id, created_at, updated_at)
     select case when g % 5 < 2 then $1::uuid else ($2::uuid[])[1 + g % 4] end,
            'task ' || g,
            (array['completed','completed','completed','failed','queued','in_progress'])[1 + g % 6],
            (array['urgent','high','medium','low'])[1 + g % 4],
            case when g % 5 < 2 then $3::uuid else null end,
            now() - (g || ' seconds')::interval * 7.776,
            now() - (g || ' seconds')::interval * 7.776
     from generate_series(1, $4::int) g`,
    [ids[0], ids.slice(1), ve[0]!.id, opts.tasks],
  );
  // Usage ledger for one customer in one month, then the rollups exactly as the app keeps them.
  const start = `${opts.period}-01`;
  await pg.query(
    `insert into token_usage (customer_id, ve_id, task_id, model, input_tokens, output_tokens, cost_micros, source, source_event_id, occurred_at)
     select $1::uuid, case when g % 3 = 0 then null else $2::uuid end, null,
            (array['gpt-4o-mini','gpt-4o','claude-sonnet-4-5'])[1 + g % 3],
            100 + g % 900, 50 + g % 400, 100 + g % 1000, 'bench', 'bench:' || g,
            $3::date + ((g % (28 * 24 * 60)) || ' minutes')::interval
     from generate_series(1, $4::int) g`,
    [ids[0], ve[0]!.id, start, opts.usage],
  );
  await pg.query(
    `insert into usage_daily (customer_id, day, ve_id, model, input_tokens, output_tokens, cost_micros, events)
     select customer_id, (occurred_at at time zone 'UTC')::date,
            coalesce(ve_id, '00000000-0000-0000-0000-000000000000'), model,
            sum(input_tokens), sum(output_tokens), sum(cost_micros), count(*)
     from token_usage where customer_id = $1 group by 1, 2, 3, 4`,
    [ids[0]],
  );
  // Steady state: what autovacuum would have done to the freshly bulk-loaded tables (visibility
  // map, hint bits, statistics) before the measurement, not in the middle of it.
  await pg.query('vacuum analyze');
  await pg.end();
  return { customerId: ids[0]!, apiKey: key };
}

/** A database seeded by an earlier run: a fresh API key for its first customer. */
export async function reuseSeeded(databaseUrl: string) {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const { rows } = await pg.query<{ id: string }>(
    `select id from customers where slug = 'scale-0'`,
  );
  if (!rows[0]) throw new Error('BENCH_SCALE_DB has no seeded customer scale-0');
  const key = `vek_bench_scale_${Date.now()}_key_material_0123456789`;
  await pg.query(
    `insert into api_keys (customer_id, name, prefix, key_hash) values ($1, 'bench', $2, $3)`,
    [rows[0].id, key.slice(0, 12), hashApiKey(key)],
  );
  await pg.end();
  return { customerId: rows[0].id, apiKey: key };
}

export async function measureScale(
  baseUrl: string,
  auth: { apiKey: string },
  opts: { tasks: number; usage: number; period: string; durationSec: number },
): Promise<ScaleResult> {
  const headers = { authorization: `Bearer ${auth.apiKey}` };
  const first = await fetch(`${baseUrl}/api/tasks?limit=50`, { headers });
  if (!first.ok) throw new Error(`GET /api/tasks answered ${first.status}: ${await first.text()}`);
  const page = (await first.json()) as { nextCursor: string | null };
  const list = await runLoad({
    url: `${baseUrl}/api/tasks?limit=50`,
    headers,
    connections: 8,
    durationSec: opts.durationSec,
  });
  const filtered = await runLoad({
    url: `${baseUrl}/api/tasks?limit=50&status=failed`,
    headers,
    connections: 8,
    durationSec: opts.durationSec,
  });
  const next = await runLoad({
    url: `${baseUrl}/api/tasks?limit=50&cursor=${page.nextCursor}`,
    headers,
    connections: 8,
    durationSec: opts.durationSec,
  });
  const summaryUrl = `${baseUrl}/api/billing/summary?period=${opts.period}`;
  const check = await fetch(summaryUrl, { headers });
  if (!check.ok) throw new Error(`GET summary answered ${check.status}: ${await check.text()}`);
  const summary = await runLoad({
    url: summaryUrl,
    headers,
    connections: 8,
    durationSec: opts.durationSec,
  });
  for (const [name, r] of Object.entries({ list, filtered, next, summary })) {
    if (r.non2xx || r.errors) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  }
  return {
    tasksRows: opts.tasks,
    usageRows: opts.usage,
    listReqPerSec: list.reqPerSec,
    listP50Ms: list.p50Ms,
    listP99Ms: list.p99Ms,
    listFilteredP99Ms: filtered.p99Ms,
    listNextPageP99Ms: next.p99Ms,
    summaryP50Ms: summary.p50Ms,
    summaryP99Ms: summary.p99Ms,
  };
}
