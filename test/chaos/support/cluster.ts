import { Queue } from 'bullmq';
import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { ADMIN_KEY, WEBHOOK_SECRET } from '../../helpers/test-app';
import { freshDatabase } from '../../helpers/resources';
import {
  AppProcess,
  baseEnv,
  freePort,
  PrivateRedis,
  tempDir,
  until,
} from '../../foundation/support/processes';

/**
 * A small real deployment for fault injection: a private redis-server, a fresh Postgres
 * database, an API process (RUN_MODE=api) and a worker process (RUN_MODE=worker).
 */
export class Cluster {
  api!: AppProcess;
  worker!: AppProcess;
  redis!: PrivateRedis;
  env!: Record<string, string>;
  apiUrl!: string;
  workerUrl!: string;
  databaseUrl!: string;
  private dropDb!: () => Promise<void>;
  private dir = tempDir('ve-chaos-');

  static async start(extra: Record<string, string> = {}): Promise<Cluster> {
    const c = new Cluster();
    c.redis = await PrivateRedis.start();
    const db = await freshDatabase();
    c.databaseUrl = db.url;
    c.dropDb = db.drop;
    const port = await freePort();
    const workerPort = await freePort();
    c.apiUrl = `http://127.0.0.1:${port}`;
    c.workerUrl = `http://127.0.0.1:${workerPort}`;
    c.env = baseEnv({
      DATABASE_URL: db.url,
      REDIS_URL: c.redis.url,
      BULLMQ_PREFIX: `chaos${randomBytes(3).toString('hex')}`,
      ADMIN_API_KEY: ADMIN_KEY,
      WEBHOOK_SECRET,
      PORT: String(port),
      WORKER_PORT: String(workerPort),
      PUBLIC_URL: c.apiUrl,
      K8S_MODE: 'dry-run',
      RATE_LIMIT_PER_MINUTE: '10000000',
      WEBHOOK_RATE_LIMIT_PER_MINUTE: '10000000',
      RECONCILE_INTERVAL_MS: '2000',
      TASK_RECONCILE_GRACE_MS: '1000',
      CUSTOMER_TASK_CONCURRENCY: '200',
      ...extra,
    });
    c.api = new AppProcess('main.js', { ...c.env, RUN_MODE: 'api' }, c.dir.path);
    await c.api.waitForStatus(`${c.apiUrl}/health/ready`, 200, 90_000);
    await c.startWorker();
    return c;
  }

  async startWorker(): Promise<AppProcess> {
    this.worker = new AppProcess('worker.js', { ...this.env, RUN_MODE: 'worker' }, this.dir.path);
    await this.worker.waitForStatus(`${this.workerUrl}/health/ready`, 200, 90_000);
    return this.worker;
  }

  async restartApi(): Promise<void> {
    this.api = new AppProcess('main.js', { ...this.env, RUN_MODE: 'api' }, this.dir.path);
    await this.api.waitForStatus(`${this.apiUrl}/health/ready`, 200, 90_000);
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies of every shape
  ): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = token
      ? { authorization: `Bearer ${token}` }
      : { 'x-api-key': ADMIN_KEY };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.apiUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* keep text */
    }
    return { status: res.status, body: parsed };
  }

  /** What the processes logged as errors (pino level 50+), for failure messages. */
  loggedErrors(): string[] {
    return [...this.api.stdout, ...this.worker.stdout]
      .filter((l) => /"level":(50|60)/.test(l))
      .map((l) => l.slice(0, 600));
  }

  /** Both processes ready (Postgres and Redis answer them): where each scenario starts. */
  async ready(): Promise<void> {
    await this.api.waitForStatus(`${this.apiUrl}/health/ready`, 200, 90_000);
    await this.worker.waitForStatus(`${this.workerUrl}/health/ready`, 200, 90_000);
  }

  /** A customer with an API key and one VE served by the built-in sandbox agent. */
  async tenant(): Promise<{ customerId: string; key: string; veId: string }> {
    const customer = await this.request('POST', '/api/customers', {
      name: `Chaos ${randomBytes(2).toString('hex')}`,
    });
    if (customer.status !== 201)
      throw new Error(`customer: ${customer.status} ${JSON.stringify(customer.body)}`);
    const key = await this.request('POST', `/api/customers/${customer.body.id}/api-keys`, {
      name: 'chaos',
    });
    const ve = await this.request(
      'POST',
      '/api/ves',
      {
        name: 'Chaos Worker',
        role: 'analyst',
        systemPrompt: 'Work.',
        model: 'gpt-4o-mini',
        skills: ['analysis'],
        tools: [],
      },
      key.body.key,
    );
    if (ve.status !== 201) throw new Error(`ve: ${ve.status} ${JSON.stringify(ve.body)}`);
    return { customerId: customer.body.id, key: key.body.key, veId: ve.body.id };
  }

  async sql<R>(text: string, params: unknown[] = []): Promise<R[]> {
    const pg = new Client({ connectionString: this.databaseUrl });
    await pg.connect();
    try {
      return (await pg.query(text, params)).rows as R[];
    } finally {
      await pg.end();
    }
  }

  /** The customer's top-level tasks, of one status or all. */
  async countTasks(customerId: string, status?: string): Promise<number> {
    const [row] = await this.sql<{ n: string }>(
      `select count(*) as n from tasks where customer_id = $1 and parent_task_id is null
       and ($2::text is null or status = $2)`,
      [customerId, status ?? null],
    );
    return Number(row!.n);
  }

  /** The BullMQ job schedulers in the private Redis, as "queue:id". */
  async schedulers(): Promise<string[]> {
    const found: string[] = [];
    for (const name of ['monitoring', 'webhooks']) {
      const queue = new Queue(name, {
        prefix: this.env.BULLMQ_PREFIX,
        connection: { url: this.redis.url, maxRetriesPerRequest: 1, enableOfflineQueue: false },
      });
      queue.on('error', () => undefined);
      try {
        await queue.waitUntilReady();
        for (const s of await queue.getJobSchedulers()) found.push(`${name}:${s.key}`);
      } finally {
        await queue.close().catch(() => undefined);
      }
    }
    return found;
  }

  /** Waits until every task of the customer is completed (fails fast on a failed one). */
  async allCompleted(customerId: string, expected: number, timeoutMs = 300_000): Promise<void> {
    await until(
      `${expected} completed tasks`,
      async () => {
        const [row] = await this.sql<{ done: string; failed: string; total: string }>(
          `select count(*) filter (where status = 'completed') done, count(*) filter (where status = 'failed') failed, count(*) total
           from tasks where customer_id = $1 and parent_task_id is null`,
          [customerId],
        );
        if (Number(row!.failed)) throw new Error(`${row!.failed} tasks failed`);
        return Number(row!.done) >= expected ? true : undefined;
      },
      timeoutMs,
    );
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.api?.kill(), this.worker?.kill()]);
    await this.redis?.stop();
    await this.dropDb?.();
    this.dir.cleanup();
  }
}
