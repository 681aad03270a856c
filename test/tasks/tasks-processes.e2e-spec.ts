import { Queue } from 'bullmq';
import { Kysely, PostgresDialect } from 'kysely';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import type { Database } from '../../src/database/database.types';
import { AppProcess, baseEnv, ROOT, tempDir } from '../foundation/support/processes';
import { freePort, freshDatabase, freshPrefix, REDIS_URL } from '../helpers/resources';
import { ADMIN_KEY, WEBHOOK_SECRET } from '../helpers/test-app';
import {
  completedTwice,
  eventually,
  seedCustomer,
  type Seeded,
  statusCounts,
} from './support/fixtures';

/** Compiles src/ to dist/ (incrementally): the apps below run the build, as in production. */
function build(): void {
  const tsc = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  // Type errors elsewhere in the tree do not stop emit; a stale or missing output of this domain does.
  const sources = readdirSync(join(ROOT, 'src', 'tasks')).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'),
  );
  for (const file of ['main.ts', 'worker.ts', ...sources.map((f) => join('tasks', f))]) {
    const out = join(ROOT, 'dist', file.replace(/\.ts$/, '.js'));
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(join(ROOT, 'src', file)).mtimeMs) {
      throw new Error(`${out} is missing or older than its source after tsc:\n${tsc.stdout}`);
    }
  }
}

