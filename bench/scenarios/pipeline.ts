import { Queue, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { percentile } from '../lib/processes';

export interface PipelineResult {
  tasks: number;
  tasksPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Tasks of one run: titled `<label> …` (a label per run), so a phase never counts the tail of the
 * one before it (`since` alone did: tasks created just before a run started are another run's).
 */
async function latencies(databaseUrl: string, customerId: string, since: Date, label: string) {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const { rows } = await pg.query<{ ms: number; created: Date; done: Date }>(
    `select extract(epoch from (completed_at - created_at)) * 1000 as ms, created_at as created, completed_at as done
     from tasks where customer_id = $1 and created_at >= $2 and status = 'completed' and parent_task_id is null
       and title like $3`,
    [customerId, since, `${label} %`],
  );
  await pg.end();
  return rows.map((r) => ({
    ms: Number(r.ms),
    created: r.created.getTime(),
    done: r.done.getTime(),
  }));
}

async function waitCompleted(
  databaseUrl: string,
  customerId: string,
  since: Date,
  label: string,
  n: number,
  timeoutMs: number,
) {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const until = Date.now() + timeoutMs;
  try {
    for (;;) {
      const { rows } = await pg.query<{ done: string; failed: string }>(
        `select count(*) filter (where status = 'completed') as done, count(*) filter (where status = 'failed') as failed
         from tasks where customer_id = $1 and created_at >= $2 and title like $3`,
        [customerId, since, `${label} %`],
      );
      const done = Number(rows[0]!.done) + Number(rows[0]!.failed);
      if (done >= n) {
        if (Number(rows[0]!.failed)) throw new Error(`${rows[0]!.failed} tasks failed`);
        return;
      }
      if (Date.now() > until)
        throw new Error(`only ${done}/${n} tasks finished in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await pg.end();
  }
}

function summarise(rows: { ms: number; created: number; done: number }[]): PipelineResult {
  const ms = rows.map((r) => r.ms).sort((a, b) => a - b);
  const first = Math.min(...rows.map((r) => r.created));
  const last = Math.max(...rows.map((r) => r.done));
  return {
    tasks: rows.length,
    tasksPerSec: Math.round((rows.length * 1000) / Math.max(1, last - first)),
    p50Ms: Math.round(percentile(ms, 50)),
    p99Ms: Math.round(percentile(ms, 99)),
  };
}

/** Creates `n` tasks through the bulk API as fast as it accepts them; measures until all completed. */
export async function saturate(
  baseUrl: string,
  databaseUrl: string,
  auth: { apiKey: string; customerId: string; veId: string },
  n: number,
) {
  const since = new Date(Date.now() - 1000);
  const label = `run-${randomUUID().slice(0, 8)}`;
  const headers = { authorization: `Bearer ${auth.apiKey}`, 'content-type': 'application/json' };
  const batch = 250;
  const posts: Promise<void>[] = [];
  for (let i = 0; i < n; i += batch) {
    const tasks = Array.from({ length: Math.min(batch, n - i) }, (_, k) => ({
      title: `${label} bench ${i + k}`,
      veId: auth.veId,
    }));
    posts.push(
      fetch(`${baseUrl}/api/tasks/bulk`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ tasks }),
      }).then(async (res) => {
        if (res.status !== 201) throw new Error(`bulk answered ${res.status}: ${await res.text()}`);
      }),
    );
    if (posts.length >= 4) await Promise.all(posts.splice(0));
  }
  await Promise.all(posts);
  await waitCompleted(databaseUrl, auth.customerId, since, label, n, 300_000);
  return summarise(await latencies(databaseUrl, auth.customerId, since, label));
}

/** Creates tasks one by one at `rate` per second for `seconds`; measures create→completed. */
export async function paced(
  baseUrl: string,
  databaseUrl: string,
  auth: { apiKey: string; customerId: string; veId: string },
  rate: number,
  seconds: number,
) {
  const since = new Date(Date.now() - 1000);
  const label = `run-${randomUUID().slice(0, 8)}`;
  const headers = { authorization: `Bearer ${auth.apiKey}`, 'content-type': 'application/json' };
  const total = rate * seconds;
  const start = Date.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      fetch(`${baseUrl}/api/tasks`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ title: `${label} paced ${i}`, veId: auth.veId }),
      }).then(async (res) => {
        if (res.status !== 201)
          throw new Error(`create answered ${res.status}: ${await res.text()}`);
      }),
    );
  }
  await Promise.all(inflight);
  await waitCompleted(databaseUrl, auth.customerId, since, label, total, 120_000);
  return summarise(await latencies(databaseUrl, auth.customerId, since, label));
}

/** The floor: raw BullMQ add + process of prioritised no-op jobs, same Redis, same run. */
export async function bullmqFloor(
  redisUrl: string,
  prefix: string,
  n: number,
): Promise<{ jobsPerSec: number }> {
  const connection = { url: redisUrl };
  const queue = new Queue('floor', { prefix, connection });
  let done = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const worker = new Worker('floor', async () => undefined, {
    prefix,
    connection: { ...connection, maxRetriesPerRequest: null },
    concurrency: 50,
  });
  worker.on('completed', () => {
    if (++done === n) resolveAll();
  });
  const start = Date.now();
  for (let i = 0; i < n; i += 500) {
    await queue.addBulk(
      Array.from({ length: Math.min(500, n - i) }, (_, k) => ({
        name: 'noop',
        data: { i: i + k },
        opts: { priority: 1 + ((i + k) % 4), removeOnComplete: true },
      })),
    );
  }
  await all;
  const elapsed = Date.now() - start;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return { jobsPerSec: Math.round((n * 1000) / elapsed) };
}