describe('Two real processes: the API (RUN_MODE=api) and a worker-only app (RUN_MODE=worker)', () => {
  const prefix = freshPrefix();
  const dir = tempDir('ve-tasks-');
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let kysely: Kysely<Database>;
  let api: AppProcess;
  let apiBase: string;
  let common: Record<string, string>;
  const workers: AppProcess[] = [];
  let c: Seeded;

  async function startWorker(extra: Record<string, string> = {}): Promise<AppProcess> {
    const port = await freePort();
    const w = new AppProcess(
      'worker.js',
      baseEnv({ ...common, RUN_MODE: 'worker', WORKER_PORT: String(port), ...extra }),
      dir.path,
    );
    workers.push(w);
    await w.waitForStatus(`http://127.0.0.1:${port}/health/ready`, 200, 120_000);
    return w;
  }

  const post = (path: string, body?: unknown) =>
    fetch(apiBase + path, {
      method: 'POST',
      headers: {
        'x-api-key': ADMIN_KEY,
        'x-customer-id': c.customerId,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function createTasks(titles: string[]): Promise<string[]> {
    const res = await post('/api/tasks/bulk', {
      tasks: titles.map((title) => ({ title, veId: c.ves[0]!.id })),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { items: Array<{ id: string }> }).items.map((i) => i.id);
  }

  beforeAll(async () => {
    build();
    db = await freshDatabase();
    const apiPort = await freePort();
    apiBase = `http://127.0.0.1:${apiPort}`;
    common = {
      DATABASE_URL: db.url,
      REDIS_URL: REDIS_URL(),
      BULLMQ_PREFIX: prefix.prefix,
      ADMIN_API_KEY: ADMIN_KEY,
      WEBHOOK_SECRET,
      // The worker reaches the sandbox agent, served by the API process.
      PUBLIC_URL: apiBase,
      K8S_MODE: 'dry-run',
      PORT: String(apiPort),
    };
    api = new AppProcess('main.js', baseEnv({ ...common, RUN_MODE: 'api' }), dir.path);
    await api.waitForStatus(`${apiBase}/health/ready`, 200, 120_000);
    const pool = new Pool({ connectionString: db.url, max: 2 });
    // An idle client cut by the server (a dropped database, a restart) must not crash the test process.
    pool.on('error', () => undefined);
    kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    c = await seedCustomer(kysely);
  }, 300_000);

  afterAll(async () => {
    for (const w of workers) await w.kill();
    await api?.kill();
    await kysely?.destroy();
    await prefix.clean();
    await db?.drop();
    dir.cleanup();
  });

  it('completes tasks together: the API only produces, the worker consumes', async () => {
    const worker = await startWorker();
    const ids = await createTasks(Array.from({ length: 20 }, (_, i) => `Together ${i}`));
    await eventually(
      async () =>
        (await statusCounts(kysely, c.customerId)).completed === ids.length ? true : undefined,
      120_000,
      'the worker to complete the tasks',
    );
    // Only the worker process consumes the tasks queue.
    const queue = new Queue('tasks', { connection: { url: REDIS_URL() }, prefix: prefix.prefix });
    try {
      expect(await queue.getWorkersCount()).toBe(1);
    } finally {
      await queue.close();
    }
    expect(api.output()).not.toMatch(/TaskRunner|TaskOutcomes/);
    await worker.kill();
  }, 240_000);

  it('loses no task and completes none twice when the worker is killed -9 mid-batch', async () => {
    const first = await startWorker({ TASKS_CONCURRENCY: '5' });
    const ids = await createTasks(
      Array.from({ length: 40 }, (_, i) => `Survive a crash ${i} [slow:700]`),
    );
    await eventually(
      async () => {
        const counts = await statusCounts(kysely, c.customerId);
        return (counts.completed ?? 0) >= 20 + 5 && (counts.in_progress ?? 0) > 0
          ? true
          : undefined;
      },
      120_000,
      'some tasks done and some running',
    );
    first.signal('SIGKILL');
    expect(await first.waitForExit(10_000)).toMatchObject({ signal: 'SIGKILL' });
    const second = await startWorker({ TASKS_CONCURRENCY: '5' });
    // The killed worker's jobs come back through BullMQ's stalled-job check (lock 30 s, check every 30 s).
    await eventually(
      async () => {
        const done = await kysely
          .selectFrom('tasks')
          .select('id')
          .where('id', 'in', ids)
          .where('status', '=', 'completed')
          .execute();
        return done.length === ids.length ? true : undefined;
      },
      180_000,
      'every task of the batch to complete after the crash',
    );
    expect(await completedTwice(kysely)).toEqual([]);
    const requeued = await kysely
      .selectFrom('task_events')
      .select('task_id')
      .where('task_id', 'in', ids)
      .where('type', '=', 'requeued')
      .execute();
    expect(requeued.length).toBeGreaterThan(0); // the runs the crash interrupted were started over
    await second.kill();
  }, 400_000);

  it('cancels a task running in the worker process from the API process', async () => {
    const worker = await startWorker();
    const [id] = await createTasks(['Long haul [slow:8000]']);
    await eventually(async () => {
      const row = await kysely
        .selectFrom('tasks')
        .select('status')
        .where('id', '=', id!)
        .executeTakeFirst();
      return row?.status === 'in_progress' ? true : undefined;
    }, 60_000);
    const started = Date.now();
    const res = await post(`/api/tasks/${id}/cancel`);
    expect(res.status).toBe(200);
    // The worker aborts the agent call (Redis pub/sub → BullMQ cancelJob) instead of waiting 8 s.
    const queue = new Queue('tasks', { connection: { url: REDIS_URL() }, prefix: prefix.prefix });
    try {
      const job = await eventually(async () => {
        const j = await queue.getJob(id!);
        return j?.finishedOn ? j : undefined;
      }, 30_000);
      expect(job.returnvalue).toMatchObject({ status: 'cancelled' });
      expect(job.finishedOn! - started).toBeLessThan(6_000);
    } finally {
      await queue.close();
    }
    await worker.kill();
  }, 120_000);

  it('lets in-flight tasks finish on SIGTERM, then exits 0', async () => {
    const worker = await startWorker();
    const ids = await createTasks(['Finish me [slow:3000]', 'Me too [slow:3000]']);
    await eventually(async () => {
      const running = await kysely
        .selectFrom('tasks')
        .select('id')
        .where('id', 'in', ids)
        .where('status', '=', 'in_progress')
        .execute();
      return running.length === ids.length ? true : undefined;
    }, 60_000);
    worker.signal('SIGTERM');
    expect(await worker.waitForExit(30_000)).toEqual({ code: 0, signal: null });
    const rows = await kysely.selectFrom('tasks').select('status').where('id', 'in', ids).execute();
    expect(rows.map((r) => r.status)).toEqual(['completed', 'completed']);
  }, 180_000);
});
